"""The strong search: first roster, a full CP-SAT run for the bound, then LNS to the deadline.

1. a first roster agent by agent (`first_solution`), or the options of a hint roster; on
   models over `whole_lp_up_to` options with shift demand and a binding weekend limit, a
   HiGHS plan of the weekend days steers it and the first part of the LNS (`weekend_plan`);
2. build the model once, and score that roster on it;
3. the full model with that roster as hint, all workers, for a share of the time — small
   problems end here, proved optimal; it also gives the lower bound (skipped above
   `full_solve_up_to` options);
4. large-neighbourhood search (`lns`) from the best roster until the time is up; with 2
   workers or more on a model up to `whole_lp_up_to` options, one of them keeps solving
   the whole model (full linear relaxation) beside the LNS, feeding it rosters, until that
   stops paying (`SearchOptions.patience_share`); with `SearchOptions.columns`, where the
   model splits into one schedule per agent plus shift cover, that worker first generates
   schedules (`columns`): a far tighter bound, and rosters from diving on their LP; it
   gives up early when its first rounds say it will not converge in time.

`search(problem, options)` returns a `SearchResult` with the roster, objective and bound in
points (like `solve.SolveResult`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from roster.domain import Roster
from roster.engine.columns import ColumnGeneration, decomposable, round_up
from roster.engine.demand import ShiftDemand
from roster.engine.first_solution import PATTERN_FIRST_DAYS, greedy_options
from roster.engine.lns import Incumbent, Lns, LnsStats
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.solve import Progress, extract_roster, hint_array
from roster.engine.weekend_plan import (
    WeekendPlan,
    guidance,
    guide_by_agent,
    guided_model,
    plan_weekends,
)
from roster.engine.weights import SCALE

log = logging.getLogger(__name__)


@dataclass
class SearchOptions:
    """Seconds in all (build included), workers (threads), seed, warm start, phase shares."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    hint: Roster | None = None
    first_share: float = 0.4
    """Share of the time the agent-by-agent first roster may take."""
    full_share: float = 0.1
    """Share of the time for the full model before LNS (all of it when `lns` is off)."""
    full_solve_up_to: int = 20_000
    """Options above which the full-model phase is skipped (LNS only, bound unknown): on
    Curtois Instance13 (39,936 options) the phase took 4,644 points to 4,627 in a 100 s
    run where the LNS then took 4,627 to 3,005 in 35 s, and its bound was 202 against a
    best known 1,348."""
    whole_lp_up_to: int = 20_000
    """Options up to which the 2-worker full-model phase uses CP-SAT's full-LP worker and
    the whole model runs beside the LNS (larger LPs cost more than they give)."""
    lns: bool = True
    patience_share: float = 0.1
    """With 2 workers or more, the whole model runs beside the LNS on one of them until
    neither its rosters nor its bound have improved for this share of the time limit."""
    seconds_per_agent: float = 1.0
    """Time cap of each agent's model while building the first roster."""
    step_seconds: float = 2.0
    """Time cap of one LNS sub-solve (at least 4x the time to score a roster on big models)."""
    weekend_plan: bool = True
    """With shift demand over up to 8 weeks, on models over `whole_lp_up_to` options (where
    the whole model, whose linear relaxation sees the weekend packing, does not run beside
    the LNS), plan the weekend days first (`weekend_plan`) and steer the first roster and
    the first `guided_share` of the LNS by the plan. On Curtois Instance14 (3,572 options,
    300 s) a planned first roster ended at 1,395 against 1,287 without."""
    columns: bool = True
    """With 2 workers or more, on models up to `whole_lp_up_to` options over up to 8 weeks
    that split into one schedule per agent plus shift demand (`columns.decomposable`), the
    worker beside the LNS first runs column generation (`_ColumnsAlongside`). Its bound is
    far tighter (Curtois Instance5: 1,141 against CP-SAT's 750-1,040, best known 1,143;
    Instance4: 1,716, the best known, so the search stops there; at 300 s it proves
    Instance10 and 11 optimal), and its dives get Instance5 at 60 s within 1% of the best
    known on 9 seeds of 9 against 9 of 13 without. Where it cannot converge in time it
    gives up within seconds; at 300 s on Instance16 and 17 (where it does), 4 seeds each,
    the rosters with and without it differ by no more than their run-to-run spread
    (benchmarks/README.md, fifteenth to seventeenth rounds)."""
    columns_share: float = 0.2
    """Share of the time limit within which column generation must converge (else it
    gives up, from its first rounds' pace, and the whole model runs instead)."""
    dive_share: float = 0.25
    """Most of the time limit the columns' dives for rosters may take."""
    plan_share: float = 0.1
    """Most of the time the weekend plan's MIP may take."""
    guided_share: float = 0.4
    """Share of the LNS time spent with the plan's guidance in the objective; the rest of
    the LNS, and what the guided part found, is scored on the true objective."""


@dataclass
class SearchResult:
    roster: Roster | None
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_seconds: float | None
    build_seconds: float
    progress: list[Progress] = field(default_factory=list)
    lns: LnsStats | None = None


class _Values:
    """A solved assignment read like a CpSolver (for `extract_roster`)."""

    def __init__(self, built: BuiltModel, values: np.ndarray) -> None:
        self.on = {lit.index: bool(v) for lit, v in zip(built.context.lits, values, strict=True)}

    def boolean_value(self, lit: cp_model.IntVar) -> bool:
        return self.on[lit.index]


class _Build(threading.Thread):
    """`build_model` in a thread (`start`), or in the caller (`result` without `start`)."""

    def __init__(self, problem: RosterProblem) -> None:
        super().__init__(daemon=True)
        self.problem = problem
        self.built: BuiltModel | None = None
        self.seconds = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        began = time.perf_counter()
        try:
            self.built = build_model(self.problem)
        except BaseException as error:  # re-raised in the caller by `result`
            self.error = error
        self.seconds = time.perf_counter() - began

    def result(self) -> tuple[BuiltModel, float]:
        """The built model and the seconds its build took."""
        if self.ident is None:
            self.run()
        else:
            self.join()
        if self.error is not None:
            raise self.error
        assert self.built is not None
        return self.built, self.seconds


def _hinted(built: BuiltModel, values: np.ndarray) -> cp_model.CpModel:
    """A copy of the built model with `values` (0/1 per option) as its solution hint."""
    model = built.model.clone()
    model.proto.clear_solution_hint()
    model.proto.solution_hint.vars.extend(lit.index for lit in built.context.lits)
    model.proto.solution_hint.values.extend(values.astype(np.int64).tolist())
    return model


def _full_solve(built: BuiltModel, values: np.ndarray | None, seconds: float, workers: int,
                seed: int, fix: bool = False, whole_lp: bool = False
                ) -> tuple[int, cp_model.CpSolver]:
    model = built.model
    if values is not None and fix:  # through the domains: less presolve than one bool_and
        model = built.model.clone()
        model.proto.clear_solution_hint()
        variables = model.proto.variables
        for lit, v in zip(built.context.lits, values.tolist(), strict=True):
            domain = variables[lit.index].domain
            domain[0] = domain[1] = v
    elif values is not None:
        model = _hinted(built, values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.random_seed = seed
    if whole_lp and workers == 2:
        # one full-model worker with the whole linear relaxation (level 2) instead of the
        # default one (level 1), beside CP-SAT's own LNS: level 1 leaves out the rules'
        # clauses, so its bound stayed at 1 point on Curtois Instance5 (weekend limits
        # force at least 7 shifts short); max_lp's reached 1,073 and found the best known
        # 1,143 in 30 s where the default pair stalled at 1,239-1,240 for 60 s
        solver.parameters.subsolvers.append("max_lp")
    return solver.solve(model), solver


class _WholeModelAlongside(threading.Thread):
    """The whole model on one CP-SAT worker with the full linear relaxation (level 2, like
    its `max_lp` subsolver), hinted with the incumbent, in place of one LNS thread. Its
    rosters go to the LNS as they come; it stops the LNS when it proves optimality, and
    hands its core back to the LNS once neither its rosters nor its bound have improved
    for `patience` seconds (a large model's LP may not even finish its root)."""

    def __init__(self, built: BuiltModel, lns: Lns, start: Incumbent, deadline: float,
                 seed: int, patience: float) -> None:
        super().__init__(daemon=True)
        self.model = _hinted(built, start.values)
        self.deadline = deadline
        self.solver = cp_model.CpSolver()
        params = self.solver.parameters
        params.num_workers = 1
        params.linearization_level = 2
        params.random_seed = seed
        params.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        self.solver.best_bound_callback = self._bound_moved
        self.lns = lns
        self.patience = patience
        self.bound: int | None = None
        self.active_at = time.perf_counter()
        self._done = threading.Event()

    def _bound_moved(self, _bound: float) -> None:
        self.active_at = time.perf_counter()

    def run(self) -> None:
        lns, index, owner = self.lns, self.lns.index, self

        class Offer(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                values = np.asarray(self.response_proto.solution, dtype=np.int64)[index]
                if lns.offer(values.astype(np.int8), round(self.objective_value)):
                    owner.active_at = time.perf_counter()

        lns.wait_started(max(0.0, self.deadline - time.perf_counter()))
        threading.Thread(target=self._watch, daemon=True).start()
        code = self.solver.solve(self.model, Offer())
        self._done.set()
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.bound = math.ceil(self.solver.best_objective_bound - 1e-6)
        if code == cp_model.OPTIMAL:
            lns.stop()
        else:
            lns.add_thread()

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            if time.perf_counter() - self.active_at > self.patience:
                self.solver.stop_search()
                return

    def stop_and_join(self) -> None:
        self.solver.stop_search()
        self.join()


DIVE_ABOVE = 0.01
"""The columns' dives run only while the LNS's roster is more than this share above the
columns' bound: closer than that, search does better (Curtois Instance6 at 60 s: the LNS at
1,953 against a bound of 1,949, where the master MIP's best in 20 s was 2,051-2,257 and
single dives gave 1,954-2,046)."""


class _ColumnsAlongside(threading.Thread):
    """Column generation (`columns`) first on the worker beside the LNS; it gives up after
    its first rounds when their pace says it will not converge within `converge` seconds.
    If it converges and the LNS's latest roster is more than `DIVE_ABOVE` above its
    bound, it dives on the master LP for rosters (`ColumnGeneration.dive`, repeated with
    random nudges) for up to `dive` seconds and offers each to the LNS. Then the
    whole model runs beside the LNS (`_WholeModelAlongside`, hinted with the LNS's
    latest) until it stalls. The columns' Lagrangian bound joins the search's, and stops
    the search when the LNS reaches it."""

    def __init__(self, built: BuiltModel, lns: Lns, start: Incumbent, deadline: float,
                 seed: int, patience: float, converge: float, dive: float) -> None:
        super().__init__(daemon=True)
        self.built, self.lns, self.first, self.seed = built, lns, start, seed
        self.deadline, self.patience = deadline, patience
        self.converge, self.dive_seconds = converge, dive
        self.generation: ColumnGeneration | None = None
        self.whole: _WholeModelAlongside | None = None
        self.bound: int | None = None
        self._halt = threading.Event()

    def _latest(self) -> Incumbent:
        return self.lns.current() or self.first

    def run(self) -> None:
        self.lns.wait_started(max(0.0, self.deadline - time.perf_counter()))
        began = time.perf_counter()
        generation = self.generation = ColumnGeneration(self.built)
        generation.add_roster(self._latest().values)
        converge_by = min(self.deadline, began + self.converge)
        found, rounds, converged = generation.generate(converge_by, self._halt.is_set,
                                                       converge_by=converge_by)
        if found is not None:
            self.bound = round_up(self.built.model, found)
            self.lns.set_bound(self.bound)
        if converged and self.bound is not None:
            self._dive(generation, self.bound, rounds, began)
        best = self.lns.current()
        if best is None or (self.bound is not None and best.objective <= self.bound):
            return  # the search has ended or reached the bound
        if self._halt.is_set() or self.deadline - time.perf_counter() < self.patience:
            self.lns.add_thread()
            return
        self.whole = _WholeModelAlongside(self.built, self.lns, self._latest(), self.deadline,
                                          self.seed, self.patience)
        if not self._halt.is_set():
            self.whole.run()
            if self.whole.bound is not None:
                self.bound = (self.whole.bound if self.bound is None
                              else max(self.bound, self.whole.bound))
        else:
            self.lns.add_thread()

    def _dive(self, generation: ColumnGeneration, bound: int, rounds: int,
              began: float) -> None:
        """Dive (`ColumnGeneration.dive`) for up to `dive_seconds` while the LNS is more
        than `DIVE_ABOVE` above `bound`, again with random nudges after the first, offering
        each roster to the LNS. The LNS's latest schedules join the columns first."""
        stop_at = min(self.deadline, time.perf_counter() + self.dive_seconds)
        rng = np.random.default_rng(self.seed)
        dives = 0
        while (not self._halt.is_set() and time.perf_counter() < stop_at
               and self._latest().objective > (1 + DIVE_ABOVE) * bound):
            if not dives:
                generation.add_roster(self._latest().values)
            dived = generation.dive(stop_at, self._halt.is_set, rng if dives else None)
            dives += 1
            log.info("columns: dive roster %s after %d rounds in %.1f s",
                     None if dived is None else round(dived[1]), rounds,
                     time.perf_counter() - began)
            if dived is None:
                return
            code, solver = _full_solve(self.built, dived[0], 10.0, 1, self.seed, fix=True)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # scored on the whole model
                self.lns.offer(dived[0], round(solver.objective_value))

    def stop_and_join(self) -> None:
        self._halt.set()
        while self.is_alive():  # a solver's stop is lost if it comes before its solve
            if self.generation is not None:
                self.generation.stop()
            if self.whole is not None:
                self.whole.solver.stop_search()
            self.join(0.2)


def _plannable(problem: RosterProblem) -> bool:
    """Whether a weekend plan may help: shift demand over a period short enough for the
    agent-by-agent first roster (longer ones start from work/off patterns instead)."""
    return (problem.period.days <= PATTERN_FIRST_DAYS
            and any(isinstance(d, ShiftDemand) for d in problem.demands))


def _guided_phase(built: BuiltModel, costs: np.ndarray, best: Incumbent,
                  options: SearchOptions, step_seconds: float, deadline: float,
                  record: Callable[[int], None]) -> Incumbent:
    """LNS for `guided_share` of the time left with the plan's costs in the objective; the
    roster it ends with (scored on the true objective) when better than `best`."""
    until = time.perf_counter() + options.guided_share * (deadline - time.perf_counter())
    def offset(values: np.ndarray) -> int:
        return int(costs @ values.astype(np.int64))

    guided = Lns(built, seed=options.seed + 1, step_seconds=step_seconds,
                 model=guided_model(built, costs))
    start = Incumbent(best.values, best.objective + offset(best.values), best.found_at)
    found = guided.run(start, until, options.workers)
    true = found.objective - offset(found.values)
    log.info("guided LNS: %d -> %d", best.objective, true)
    if true < best.objective:
        record(true)
        return Incumbent(found.values, true, found.found_at)
    return best


def search(problem: RosterProblem, options: SearchOptions | None = None,
           on_progress: Callable[[Progress], None] | None = None) -> SearchResult:
    """The best roster found within `options.time_limit` seconds (see module docstring)."""
    options = options or SearchOptions()
    started = time.perf_counter()
    deadline = started + options.time_limit
    progress: list[Progress] = []
    bound: int | None = None
    best: Incumbent | None = None
    status = "UNKNOWN"

    def record(objective: int) -> None:
        item = Progress(time.perf_counter() - started, objective / SCALE,
                        (bound if bound is not None else -float("inf")) / SCALE)
        progress.append(item)
        if on_progress is not None:
            on_progress(item)

    # a first roster agent by agent; the full model needs none, so it is built meanwhile
    # (the agents' CP-SAT solves release the interpreter)
    chosen = None
    building = _Build(problem)
    plan: WeekendPlan | None = None
    costs: np.ndarray | None = None
    if options.hint is None:
        building.start()
        guide = None
        if options.weekend_plan and _plannable(problem):
            built, _ = building.result()
            if len(built.context.lits) > options.whole_lp_up_to:
                plan = plan_weekends(built, options.plan_share * options.time_limit)
            if plan is not None:
                costs = guidance(built, plan)
                guide = guide_by_agent(built, costs)
                log.info("weekend plan: objective %.0f, bound %s, in %.1f s", plan.objective,
                         plan.bound, time.perf_counter() - started)
        chosen, _ = greedy_options(problem, options.seconds_per_agent,
                                   deadline=started + options.first_share * options.time_limit,
                                   guide=guide)
        log.info("first roster: %d options in %.1f s", len(chosen),
                 time.perf_counter() - started)
    built, build_seconds = building.result()
    log.info("model: %d options, %d constraints in %.1f s", len(built.context.lits),
             len(built.model.proto.constraints), build_seconds)
    if options.hint is not None:
        first = hint_array(built, options.hint)
    else:
        index = {o: i for i, o in enumerate(built.context.options.options)}
        first = np.zeros(len(built.context.lits), dtype=np.int8)
        for option in chosen or []:
            first[index[option]] = 1
    # score it: solve with every option fixed (INFEASIBLE when it breaks a rule); its time
    # is what presolving the whole model costs, a floor for each LNS sub-solve
    scoring = time.perf_counter()
    code, solver = _full_solve(built, first, max(1.0, deadline - time.perf_counter()), 1,
                               options.seed, fix=True)
    scoring = time.perf_counter() - scoring
    log.info("first roster scored in %.1f s: %s", scoring, solver.status_name(code))
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = Incumbent(first, round(solver.objective_value), time.perf_counter())
        record(best.objective)

    # the full model from that roster: proves small problems optimal, gives the bound
    small = len(built.context.lits) <= options.full_solve_up_to
    whole_lp = len(built.context.lits) <= options.whole_lp_up_to
    if small or best is None:
        share = options.full_share if options.lns and best is not None else 1.0
        seconds = max(0.5, share * (deadline - time.perf_counter()))
        code, solver = _full_solve(built, None if best is None else best.values, seconds,
                                   options.workers, options.seed, whole_lp=whole_lp)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = round(solver.best_objective_bound)
            values = np.asarray(solver.boolean_values(built.context.lits), dtype=np.int8)
            objective = round(solver.objective_value)
            if best is None or objective < best.objective:
                best = Incumbent(values, objective, time.perf_counter())
                record(objective)
            status = "OPTIMAL" if code == cp_model.OPTIMAL else "FEASIBLE"
        elif code == cp_model.INFEASIBLE:
            status = "INFEASIBLE"
    elif best is not None:
        status = "FEASIBLE"

    stats = None
    if best is not None and status != "OPTIMAL" and options.lns:
        lns = Lns(built, seed=options.seed,
                  step_seconds=max(options.step_seconds, 4 * scoring))
        alongside: _WholeModelAlongside | _ColumnsAlongside | None = None
        patience = max(5.0, options.patience_share * options.time_limit)
        if whole_lp and options.workers >= 2:
            if (options.columns and problem.period.days <= PATTERN_FIRST_DAYS
                    and decomposable(built)):
                alongside = _ColumnsAlongside(
                    built, lns, best, deadline, options.seed, patience,
                    converge=options.columns_share * options.time_limit,
                    dive=options.dive_share * options.time_limit)
            else:
                alongside = _WholeModelAlongside(built, lns, best, deadline, options.seed,
                                                 patience)
            alongside.start()
        if costs is not None and options.guided_share > 0:
            best = _guided_phase(built, costs, best, options, lns.step_seconds, deadline,
                                 record)
        best = lns.run(best, deadline, options.workers - (alongside is not None),
                       on_improve=lambda inc: record(inc.objective))
        stats = lns.stats
        if lns.proved_optimal:
            bound = best.objective
        if alongside is not None:
            alongside.stop_and_join()
            if alongside.bound is not None:
                bound = alongside.bound if bound is None else max(bound, alongside.bound)
        status = "OPTIMAL" if bound is not None and best.objective <= bound else "FEASIBLE"
    seconds_total = time.perf_counter() - started
    if best is None:
        return SearchResult(None, status, None, None if bound is None else bound / SCALE,
                            seconds_total, None, build_seconds, progress, stats)
    roster = extract_roster(built, _Values(built, best.values))  # type: ignore[arg-type]
    return SearchResult(roster, status, best.objective / SCALE,
                        None if bound is None else bound / SCALE, seconds_total,
                        progress[0].seconds if progress else None, build_seconds, progress,
                        stats)
