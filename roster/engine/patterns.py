"""One agent's best work/off pattern over a long period, by dynamic programming.

For periods of months a single agent's rules can be too tight for CP-SAT to find any
roster quickly (a year with 232 shifts to place, runs of 2-5 days, half the weekends off
and fixed days off). A dynamic programme over the days settles the pattern exactly: its
state is the run automaton of `redundant.py` (run lengths and boundary exemptions), the
shifts counted so far and the weekends worked so far. It maximises a score per worked day
(what the agent's shift is worth there) subject to

- the agent's available days (options exist that day),
- maximum and minimum runs of working days, minimum runs of days off,
- the number of shifts implied by the per-period minutes (and the per-template maxima),
- weekends worked at most the contract's maximum.

Templates are chosen afterwards (first_solution fixes the pattern and lets CP-SAT pick
them against successions, per-template maxima and minutes). Contracts with binding weekly
limits or a previous roster are left to CP-SAT (`None`).
"""

from __future__ import annotations

import math

import numpy as np

from roster.engine.model import Context
from roster.engine.redundant import _states

NEG = -1e18


def shift_count_range(ctx: Context, a: int) -> tuple[int, int] | None:
    """Fewest and most shifts the agent's per-period minutes allow (None: no options)."""
    from roster.engine.rules_hard import _prorated

    agent = ctx.team.agents[a]
    contract = ctx.team.contract_of(agent)
    paid = [ctx.option(i).paid for d in range(ctx.days) for i in ctx.day_options(a, d)]
    if not paid or min(paid) <= 0:
        return None
    most = ctx.days
    least = 0
    if ctx.enabled("minutes_per_period"):
        if contract.max_minutes_per_period is not None:
            most = min(most, contract.max_minutes_per_period // min(paid))
        low = _prorated(ctx, agent, contract.min_minutes_per_period or 0, list(range(ctx.days)))
        least = math.ceil(low / max(paid))
    if ctx.enabled("max_per_template"):
        names = {ctx.option(i).template for d in range(ctx.days) for i in ctx.day_options(a, d)}
        limits = contract.max_per_template
        if all(name in limits for name in names):
            most = min(most, sum(limits[name] for name in names))
    return least, most


def applicable(ctx: Context, a: int) -> bool:
    """Whether the pattern DP holds every day rule of this agent's contract."""
    contract = ctx.team.contract_of(ctx.team.agents[a])
    if ctx.problem.previous is not None or ctx.problem.pinned:
        return False
    weekly = ctx.enabled("minutes_per_week") and (
        contract.min_minutes_per_week > 0 or contract.max_minutes_per_week < 7 * 24 * 60)
    days = ctx.enabled("days_per_week") and (
        contract.min_days_per_week > 0 or contract.max_days_per_week < 7)
    return not weekly and not days


def best_pattern(ctx: Context, a: int, score: np.ndarray,
                 at_least: int = 0) -> list[bool] | None:
    """Worked days maximising the summed `score`, within the agent's day rules, with at
    least `at_least` shifts; None when no pattern exists or the contract has rules the
    programme does not hold."""
    if not applicable(ctx, a):
        return None
    counts = shift_count_range(ctx, a)
    if counts is None:
        return None
    least, most = counts
    least = min(most, max(least, at_least))
    contract = ctx.team.contract_of(ctx.team.agents[a])
    n = ctx.days
    runs = ("max_consecutive_days", "min_consecutive_days", "min_consecutive_days_off")
    if all(ctx.enabled(r) for r in runs):
        moves, finals = _states(min(contract.max_consecutive_days, n),
                                contract.min_consecutive_days, contract.min_consecutive_days_off)
    else:  # runs unconstrained: a two-state automaton
        moves, finals = [(0, 0, 1), (0, 1, 2), (1, 0, 1), (1, 1, 2), (2, 0, 1), (2, 1, 2)], [0,
                                                                                           1, 2]
    states = 1 + max(max(s, t) for s, _, t in moves)
    on_states = {t for _, bit, t in moves if bit == 1}
    weekend_cap = contract.max_weekends if ctx.enabled("max_weekends") else n
    weekend_cap = min(weekend_cap, n)
    available = [bool(ctx.day_options(a, d)) for d in range(n)]
    weekday0 = ctx.period.start.weekday()
    value = np.full((states, most + 1, weekend_cap + 1), NEG)
    value[0, 0, 0] = 0.0
    choice = np.zeros((n, states, most + 1, weekend_cap + 1), dtype=np.int8)
    for d in range(n):
        weekday = (weekday0 + d) % 7
        nxt = np.full_like(value, NEG)
        pick = np.full(value.shape, -1, dtype=np.int8)
        for m, (s, bit, t) in enumerate(moves):
            source = value[s]
            if bit == 1:
                if not available[d]:
                    continue
                adds = weekday == 5 or (weekday == 6 and s not in on_states)
                moved = np.full_like(source, NEG)
                if adds:
                    moved[1:, 1:] = source[:-1, :-1] + score[d]
                else:
                    moved[1:, :] = source[:-1, :] + score[d]
            else:
                moved = source
            better = moved > nxt[t]
            nxt[t] = np.where(better, moved, nxt[t])
            pick[t] = np.where(better, m, pick[t])
        value = nxt
        choice[d] = pick
    best, at = NEG, None
    for s in finals:
        window = value[s, least:most + 1, :]
        if window.size and window.max() > best:
            best = float(window.max())
            c, w = np.unravel_index(int(window.argmax()), window.shape)
            at = (s, int(c) + least, int(w))
    if at is None or best <= NEG / 2:
        return None
    s, c, w = at
    worked = [False] * n
    for d in range(n - 1, -1, -1):
        m = int(choice[d, s, c, w])
        prev, bit, _ = moves[m]
        if bit:
            worked[d] = True
            weekday = (weekday0 + d) % 7
            if weekday == 5 or (weekday == 6 and prev not in on_states):
                w -= 1
            c -= 1
        s = prev
    return worked
