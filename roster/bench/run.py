"""Solve one Curtois & Qu instance with the product's engine and check the result independently."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from roster.bench.curtois import Instance, read_instance, to_problem
from roster.bench.objective import evaluate
from roster.checker import check_roster
from roster.engine.search import SearchOptions, search


@dataclass
class BenchResult:
    """One solved instance: the checked objective next to what the solver claimed."""

    instance: str
    objective: int | None
    solver_objective: float | None
    bound: float | None
    status: str
    seconds: float
    first_solution_seconds: float | None
    hard_violations: int
    best_known: int | None
    build_seconds: float
    violations: list[str]

    @property
    def gap_percent(self) -> float | None:
        """How far above the best known upper bound, in percent."""
        if self.objective is None or not self.best_known:
            return None
        return 100.0 * (self.objective - self.best_known) / self.best_known

    def as_json(self) -> dict[str, object]:
        gap = self.gap_percent
        return {
            "instance": self.instance, "objective": self.objective,
            "solver_objective": self.solver_objective, "bound": self.bound,
            "status": self.status, "seconds": round(self.seconds, 2),
            "first_solution_seconds": (None if self.first_solution_seconds is None
                                       else round(self.first_solution_seconds, 2)),
            "hard_violations": self.hard_violations, "best_known": self.best_known,
            "gap_percent": None if gap is None else round(gap, 2),
            "build_seconds": round(self.build_seconds, 2),
            "violations": self.violations[:20],
        }


def best_known(path: Path) -> int | None:
    """The best known upper bound from `best_known.csv` beside the instance file, if any."""
    table = path.parent / "best_known.csv"
    if not table.is_file():
        return None
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("instance") == path.stem and (row.get("best_known_upper") or "").strip():
                return int(row["best_known_upper"])
    return None


def solve_instance(path: Path, time_limit: float = 60.0, workers: int = 2,
                   seed: int = 0, columns: bool = True) -> BenchResult:
    """Read, map, solve within `time_limit` seconds (build included) and check; `columns`
    runs column generation beside the search (`SearchOptions.columns`)."""
    started = time.perf_counter()
    instance = read_instance(path)
    return solve_parsed(instance, time_limit, workers, seed, best_known(path), started,
                        columns)


def solve_parsed(instance: Instance, time_limit: float, workers: int, seed: int,
                 best: int | None = None, started: float | None = None,
                 columns: bool = True) -> BenchResult:
    started = time.perf_counter() if started is None else started
    problem = to_problem(instance)
    left = time_limit - (time.perf_counter() - started)
    result = search(problem, SearchOptions(time_limit=max(left, 0.1), workers=workers,
                                           seed=seed, columns=columns))
    seconds = time.perf_counter() - started
    if result.roster is None:
        return BenchResult(instance.name, None, None, result.bound, result.status, seconds,
                           None, 0, best, result.build_seconds, [])
    checked = evaluate(instance, result.roster)
    domain = [str(v) for v in check_roster(problem.team, result.roster)]
    violations = checked.violations + domain
    first = result.first_solution_seconds
    return BenchResult(instance.name, checked.objective, result.objective, result.bound,
                       result.status, seconds, first, len(violations), best,
                       result.build_seconds, violations)
