"""Column generation alone on Curtois instances: its lower bound and its master roster.

For each instance: the agent-by-agent first roster, then `ColumnGeneration` from it on one
thread until no column prices out (or `--limit` seconds), then the master MIP for
`--mip-seconds`. Prints one JSON line per instance: the bound (points, rounded up to a
value the objective can take), rounds, columns, seconds to converge
(`generation_seconds`) and in all, the master roster's objective (scored on the whole
model) and the best known.

    .venv/bin/python benchmarks/curtois_columns.py --instances 1-9 --limit 90 --mip-seconds 20
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from curtois import DEFAULT_DIR, parse_instances  # benchmarks/curtois.py, beside this
from ortools.sat.python import cp_model

from roster.bench.curtois import read_instance, to_problem
from roster.bench.run import best_known
from roster.engine.columns import ColumnGeneration, round_up
from roster.engine.first_solution import greedy_options
from roster.engine.model import build_model
from roster.engine.search import _full_solve
from roster.engine.weights import SCALE


def measure(n: int, limit: float, mip_seconds: float) -> dict[str, object]:
    path = DEFAULT_DIR / f"Instance{n}.txt"
    problem = to_problem(read_instance(path))
    built = build_model(problem)
    chosen, _ = greedy_options(problem, 1.0, deadline=time.perf_counter() + 20)
    index = {o: i for i, o in enumerate(built.context.options.options)}
    first = np.zeros(len(built.context.lits), dtype=np.int8)
    first[[index[o] for o in chosen]] = 1
    began = time.perf_counter()
    generation = ColumnGeneration(built)
    generation.add_roster(first)
    bound, rounds, converged = generation.generate(began + limit)
    generated = time.perf_counter() - began
    mip = generation.recombine(mip_seconds)
    seconds = time.perf_counter() - began
    master = None
    if mip is not None:
        code, solver = _full_solve(built, mip[0], 10.0, 1, 0, fix=True)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # else the roster breaks a rule
            master = round(solver.objective_value) / SCALE
    rounded = None if bound is None else round_up(built.model, bound) / SCALE
    return {"instance": f"Instance{n}", "best_known": best_known(path), "bound": rounded,
            "converged": converged, "rounds": rounds, "columns": len(generation.columns),
            "master_objective": master, "generation_seconds": round(generated, 1),
            "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=parse_instances, default="1-9")
    parser.add_argument("--limit", type=float, default=90.0,
                        help="seconds of column generation at most")
    parser.add_argument("--mip-seconds", type=float, default=20.0)
    args = parser.parse_args()
    for n in args.instances:
        print(json.dumps(measure(n, args.limit, args.mip_seconds)), flush=True)


if __name__ == "__main__":
    main()
