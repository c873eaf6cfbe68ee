"""Run CP-SAT on a built model: time limit, workers, seed, hints, live progress, stop early.

`RosterSolver(problem, options).solve()` returns the best roster found; `stop()` (from
another thread, or Ctrl-C in the CLI) ends the search and still returns it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from ortools.sat.python import cp_model

from roster.domain import Break, Roster, Shift
from roster.engine.aggregate import Relaxed, solve_relaxation
from roster.engine.bound import add_bound, lp_bound
from roster.engine.greedy import fill_fallback, greedy_roster, option_costs
from roster.engine.guided import restricted_model, support_mask
from roster.engine.integer_bound import IntegerBound
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.rules_soft import same_shift
from roster.engine.subteam_lns import SubteamLns
from roster.engine.variables import to_datetime
from roster.engine.weights import SCALE

INTEGER_SHARE = 0.4
"""Share of the time left after the relaxation given to the integer bound's thread, which
takes CPU from the search while it runs. 60 agents, 30 s: 0.2 gave 14,823 (HiGHS still
in its root LP), 0.4 gives 14,892-14,902 (root cuts), the whole time 14,902."""


@dataclass
class SolveOptions:
    """How to search: seconds, parallel workers, seed and the warm start.

    Without a hint, a greedy first roster (`greedy`, seconds even for 1,000 agents) is
    hinted to CP-SAT. Models with more than `lns_above` options are not solved whole:
    large-neighbourhood search (`lns`) improves the greedy roster instead, and the bound
    is then unknown.
    """

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    hint: Roster | None = None
    log: bool = False
    relative_gap: float = 0.0
    warm_start: bool = True
    """Without a hint, build a greedy first roster and hint it."""
    lns_above: int = 60_000
    """Options above which LNS replaces the whole-model solve."""
    lp_bound: bool = True
    """Compute a lower bound from a linear relaxation (bound.py) and give it to the solver."""
    guided: bool = True
    """With the relaxation and a first roster, search the model restricted to the
    relaxation's shifts (guided.py) first; the whole model only if that is solved early."""
    integer_bound: bool = True
    """With the relaxation solved, run HiGHS on its whole-count version alongside the
    search (integer_bound.py); its dual bound is reported when higher. It takes CPU from
    the search while it runs: on a quiet machine (60 agents, 30 s) the rosters were as
    good with it as without, on a loaded one often worse; switch it off there."""


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
    """Records each improving solution; `fixed_bound` (points) replaces the solver's bound
    while it solves a restricted model, whose own bound is not the whole model's."""

    def __init__(self, started: float, constant: int,
                 on_progress: Callable[[Progress], None] | None,
                 fixed_bound: float | None = None) -> None:
        super().__init__()
        self.started = started
        self.constant = constant
        self.on_progress = on_progress
        self.fixed_bound = fixed_bound
        self.history: list[Progress] = []

    def on_solution_callback(self) -> None:
        bound = (self.best_objective_bound / SCALE if self.fixed_bound is None
                 else self.fixed_bound)
        item = Progress(time.perf_counter() - self.started, self.objective_value / SCALE, bound)
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
        self._lns: SubteamLns | None = None

    def stop(self) -> None:
        """End the search early; solve() returns the best roster so far."""
        self._stopped.set()
        self._solver.stop_search()
        if self._lns is not None:
            self._lns.stop()

    def solve(self, on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
        started = time.perf_counter()
        built = self.built or build_model(self.problem)
        self.built = built
        first: np.ndarray | None = None
        if self.options.hint is not None:
            add_hint(built, self.options.hint)
            first = hint_array(built, self.options.hint)
        elif self.options.warm_start:
            first = _greedy_values(built, self.problem,
                                   started + 0.3 * self.options.time_limit)
        if first is not None and len(first) > self.options.lns_above and (
                self.options.hint is None):
            result = self._solve_lns(built, first, started, on_progress)
            if result is not None:
                return result
        start_point: cp_model.CpSolver | None = None
        if first is not None:
            # hint every variable (CP-SAT often cannot complete a hint of options only)
            left = self.options.time_limit - (time.perf_counter() - started)
            code, fixed = fixed_solve(built, first, max(2.0, 0.5 * left))
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                start_point = fixed
                early = Progress(time.perf_counter() - started, fixed.objective_value / SCALE,
                                 trivial_bound(built) / SCALE)
                if on_progress is not None:
                    on_progress(early)
                hint_solution(built.model, fixed.response_proto.solution)
            elif self.options.hint is None:
                _hint_values(built, first)
        bound = None
        relaxed: Relaxed | None = None
        if self.options.lp_bound and not self._stopped.is_set():
            left = self.options.time_limit - (time.perf_counter() - started)
            relaxed = solve_relaxation(built, seconds=0.5 * left, keep=True, entries=False)
            if relaxed is not None:
                bound = relaxed.bound
                add_bound(built, bound)
        integer: IntegerBound | None = None
        deadline = started + self.options.time_limit
        if relaxed is not None and relaxed.aggregate is not None and self.options.integer_bound:
            left = deadline - time.perf_counter()
            integer = IntegerBound(relaxed.aggregate, min(left - 1.0, INTEGER_SHARE * left))
        guided = (self.options.guided and relaxed is not None and first is not None
                  and start_point is not None)
        model = built.model
        if guided:
            assert relaxed is not None and first is not None
            model = restricted_model(built, support_mask(built, relaxed, first))
        solver = self._solver
        self._configure(solver, started)
        callback = _Callback(started, built.objective_constant(), on_progress,
                             fixed_bound=bound / SCALE if guided and bound is not None else None)
        if start_point is not None:
            callback.history.append(early)
        code = solver.solve(model, callback)
        if guided and code == cp_model.OPTIMAL and not self._stopped.is_set():
            # optimal within the relaxation's shifts: the whole model, from that roster
            left = self.options.time_limit - (time.perf_counter() - started)
            if left > 0.5:
                whole = cp_model.CpSolver()
                self._solver = whole
                self._configure(whole, started)
                hint_solution(built.model, solver.response_proto.solution)
                callback.fixed_bound = None
                again = whole.solve(built.model, callback)
                if again in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
                        whole.objective_value <= solver.objective_value):
                    code, solver, guided = again, whole, False
        if integer is not None and not (code == cp_model.OPTIMAL and not guided):
            value = integer.wait(deadline - time.perf_counter() + 0.3)
            if value is not None:
                bound = max(bound or value, value)
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
            result.bound = (solver.best_objective_bound if bound is None
                            else max(solver.best_objective_bound, bound)) / SCALE
            result.penalties = penalties(built, solver)
            if guided:  # the restriction's bound and optimality are not the whole model's
                result.status = "FEASIBLE"
                result.bound = max(trivial_bound(built), bound or 0) / SCALE
        elif start_point is not None and (code != cp_model.INFEASIBLE or guided):
            # no solution within the time: the hinted / greedy roster is still a roster
            result.status = "FEASIBLE"
            result.roster = extract_roster(built, start_point)
            result.objective = start_point.objective_value / SCALE
            result.bound = max(trivial_bound(built), bound or 0) / SCALE
            result.penalties = penalties(built, start_point)
            result.first_solution_seconds = result.first_solution_seconds or seconds
        return result

    def _configure(self, solver: cp_model.CpSolver, started: float) -> None:
        """Time left, workers, seed, log, gap and the 2-worker portfolio."""
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, self.options.time_limit
                                         - (time.perf_counter() - started))
        params.num_workers = self.options.workers
        params.random_seed = self.options.seed
        params.log_search_progress = self.options.log
        params.relative_gap_limit = self.options.relative_gap
        params.cp_model_probing_level = 0  # probing cost 3/4 of presolve, found nothing
        if self.options.workers == 2:
            # the default pair (one LP worker + interleaved LNS) left the bound at its start;
            # a full-LP worker and a core-based one raise it (24 agents, 30 s: LP bound 3,515
            # -> 3,701) and find as good rosters from the greedy hint
            params.subsolvers.extend(["max_lp", "core"])
        if self._stopped.is_set():
            params.max_time_in_seconds = 0.01

    def _solve_lns(self, built: BuiltModel, first: np.ndarray, started: float,
                   on_progress: Callable[[Progress], None] | None) -> SolveResult | None:
        """Large models: score the greedy roster, then LNS over small sub-teams
        (subteam_lns) until the time is up.

        The bound reported is the linear relaxation's (bound.py, computed in a thread
        alongside), else `trivial_bound`.
        None when the greedy roster breaks a rule (then the caller solves the whole model).
        """
        deadline = started + self.options.time_limit
        scored_at = time.perf_counter()
        code, solver = fixed_solve(built, first, deadline - scored_at)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        scoring = time.perf_counter() - scored_at
        bounds = [trivial_bound(built)]
        worker = None
        if self.options.lp_bound:
            def relax() -> None:
                value = lp_bound(built, seconds=max(1.0, deadline - time.perf_counter() - 1))
                if value is not None:
                    bounds.append(value)

            worker = threading.Thread(target=relax, daemon=True)
            worker.start()
        history: list[Progress] = []

        def report(objective: int) -> None:
            item = Progress(time.perf_counter() - started, objective / SCALE,
                            max(bounds) / SCALE)
            history.append(item)
            if on_progress is not None:
                on_progress(item)

        objective = [solver.objective_value]
        report(round(objective[0]))
        lns = SubteamLns(self.problem, built, first, seed=self.options.seed)
        self._lns = lns
        if self._stopped.is_set():
            lns.stop()

        def improved(gain: float) -> None:
            objective[0] -= gain  # the small models' gain; the whole is rescored below
            report(round(objective[0]))

        values = lns.run(deadline - 1.5 * scoring - 0.5, self.options.workers, improved)
        if lns.stats.improved:
            again, rescored = fixed_solve(built, values, max(1.0, 3 * scoring))
            if again in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
                    rescored.objective_value <= solver.objective_value):
                code, solver = again, rescored
        if worker is not None:
            worker.join(timeout=max(0.0, deadline - time.perf_counter()))
        proto = built.model.proto
        result = SolveResult(
            roster=None, status="FEASIBLE", objective=None, bound=max(bounds) / SCALE,
            seconds=time.perf_counter() - started, first_solution_seconds=history[0].seconds,
            progress=history, variables=len(proto.variables),
            constraints=len(proto.constraints))
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result.roster = extract_roster(built, solver)
            result.objective = solver.objective_value / SCALE
            result.penalties = penalties(built, solver)
        return result


def hint_solution(model: cp_model.CpModel, solution: Sequence[int]) -> None:
    """Hint every variable of `model` with a complete solution (auxiliaries included)."""
    model.proto.clear_solution_hint()
    model.proto.solution_hint.vars.extend(range(len(solution)))
    model.proto.solution_hint.values.extend(solution)


def trivial_bound(built: BuiltModel) -> int:
    """A lower bound on the objective (solver units) needing no search: the constant terms
    (shortfall nobody can cover) plus the labour cost of each agent's weekly minimum.

    Valid because every soft rule's total is at least its constant part.
    """
    ctx = built.context
    bound = built.objective_constant()
    if not ctx.enabled("labour_cost") or not ctx.enabled("minutes_per_week"):
        return bound
    from roster.engine.rules_hard import _prorated

    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        contract = ctx.team.contract_of(agent)
        for days, full in ctx.week_blocks():
            if full:
                least = _prorated(ctx, agent, contract.min_minutes_per_week, days)
                bound += int(ctx.points("labour_cost", contract.hourly_cost * least / 60))
    return bound


def fixed_solve(built: BuiltModel, values: np.ndarray,
                 seconds: float) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Solve with every option fixed to `values` (scores a roster; INFEASIBLE if it breaks a
    rule)."""
    model = built.model.clone()
    lits = [lit.index for lit in built.context.lits]
    model.proto.clear_solution_hint()
    model.proto.constraints.add().bool_and.literals.extend(
        [i if v else -i - 1 for i, v in zip(lits, values.tolist(), strict=True)])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    return solver.solve(model), solver


def solve_roster(problem: RosterProblem, options: SolveOptions | None = None,
                 on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
    """Build and solve `problem`; the best roster found within the time limit."""
    return RosterSolver(problem, options).solve(on_progress)


def _greedy_values(built: BuiltModel, problem: RosterProblem,
                   deadline: float) -> np.ndarray | None:
    """0/1 per option of a greedy first roster (greedy.py, first_solution for the agents it
    leaves), or None when some agent still has no roster."""
    result = greedy_roster(problem, built.context.options, deadline=deadline,
                           costs=option_costs(built))
    if fill_fallback(problem, result, deadline=deadline):
        return None
    values = np.zeros(len(built.context.lits), dtype=np.int8)
    values[result.chosen] = 1
    return values


def _hint_values(built: BuiltModel, values: np.ndarray) -> None:
    model = built.model
    model.proto.clear_solution_hint()
    model.proto.solution_hint.vars.extend(lit.index for lit in built.context.lits)
    model.proto.solution_hint.values.extend(values.astype(np.int64).tolist())


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
        target = wanted.get((a, d))
        found = False
        for i in indices:
            hit = target is not None and not found and same_shift(ctx.option(i), target, ctx)
            found = found or hit
            ctx.model.add_hint(ctx.lits[i], 1 if hit else 0)
        matched += found
    return matched


def hint_array(built: BuiltModel, roster: Roster) -> np.ndarray:
    """0/1 per option: 1 where `roster` has exactly that shift."""
    ctx = built.context
    index = {a.id: i for i, a in enumerate(ctx.team.agents)}
    values = np.zeros(len(ctx.lits), dtype=np.int8)
    for shift in roster.shifts:
        a = index.get(shift.agent_id)
        d = (shift.date - ctx.period.start).days
        if a is None or not 0 <= d < ctx.days:
            continue
        for i in ctx.day_options(a, d):
            if same_shift(ctx.option(i), shift, ctx):
                values[i] = 1
                break
    return values


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
