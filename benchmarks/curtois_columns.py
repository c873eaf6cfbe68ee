"""Column generation alone on Curtois instances: its lower bound, a dive and the master MIP.

For each instance: the agent-by-agent first roster, then `ColumnGeneration` from it on one
thread until no column prices out (or `--limit` seconds), then one dive on the master LP
(`ColumnGeneration.dive`, at most `--dive-seconds`), then the master MIP for
`--mip-seconds`. Prints one JSON line per instance: the bound (points, rounded up to a
value the objective can take), rounds, columns, seconds to converge
(`generation_seconds`), the dive's roster and seconds, the master roster's objective (each
scored on the whole model), seconds in all, and the best known.

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


def scored(built, values: np.ndarray | None) -> float | None:
    """The roster's objective on the whole model (None when there is none, or it breaks a
    rule)."""
    if values is None:
        return None
    code, solver = _full_solve(built, values, 10.0, 1, 0, fix=True)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return round(solver.objective_value) / SCALE


def measure(n: int, limit: float, dive_seconds: float, mip_seconds: float
            ) -> dict[str, object]:
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
    dive_began = time.perf_counter()
    dived = generation.dive(dive_began + dive_seconds)
    dive_took = time.perf_counter() - dive_began
    mip = generation.recombine(mip_seconds)
    seconds = time.perf_counter() - began
    rounded = None if bound is None else round_up(built.model, bound) / SCALE
    return {"instance": f"Instance{n}", "best_known": best_known(path), "bound": rounded,
            "converged": converged, "rounds": rounds, "columns": len(generation.columns),
            "dive_objective": scored(built, None if dived is None else dived[0]),
            "dive_seconds": round(dive_took, 1),
            "master_objective": scored(built, None if mip is None else mip[0]),
            "generation_seconds": round(generated, 1),
            "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=parse_instances, default="1-9")
    parser.add_argument("--limit", type=float, default=90.0,
                        help="seconds of column generation at most")
    parser.add_argument("--dive-seconds", type=float, default=60.0,
                        help="seconds of the dive at most")
    parser.add_argument("--mip-seconds", type=float, default=20.0)
    args = parser.parse_args()
    for n in args.instances:
        print(json.dumps(measure(n, args.limit, args.dive_seconds, args.mip_seconds)), flush=True)


if __name__ == "__main__":
    main()
