"""Roster engine at scale: generated teams (two queues, 30-minute grid, breaks, full rules).

    .venv/bin/python benchmarks/roster_scale.py [--sizes 60 300 1000] [--workers 2]
                                         [--no-integer-bound]

Per size: build seconds, first-solution seconds, objective, bound, gap at the size's time
limit (the bound is the linear relaxation's, bound.py, when it finishes in time, else
`solve.trivial_bound`; `--offline-lp` adds the relaxation without a time limit), peak
memory (RSS of this process, via resource), hard violations found by the independent
checker (must be 0); then a repair after one agent's sick day in the 300-agent roster
(seconds and shifts changed). The machine load (1-minute average) is printed with each row
because the machine is shared. `--weekly` instead measures the weekly-pattern relaxation
(weekly.py) alone: its bound and master value per iteration, seconds counted from the
start of the build as in the solve. `--no-integer-bound` turns off the whole-count bound
(integer_bound.py) in the solves.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date, datetime

from roster.checker import check_roster
from roster.domain import PlanningPeriod
from roster.engine.aggregate import solve_relaxation
from roster.engine.bound import lp_bound
from roster.engine.demand import interval_demands
from roster.engine.model import RosterProblem, build_model
from roster.engine.repair import RosterChange, repair_roster
from roster.engine.solve import RosterSolver, SolveOptions, _greedy_values
from roster.engine.weekly import WeeklyRelaxation
from roster.engine.weights import SCALE
from roster.sampledata.synthetic import synthetic_requirements, synthetic_team

START = date(2026, 11, 23)
LIMITS = {60: 30.0, 300: 120.0, 1000: 300.0}
REPAIR_SECONDS = 6.0
"""The repair's solver limit; the target is the whole repair (build included) under 10 s."""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generated_problem(size: int) -> RosterProblem:
    """The generated team of `size` agents, its week on the 30-minute grid and its demand."""
    team = synthetic_team(size, START, seed=size)
    period = PlanningPeriod(start=START, days=7, interval_minutes=30)
    demands = interval_demands(synthetic_requirements(team, period, seed=size))
    return RosterProblem(team, period, demands)


def run(size: int, workers: int, seconds: float,
        integer_bound: bool = False) -> dict[str, object]:
    problem = generated_problem(size)
    team, demands = problem.team, problem.demands
    started = time.perf_counter()
    built = build_model(problem)
    build = time.perf_counter() - started
    solver = RosterSolver(problem, SolveOptions(time_limit=seconds - build, workers=workers,
                                                integer_bound=integer_bound),
                          built=built)
    result = solver.solve()
    violations = check_roster(team, result.roster) if result.roster else None
    gap_at_20 = next((p.gap for p in reversed(result.progress) if p.seconds <= 20 - build), None)
    return {"agents": size, "options": len(built.context.options.options),
            "build_s": round(build, 1), "first_s": result.first_solution_seconds and round(
                result.first_solution_seconds + build, 1),
            "status": result.status, "objective": result.objective, "bound": result.bound,
            "gap": result.gap, "gap_at_20s": gap_at_20, "seconds": round(result.seconds + build, 1),
            "peak_mb": round(peak_mb()), "violations": None if violations is None else len(
                violations), "load": os.getloadavg()[0], "result": result, "team": team,
            "demands": demands, "built": built}


def weekly(size: int, seconds: float) -> None:
    """Build, greedy first roster, class-count relaxation, then column generation until
    `seconds` after the build started; one line per iteration."""
    problem = generated_problem(size)
    started = time.perf_counter()
    built = build_model(problem)
    first = _greedy_values(built, problem, started + 0.3 * seconds)
    relaxed = solve_relaxation(built, seconds, keep=True)
    assert relaxed is not None and relaxed.aggregate is not None
    print(f"{size} agents: class-count bound {relaxed.bound / SCALE:.1f} at "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    relaxation = WeeklyRelaxation(relaxed.aggregate)
    if first is not None:
        relaxation.add_roster(first)
    offset = time.perf_counter() - started
    result = relaxation.run(started + seconds, on_step=lambda s: print(
        f"  {s.seconds + offset:6.1f} s  master {s.master / SCALE:10.1f}  bound "
        f"{s.bound / SCALE:10.1f}  columns {s.columns}", flush=True))
    bound = "-" if result.bound is None else f"{result.bound / SCALE:.1f}"
    print(f"weekly bound {bound}, optimal {result.optimal}, {len(result.steps)} iterations, "
          f"{time.perf_counter() - started:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)


def repair(row: dict[str, object], workers: int) -> dict[str, object]:
    result = row["result"]
    roster = result.roster  # type: ignore[attr-defined]
    sick = next(s for s in roster.shifts if s.date > START)
    change = RosterChange("sick", sick.agent_id, datetime.combine(sick.date, datetime.min.time()))
    started = time.perf_counter()
    fixed = repair_roster(row["team"], roster, [change], row["demands"],  # type: ignore[arg-type]
                          SolveOptions(time_limit=REPAIR_SECONDS, workers=workers))
    seconds = time.perf_counter() - started
    violations = check_roster(fixed.team, fixed.roster) if fixed.roster else None
    return {"seconds": round(seconds, 1), "status": fixed.solve.status,
            "changed": len(fixed.changes), "replanned": len(fixed.replanned),
            "violations": None if violations is None else len(violations),
            "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 300, 1000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=None, help="override time limits")
    parser.add_argument("--offline-lp", action="store_true",
                        help="after each run, the LP bound without time limit (reference gap)")
    parser.add_argument("--no-integer-bound", dest="integer_bound", action="store_false",
                        help="solve without the whole-count bound (integer_bound.py)")
    parser.add_argument("--weekly", action="store_true",
                        help="measure the weekly-pattern relaxation only (bound per iteration)")
    args = parser.parse_args()
    if args.weekly:
        for size in args.sizes:
            weekly(size, args.seconds or LIMITS.get(size, 60.0))
        return
    print("| agents | options | build s | first solution s | status | objective | bound | "
          "gap | gap at 20 s | seconds | peak MB | violations | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        row = run(size, args.workers, args.seconds or LIMITS.get(size, 60.0),
                  args.integer_bound)
        gap = "-" if row["gap"] is None else f"{row['gap']:.2%}"
        gap20 = "-" if row["gap_at_20s"] is None else f"{row['gap_at_20s']:.2%}"
        print(f"| {size} | {row['options']} | {row['build_s']} | {row['first_s']} | "
              f"{row['status']} | {row['objective']} | {row['bound']} | {gap} | {gap20} | "
              f"{row['seconds']} | {row['peak_mb']} | {row['violations']} | "
              f"{row['load']:.1f} |", flush=True)
        if args.offline_lp and row["objective"] is not None:
            started = time.perf_counter()
            bound = lp_bound(row["built"], seconds=3600)  # type: ignore[arg-type]
            if bound is not None:
                objective = float(row["objective"])  # type: ignore[arg-type]
                print(f"offline LP bound ({size} agents): {bound / SCALE:.2f}, gap "
                      f"{(objective - bound / SCALE) / objective:.2%}, "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
        if size == 300 and row["result"].roster is not None:  # type: ignore[attr-defined]
            print(f"repair after a sick day (300 agents): {repair(row, args.workers)}",
                  flush=True)


if __name__ == "__main__":
    main()
