"""Hard rules: each function adds the constraints of one rule (named as in the weights table).

Leave, availability, skills and allowed templates are enforced when options are
enumerated (see variables.py); explain mode adds the blocked options back under an
assumption so the conflict can be named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from ortools.sat.python import cp_model

from roster.domain import Agent, absent_days, prorated_minimum
from roster.engine.model import Context


def one_shift_per_day(ctx: Context) -> None:
    """At most one shift per agent and day (always on: a roster holds one shift a day)."""
    for a in ctx.agent_indices():
        for d in range(ctx.days):
            indices = ctx.day_options(a, d)
            if len(indices) > 1:
                ctx.model.add_at_most_one(ctx.lits[i] for i in indices)


def pinned_matches(ctx: Context, agents: Iterable[int]) -> Iterator[tuple[int, list[int]]]:
    """For each pinned shift of `agents` inside the period: the agent and its matching options."""
    index = {agent.id: a for a, agent in enumerate(ctx.team.agents)}
    chosen = set(agents)
    for shift in ctx.problem.pinned:
        a = index.get(shift.agent_id)
        if a is None or a not in chosen:
            continue
        d = (shift.date - ctx.period.start).days
        if not 0 <= d < ctx.days:
            continue
        start, end = ctx.minutes_from_origin(shift)
        breaks = [ctx.minutes_from_origin(b)[0] for b in shift.breaks]  # type: ignore[arg-type]
        matching = []
        for i in ctx.day_options(a, d):
            o = ctx.option(i)
            if (o.start, o.end) != (start, end):
                continue
            if shift.template and o.template != shift.template:
                continue
            if shift.queue and o.queue != shift.queue:
                continue
            if breaks and o.break_start != breaks[0]:
                continue
            if not breaks and o.break_start is not None and shift.template:
                continue
            matching.append(i)
        yield a, matching


def pinned(ctx: Context) -> None:
    """Each pinned shift appears unchanged: exactly one matching option is chosen."""
    for a, matching in pinned_matches(ctx, ctx.agent_indices()):
        agent_id = ctx.team.agents[a].id
        if matching:
            ctx.add(agent_id, "pinned", sum(ctx.lits[i] for i in matching) == 1)
        else:
            ctx.add(agent_id, "pinned", False)


def _paid(ctx: Context, a: int, days: list[int]) -> cp_model.LinearExprT:
    indices = [i for d in days for i in ctx.day_options(a, d)]
    if not indices:
        return 0
    return cp_model.LinearExpr.weighted_sum([ctx.lits[i] for i in indices],
                                            [ctx.option(i).paid for i in indices])


def _prorated(ctx: Context, agent: Agent, minimum: int, days: list[int]) -> int:
    """A minimum over `days` lowered for whole days of approved leave or outside employment."""
    dates = [ctx.period.start + timedelta(days=d) for d in days]
    return prorated_minimum(minimum, len(days), absent_days(ctx.team, agent, dates))


def minutes_per_week(ctx: Context) -> None:
    """Paid minutes in each full 7-day block within [min, max]; a partial block: max only."""
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        contract = ctx.team.contract_of(agent)
        for days, full in ctx.week_blocks():
            low = _prorated(ctx, agent, contract.min_minutes_per_week, days) if full else 0
            ctx.add_range(agent.id, "minutes_per_week", _paid(ctx, a, days), low,
                          contract.max_minutes_per_week)


def minutes_per_period(ctx: Context) -> None:
    """Paid minutes over the whole period within the contract's per-period limits."""
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        contract = ctx.team.contract_of(agent)
        if contract.min_minutes_per_period is None and contract.max_minutes_per_period is None:
            continue
        high = contract.max_minutes_per_period
        every = list(range(ctx.days))
        low = _prorated(ctx, agent, contract.min_minutes_per_period or 0, every)
        ctx.add_range(agent.id, "minutes_per_period", _paid(ctx, a, every), low,
                      high if high is not None else 10**9)


def days_per_week(ctx: Context) -> None:
    """Working days in each full 7-day block within [min, max]; a partial block: max only."""
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        contract = ctx.team.contract_of(agent)
        for days, full in ctx.week_blocks():
            worked = sum(ctx.work(a, d) for d in days)
            if contract.max_days_per_week < len(days):
                ctx.add(agent.id, "days_per_week", worked <= contract.max_days_per_week)
            least = _prorated(ctx, agent, contract.min_days_per_week, days)
            if full and least > 0:
                ctx.add(agent.id, "days_per_week", worked >= least)


def _days_sum(ctx: Context, a: int, days: list[tuple[int, int]],
              working: bool = True) -> tuple[cp_model.LinearExprT, int]:
    """Sum of coef x (agent `a` works day d; or is off it when not `working`) over
    (d, coef) pairs, as (expression over the work literals, constant)."""
    lits: list[cp_model.LinearExprT] = []
    coefs: list[int] = []
    constant = 0
    sign = 1 if working else -1
    for d, coef in days:
        if not working:
            constant += coef
        work = ctx.work(a, d)
        if isinstance(work, int):
            constant += sign * coef * work
        else:
            lits.append(work)
            coefs.append(sign * coef)
    return (cp_model.LinearExpr.weighted_sum(lits, coefs) if lits else 0), constant


def max_consecutive_days(ctx: Context) -> None:
    """No run of working days longer than the max, counting the previous roster's run."""
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        most = ctx.team.contract_of(agent).max_consecutive_days
        before, _ = ctx.previous_worked(agent.id)
        for first in range(-min(before, most), ctx.days - most):
            window = range(first, first + most + 1)
            fixed = sum(1 for d in window if d < 0)
            worked, constant = _days_sum(ctx, a, [(d, 1) for d in window if d >= 0])
            ctx.add(agent.id, "max_consecutive_days", worked <= most - fixed - constant)


def _min_runs(ctx: Context, rule: str, least_of: Callable[[object], int], working: bool) -> None:
    """Forbid runs (of work, or of days off) shorter than the least length.

    A run touching the period end is exempt; one touching the start is exempt unless a
    previous roster is given, then it is joined with the previous roster's trailing run.
    """
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        least = least_of(ctx.team.contract_of(agent))
        if least <= 1:
            continue
        before_work, before_off = ctx.previous_worked(agent.id)
        before = before_work if working else before_off
        has_previous = ctx.problem.previous is not None
        for length in range(1, least):
            for first in range(0, ctx.days - length):  # run [first, first+length) then a break
                after = first + length
                inside = [(d, 1) for d in range(first, after)]
                if first == 0:
                    if not has_previous or before + length >= least:
                        continue
                    # run joined with the previous roster's trailing run is too short
                    expr, constant = _days_sum(ctx, a, [*inside, (after, -1)], working)
                else:
                    expr, constant = _days_sum(ctx, a, [*inside, (first - 1, -1), (after, -1)],
                                               working)
                ctx.add(agent.id, rule, expr <= length - 1 - constant)
        if has_previous and 0 < before < least and ctx.days:
            # the previous roster's run may not stop short at the boundary
            expr, constant = _days_sum(ctx, a, [(0, 1)], working)
            ctx.add(agent.id, rule, expr >= 1 - constant)


def min_consecutive_days(ctx: Context) -> None:
    """Runs of working days at least min_consecutive_days long (boundary exemptions apply)."""
    _min_runs(ctx, "min_consecutive_days", lambda c: c.min_consecutive_days, working=True)


def min_consecutive_days_off(ctx: Context) -> None:
    """Runs of days off at least min_consecutive_days_off long (boundary exemptions apply)."""
    _min_runs(ctx, "min_consecutive_days_off", lambda c: c.min_consecutive_days_off,
              working=False)


def weekend_groups(ctx: Context) -> list[list[int]]:
    """Day indices of each (possibly partial) weekend inside the period."""
    start = ctx.period.start
    return [[(day - start).days for day in group] for group in ctx.period.weekends()]


def weekend_worked(ctx: Context, a: int, days: list[int]):
    """A 0/1 expression: the agent works on some day of this weekend."""
    key = ("weekend", a, days[0])
    if key in ctx._groups:
        return ctx._groups[key]
    works = [ctx.work(a, d) for d in days]
    works = [w for w in works if not isinstance(w, int)]
    if not works:
        value = 0
    elif len(works) == 1:
        value = works[0]
    else:
        var = ctx.model.new_bool_var(f"weekend_{a}_{days[0]}")
        ctx.model.add_max_equality(var, works)
        value = var
    ctx._groups[key] = value
    return value


def max_weekends(ctx: Context) -> None:
    """Weekends worked (a shift starting Saturday or Sunday) at most the contract's max."""
    groups = weekend_groups(ctx)
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        most = ctx.team.contract_of(agent).max_weekends
        if most >= len(groups):
            continue
        ctx.add(agent.id, "max_weekends", sum(weekend_worked(ctx, a, g) for g in groups) <= most)


def max_per_template(ctx: Context) -> None:
    """Shifts of a template over the period at most the contract's max_per_template."""
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        limits = ctx.team.contract_of(agent).max_per_template
        if not limits:
            continue
        by_template: dict[str, list[int]] = defaultdict(list)
        for d in range(ctx.days):
            for template, indices in ctx.day_templates(a, d).items():
                by_template[template] += indices
        for template, most in limits.items():
            indices = by_template.get(template, [])
            count = cp_model.LinearExpr.sum([ctx.lits[i] for i in indices]) if indices else 0
            ctx.add(agent.id, "max_per_template", count <= most)


def min_rest(ctx: Context) -> None:
    """From a shift's end to the next shift's start at least min_rest_hours (incl. previous).

    For each distinct end time e on day d: (a shift on d ending at e or later) + (a shift
    on a later day starting before e + rest) <= 1. Shifts never overlap even when off.
    """
    on = ctx.enabled("min_rest")
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        rest = round(ctx.team.contract_of(agent).min_rest_hours * 60) if on else 0
        rule = "min_rest" if on else "one_shift_per_day"
        for shift in ctx.previous_shifts(agent.id)[-2:]:
            _, end = ctx.minutes_from_origin(shift)
            for d in range(ctx.days):
                for i in ctx.day_options(a, d):
                    if ctx.option(i).start < end + rest:
                        ctx.add(agent.id, rule, ctx.lits[i] == 0)
        for d in range(ctx.days):
            ends: dict[int, list[int]] = defaultdict(list)
            for i in ctx.day_options(a, d):
                ends[ctx.option(i).end].append(i)
            if not ends:
                continue
            late_end: dict[int, object] | None = None  # built only when a later day is near
            for d2 in range(d + 1, ctx.days):
                if d2 * 24 * 60 >= max(ends) + rest:
                    break
                starts: dict[int, list[int]] = defaultdict(list)
                for i in ctx.day_options(a, d2):
                    starts[ctx.option(i).start].append(i)
                if not starts:
                    continue
                if late_end is None:
                    late_end = _cumulative(ctx, ("end_ge", a, d), ends, descending=True)
                early_start = _cumulative(ctx, ("start_le", a, d2), starts, descending=False)
                ordered = sorted(starts)
                for e in sorted(ends):
                    before = [s for s in ordered if s < e + rest]
                    if before:
                        ctx.add(agent.id, rule, late_end[e] + early_start[before[-1]] <= 1)


def _cumulative(ctx: Context, key: tuple[object, ...], groups: dict[int, list[int]],
                descending: bool) -> dict[int, object]:
    """0/1 expressions 'the day's shift has value >= v' (descending) or '<= v', chained so
    each option appears in one sum only."""
    out: dict[int, object] = {}
    previous: object = 0
    for value in sorted(groups, reverse=descending):
        exact = ctx.group((*key, "exact", value), groups[value])
        if isinstance(previous, int):
            out[value] = exact
        else:
            var = ctx.model.new_bool_var(f"{key[0]}_{key[1]}_{key[2]}_{value}")
            ctx.model.add(var == exact + previous)
            out[value] = var
        previous = out[value]
    return out


def forbidden_successions(ctx: Context) -> None:
    """No listed (template on day d, template on day d+1) pair, across the boundary too.

    First templates with the same banned followers share one constraint per day:
    (any of them on d) + (any follower on d+1) <= 1, exact as a day holds one option.
    """
    pairs = ctx.team.settings.forbidden_successions
    if not pairs:
        return
    followers: dict[str, set[str]] = defaultdict(set)
    for first, second in pairs:
        followers[first].add(second)
    sets = sorted({tuple(sorted(banned)) for banned in followers.values()})
    first_of = {first: sets.index(tuple(sorted(banned))) for first, banned in followers.items()}
    banned_in = {t: [k for k, banned in enumerate(sets) if t in banned]
                 for banned in sets for t in banned}
    for a in ctx.agent_indices():
        agent = ctx.team.agents[a]
        last = ctx.previous_shifts(agent.id)[-1:]
        if last and (ctx.period.start - last[0].date).days == 1:
            for second in sorted(followers.get(last[0].template or "", ())):
                ctx.add(agent.id, "forbidden_successions", ctx.template_on(a, 0, second) == 0)
        for d in range(ctx.days - 1):
            firsts: list[list[int]] = [[] for _ in sets]
            for t, indices in ctx.day_templates(a, d).items():
                if t in first_of:
                    firsts[first_of[t]] += indices
            after: list[list[int]] = [[] for _ in sets]
            for t, indices in ctx.day_templates(a, d + 1).items():
                for k in banned_in.get(t, ()):
                    after[k] += indices
            for k in range(len(sets)):
                if firsts[k] and after[k]:
                    ctx.add(agent.id, "forbidden_successions", cp_model.LinearExpr.sum(
                        [ctx.lits[i] for i in firsts[k] + after[k]]) <= 1)


HARD_RULES: list[Callable[[Context], None]] = [
    pinned, minutes_per_week, minutes_per_period, days_per_week, max_consecutive_days,
    min_consecutive_days, min_consecutive_days_off, max_weekends, max_per_template,
    forbidden_successions,
]
"""Switchable hard rules, in order; one_shift_per_day and min_rest run always (see model)."""
