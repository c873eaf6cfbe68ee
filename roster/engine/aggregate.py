"""The linear relaxation of the roster model over classes of alike agents (GLOP).

Agents alike in everything the relaxation sees (contract, options and their costs,
unmet-wish weights, days away, pins) form a class. The relaxation counts how many of a
class's agents take each option (from 0 to the class size) instead of choosing per agent;
by symmetry this loses nothing against per-agent variables and makes the model small:

- per-agent linear rules summed over the class: one shift a day, paid minutes per week
  and period, working days, weekends, per-template maxima, pins;
- coverage per interval and queue with shortfall and overstaffing, and cover per day and
  template, as functions of the counts;
- fairness through class totals (the most of a class is at least its mean, the least at
  most it), overtime on the class's total minutes (a lower bound: overtime is convex in
  the minutes), every penalty linear in the options (cost, preferences, stability, dated
  shift wishes), and any other term at its least value.

Rules left out (runs of days, rest, successions) only enlarge it. Every roster maps onto
a feasible point (count the class's agents on each option) whose objective is no larger,
so the relaxation's optimum is a lower bound on every roster. `aggregate_bound` returns
it in solver units.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from roster.domain import absent_days, prorated_minimum
from roster.engine.model import BuiltModel, Context
from roster.engine.rules_hard import pinned_matches, weekend_groups
from roster.engine.rules_soft import _interval_demands, _shift_demands, _unmet
from roster.engine.weights import SCALE

REBUILT = {"coverage_shortfall", "overstaffing", "shift_cover_under", "shift_cover_over",
           "fairness_weekends", "fairness_late_shifts", "fairness_preferences",
           "overtime_cost"}
"""Soft rules stated again over class counts here (their model terms are not reused)."""


Lin = list[tuple[pywraplp.Variable, float]]
"""A linear form as (variable, coefficient) pairs; rows are set coefficient by coefficient
(pywraplp's operator expressions cost most of the build time)."""

INF = float("inf")


@dataclass
class Aggregate:
    """The relaxation on a pywraplp solver: classes (representative -> members), a count per
    representative option, and the objective (variable -> coefficient, solver units)."""

    built: BuiltModel
    solver: pywraplp.Solver
    members: dict[int, list[int]] = field(default_factory=dict)
    count: dict[int, pywraplp.Variable] = field(default_factory=dict)
    constant: int = 0
    _weekend: dict[tuple[int, int], pywraplp.Variable] = field(default_factory=dict)
    _cover: dict[tuple[int, str], Lin] | None = None
    entries: dict[int, list[tuple[pywraplp.Constraint, float]]] | None = None
    """With `record_entries`: variable index -> its (row, coefficient) pairs (the columns
    weekly.py substitutes patterns into)."""

    @property
    def ctx(self) -> Context:
        return self.built.context

    def var(self, high: float) -> pywraplp.Variable:
        """A new variable in [0, high]."""
        return self.solver.NumVar(0, high, "")

    def row(self, low: float, high: float, *parts: Lin) -> None:
        """low <= sum of the parts <= high (an empty sum outside the range: infeasible)."""
        coefs: dict[int, list] = {}
        for part in parts:
            for var, coef in part:
                item = coefs.setdefault(var.index(), [var, 0.0])
                item[1] += coef
        constraint = self.solver.RowConstraint(low, high, "")
        entries = self.entries
        for var, coef in coefs.values():
            if coef:
                constraint.SetCoefficient(var, coef)
                if entries is not None:
                    entries.setdefault(var.index(), []).append((constraint, coef))

    def cost(self, var: pywraplp.Variable, coef: float) -> None:
        """Add coef x var to the objective."""
        objective = self.solver.Objective()
        objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)

    def size(self, a: int) -> int:
        return len(self.members[a])

    def day(self, a: int, d: int) -> list[int]:
        """The representative's options on day d (each a count variable)."""
        return self.ctx.day_options(a, d)

    def counts(self, indices: list[int], coef: float = 1.0) -> Lin:
        return [(self.count[i], coef) for i in indices]

    def work(self, a: int, d: int) -> Lin:
        """How many agents of the class work day d."""
        return self.counts(self.day(a, d))

    def weekend(self, a: int, group: list[int]) -> pywraplp.Variable:
        """How many agents of the class work some day of the weekend `group`: at least on
        its busiest day, at most the sum over its days."""
        key = (a, group[0])
        if key not in self._weekend:
            var = self.var(self.size(a))
            for d in group:
                self.row(0, INF, [(var, 1)], self.counts(self.day(a, d), -1))
            self.row(-INF, 0, [(var, 1)], *(self.counts(self.day(a, d), -1) for d in group))
            self._weekend[key] = var
        return self._weekend[key]


def linear_in_options(built: BuiltModel, expr: cp_model.LinearExprT) -> dict[int, int] | None:
    """`expr` as {option index: coefficient} (its constant left out), resolving the model's
    per-day sums (worked day, template worked); None when it is not linear in the options."""
    of_var, sums = _lookups(built)
    if isinstance(expr, int):
        return {}
    flat = cp_model.FlatIntExpr(expr)  # type: ignore[arg-type]
    out: dict[int, int] = defaultdict(int)
    for var, coef in zip(flat.vars, flat.coeffs, strict=True):
        if var.index in of_var:
            out[of_var[var.index]] += coef
        elif var.index in sums:
            for i in sums[var.index]:
                out[i] += coef
        else:
            return None
    return dict(out)


def _lookups(built: BuiltModel) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Variable index -> option, and helper variable index -> its options (cached in the
    context, rebuilt when the model has grown)."""
    ctx = built.context
    size = len(built.model.proto.variables)
    cached: Any = ctx._groups.get(("option_lookups",))
    if cached is None or cached[0] != size:
        cached = (size, {lit.index: i for i, lit in enumerate(ctx.lits)}, _option_sums(ctx))
        ctx._groups[("option_lookups",)] = cached
    return cached[1], cached[2]


def _option_sums(ctx: Context) -> dict[int, list[int]]:
    """Helper booleans equal to a sum of one agent-day's options: variable index -> options."""
    out: dict[int, list[int]] = {}
    for key, value in ctx._groups.items():
        if isinstance(value, int) or not isinstance(value, cp_model.IntVar):
            continue
        if key[0] == "work":
            out[value.index] = list(ctx.day_options(key[1], key[2]))  # type: ignore[arg-type]
        elif key[0] == "tpl":
            a, d, template = key[1], key[2], key[3]
            out[value.index] = [i for i in ctx.day_options(a, d)  # type: ignore[arg-type]
                                if ctx.option(i).template == template]
    return out


def _offset(expr: cp_model.LinearExprT) -> int:
    if isinstance(expr, int):
        return expr
    return int(cp_model.FlatIntExpr(expr).offset)  # type: ignore[arg-type]


def _least(built: BuiltModel, term_expr: cp_model.LinearExprT, coef: int) -> int:
    """The least value coef x expr takes over its variables' domains."""
    if isinstance(term_expr, int):
        return coef * term_expr
    flat = cp_model.FlatIntExpr(term_expr)  # type: ignore[arg-type]
    proto = built.model.proto
    low = high = int(flat.offset)
    for v, c in zip(flat.vars, flat.coeffs, strict=True):
        domain = list(proto.variables[v.index].domain)
        low += min(c * domain[0], c * domain[-1])
        high += max(c * domain[0], c * domain[-1])
    return min(coef * low, coef * high)


def option_costs_and_constant(built: BuiltModel) -> tuple[dict[int, int], int]:
    """Per-option objective coefficients of the terms linear in the options, and the
    constant: the model's, those terms' offsets, and every other term not in REBUILT at
    its least value."""
    cost: dict[int, int] = defaultdict(int)
    constant = built.objective_constant()
    for term in built.terms:
        if term.rule in REBUILT:
            continue
        linear = linear_in_options(built, term.expr)
        if linear is None:
            constant += _least(built, term.expr, term.coef)
            continue
        for i, c in linear.items():
            cost[i] += term.coef * c
        constant += term.coef * _offset(term.expr)
    return cost, constant


def unmet_weights(built: BuiltModel) -> dict[int, tuple[int, dict[int, int]]] | None:
    """Per agent: (constant, weight per option) of the unmet wish weight; None when a wish
    is not linear in the options."""
    out: dict[int, tuple[int, dict[int, int]]] = {}
    for a, pairs in _unmet(built.context).items():
        constant = 0
        weights: dict[int, int] = defaultdict(int)
        for expr, w in pairs:
            linear = linear_in_options(built, expr)
            if linear is None:
                return None
            constant += w * _offset(expr)
            for i, c in linear.items():
                weights[i] += w * c
        out[a] = (constant, dict(weights))
    return out


def alike_members(built: BuiltModel, cost: dict[int, int],
                  unmet: dict[int, tuple[int, dict[int, int]]] | None) -> dict[int, list[int]]:
    """Classes of agents alike for the relaxation: representative -> members (in order).

    Members' options are listed in the same order, so the representative's k-th option of
    a day stands for each member's k-th option of that day."""
    ctx = built.context
    dates = [ctx.period.start + timedelta(days=d) for d in range(ctx.days)]
    pins: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for s in ctx.problem.pinned:
        pins[s.agent_id].append((s.date, s.start, s.end, s.template, s.queue,
                                 tuple((b.start, b.end) for b in s.breaks)))
    seen: dict[tuple[object, ...], int] = {}
    members: dict[int, list[int]] = {}
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        wishes = (unmet or {}).get(a, (0, {}))
        options = tuple((o.day, o.template, o.start, o.break_start, o.queue, cost.get(i, 0),
                         wishes[1].get(i, 0))
                        for d in range(ctx.days) for i in ctx.day_options(a, d)
                        for o in [ctx.option(i)])
        away = tuple(absent_days(ctx.team, agent, dates[b[0]:b[-1] + 1])
                     for b, _ in ctx.week_blocks())
        key = (agent.contract, away, absent_days(ctx.team, agent, dates), options, wishes[0],
               a in _unmet(ctx), tuple(sorted(pins[agent.id], key=str)))
        if key in seen:
            members[seen[key]].append(a)
        else:
            seen[key] = a
            members[a] = [a]
    return members


def build_aggregate(built: BuiltModel, record_entries: bool = False) -> Aggregate | None:
    """The class-count relaxation of `built` (see the module docstring) on GLOP, or None
    when GLOP is not available; `record_entries` keeps each variable's rows (`entries`)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    cost, constant = option_costs_and_constant(built)
    unmet = unmet_weights(built)
    agg = Aggregate(built, solver, entries={} if record_entries else None)
    agg.members = alike_members(built, cost, unmet)
    agg.constant = constant
    ctx = built.context
    for a, members in agg.members.items():
        for d in range(ctx.days):
            for i in agg.day(a, d):
                agg.count[i] = agg.var(len(members))
            if len(agg.day(a, d)) > 1:
                agg.row(-INF, len(members), agg.work(a, d))
    for i, c in cost.items():
        if c and i in agg.count:
            agg.cost(agg.count[i], c)
    for rule in HARD:
        if ctx.enabled(rule.__name__):
            rule(agg)
    for soft in SOFT:
        if ctx.enabled(soft.__name__):
            soft(agg)
    if ctx.enabled("fairness_preferences") and unmet is not None:
        _fairness_preferences(agg, unmet)
    solver.Objective().SetOffset(agg.constant)
    solver.Objective().SetMinimization()
    return agg


@dataclass(frozen=True)
class Relaxed:
    """The relaxation's optimum: `bound` (solver units, rounded down after a margin for
    floating-point error) and, per agent, the shifts (day, template, start) its class
    takes in the optimum (the support that guided.py searches first); `aggregate` is the
    solved relaxation when asked for (weekly.py continues from it)."""

    bound: int
    support: dict[int, set[tuple[int, str, int]]]
    aggregate: Aggregate | None = field(default=None, compare=False, repr=False)


def solve_relaxation(built: BuiltModel, seconds: float = 60.0, keep: bool = False,
                     entries: bool | None = None) -> Relaxed | None:
    """Solve the relaxation with GLOP; None when it does not finish within `seconds`.
    With `keep`, the result holds the solved relaxation, its rows recorded per variable
    unless `entries` is False."""
    agg = build_aggregate(built, record_entries=keep if entries is None else entries)
    if agg is None:
        return None
    agg.solver.SetTimeLimit(max(100, int(seconds * 1000)))
    if agg.solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = agg.solver.Objective().Value()
    return Relaxed(math.floor(value - 1e-6 * abs(value) - 1), support_of(agg),
                   agg if keep else None)


def support_of(agg: Aggregate) -> dict[int, set[tuple[int, str, int]]]:
    """Per agent: the shifts (day, template, start) its class takes in the current
    solution (options with a positive count)."""
    ctx = agg.ctx
    support: dict[int, set[tuple[int, str, int]]] = {}
    for a, members in agg.members.items():
        used = {(o.day, o.template, o.start) for d in range(ctx.days) for i in agg.day(a, d)
                if agg.count[i].solution_value() > 1e-6 for o in [ctx.option(i)]}
        for m in members:
            support[m] = used
    return support


def aggregate_bound(built: BuiltModel, seconds: float = 60.0) -> int | None:
    """The relaxation's optimum in solver units (see `Relaxed.bound`), or None when GLOP
    does not finish within `seconds`."""
    relaxed = solve_relaxation(built, seconds)
    return None if relaxed is None else relaxed.bound


# ---- hard rules summed over a class ---------------------------------------------------------


def _lowered(agg: Aggregate, a: int, minimum: int, days: list[int]) -> int:
    ctx = agg.ctx
    dates = [ctx.period.start + timedelta(days=d) for d in days]
    return prorated_minimum(minimum, len(days), absent_days(ctx.team, ctx.team.agents[a], dates))


def _paid(agg: Aggregate, a: int, days: list[int]) -> Lin:
    return [(agg.count[i], agg.ctx.option(i).paid) for d in days for i in agg.day(a, d)]


def minutes_per_week(agg: Aggregate) -> None:
    for a, n in ((a, agg.size(a)) for a in agg.members):
        contract = agg.ctx.team.contract_of(agg.ctx.team.agents[a])
        for days, full in agg.ctx.week_blocks():
            low = _lowered(agg, a, contract.min_minutes_per_week, days) if full else 0
            agg.row(n * low, n * contract.max_minutes_per_week, _paid(agg, a, days))


def minutes_per_period(agg: Aggregate) -> None:
    ctx = agg.ctx
    for a, n in ((a, agg.size(a)) for a in agg.members):
        contract = ctx.team.contract_of(ctx.team.agents[a])
        every = list(range(ctx.days))
        high = contract.max_minutes_per_period
        low = _lowered(agg, a, contract.min_minutes_per_period or 0, every)
        if high is not None or low:
            agg.row(n * low, INF if high is None else n * high, _paid(agg, a, every))


def days_per_week(agg: Aggregate) -> None:
    for a, n in ((a, agg.size(a)) for a in agg.members):
        contract = agg.ctx.team.contract_of(agg.ctx.team.agents[a])
        for days, full in agg.ctx.week_blocks():
            least = _lowered(agg, a, contract.min_days_per_week, days) if full else 0
            agg.row(n * least, n * contract.max_days_per_week,
                    *(agg.work(a, d) for d in days))


def max_weekends(agg: Aggregate) -> None:
    groups = weekend_groups(agg.ctx)
    for a, n in ((a, agg.size(a)) for a in agg.members):
        most = agg.ctx.team.contract_of(agg.ctx.team.agents[a]).max_weekends
        if most < len(groups):
            agg.row(-INF, n * most, [(agg.weekend(a, g), 1) for g in groups])


def max_per_template(agg: Aggregate) -> None:
    ctx = agg.ctx
    for a, n in ((a, agg.size(a)) for a in agg.members):
        for template, most in ctx.team.contract_of(ctx.team.agents[a]).max_per_template.items():
            agg.row(-INF, n * most, agg.counts([i for d in range(ctx.days) for i in agg.day(
                a, d) if ctx.option(i).template == template]))


def pinned(agg: Aggregate) -> None:
    """Each member holds the same pins (classes are keyed by them): n matching shifts."""
    for a, matching in pinned_matches(agg.ctx, agg.members):
        agg.row(agg.size(a), agg.size(a), agg.counts(matching))


HARD = [pinned, minutes_per_week, minutes_per_period, days_per_week, max_weekends,
        max_per_template]
"""Hard rules stated over class counts. The others (runs of days, rest, successions),
summed over a class, did not raise the bound at 60 or 300 agents and tripled its build
time; leaving a rule out only enlarges the relaxation."""


# ---- soft rules over counts -----------------------------------------------------------------


def _coverage(agg: Aggregate) -> dict[tuple[int, str], Lin]:
    """Agents on each (interval, queue), from per-(start, end, queue) sums of counts
    (computed once)."""
    if agg._cover is not None:
        return agg._cover
    ctx = agg.ctx
    step = ctx.period.interval_minutes
    spans: dict[tuple[int, int, str, int], list[int]] = defaultdict(list)
    for i in agg.count:
        o = ctx.option(i)
        spans[o.start, o.end, o.queue, 1].append(i)
        if o.break_start is not None:
            spans[o.break_start, o.break_start + o.break_length, o.queue, -1].append(i)
    cover: dict[tuple[int, str], Lin] = defaultdict(list)
    top = len(ctx.agent_indices())
    for (start, end, queue, sign), indices in spans.items():
        total = agg.var(top)
        agg.row(0, 0, [(total, -1)], agg.counts(indices))
        for t in range(start // step, -(-end // step)):
            cover[t, queue].append((total, sign))
    agg._cover = cover
    return cover


def coverage_shortfall(agg: Aggregate) -> None:
    ctx = agg.ctx
    hours = ctx.period.interval_minutes / 60
    cover = _coverage(agg)
    for (t, queue), demand in _interval_demands(ctx).items():
        if demand.agents <= 0 or (t, queue) not in cover:
            continue  # no option covers it: in the model's constant already
        short = agg.var(demand.agents)
        agg.row(demand.agents, INF, cover[t, queue], [(short, 1)])
        agg.cost(short, ctx.points("coverage_shortfall", hours * demand.value))


def overstaffing(agg: Aggregate) -> None:
    ctx = agg.ctx
    demands = _interval_demands(ctx)
    queues = {q for _, q in demands}
    coef = ctx.points("overstaffing", ctx.period.interval_minutes / 60)
    top = len(ctx.agent_indices())
    for (t, queue), cov in _coverage(agg).items():
        if queue not in queues:
            continue
        need = demands[t, queue].agents if (t, queue) in demands else 0
        over = agg.var(top)
        agg.row(-INF, need, cov, [(over, -1)])
        agg.cost(over, coef)


def _template_day(agg: Aggregate, d: int, template: str) -> Lin:
    return agg.counts([i for a in agg.members for i in agg.day(a, d)
                       if agg.ctx.option(i).template == template])


def shift_cover_under(agg: Aggregate) -> None:
    ctx = agg.ctx
    for d, demand in _shift_demands(ctx):
        coef = ctx.points("shift_cover_under", demand.under_weight)
        if demand.required <= 0 or not coef:
            continue
        under = agg.var(demand.required)
        agg.row(demand.required, INF, _template_day(agg, d, demand.template), [(under, 1)])
        agg.cost(under, coef)


def shift_cover_over(agg: Aggregate) -> None:
    ctx = agg.ctx
    for d, demand in _shift_demands(ctx):
        coef = ctx.points("shift_cover_over", demand.over_weight)
        if not coef:
            continue
        over = agg.var(len(ctx.agent_indices()))
        agg.row(-INF, demand.required, _template_day(agg, d, demand.template), [(over, -1)])
        agg.cost(over, coef)


def _spread(agg: Aggregate, rule: str, totals: dict[int, Lin]) -> None:
    """max - min of per-agent counts within each contract, from class totals: the most is at
    least each class's mean, the least at most it (`totals` over eligible classes)."""
    ctx = agg.ctx
    coef = ctx.points(rule, 1)
    top = max(len(ctx.period.dates()), 1)
    by_contract: dict[str, list[int]] = defaultdict(list)
    for a in totals:
        by_contract[ctx.team.agents[a].contract].append(a)
    for classes in by_contract.values():
        if sum(agg.size(a) for a in classes) < 2:
            continue
        high = agg.var(top)
        low = agg.var(top)
        for a in classes:
            minus = [(v, -c) for v, c in totals[a]]
            agg.row(0, INF, [(high, agg.size(a))], minus)
            agg.row(-INF, 0, [(low, agg.size(a))], minus)
        agg.cost(high, coef)
        agg.cost(low, -coef)


def _works(agg: Aggregate, a: int) -> bool:
    return any(agg.day(a, d) for d in range(agg.ctx.days))


def fairness_weekends(agg: Aggregate) -> None:
    groups = weekend_groups(agg.ctx)
    if not groups:
        return
    totals = {a: [(agg.weekend(a, g), 1.0) for g in groups] for a in agg.members
              if _works(agg, a) and agg.ctx.team.contract_of(agg.ctx.team.agents[a]).max_weekends}
    _spread(agg, "fairness_weekends", totals)


def fairness_late_shifts(agg: Aggregate) -> None:
    ctx = agg.ctx
    late = {name for name, t in ctx.team.settings.templates.items() if t.is_late()}
    totals = {}
    for a in agg.members:
        if _works(agg, a) and any(t.name in late for t in ctx.team.templates_of(
                ctx.team.agents[a])):
            totals[a] = agg.counts([i for d in range(ctx.days) for i in agg.day(a, d)
                                    if ctx.option(i).template in late])
    _spread(agg, "fairness_late_shifts", totals)


def _fairness_preferences(agg: Aggregate, unmet: dict[int, tuple[int, dict[int, int]]]) -> None:
    """The worst-off agent's unmet weight is at least each class's mean."""
    if not unmet:
        return
    ctx = agg.ctx
    top = max(c + sum(max(w, 0) for w in ws.values()) for c, ws in unmet.values())
    worst = agg.var(max(top, 0))
    for a in agg.members:
        if a not in unmet:
            continue
        constant, weights = unmet[a]
        n = agg.size(a)
        agg.row(n * constant, INF, [(worst, n)],
                [(agg.count[i], -w) for i, w in weights.items()])
    agg.cost(worst, ctx.points("fairness_preferences", 1 / SCALE))


def overtime_cost(agg: Aggregate) -> None:
    """Overtime of the class's total minutes over n x the threshold (a lower bound by
    convexity), per week block, in the rule's units of g minutes."""
    ctx = agg.ctx
    for a, n in ((a, agg.size(a)) for a in agg.members):
        contract = ctx.team.contract_of(ctx.team.agents[a])
        if contract.overtime_after_minutes is None or contract.overtime_multiplier <= 1:
            continue
        per_minute = contract.hourly_cost * (contract.overtime_multiplier - 1) / 60
        for days, _ in ctx.week_blocks():
            paid = [ctx.option(i).paid for d in days for i in agg.day(a, d)]
            if not paid or sum(paid) <= contract.overtime_after_minutes:
                continue
            g = math.gcd(contract.overtime_after_minutes, *paid)
            extra = agg.var(n * (sum(paid) // g + 1))
            minus = [(v, -c) for v, c in _paid(agg, a, days)]
            agg.row(-n * contract.overtime_after_minutes, INF, [(extra, g)], minus)
            agg.cost(extra, ctx.points("overtime_cost", per_minute * g))


SOFT = [coverage_shortfall, overstaffing, shift_cover_under, shift_cover_over,
        fairness_weekends, fairness_late_shifts, overtime_cost]
