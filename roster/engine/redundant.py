"""Redundant constraints: the same hard rules stated again in forms CP-SAT reasons with better.

They cut no roster the rules allow; they make the solver find and prove rosters faster.

- `run_automaton`: each agent's work/off sequence as one automaton over the days, holding
  at once the maximum run of working days, the minimum run of working days and the minimum
  run of days off (runs touching the period start or end exempt from the minima, as in
  rules_hard). Propagation then sees whole runs instead of many small windows.
- `shift_count_bounds`: the number of shifts an agent works, bounded by the per-period
  minutes divided by the longest / shortest paid shift the agent can work.
"""

from __future__ import annotations

import math
from datetime import timedelta

from roster.domain import absent_days, prorated_minimum
from roster.engine.model import Context


def _states(most_on: int, least_on: int, least_off: int) -> tuple[list[tuple[int, int, int]],
                                                                   list[int]]:
    """Transitions (state, 0/1, next) of the run automaton, and the final states.

    States: 0 start; 1 in the first run of days off; on-run states 2.. (first run / later
    runs, by length); off-run states after them (by length, capped at least_off).
    """
    first_on = {j: 1 + j for j in range(1, most_on + 1)}
    later_on = {j: 1 + most_on + j for j in range(1, most_on + 1)}
    base = 1 + 2 * most_on
    cap = max(least_off, 1)
    off = {j: base + j for j in range(1, cap + 1)}
    moves = [(0, 1, first_on[1]), (0, 0, 1), (1, 0, 1), (1, 1, later_on[1])]
    for j in range(1, most_on + 1):
        if j < most_on:
            moves += [(first_on[j], 1, first_on[j + 1]), (later_on[j], 1, later_on[j + 1])]
        moves.append((first_on[j], 0, off[1]))
        if j >= least_on:
            moves.append((later_on[j], 0, off[1]))
    for j in range(1, cap + 1):
        moves.append((off[j], 0, off[min(j + 1, cap)]))
        if j >= cap:
            moves.append((off[j], 1, later_on[1]))
    finals = [0, 1, *first_on.values(), *later_on.values(), *off.values()]
    return moves, finals


def run_automaton(ctx: Context) -> None:
    """Runs of working days and days off as one automaton per agent (no previous roster)."""
    if ctx.problem.previous is not None or ctx.explain:
        return
    rules = ("max_consecutive_days", "min_consecutive_days", "min_consecutive_days_off")
    if not all(ctx.enabled(rule) for rule in rules):
        return
    zero = None
    for a in ctx.agent_indices():
        contract = ctx.team.contract_of(ctx.team.agents[a])
        most = min(contract.max_consecutive_days, ctx.days)
        if contract.min_consecutive_days <= 1 and contract.min_consecutive_days_off <= 1 and (
                most >= ctx.days):
            continue
        days = []
        for d in range(ctx.days):
            w = ctx.work(a, d)
            if isinstance(w, int):
                zero = zero if zero is not None else ctx.model.new_constant(0)
                w = zero
            days.append(w)
        moves, finals = _states(most, contract.min_consecutive_days,
                                contract.min_consecutive_days_off)
        ctx.model.add_automaton(days, 0, finals, moves)


def shift_count_bounds(ctx: Context) -> None:
    """Shifts worked between min minutes / longest shift and max minutes / shortest shift."""
    if not ctx.enabled("minutes_per_period"):
        return
    for a in ctx.agent_indices():
        contract = ctx.team.contract_of(ctx.team.agents[a])
        paid = [ctx.option(i).paid for d in range(ctx.days) for i in ctx.day_options(a, d)]
        if not paid or (contract.min_minutes_per_period is None
                        and contract.max_minutes_per_period is None):
            continue
        count = sum(ctx.work(a, d) for d in range(ctx.days))
        if contract.min_minutes_per_period:
            dates = [ctx.period.start + timedelta(days=d) for d in range(ctx.days)]
            least = prorated_minimum(contract.min_minutes_per_period, ctx.days,
                                     absent_days(ctx.team, ctx.team.agents[a], dates))
            ctx.model.add(count >= math.ceil(least / max(paid)))
        if contract.max_minutes_per_period is not None and min(paid) > 0:
            ctx.model.add(count <= contract.max_minutes_per_period // min(paid))


REDUNDANT = [run_automaton, shift_count_bounds]
"""Applied after the hard rules by `add_redundant`."""


def add_redundant(ctx: Context) -> None:
    """Add every redundant constraint to the model in `ctx`."""
    for rule in REDUNDANT:
        rule(ctx)
