"""A lower bound on the objective from a linear relaxation solved by GLOP.

CP-SAT's own LP on these models is large (every rule's rows and its helper variables) and
does not finish its root solve within a 30 s limit on a shared 2-core machine, so its
bound stays at the trivial one. This relaxation keeps what drives the objective:

- options as variables in [0, 1], at most one per agent and day (alike agents merged);
- paid minutes per 7-day block and per period, working days per block, weekends worked,
  per-template maxima (each as in rules_hard);
- coverage per interval and queue with shortfall and overstaffing slacks (rules_soft);
- every penalty that is linear in the options (labour cost, preferences, stability).

Rules left out (rest, runs of days, successions, pins) only remove rosters, and the soft
rules left out (fairness, overtime, cover per template) are never below their constant
part, so the LP optimum is a lower bound on every roster's objective. `lp_bound` returns
it in solver units, rounded down after a safety margin for floating-point error;
`add_bound` states it in the CP-SAT model (objective >= bound), where it becomes the
solver's bound.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from roster.domain import absent_days, prorated_minimum
from roster.engine.model import BuiltModel, Context
from roster.engine.rules_hard import weekend_groups
from roster.engine.rules_soft import _interval_demands

NONNEGATIVE = {"fairness_weekends", "fairness_late_shifts", "fairness_preferences",
               "overtime_cost", "shift_cover_under", "shift_cover_over"}
"""Soft rules whose total is never below 0 (their terms are left out of the relaxation)."""


def _linear(expr: cp_model.LinearExprT) -> tuple[list[int], list[int], int]:
    if isinstance(expr, int):
        return [], [], expr
    flat = cp_model.FlatIntExpr(expr)  # type: ignore[arg-type]
    return [v.index for v in flat.vars], list(flat.coeffs), int(flat.offset)


def lp_bound(built: BuiltModel, seconds: float = 60.0) -> int | None:
    """The relaxation's optimum (solver units, rounded down with a margin), or None when
    GLOP does not finish.

    Agents alike in everything the relaxation sees (contract, options, their costs, days
    away) share one set of variables counting how many of them take each option; by
    symmetry this changes nothing in the optimum and makes the LP much smaller.
    """
    ctx = built.context
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(seconds * 1000))
    options = ctx.options.options
    of_var = {lit.index: i for i, lit in enumerate(ctx.lits)}
    cost = [0.0] * len(options)
    objective: list = [float(built.objective_constant())]
    proto = built.model.proto
    for term in built.terms:
        if term.rule in ("coverage_shortfall", "overstaffing") or term.rule in NONNEGATIVE:
            continue
        variables, coeffs, offset = _linear(term.expr)
        if all(v in of_var for v in variables):
            for v, c in zip(variables, coeffs, strict=True):
                cost[of_var[v]] += term.coef * c
            objective.append(float(term.coef * offset))
            continue
        low = offset  # the least value the term can take over its variables' domains
        for v, c in zip(variables, coeffs, strict=True):
            domain = list(proto.variables[v].domain)
            low += min(c * domain[0], c * domain[-1])
        objective.append(float(min(term.coef * low, term.coef * _high(proto, variables, coeffs,
                                                                     offset))))
    classes = agent_classes(ctx, cost)
    x: dict[int, pywraplp.Variable] = {}
    for a, count in classes.items():
        for d in range(ctx.days):
            indices = ctx.day_options(a, d)
            for i in indices:
                x[i] = solver.NumVar(0, count, "")
            if len(indices) > 1:
                solver.Add(solver.Sum([x[i] for i in indices]) <= count)
    _workload_rows(ctx, solver, x, classes)
    _coverage_rows(ctx, solver, x, objective)
    objective.extend(cost[i] * var for i, var in x.items() if cost[i])
    solver.Minimize(solver.Sum(objective))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = solver.Objective().Value()
    return math.floor(value - 1e-6 * abs(value) - 1)


def agent_classes(ctx: Context, cost: list[float]) -> dict[int, int]:
    """One representative agent per class of agents alike for the relaxation -> class size."""
    seen: dict[tuple[object, ...], int] = {}
    classes: dict[int, int] = {}
    dates = [ctx.period.start + timedelta(days=d) for d in range(ctx.days)]
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        away = tuple(absent_days(ctx.team, agent, dates[b[0]:b[-1] + 1])
                     for b, _ in ctx.week_blocks())
        options = tuple((o.day, o.template, o.start, o.break_start, o.queue, cost[i])
                        for d in range(ctx.days) for i in ctx.day_options(a, d)
                        for o in [ctx.option(i)])
        key = (agent.contract, away, absent_days(ctx.team, agent, dates), options)
        if key in seen:
            classes[seen[key]] += 1
        else:
            seen[key] = a
            classes[a] = 1
    return classes


def _high(proto: object, variables: list[int], coeffs: list[int], offset: int) -> int:
    high = offset
    for v, c in zip(variables, coeffs, strict=True):
        domain = list(proto.variables[v].domain)  # type: ignore[attr-defined]
        high += max(c * domain[0], c * domain[-1])
    return high


def _workload_rows(ctx: Context, solver: pywraplp.Solver, x: dict,
                   classes: dict[int, int]) -> None:
    """Minutes, days, weekends and per-template maxima (as rules_hard), for each class of
    `n` alike agents: n times each agent's limits."""
    groups = weekend_groups(ctx)
    for a, n in classes.items():
        agent = ctx.team.agents[a]
        contract = ctx.team.contract_of(agent)
        work = {d: solver.Sum([x[i] for i in ctx.day_options(a, d)]) for d in range(ctx.days)}
        paid = {d: solver.Sum([ctx.option(i).paid * x[i] for i in ctx.day_options(a, d)])
                for d in range(ctx.days)}
        for days, full in ctx.week_blocks():
            dates = [ctx.period.start + timedelta(days=d) for d in days]
            away = absent_days(ctx.team, agent, dates)
            if ctx.enabled("minutes_per_week"):
                minutes = solver.Sum([paid[d] for d in days])
                solver.Add(minutes <= n * contract.max_minutes_per_week)
                if full:
                    solver.Add(minutes >= n * prorated_minimum(contract.min_minutes_per_week,
                                                               len(days), away))
            if ctx.enabled("days_per_week"):
                worked = solver.Sum([work[d] for d in days])
                solver.Add(worked <= n * contract.max_days_per_week)
                if full:
                    solver.Add(worked >= n * prorated_minimum(contract.min_days_per_week,
                                                              len(days), away))
        if ctx.enabled("minutes_per_period"):
            every = list(range(ctx.days))
            total = solver.Sum([paid[d] for d in every])
            dates = [ctx.period.start + timedelta(days=d) for d in every]
            if contract.max_minutes_per_period is not None:
                solver.Add(total <= n * contract.max_minutes_per_period)
            if contract.min_minutes_per_period:
                solver.Add(total >= n * prorated_minimum(
                    contract.min_minutes_per_period, ctx.days,
                    absent_days(ctx.team, agent, dates)))
        if ctx.enabled("max_weekends") and contract.max_weekends < len(groups):
            worked_weekend = []
            for group in groups:
                w = solver.NumVar(0, n, "")
                for d in group:
                    solver.Add(w >= work[d])
                worked_weekend.append(w)
            solver.Add(solver.Sum(worked_weekend) <= n * contract.max_weekends)
        if ctx.enabled("max_per_template"):
            for template, most in contract.max_per_template.items():
                solver.Add(solver.Sum([x[i] for d in range(ctx.days) for i in ctx.day_options(
                    a, d) if ctx.option(i).template == template]) <= n * most)


def _coverage_rows(ctx: Context, solver: pywraplp.Solver, x: dict,
                   objective: list) -> None:
    """Shortfall and overstaffing per interval and queue (as rules_soft)."""
    step = ctx.period.interval_minutes
    # options summed per (start, end, queue) and per (break, queue), as interval_coverage
    shifts: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    breaks: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for i in x:
        o = ctx.options.options[i]
        shifts[o.start, o.end, o.queue].append(i)
        if o.break_start is not None:
            breaks[o.break_start, o.break_start + o.break_length, o.queue].append(i)
    cover: dict[tuple[int, str], list] = defaultdict(list)
    for groups, sign in ((shifts, 1), (breaks, -1)):
        for (start, end, queue), indices in groups.items():
            total = solver.NumVar(0, solver.infinity(), "")
            solver.Add(total == solver.Sum([x[i] for i in indices]))
            for t in range(start // step, -(-end // step)):
                cover[t, queue].append(sign * total)
    demands = _interval_demands(ctx)
    hours = step / 60
    if ctx.enabled("coverage_shortfall"):
        for (t, queue), demand in demands.items():
            if demand.agents <= 0 or (t, queue) not in cover:
                continue  # no option covers it: already in the objective's constant
            short = solver.NumVar(0, demand.agents, "")
            solver.Add(solver.Sum(cover[t, queue]) + short >= demand.agents)
            objective.append(ctx.points("coverage_shortfall", hours * demand.value) * short)
    queues = {q for _, q in demands}
    if ctx.enabled("overstaffing") and queues:
        coef = ctx.points("overstaffing", hours)
        for (t, queue), parts in cover.items():
            if queue not in queues:
                continue
            need = demands[t, queue].agents if (t, queue) in demands else 0
            over = solver.NumVar(0, solver.infinity(), "")
            solver.Add(over >= solver.Sum(parts) - need)
            objective.append(coef * over)


def add_bound(built: BuiltModel, bound: int) -> None:
    """State objective >= bound in the CP-SAT model (a redundant cut: the bound is valid)."""
    proto = built.model.proto
    objective = proto.objective
    expr = cp_model.LinearExpr.weighted_sum(
        [built.model.get_int_var_from_proto_index(v) for v in objective.vars],
        list(objective.coeffs))
    built.model.add(expr >= bound - int(objective.offset))
