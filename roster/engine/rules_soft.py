"""Soft rules: each function returns its penalty terms (points x SCALE), named as in weights.py.

Nothing here touches the objective; `build_model` minimises the sum of all terms.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date, time

from ortools.sat.python import cp_model

from roster.domain import PreferenceKind, Shift
from roster.domain.base import minutes_of_day
from roster.engine.demand import IntervalDemand, ShiftDemand
from roster.engine.model import Context, Term
from roster.engine.rules_hard import weekend_groups, weekend_worked
from roster.engine.variables import Option, to_datetime, to_minutes
from roster.engine.weights import SCALE


def _per_option(ctx: Context, rule: str, costs: dict[int, int]) -> list[Term]:
    """One term summing coefficient x literal over options (zero costs dropped)."""
    items = [(i, c) for i, c in costs.items() if c]
    if not items:
        return []
    expr = cp_model.LinearExpr.weighted_sum([ctx.lits[i] for i, _ in items],
                                            [c for _, c in items])
    return [Term(rule, expr, 1, rule)]


# ---- coverage: demand per interval and queue ------------------------------------------------


def interval_coverage(ctx: Context) -> dict[tuple[int, str], cp_model.LinearExprT]:
    """Agents working each (interval index, queue), as linear expressions (cached).

    Options are first summed into one integer per (start, end, queue) and per (break,
    queue); each interval then sums a few of those, keeping the model small.
    """
    key = ("interval_coverage",)
    if key in ctx._groups:
        return ctx._groups[key]  # type: ignore[return-value]
    step = ctx.period.interval_minutes
    shifts: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    breaks: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for i, o in enumerate(ctx.options.options):
        shifts[o.start, o.end, o.queue].append(i)
        if o.break_start is not None:
            breaks[o.break_start, o.break_start + o.break_length, o.queue].append(i)
    cover: dict[tuple[int, str], list[cp_model.LinearExprT]] = defaultdict(list)
    uncover: dict[tuple[int, str], list[cp_model.LinearExprT]] = defaultdict(list)
    for target, groups in ((cover, shifts), (uncover, breaks)):
        for (start, end, queue), indices in groups.items():
            total = _sum_var(ctx, indices, f"n_{queue}_{start}_{end}")
            for t in range(start // step, -(-end // step)):
                target[t, queue].append(total)
    coverage = {k: sum(v) - sum(uncover.get(k, [])) for k, v in cover.items()}
    ctx._groups[key] = coverage  # type: ignore[assignment]
    return coverage


def _sum_var(ctx: Context, indices: list[int], name: str) -> cp_model.LinearExprT:
    if len(indices) == 1:
        return ctx.lits[indices[0]]
    var = ctx.model.new_int_var(0, len(indices), name)
    ctx.model.add(cp_model.LinearExpr.sum([ctx.lits[i] for i in indices]) == var)
    return var


def _interval_demands(ctx: Context) -> dict[tuple[int, str], IntervalDemand]:
    step = ctx.period.interval_minutes
    out = {}
    for demand in ctx.problem.demands:
        if isinstance(demand, IntervalDemand):
            t = to_minutes(ctx.period, demand.start) // step
            if 0 <= t < ctx.days * ctx.period.intervals_per_day:
                out[t, demand.queue] = demand
    return out


def coverage_shortfall(ctx: Context) -> list[Term]:
    """Agents short of the requirement per interval and queue, x the interval's value."""
    hours = ctx.period.interval_minutes / 60
    coverage = interval_coverage(ctx)
    terms = []
    for (t, queue), demand in sorted(_interval_demands(ctx).items()):
        if demand.agents <= 0:
            continue
        coef = ctx.points("coverage_shortfall", hours * demand.value)
        cov = coverage.get((t, queue), 0)
        label = f"{queue} {demand.start:%Y-%m-%d %H:%M}"
        if isinstance(cov, int):
            ctx.constant["coverage_shortfall"] += coef * demand.agents
            continue
        short = ctx.model.new_int_var(0, demand.agents, f"short_{queue}_{t}")
        ctx.model.add(cov + short >= demand.agents)
        terms.append(Term("coverage_shortfall", short, coef, label))
    return terms


def overstaffing(ctx: Context) -> list[Term]:
    """Agents above the requirement per interval, on queues that have interval demand."""
    demands = _interval_demands(ctx)
    queues = {q for _, q in demands}
    if not queues:
        return []
    coef = ctx.points("overstaffing", ctx.period.interval_minutes / 60)
    terms = []
    for (t, queue), cov in sorted(interval_coverage(ctx).items()):
        if queue not in queues or isinstance(cov, int):
            continue
        need = demands[t, queue].agents if (t, queue) in demands else 0
        over = ctx.model.new_int_var(0, len(ctx.agent_indices()), f"over_{queue}_{t}")
        ctx.model.add(over >= cov - need)
        terms.append(Term("overstaffing", over, coef, f"{queue} interval {t}"))
    return terms


# ---- coverage: demand per day and shift template ---------------------------------------------


def _shift_cover(ctx: Context) -> dict[tuple[int, str], list[int]]:
    key = ("shift_cover",)
    if key not in ctx._groups:
        by_day_template: dict[tuple[int, str], list[int]] = defaultdict(list)
        for i, o in enumerate(ctx.options.options):
            by_day_template[o.day, o.template].append(i)
        ctx._groups[key] = by_day_template  # type: ignore[assignment]
    return ctx._groups[key]  # type: ignore[return-value]


def _shift_demands(ctx: Context) -> list[tuple[int, ShiftDemand]]:
    return [((d.day - ctx.period.start).days, d) for d in ctx.problem.demands
            if isinstance(d, ShiftDemand) and 0 <= (d.day - ctx.period.start).days < ctx.days]


def shift_cover_under(ctx: Context) -> list[Term]:
    """Shifts of a template on a day below the stated requirement, x its under-weight."""
    cover = _shift_cover(ctx)
    terms = []
    for d, demand in _shift_demands(ctx):
        coef = ctx.points("shift_cover_under", demand.under_weight)
        if demand.required <= 0 or not coef:
            continue
        indices = cover.get((d, demand.template), [])
        under = ctx.model.new_int_var(0, demand.required, f"under_{demand.template}_{d}")
        ctx.model.add(cp_model.LinearExpr.sum([ctx.lits[i] for i in indices]) + under
                      >= demand.required)
        terms.append(Term("shift_cover_under", under, coef, f"{demand.template} {demand.day}"))
    return terms


def shift_cover_over(ctx: Context) -> list[Term]:
    """Shifts of a template on a day above the stated requirement, x its over-weight."""
    cover = _shift_cover(ctx)
    terms = []
    for d, demand in _shift_demands(ctx):
        coef = ctx.points("shift_cover_over", demand.over_weight)
        indices = cover.get((d, demand.template), [])
        if not coef or len(indices) == 0:
            continue
        over = ctx.model.new_int_var(0, len(indices), f"over_{demand.template}_{d}")
        ctx.model.add(over >= cp_model.LinearExpr.sum([ctx.lits[i] for i in indices])
                      - demand.required)
        terms.append(Term("shift_cover_over", over, coef, f"{demand.template} {demand.day}"))
    return terms


# ---- preferences ----------------------------------------------------------------------------


def _agent_index(ctx: Context) -> dict[str, int]:
    chosen = set(ctx.agent_indices())
    return {agent.id: a for a, agent in enumerate(ctx.team.agents) if a in chosen}


def _day(ctx: Context, value: date | None) -> int | None:
    return None if value is None else (value - ctx.period.start).days


def _unmet(ctx: Context) -> dict[int, list[tuple[cp_model.LinearExprT, int]]]:
    """Per agent: (expression, wish weight x SCALE) pairs of unmet wishes (for fairness)."""
    key = ("unmet",)
    if key not in ctx._groups:
        ctx._groups[key] = defaultdict(list)  # type: ignore[assignment]
    return ctx._groups[key]  # type: ignore[return-value]


def preference_shift(ctx: Context) -> list[Term]:
    """prefer_shift: unmet when the day's shift is another template (or, with a date, when
    that template is not worked); avoid_shift: each shift of the template (on the date)."""
    index = _agent_index(ctx)
    costs: dict[int, int] = defaultdict(int)
    terms: list[Term] = []
    for pref in ctx.team.preferences:
        a = index.get(pref.agent_id)
        if a is None or pref.kind not in (PreferenceKind.PREFER_SHIFT, PreferenceKind.AVOID_SHIFT):
            continue
        d0 = _day(ctx, pref.date)
        if d0 is not None and not 0 <= d0 < ctx.days:
            continue
        days = range(ctx.days) if d0 is None else [d0]
        coef = ctx.points("preference_shift", pref.weight)
        wish = round(pref.weight * SCALE)
        if pref.kind == PreferenceKind.PREFER_SHIFT and d0 is not None:
            worked = ctx.template_on(a, d0, pref.template or "")
            ctx.constant["preference_shift"] += coef
            _unmet(ctx)[a].append((1 - worked, wish))
            if not isinstance(worked, int):
                terms.append(Term("preference_shift", worked, -coef, f"{pref.agent_id} wish"))
            continue
        for d in days:
            for i in ctx.day_options(a, d):
                same = ctx.option(i).template == pref.template
                if same == (pref.kind == PreferenceKind.AVOID_SHIFT):
                    costs[i] += coef
                    _unmet(ctx)[a].append((ctx.lits[i], wish))
    return terms + _per_option(ctx, "preference_shift", costs)


def preference_day_off(ctx: Context) -> list[Term]:
    """day_off: a shift on the requested date."""
    index = _agent_index(ctx)
    costs: dict[int, int] = defaultdict(int)
    for pref in ctx.team.preferences:
        a = index.get(pref.agent_id)
        d = _day(ctx, pref.date)
        if a is None or pref.kind != PreferenceKind.DAY_OFF or d is None or not 0 <= d < ctx.days:
            continue
        for i in ctx.day_options(a, d):
            costs[i] += ctx.points("preference_day_off", pref.weight)
            _unmet(ctx)[a].append((ctx.lits[i], round(pref.weight * SCALE)))
    return _per_option(ctx, "preference_day_off", costs)


def window_overlap(option: Option, start: time, end: time, day: int | None) -> int:
    """Minutes of the shift (not its break) inside [start, end) of its day and the next."""
    lo, hi = minutes_of_day(start), minutes_of_day(end) or 24 * 60
    total = 0
    for base in (option.day, option.day + 1):
        if day is not None and base != day:
            continue
        w0, w1 = base * 24 * 60 + lo, base * 24 * 60 + hi
        for p0, p1 in option.worked():
            total += max(0, min(p1, w1) - max(p0, w0))
    return total


def preference_time(ctx: Context) -> list[Term]:
    """prefer_time: worked hours outside the window; avoid_time: worked hours inside it."""
    index = _agent_index(ctx)
    costs: dict[int, int] = defaultdict(int)
    for pref in ctx.team.preferences:
        a = index.get(pref.agent_id)
        if a is None or pref.kind not in (PreferenceKind.PREFER_TIME, PreferenceKind.AVOID_TIME):
            continue
        assert pref.start_time is not None and pref.end_time is not None
        d0 = _day(ctx, pref.date)
        for d in range(ctx.days) if d0 is None else [d0] if 0 <= d0 < ctx.days else []:
            for i in ctx.day_options(a, d):
                o = ctx.option(i)
                inside = window_overlap(o, pref.start_time, pref.end_time, d0)
                minutes = inside if pref.kind == PreferenceKind.AVOID_TIME else o.paid - inside
                if minutes > 0:
                    costs[i] += ctx.points("preference_time", pref.weight * minutes / 60)
                    _unmet(ctx)[a].append((ctx.lits[i], round(pref.weight * minutes / 60 * SCALE)))
    return _per_option(ctx, "preference_time", costs)


# ---- fairness -------------------------------------------------------------------------------


def _spread(ctx: Context, rule: str, counts: dict[int, cp_model.LinearExprT],
            eligible: set[int]) -> list[Term]:
    """max - min of the counts within each contract (over agents who could have any)."""
    coef = ctx.points(rule, 1)
    terms = []
    by_contract: dict[str, list[int]] = defaultdict(list)
    for a in eligible:
        by_contract[ctx.team.agents[a].contract].append(a)
    for contract, members in sorted(by_contract.items()):
        if len(members) < 2:
            continue
        top = max(len(ctx.period.dates()), 1)
        high = ctx.model.new_int_var(0, top, f"{rule}_{contract}_max")
        low = ctx.model.new_int_var(0, top, f"{rule}_{contract}_min")
        for a in members:
            ctx.model.add(high >= counts[a])
            ctx.model.add(low <= counts[a])
        terms += [Term(rule, high, coef, f"{contract} most"),
                  Term(rule, low, -coef, f"{contract} least")]
    return terms


def fairness_weekends(ctx: Context) -> list[Term]:
    """Spread of weekends worked within each contract (agents working in the period)."""
    groups = weekend_groups(ctx)
    if not groups:
        return []
    counts, eligible = {}, set()
    for a in ctx.agent_indices():
        counts[a] = sum(weekend_worked(ctx, a, g) for g in groups)
        works = any(ctx.day_options(a, d) for d in range(ctx.days))
        if works and ctx.team.contract_of(ctx.team.agents[a]).max_weekends:
            eligible.add(a)
    return _spread(ctx, "fairness_weekends", counts, eligible)


def fairness_late_shifts(ctx: Context) -> list[Term]:
    """Spread of late shifts within each contract (agents working in the period who may)."""
    late = sorted(name for name, t in ctx.team.settings.templates.items() if t.is_late())
    counts, eligible = {}, set()
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        counts[a] = sum(ctx.template_on(a, d, t) for d in range(ctx.days) for t in late)
        works = any(ctx.day_options(a, d) for d in range(ctx.days))
        if works and any(t.name in late for t in ctx.team.templates_of(agent)):
            eligible.add(a)
    return _spread(ctx, "fairness_late_shifts", counts, eligible)


def fairness_preferences(ctx: Context) -> list[Term]:
    """Unmet wish weight of the worst-off agent (computed from the preference rules)."""
    unmet = _unmet(ctx)
    if not unmet:
        return []
    total = {a: sum(w * e for e, w in pairs) for a, pairs in unmet.items()}
    bound = max(sum(w for _, w in pairs) for pairs in unmet.values())
    worst = ctx.model.new_int_var(0, max(bound, 0), "fairness_preferences_worst")
    for expr in total.values():
        ctx.model.add(worst >= expr)
    return [Term("fairness_preferences", worst, ctx.points("fairness_preferences", 1 / SCALE),
                 "worst-off agent")]


# ---- cost and stability ---------------------------------------------------------------------


def labour_cost(ctx: Context) -> list[Term]:
    """Paid hours x the contract's hourly cost (temporary agents cost more per hour)."""
    costs = {}
    for i, o in enumerate(ctx.options.options):
        hourly = ctx.team.contract_of(ctx.team.agents[o.agent]).hourly_cost
        costs[i] = ctx.points("labour_cost", hourly * o.paid / 60)
    return _per_option(ctx, "labour_cost", costs)


def overtime_cost(ctx: Context) -> list[Term]:
    """Minutes past overtime_after_minutes in each week block x the overtime premium."""
    terms = []
    for a in ctx.agent_indices():
        contract = ctx.team.contract_of(ctx.team.agents[a])
        if contract.overtime_after_minutes is None or contract.overtime_multiplier <= 1:
            continue
        per_minute = contract.hourly_cost * (contract.overtime_multiplier - 1) / 60
        for days, _ in ctx.week_blocks():
            paid = [(ctx.option(i).paid, ctx.lits[i]) for d in days for i in ctx.day_options(a, d)]
            if not paid:
                continue
            top = sum(p for p, _ in paid)
            if top <= contract.overtime_after_minutes:
                continue
            # count overtime in units of g minutes (g divides every length) so the
            # coefficient stays exact after rounding to integers
            g = math.gcd(contract.overtime_after_minutes, *(p for p, _ in paid))
            extra = ctx.model.new_int_var(0, top // g + 1, f"overtime_{a}_{days[0]}")
            ctx.model.add(g * extra >= sum(p * x for p, x in paid)
                          - contract.overtime_after_minutes)
            terms.append(Term("overtime_cost", extra, ctx.points("overtime_cost", per_minute * g),
                              f"{ctx.team.agents[a].id} week {days[0] // 7 + 1}"))
    return terms


def same_shift(o: Option, shift: Shift, ctx: Context) -> bool:
    """Whether option `o` is exactly this shift (times, template, queue and break)."""
    start, end = ctx.minutes_from_origin(shift)
    if (o.start, o.end) != (start, end):
        return False
    if shift.template and shift.template != o.template:
        return False
    if shift.queue and shift.queue != o.queue:
        return False
    breaks = [to_minutes(ctx.period, b.start) for b in shift.breaks]
    return (breaks[0] if breaks else None) == o.break_start


def stability(ctx: Context) -> list[Term]:
    """Shifts that differ from the reference roster (added, removed or changed)."""
    reference = ctx.problem.reference
    if reference is None:
        return []
    coef = ctx.points("stability", 1)
    index = _agent_index(ctx)
    ref = {(s.agent_id, s.date): s for s in reference.shifts}
    costs: dict[int, int] = defaultdict(int)
    for agent_id, a in index.items():
        for d in range(ctx.days):
            shift = ref.get((agent_id, ctx.date_of(d)))
            if shift is None:
                for i in ctx.day_options(a, d):
                    costs[i] += coef
                continue
            same = [i for i in ctx.day_options(a, d) if same_shift(ctx.option(i), shift, ctx)]
            ctx.constant["stability"] += coef
            for i in same:
                costs[i] -= coef
    return _per_option(ctx, "stability", costs)


SOFT_RULES: list[Callable[[Context], list[Term]]] = [
    coverage_shortfall, overstaffing, shift_cover_under, shift_cover_over, preference_shift,
    preference_day_off, preference_time, fairness_weekends, fairness_late_shifts,
    fairness_preferences, labour_cost, overtime_cost, stability,
]

__all__ = ["SOFT_RULES", "interval_coverage", "to_datetime"]
