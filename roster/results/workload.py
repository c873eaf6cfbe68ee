"""Per-agent workload: paid hours against the contract, labour cost, and fairness counts.

Weeks are 7-day blocks counted from the period start, as in the contract rules: a full block
is held to the weekly minimum and maximum, a trailing partial block to the maximum only.
Minimums are lowered pro rata for whole days of approved leave or outside employment.
Overtime is paid for minutes in a block beyond the contract's `overtime_after_minutes`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pandas as pd

from roster.domain import Contract, Roster, Shift, Team, absent_days, prorated_minimum
from roster.results.preferences import PreferenceOutcome

LATE_AFTER_MINUTES = 22 * 60

WEEK_COLUMNS = ["agent_id", "contract", "week_start", "days", "paid_minutes", "min_minutes",
                "max_minutes", "status", "regular_minutes", "overtime_minutes", "cost"]
FAIRNESS_COLUMNS = ["agent_id", "weekends", "late_shifts", "unmet_preference_weight"]


def week_blocks(start: date, days: int) -> list[tuple[date, int]]:
    """(first day, number of days) of each 7-day block from `start`."""
    return [(start + timedelta(days=d), min(7, days - d)) for d in range(0, days, 7)]


def hours_status(paid_minutes: int, contract: Contract, minimum: int | None) -> str:
    """`under`, `over` or `ok` against the weekly maximum and `minimum` (None: no minimum)."""
    if paid_minutes > contract.max_minutes_per_week:
        return "over"
    if minimum is not None and paid_minutes < minimum:
        return "under"
    return "ok"


def period_status(paid_minutes: int, contract: Contract, minimum: int | None) -> str:
    """`under`, `over` or `ok` against the per-period maximum and the (lowered) minimum."""
    if contract.max_minutes_per_period is not None and (
            paid_minutes > contract.max_minutes_per_period):
        return "over"
    if minimum is not None and paid_minutes < minimum:
        return "under"
    return "ok"


def agents_outside_period_limits(team: Team, roster: Roster) -> list[str]:
    """Agents whose paid minutes over the whole period break the per-period limits."""
    paid: dict[str, int] = defaultdict(int)
    for shift in roster.shifts:
        paid[shift.agent_id] += shift.paid_minutes
    outside = []
    dates = roster.period.dates()
    for agent in team.agents:
        contract = team.contract_of(agent)
        minimum = None if contract.min_minutes_per_period is None else prorated_minimum(
            contract.min_minutes_per_period, len(dates), absent_days(team, agent, dates))
        if period_status(paid[agent.id], contract, minimum) != "ok":
            outside.append(agent.id)
    return outside


def overtime_minutes(paid_minutes: int, contract: Contract) -> int:
    """Minutes of the week paid at the overtime rate."""
    if contract.overtime_after_minutes is None:
        return 0
    return max(0, paid_minutes - contract.overtime_after_minutes)


def labour_cost(paid_minutes: int, contract: Contract) -> float:
    """Cost of one week's paid minutes: hourly cost, overtime at the contract's multiplier."""
    extra = overtime_minutes(paid_minutes, contract)
    regular = paid_minutes - extra
    return contract.hourly_cost * (regular + extra * contract.overtime_multiplier) / 60


def agent_weeks(team: Team, roster: Roster) -> pd.DataFrame:
    """One row per agent and week block: paid minutes, limits, status, overtime and cost."""
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for shift in roster.shifts:
        by_agent[shift.agent_id].append(shift)
    rows = []
    for agent in team.agents:
        contract = team.contract_of(agent)
        for first, length in week_blocks(roster.period.start, roster.period.days):
            last = first + timedelta(days=length)
            paid = sum(s.paid_minutes for s in by_agent[agent.id] if first <= s.date < last)
            minimum = None
            if length == 7:
                away = absent_days(team, agent, [first + timedelta(days=d) for d in range(7)])
                minimum = prorated_minimum(contract.min_minutes_per_week, 7, away)
            extra = overtime_minutes(paid, contract)
            rows.append([agent.id, contract.name, first, length, paid, minimum,
                         contract.max_minutes_per_week, hours_status(paid, contract, minimum),
                         paid - extra, extra, labour_cost(paid, contract)])
    return pd.DataFrame(rows, columns=WEEK_COLUMNS)


def is_late_shift(team: Team, shift: Shift) -> bool:
    """A late shift: its template's `is_late()`, else it ends after 22:00 of its day."""
    template = team.settings.templates.get(shift.template or "")
    if template is not None:
        return template.is_late()
    midnight = datetime.combine(shift.date, time())
    return (shift.end - midnight).total_seconds() / 60 > LATE_AFTER_MINUTES


def weekends_worked(roster: Roster, shifts: list[Shift]) -> int:
    """Weekends of the period (Sat/Sun groups) with at least one shift."""
    worked = {s.date for s in shifts}
    return sum(any(day in worked for day in group) for group in roster.period.weekends())


def fairness_counts(team: Team, roster: Roster,
                    outcomes: list[PreferenceOutcome]) -> pd.DataFrame:
    """Per agent of the team: weekends worked, late shifts, weight of unmet preferences."""
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for shift in roster.shifts:
        by_agent[shift.agent_id].append(shift)
    unmet: dict[str, float] = defaultdict(float)
    for outcome in outcomes:
        if not outcome.honoured:
            unmet[outcome.agent_id] += outcome.weight
    rows = [[agent.id, weekends_worked(roster, by_agent[agent.id]),
             sum(is_late_shift(team, s) for s in by_agent[agent.id]), unmet[agent.id]]
            for agent in team.agents]
    return pd.DataFrame(rows, columns=FAIRNESS_COLUMNS)
