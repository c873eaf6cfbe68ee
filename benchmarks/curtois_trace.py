"""A reproducible LNS trace on one Curtois & Qu instance, for comparing search changes.

    .venv/bin/python benchmarks/curtois_trace.py 8 [--steps 250] [--deterministic 0.5]
        [--seed 0] [--every 25]

The first roster (agent by agent, `first_solution.greedy_options`) is scored on the whole
model; then `engine.lns.Lns` runs its steps one at a time on one thread, each sub-solve
limited in CP-SAT deterministic time instead of wall-clock seconds, so two runs of the same
code give the same trace whatever the machine's load (the first roster itself has a
deterministic budget per agent). Prints the objective and CPU seconds every `--every`
steps, the penalty per rule at the start and the end, and the shift demand left short per
template.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from roster.bench.curtois import read_instance, to_problem
from roster.engine.first_solution import greedy_options
from roster.engine.lns import Incumbent, Lns
from roster.engine.model import build_model
from roster.engine.search import _full_solve
from roster.scenarios.search import _penalties

DEFAULT_DIR = Path("/work/shared/benchmarks/curtois")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("instance", type=int)
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--deterministic", type=float, default=0.5,
                        help="CP-SAT deterministic seconds per sub-solve")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    problem = to_problem(read_instance(args.dir / f"Instance{args.instance}.txt"))
    chosen, _ = greedy_options(problem, 1.0)
    built = build_model(problem)
    index = {o: i for i, o in enumerate(built.context.options.options)}
    values = np.zeros(len(built.context.lits), dtype=np.int8)
    values[[index[o] for o in chosen]] = 1
    _, solver = _full_solve(built, values, 60.0, 1, args.seed, fix=True)
    incumbent = Incumbent(values, round(solver.objective_value))
    print("start", _penalties(built, values), flush=True)
    lns = Lns(built, seed=args.seed, step_seconds=600.0, step_deterministic=args.deterministic)
    rng = random.Random(args.seed)
    cpu = time.process_time()
    for step in range(1, args.steps + 1):
        kind = lns.choose_kind(rng)
        found, objective, solved = lns.step(incumbent, kind, rng, 600.0)
        lns.stats.steps[kind] = lns.stats.steps.get(kind, 0) + 1
        gained = objective is not None and objective < incumbent.objective
        lns._adapt(kind, solved or gained)
        if gained:
            lns.stats.improved[kind] = lns.stats.improved.get(kind, 0) + 1
        if found is not None and objective is not None and objective <= incumbent.objective:
            incumbent = Incumbent(found, objective)
        if step % args.every == 0:
            print(f"step {step}: {incumbent.objective / 100:g} points, "
                  f"{time.process_time() - cpu:.0f} CPU s", flush=True)
    print("steps", lns.stats.steps, "improved", lns.stats.improved)
    print("end", _penalties(built, incumbent.values))
    options = built.context.options.options
    short: Counter[str] = Counter()
    for _, need, rows in lns.cover_rows:
        have = int(incumbent.values[rows].sum())
        if have < need:
            short[options[rows[0]].template] += need - have
    print("short per template", dict(short))


if __name__ == "__main__":
    main()
