"""Weekends first: a mixed-integer plan of who works which weekend day, to guide the search.

Where `max_weekends` binds, weekend shifts are the scarce resource, and which weekends each
agent spends decides how much weekend cover can be met. CP-SAT's search (and LNS around a
roster) handles that packing poorly: on Curtois Instance13 the weekend days alone, solved
by CP-SAT for 120 s, stayed at 11 short with no bound; HiGHS proves 11 optimal in 6 s.

`plan_weekends` solves the weekend days alone with HiGHS (`scipy.optimize.milp`): each
agent's options on weekend days, at most one a day, a weekend counted when either day is
worked and at most `max_weekends` of them, forbidden successions from Saturday to Sunday,
`max_per_template` over the weekend options, shift demand (`ShiftDemand`) on those days with
its under/over weights, and each option's own objective coefficient (requests and other
per-shift preferences). Rules that tie weekend days to weekdays (runs, minutes) are left
out, so the plan is a relaxation: `guidance` turns it into per-option costs that steer the
first roster and a first LNS phase towards it without forbidding anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from roster.engine.demand import ShiftDemand
from roster.engine.model import BuiltModel
from roster.engine.rules_hard import weekend_groups

GUIDE_FACTOR = 10
"""A planned option is worth this many times the largest shortfall weight (and any other
weekend option costs as much), so a roster keeps the plan wherever the agent's rules allow."""
MAX_WEEKEND_OPTIONS = 60_000
"""Larger weekend problems are not planned (HiGHS would take most of the time limit)."""


@dataclass
class WeekendPlan:
    """The planned weekend shifts: per option of the built model, whether it is on a
    weekend day and whether the plan picks it; the MIP's objective and bound (solver
    units, the model's constants left out)."""

    weekend: np.ndarray
    chosen: np.ndarray
    objective: float
    bound: float | None


def plan_weekends(built: BuiltModel, seconds: float) -> WeekendPlan | None:
    """The weekend plan of `built`, or None when nothing binds (no shift demand on
    weekends, no agent limited by `max_weekends`), the problem is too large, or HiGHS
    finds no plan within `seconds`."""
    ctx = built.context
    groups = [g for g in weekend_groups(ctx) if g]
    if not groups or not ctx.enabled("max_weekends"):
        return None
    options = ctx.options.options
    day_weekend = {d: w for w, g in enumerate(groups) for d in g}
    limits = {a: ctx.team.contract_of(ctx.team.agents[a]).max_weekends
              for a in ctx.agent_indices()}
    if all(most >= len(groups) for most in limits.values()):
        return None
    start = ctx.period.start.toordinal()
    rows = [d for d in ctx.problem.demands if isinstance(d, ShiftDemand)
            and d.day.toordinal() - start in day_weekend]
    weekend = np.fromiter((o.day in day_weekend for o in options), dtype=bool,
                          count=len(options))
    picked = np.flatnonzero(weekend)
    if not rows or not len(picked) or len(picked) > MAX_WEEKEND_OPTIONS:
        return None

    coefficient = dict(zip(built.model.proto.objective.vars, built.model.proto.objective.coeffs,
                           strict=True))
    cost: list[float] = [float(coefficient.get(ctx.lits[i].index, 0)) for i in picked]
    upper: list[float] = [1.0] * len(picked)
    integer: list[int] = [1] * len(picked)
    column = {int(i): k for k, i in enumerate(picked)}
    entries: list[tuple[int, int, float]] = []
    low: list[float] = []
    high: list[float] = []

    def add_row(terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(low)
        entries.extend((r, c, v) for c, v in terms)
        low.append(lo)
        high.append(hi)

    def new_column(c: float, ub: float, is_integer: int) -> int:
        cost.append(c)
        upper.append(ub)
        integer.append(is_integer)
        return len(cost) - 1

    by_cell: dict[tuple[int, int], list[int]] = {}
    by_key: dict[tuple[int, int, str], int] = {}
    by_template: dict[tuple[int, str], list[int]] = {}
    by_demand: dict[tuple[int, str], list[int]] = {}
    for i in picked:
        o, c = options[i], column[int(i)]
        by_cell.setdefault((o.agent, o.day), []).append(c)
        by_key[o.agent, o.day, o.template] = c
        by_template.setdefault((o.agent, o.template), []).append(c)
        by_demand.setdefault((o.day, o.template), []).append(c)
    worked: dict[tuple[int, int], int] = {}
    weekends_of: dict[int, list[int]] = {}
    for (a, d), cols in by_cell.items():
        w = day_weekend[d]
        if (a, w) not in worked:
            worked[a, w] = new_column(0.0, 1.0, 1)
            weekends_of.setdefault(a, []).append(worked[a, w])
        add_row([(c, 1.0) for c in cols] + [(worked[a, w], -1.0)], -np.inf, 0.0)
    for a, most in limits.items():
        mine = weekends_of.get(a, [])
        if most < len(groups) and mine:
            add_row([(c, 1.0) for c in mine], -np.inf, float(most))
    after: dict[str, list[str]] = {}
    for first, second in ctx.team.settings.forbidden_successions:
        after.setdefault(first, []).append(second)
    for (a, d, template), c in by_key.items():
        banned = [by_key[a, d + 1, t] for t in after.get(template, [])
                  if d + 1 in day_weekend and (a, d + 1, t) in by_key]
        if banned:  # one shift a day: the shift and every shift it forbids next, at most one
            add_row([(c, 1.0)] + [(b, 1.0) for b in banned], -np.inf, 1.0)
    for a in limits:
        for template, most in ctx.team.contract_of(ctx.team.agents[a]).max_per_template.items():
            cols = by_template.get((a, template), [])
            if len(cols) > most:
                add_row([(c, 1.0) for c in cols], -np.inf, float(most))
    under_on, over_on = ctx.enabled("shift_cover_under"), ctx.enabled("shift_cover_over")
    for demand in rows:
        d = demand.day.toordinal() - start
        cols = by_demand.get((d, demand.template), [])
        under = ctx.points("shift_cover_under", demand.under_weight) if under_on else 0
        over = ctx.points("shift_cover_over", demand.over_weight) if over_on else 0
        short = new_column(float(under), float(demand.required), 0)
        extra = new_column(float(over), float(len(cols)), 0)
        add_row([(c, 1.0) for c in cols] + [(short, 1.0), (extra, -1.0)],
                float(demand.required), float(demand.required))

    r, c, v = zip(*entries, strict=True) if entries else ((), (), ())
    matrix = coo_matrix((v, (r, c)), shape=(len(low), len(cost))).tocsr()
    result = milp(np.array(cost), integrality=np.array(integer),
                  bounds=Bounds(0.0, np.array(upper)),
                  constraints=LinearConstraint(matrix, np.array(low), np.array(high)),
                  options={"time_limit": max(0.5, seconds), "disp": False})
    if result.x is None:
        return None
    chosen = np.zeros(len(options), dtype=bool)
    chosen[picked] = result.x[:len(picked)] > 0.5
    bound = getattr(result, "mip_dual_bound", None)
    return WeekendPlan(weekend, chosen, float(result.fun),
                       None if bound is None else float(bound))


def guidance(built: BuiltModel, plan: WeekendPlan) -> np.ndarray:
    """Objective cost per option that steers a roster to the plan: minus `GUIDE_FACTOR`
    x the largest shortfall weight on a planned option, plus as much on any other option
    of a weekend day (so a day the plan leaves off stays off), 0 elsewhere."""
    ctx = built.context
    weights = [d.under_weight for d in ctx.problem.demands if isinstance(d, ShiftDemand)]
    big = GUIDE_FACTOR * max(1, ctx.points("shift_cover_under", max(weights, default=1.0)))
    costs = np.zeros(len(plan.chosen), dtype=np.int64)
    costs[plan.weekend] = big
    costs[plan.chosen] = -big
    return costs


def guide_by_agent(built: BuiltModel, costs: np.ndarray
                   ) -> dict[int, dict[tuple[int, str], int]]:
    """Per-option costs as agent -> (day, template) -> cost, the form the agent-by-agent
    first roster takes (`first_solution.greedy_options(guide=...)`)."""
    guide: dict[int, dict[tuple[int, str], int]] = {}
    for i in np.flatnonzero(costs):
        o = built.context.option(int(i))
        guide.setdefault(o.agent, {})[o.day, o.template] = int(costs[i])
    return guide


def guided_model(built: BuiltModel, costs: np.ndarray) -> cp_model.CpModel:
    """A copy of the model whose objective also carries `costs` on the option literals."""
    model = built.model.clone()
    objective = model.proto.objective
    total = dict(zip(objective.vars, objective.coeffs, strict=True))
    for i in np.flatnonzero(costs):
        index = built.context.lits[int(i)].index
        total[index] = total.get(index, 0) + int(costs[i])
    variables = [v for v, k in total.items() if k]
    coeffs = [total[v] for v in variables]
    objective.vars.clear()
    objective.coeffs.clear()
    objective.vars.extend(variables)
    objective.coeffs.extend(coeffs)
    return model
