"""A first roster, agent by agent: each agent's best week against what is still uncovered.

Every hard rule of the engine binds one agent at a time (coverage is soft), so rostering
agents one after another — each a small CP-SAT model over that agent's options, scored
against the demand the agents before them left uncovered — always gives a complete roster
when each agent's own rules can be met. It is the warm start for the full model and LNS.
Each agent's model weighs a short (day, template) by how many shifts it still lacks
(`_spread`), so early agents take the worst gaps and fewer are left to later ones.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from roster.engine.demand import Demand, ShiftDemand
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.patterns import best_pattern
from roster.engine.variables import Option, to_datetime


def residual_demands(problem: RosterProblem, chosen: list[Option]) -> list[Demand]:
    """The problem's demand less what the chosen options already cover (never below 0)."""
    period = problem.period
    step = period.interval_minutes
    by_shift = Counter(((period.start.toordinal() + o.day), o.template) for o in chosen)
    by_interval: Counter[tuple[int, str]] = Counter()
    for o in chosen:
        for start, end in o.worked():
            for t in range(start // step, math.ceil(end / step)):
                by_interval[t, o.queue] += 1
    out: list[Demand] = []
    for demand in problem.demands:
        if isinstance(demand, ShiftDemand):
            have = by_shift[demand.day.toordinal(), demand.template]
            out.append(ShiftDemand(demand.day, demand.template, max(0, demand.required - have),
                                   demand.under_weight, demand.over_weight)
                       if have else demand)
        else:
            minutes = int((demand.start - to_datetime(period, 0)).total_seconds() // 60)
            have = by_interval[minutes // step, demand.queue]
            out.append(replace(demand, agents=max(0, demand.agents - have)) if have else demand)
    return out


def greedy_options(problem: RosterProblem, seconds_per_agent: float = 1.0,
                   deadline: float | None = None,
                   order: list[int] | None = None,
                   guide: dict[int, dict[tuple[int, str], int]] | None = None,
                   ) -> tuple[list[Option], list[int]]:
    """Options chosen agent by agent, and the agents for whom no roster was found.

    Each agent's model holds only its own options and rules, against the residual demand
    it can serve; the agent's solve stops at `seconds_per_agent` with its best so far. With
    a deadline the time left is shared among the agents still to do, but each gets at
    least `MIN_SECONDS` (a complete roster matters more than the deadline). `guide` adds
    an objective cost (solver units) per agent and (day, template), such as a weekend plan's
    (`weekend_plan.guidance`).
    """
    agents = order if order is not None else (
        problem.agents if problem.agents is not None else list(range(len(problem.team.agents))))
    chosen: list[Option] = []
    failed: list[int] = []
    for done, a in enumerate(agents):
        left = seconds_per_agent
        if deadline is not None:
            share = (deadline - time.perf_counter()) / (len(agents) - done)
            left = max(MIN_SECONDS, min(seconds_per_agent, share))
        demands = _spread(residual_demands(replace(problem, demands=_servable(
            problem, a, problem.demands)), chosen))
        single = replace(problem, agents=[a], demands=demands)
        built = agent_model(single, (guide or {}).get(a))
        long = problem.period.days > PATTERN_FIRST_DAYS
        picked = _solve_by_pattern(built, single, max(left, 2.0)) if long else None
        if picked is None:
            picked = _run(built, built.model, left)
        if picked is None and not long:
            # rules too tight for CP-SAT to place in time: fix the best work/off pattern
            # (dynamic programme over the days) and let CP-SAT choose the shifts
            picked = _solve_by_pattern(built, single, max(left, 2.0))
        if picked is None and demands:
            # the agent's own rules only (plus wishes): a roster for them at all
            own = agent_model(replace(problem, agents=[a], demands=[]))
            picked = _run(own, own.model, max(left, 2.0))
        if picked is None:
            failed.append(a)
            continue
        chosen += picked
    return chosen, failed


def agent_model(single: RosterProblem,
                extra: dict[tuple[int, str], int] | None = None) -> BuiltModel:
    """One agent's model, its shift demand priced per option instead of by cover variables.

    The agent adds at most one shift to a (day, template), so its share of the cover
    penalties is linear in its options: minus the under-weight where the (residual)
    demand is short, plus the over-weight where it is met. Same optimum as the cover
    variables of `build_model`, without a variable and a constraint per (day, template).
    `extra` adds a cost per (day, template) of the agent's options.
    """
    shift = [d for d in single.demands if isinstance(d, ShiftDemand)]
    if not shift and not extra:
        return build_model(single)
    rest = [d for d in single.demands if not isinstance(d, ShiftDemand)]
    built = build_model(replace(single, demands=rest))
    ctx = built.context
    under, over = ctx.enabled("shift_cover_under"), ctx.enabled("shift_cover_over")
    points: dict[tuple[str, float], int] = {}  # weights repeat: one lookup per distinct one
    price: dict[tuple[int, str], int] = {}
    first = single.period.start.toordinal()
    for demand in shift:
        d = demand.day.toordinal() - first
        if not 0 <= d < ctx.days:
            continue
        short = demand.required > 0
        rule, sign, quantity = (("shift_cover_under", -1, demand.under_weight) if short
                                else ("shift_cover_over", 1, demand.over_weight))
        if not (under if sign < 0 else over):
            continue
        if (rule, quantity) not in points:
            points[rule, quantity] = ctx.points(rule, quantity)
        price[d, demand.template] = sign * points[rule, quantity]
    for key, cost in (extra or {}).items():
        price[key] = price.get(key, 0) + cost
    lits, costs = [], []
    for i, o in enumerate(ctx.options.options):
        cost = price.get((o.day, o.template), 0)
        if cost:
            lits.append(ctx.lits[i])
            costs.append(cost)
    if lits:
        built.model.minimize(sum(t.coef * t.expr for t in built.terms)
                             + cp_model.LinearExpr.weighted_sum(lits, costs)
                             + built.objective_constant())
    return built


def _run(built: BuiltModel, model: cp_model.CpModel, seconds: float) -> list[Option] | None:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2  # runs and totals: 20x faster to solve
    # the budget is deterministic (the same work whatever the machine's load), with a wall
    # cap of a few times it: on a busy machine a wall limit alone left agents unrostered
    solver.parameters.max_deterministic_time = seconds * DETERMINISTIC_PER_SECOND
    solver.parameters.max_time_in_seconds = seconds * WALL_SLACK
    # one agent's model is small: probing and repeated presolve cost more than they save
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    ctx = built.context
    return [ctx.option(i) for i, lit in enumerate(ctx.lits) if solver.boolean_value(lit)]


def _solve_by_pattern(built: BuiltModel, single: RosterProblem,
                      seconds: float) -> list[Option] | None:
    """Fix the best work/off pattern, then let CP-SAT choose the shifts. With shifts of
    several lengths the count is unsure: first as many shifts as the shortest length needs
    to reach the minimum minutes, then the fewest the rules allow."""
    ctx = built.context
    a = (single.agents or [0])[0]
    paid = sorted({ctx.option(i).paid for d in range(ctx.days) for i in ctx.day_options(a, d)})
    contract = ctx.team.contract_of(ctx.team.agents[a])
    low = contract.min_minutes_per_period or 0
    targets = [math.ceil(low / paid[0])] if paid and paid[0] > 0 and len(paid) > 1 else []
    for at_least in [*targets, 0]:
        worked = best_pattern(ctx, a, _day_scores(single, ctx.days), at_least)
        if worked is None:
            continue
        model = built.model.clone()
        for d, on in enumerate(worked):
            work = ctx.work(a, d)
            if isinstance(work, int):
                continue
            model.add(work == int(on))
        picked = _run(built, model, seconds)
        if picked is not None:
            return picked
    return None


def _day_scores(single: RosterProblem, days: int) -> np.ndarray:
    """What a shift is worth per day: the best under-weight of a short template, else minus
    the over-weight (shift demand; other demand counts 0)."""
    score = np.zeros(days)
    best: dict[int, float] = {}
    for demand in single.demands:
        if isinstance(demand, ShiftDemand):
            d = (demand.day - single.period.start).days
            if 0 <= d < days:
                gain = demand.under_weight if demand.required > 0 else -demand.over_weight
                best[d] = max(best.get(d, -math.inf), gain)
    for d, gain in best.items():
        score[d] = gain
    return score


PATTERN_FIRST_DAYS = 56
"""Longer periods start from the pattern programme (CP-SAT alone often finds nothing)."""

DETERMINISTIC_PER_SECOND = 0.5
"""CP-SAT deterministic time per second of an agent's budget (one agent's year-long model
was solved optimally in 0.2-0.5 deterministic s, 0.7-1.5 CPU s)."""

WALL_SLACK = 4.0
"""Wall-clock cap of an agent's solve, in multiples of its budget."""

MIN_SECONDS = 0.3
"""Least time one agent's model gets, even past the deadline."""


def _spread(demands: list[Demand]) -> list[Demand]:
    """Shift demand whose under-weight grows with the shifts still needed (x SPREAD per
    further shift): an agent covers the days and templates most short first, so the agents
    placed after it are left fewer gaps they cannot reach."""
    return [ShiftDemand(d.day, d.template, d.required,
                        d.under_weight * (1 + SPREAD * (d.required - 1)), d.over_weight)
            if isinstance(d, ShiftDemand) and d.required > 1 else d for d in demands]


SPREAD = 1.0
"""See `_spread`."""


def _servable(problem: RosterProblem, a: int, demands: list[Demand]) -> list[Demand]:
    """The demand agent `a` could serve: its templates' shift demand, its queues' intervals."""
    agent = problem.team.agents[a]
    templates = {t.name for t in problem.team.templates_of(agent)}
    return [d for d in demands if (d.template in templates if isinstance(d, ShiftDemand)
                                   else d.queue in agent.skills)]
