"""Run CP-SAT on a built model: time limit, workers, seed, hints, live progress, stop early.

`RosterSolver(problem, options).solve()` returns the best roster found; `stop()` (from
another thread, or Ctrl-C in the CLI) ends the search and still returns it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ortools.sat.python import cp_model

from roster.domain import Break, Roster, Shift
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.rules_soft import same_shift
from roster.engine.variables import to_datetime
from roster.engine.weights import SCALE


@dataclass
class SolveOptions:
    """How to search: seconds, parallel workers, seed and an optional warm start."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    hint: Roster | None = None
    log: bool = False
    relative_gap: float = 0.0
    warm_start: bool = False
    """Without a hint, first build a roster agent by agent (first_solution) and hint it."""


@dataclass(frozen=True)
class Progress:
    """One improving solution: seconds since the start, objective and bound in points."""

    seconds: float
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


@dataclass
class SolveResult:
    """The roster and how good it is; `roster` is None when none was found."""

    roster: Roster | None
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_seconds: float | None
    penalties: dict[str, float] = field(default_factory=dict)
    progress: list[Progress] = field(default_factory=list)
    variables: int = 0
    constraints: int = 0

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """(objective - bound) / |objective|, 0 when both are 0."""
    if objective == bound:
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1e-9)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, constant: int,
                 on_progress: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.started = started
        self.constant = constant
        self.on_progress = on_progress
        self.history: list[Progress] = []

    def on_solution_callback(self) -> None:
        item = Progress(time.perf_counter() - self.started, self.objective_value / SCALE,
                        self.best_objective_bound / SCALE)
        self.history.append(item)
        if self.on_progress is not None:
            self.on_progress(item)


class RosterSolver:
    """Build once, solve once; `stop()` may be called from another thread at any time."""

    def __init__(self, problem: RosterProblem, options: SolveOptions | None = None,
                 built: BuiltModel | None = None) -> None:
        self.problem = problem
        self.options = options or SolveOptions()
        self.built = built
        self._solver = cp_model.CpSolver()
        self._stopped = threading.Event()

    def stop(self) -> None:
        """End the search early; solve() returns the best roster so far."""
        self._stopped.set()
        self._solver.stop_search()

    def solve(self, on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
        started = time.perf_counter()
        built = self.built or build_model(self.problem)
        self.built = built
        if self.options.hint is not None:
            add_hint(built, self.options.hint)
        elif self.options.warm_start:
            _hint_first_roster(built, self.problem, started + 0.4 * self.options.time_limit)
        solver = self._solver
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, self.options.time_limit
                                         - (time.perf_counter() - started))
        params.num_workers = self.options.workers
        params.random_seed = self.options.seed
        params.log_search_progress = self.options.log
        params.relative_gap_limit = self.options.relative_gap
        callback = _Callback(started, built.objective_constant(), on_progress)
        if self._stopped.is_set():
            params.max_time_in_seconds = 0.01
        code = solver.solve(built.model, callback)
        seconds = time.perf_counter() - started
        proto = built.model.proto
        result = SolveResult(
            roster=None, status=solver.status_name(code), objective=None, bound=None,
            seconds=seconds, first_solution_seconds=(
                callback.history[0].seconds if callback.history else None),
            progress=callback.history, variables=len(proto.variables),
            constraints=len(proto.constraints))
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result.roster = extract_roster(built, solver)
            result.objective = solver.objective_value / SCALE
            result.bound = solver.best_objective_bound / SCALE
            result.penalties = penalties(built, solver)
        return result


def solve_roster(problem: RosterProblem, options: SolveOptions | None = None,
                 on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
    """Build and solve `problem`; the best roster found within the time limit."""
    return RosterSolver(problem, options).solve(on_progress)


def _hint_first_roster(built: BuiltModel, problem: RosterProblem, deadline: float) -> None:
    """Hint an agent-by-agent first roster (see first_solution) built before `deadline`."""
    from roster.engine.first_solution import greedy_options

    chosen, _ = greedy_options(problem, seconds_per_agent=0.5, deadline=deadline)
    picked = set(chosen)
    ctx = built.context
    for i, option in enumerate(ctx.options.options):
        ctx.model.add_hint(ctx.lits[i], 1 if option in picked else 0)


def add_hint(built: BuiltModel, roster: Roster) -> int:
    """Hint every option from `roster` (1 for its shifts, 0 otherwise); return shifts matched."""
    ctx = built.context
    index = {a.id: i for i, a in enumerate(ctx.team.agents)}
    wanted: dict[tuple[int, int], Shift] = {}
    for shift in roster.shifts:
        d = (shift.date - ctx.period.start).days
        if shift.agent_id in index and 0 <= d < ctx.days:
            wanted[index[shift.agent_id], d] = shift
    matched = 0
    for (a, d), indices in ctx.options.by_agent_day.items():
        shift = wanted.get((a, d))
        found = False
        for i in indices:
            hit = shift is not None and not found and same_shift(ctx.option(i), shift, ctx)
            found = found or hit
            ctx.model.add_hint(ctx.lits[i], 1 if hit else 0)
        matched += found
    return matched


def extract_roster(built: BuiltModel, solver: cp_model.CpSolver) -> Roster:
    """The chosen options as domain shifts (one queue per shift, its break if any)."""
    ctx = built.context
    period = ctx.period
    shifts = []
    for i, o in enumerate(ctx.options.options):
        if not solver.boolean_value(ctx.lits[i]):
            continue
        agent = ctx.team.agents[o.agent]
        breaks = []
        if o.break_start is not None:
            begin = to_datetime(period, o.break_start)
            breaks.append(Break(start=begin, end=begin + timedelta(minutes=o.break_length)))
        shifts.append(Shift(agent_id=agent.id, date=ctx.date_of(o.day),
                            start=to_datetime(period, o.start), end=to_datetime(period, o.end),
                            template=o.template, queue=o.queue, breaks=breaks))
    shifts.sort(key=lambda s: (s.date, s.agent_id))
    return Roster(team=ctx.team.settings.name, period=period, shifts=shifts)


def penalties(built: BuiltModel, solver: cp_model.CpSolver) -> dict[str, float]:
    """Objective points per soft rule (constants included)."""
    totals: dict[str, float] = {rule: value / SCALE
                                for rule, value in built.context.constant.items()}
    for term in built.terms:
        totals[term.rule] = totals.get(term.rule, 0.0) + term.coef * solver.value(term.expr) / SCALE
    return {rule: round(value, 2) for rule, value in sorted(totals.items())}
