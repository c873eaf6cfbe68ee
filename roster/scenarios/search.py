"""A reproducible roster search: the same inputs give the same roster, whatever the load.

CP-SAT stops on wall-clock time by default, so two runs of one problem can differ. Here
every solve is bounded by CP-SAT's *deterministic* time (`max_deterministic_time`) on one
worker with a fixed seed:

1. a first roster: the hint roster's shifts where they still fit, the other agents rostered
   one by one against the demand left by the engine's greedy builder (no deadline, so it
   is deterministic), and agents it cannot place by a small CP-SAT model each;
2. a fixed number of large-neighbourhood steps (`roster.engine.lns` neighbourhoods drawn
   from a seeded generator), each keeping the result when it is at least as good. A step
   fixes the other options through their domains and hints the whole incumbent (every model
   variable, auxiliaries included), so CP-SAT starts from a complete feasible solution and
   spends its deterministic time improving it; presolve probing is off (on the mostly fixed
   model it costs more CPU than the deterministic time it is charged).

A wall-clock cap (`time_limit`) guards against runaway solves; a run that hits it is marked
`reproducible=False` in its notes.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from roster.domain import Roster
from roster.engine.first_solution import residual_demands
from roster.engine.greedy import greedy_roster, option_costs
from roster.engine.lns import KINDS, Lns
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.solve import Progress, SolveResult, extract_roster, hint_array, hint_solution
from roster.engine.variables import Option
from roster.engine.weights import SCALE


@dataclass(frozen=True)
class SearchBudget:
    """Deterministic work per run: seconds of CP-SAT deterministic time per agent of the first
    roster and per LNS step, the number of steps, the seed and a wall-clock safety cap."""

    agent_time: float = 0.3
    steps: int = 10
    step_time: float = 1.0
    seed: int = 0
    time_limit: float = 900.0


@dataclass
class _State:
    started: float
    deadline: float
    capped: bool = False
    progress: list[Progress] = field(default_factory=list)


class _Values:
    """A 0/1 vector read like a CpSolver (for `extract_roster`)."""

    def __init__(self, built: BuiltModel, values: np.ndarray) -> None:
        self.on = {lit.index: bool(v) for lit, v in zip(built.context.lits, values, strict=True)}

    def boolean_value(self, lit: cp_model.IntVar) -> bool:
        return self.on[lit.index]


def _solver(seconds: float, seed: int, state: _State) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = seconds
    left = state.deadline - time.perf_counter()
    solver.parameters.max_time_in_seconds = max(0.01, left)
    return solver


def _check_cap(solver: cp_model.CpSolver, seconds: float, state: _State) -> None:
    """Mark the run capped when a solve stopped on the wall clock, not its deterministic time."""
    if time.perf_counter() >= state.deadline and solver.deterministic_time < seconds:
        state.capped = True


def _agent_options(problem: RosterProblem, a: int, chosen: list[Option], budget: SearchBudget,
                   state: _State) -> list[Option] | None:
    """Agent `a`'s best week against the demand the `chosen` options leave; None if none.

    A solve that finds nothing is retried with four and sixteen times the time."""
    single = replace(problem, agents=[a], demands=residual_demands(problem, chosen))
    built = build_model(single)
    for seconds in (budget.agent_time, 4 * budget.agent_time, 16 * budget.agent_time):
        solver = _solver(seconds, budget.seed, state)
        code = solver.solve(built.model)
        _check_cap(solver, seconds, state)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            ctx = built.context
            return [ctx.option(i) for i, lit in enumerate(ctx.lits) if solver.boolean_value(lit)]
        if code == cp_model.INFEASIBLE or state.capped:
            break
    return None


@dataclass
class Incumbent:
    """A complete roster: 0/1 per option, its objective (solver units) and the value of every
    model variable (the options and the auxiliaries they imply), to hint the next step."""

    values: np.ndarray
    objective: int
    solution: np.ndarray


def _fixed(built: BuiltModel, values: np.ndarray, state: _State) -> Incumbent | None:
    """The complete assignment `values` as an incumbent, or None when it breaks a hard rule."""
    model = built.model.clone()
    lits = [lit.index for lit in built.context.lits]
    model.proto.clear_solution_hint()
    model.proto.constraints.add().bool_and.literals.extend(
        [i if v else -i - 1 for i, v in zip(lits, values.tolist(), strict=True)])
    solver = _solver(10.0, 0, state)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Incumbent(values, round(solver.objective_value),
                     np.asarray(solver.response_proto.solution, dtype=np.int64))


def _replan(built: BuiltModel, values: np.ndarray, hinted: dict[int, int],
            agents: list[int]) -> list[int]:
    """Agents whose hinted week did not carry over in full (or who had none)."""
    found: dict[int, int] = defaultdict(int)
    for i in np.flatnonzero(values):
        found[built.context.option(int(i)).agent] += 1
    return [a for a in agents if a not in hinted or found[a] != hinted[a]]


def first_values(problem: RosterProblem, built: BuiltModel, budget: SearchBudget,
                 state: _State, hint: Roster | None = None) -> Incumbent | None:
    """A complete first roster; None if none found."""
    ctx = built.context
    agents = ctx.agent_indices()
    values = np.zeros(len(ctx.lits), dtype=np.int8)
    replan = list(agents)
    if hint is not None:
        values = hint_array(built, hint)
        index = {agent.id: i for i, agent in enumerate(ctx.team.agents)}
        hinted: dict[int, int] = defaultdict(int)
        for shift in hint.shifts:
            if shift.agent_id in index and 0 <= (shift.date - ctx.period.start).days < ctx.days:
                hinted[index[shift.agent_id]] += 1
        replan = _replan(built, values, dict(hinted), agents)
        for a in replan:
            values[[i for d in range(ctx.days) for i in ctx.day_options(a, d)]] = 0
    costs = option_costs(built)
    for attempt in range(2):
        chosen = [ctx.option(int(i)) for i in np.flatnonzero(values)]
        rest = replace(problem, agents=replan, demands=residual_demands(problem, chosen))
        greedy = greedy_roster(rest, options=ctx.options, costs=costs)
        values[greedy.chosen] = 1
        chosen = [ctx.option(int(i)) for i in np.flatnonzero(values)]
        lookup = {o: i for i, o in enumerate(ctx.options.options)}
        for a in greedy.fallback:
            picked = _agent_options(problem, a, chosen, budget, state)
            for option in picked or []:
                values[lookup[option]] = 1
            chosen += picked or []
        first = _fixed(built, values, state)
        if first is not None:
            return first
        if attempt == 0 and len(replan) < len(agents):
            values[:] = 0  # the kept hint clashed with the change: roster everyone afresh
            replan = list(agents)
            continue
        break
    return None


def _step(lns: Lns, incumbent: Incumbent, free: np.ndarray, seconds: float, seed: int,
          state: _State) -> Incumbent | None:
    """Re-optimise the freed options with the rest fixed, from the incumbent; the solution
    if any."""
    fixed = ~free
    sub = lns.built.model.clone()
    proto = sub.proto
    variables = proto.variables
    for i, v in zip(lns.index[fixed].tolist(), incumbent.values[fixed].tolist(), strict=True):
        domain = variables[i].domain
        domain[0] = domain[1] = v
    hint_solution(sub, incumbent.solution.tolist())
    solver = _solver(seconds, seed, state)
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_probing_level = 0
    code = solver.solve(sub)
    _check_cap(solver, seconds, state)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
    return Incumbent(solution[lns.index].astype(np.int8), round(solver.objective_value),
                     solution)


def reproducible_search(problem: RosterProblem, budget: SearchBudget | None = None,
                        hint: Roster | None = None,
                        on_progress: Callable[[Progress], None] | None = None
                        ) -> tuple[SolveResult, bool]:
    """The roster of `problem` found within `budget` (see module docstring), and whether the
    run stayed reproducible (no wall-clock cap hit)."""
    budget = budget or SearchBudget()
    started = time.perf_counter()
    state = _State(started, started + budget.time_limit)
    built = build_model(problem)

    def record(objective: int, bound: float = -math.inf) -> None:
        item = Progress(time.perf_counter() - started, objective / SCALE, bound)
        state.progress.append(item)
        if on_progress is not None:
            on_progress(item)

    first = first_values(problem, built, budget, state, hint)
    if first is None:
        return SolveResult(None, "UNKNOWN", None, None, time.perf_counter() - started, None,
                           progress=state.progress), not state.capped
    best = first
    record(best.objective)
    first_seconds = time.perf_counter() - started
    lns = Lns(built, seed=budget.seed)
    rng = random.Random(budget.seed)
    for _ in range(budget.steps):
        kind = KINDS[rng.randrange(len(KINDS))]
        free = lns.neighbourhood(kind, rng)
        found = _step(lns, best, free, budget.step_time, rng.randrange(1 << 30), state)
        if found is not None and found.objective <= best.objective:
            improved = found.objective < best.objective
            best = found
            if improved:
                record(best.objective)
        if state.capped:
            break
    roster = extract_roster(built, _Values(built, best.values))  # type: ignore[arg-type]
    penalties = _penalties(built, best.values)
    result = SolveResult(roster, "FEASIBLE", best.objective / SCALE, None,
                         time.perf_counter() - started, first_seconds, penalties=penalties,
                         progress=state.progress, variables=len(built.model.proto.variables),
                         constraints=len(built.model.proto.constraints))
    return result, not state.capped


def _penalties(built: BuiltModel, values: np.ndarray) -> dict[str, float]:
    """Objective points per soft rule for a complete assignment (constants included)."""
    on = {lit.index: int(v) for lit, v in zip(built.context.lits, values, strict=True)}
    totals: dict[str, float] = {rule: value / SCALE
                                for rule, value in built.context.constant.items()}
    solver = _fixed_solver(built, on)
    for term in built.terms:
        totals[term.rule] = totals.get(term.rule, 0.0) + (
            term.coef * solver.value(term.expr) / SCALE)
    return {rule: round(value, 2) for rule, value in sorted(totals.items())}


def _fixed_solver(built: BuiltModel, on: dict[int, int]) -> cp_model.CpSolver:
    """A solver holding the assignment `on`, to evaluate penalty expressions."""
    model = built.model.clone()
    model.proto.clear_solution_hint()
    model.proto.constraints.add().bool_and.literals.extend(
        [i if v else -i - 1 for i, v in on.items()])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.solve(model)
    return solver
