"""Which preferences a roster honours, one judgement per preference and day.

A preference with a `date` is judged on that day (if it lies in the period). One without a
date is judged on every day the agent works. On a day, with `shift` the agent's shift or none:

- `day_off`: honoured when there is no shift;
- `prefer_shift`: honoured when the shift uses the template (a day off does not honour it);
- `avoid_shift`: honoured unless the shift uses the template;
- `prefer_time`: honoured unless the shift runs outside [start_time, end_time);
- `avoid_time`: honoured unless the shift overlaps [start_time, end_time) on its day or, for
  hours past midnight, the same window on the next day.

Breaks count as time at work. An `end_time` of 00:00 means midnight at the end of the day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from roster.domain import Preference, PreferenceKind, Roster, Shift, Team
from roster.domain.base import minutes_of_day

DAY = 24 * 60


@dataclass(frozen=True)
class PreferenceOutcome:
    """One preference judged on one day."""

    index: int
    agent_id: str
    kind: PreferenceKind
    date: date
    weight: float
    honoured: bool


def shift_minutes(shift: Shift) -> tuple[int, int]:
    """The shift's [start, end) in minutes after midnight of its day (end may pass 1440)."""
    midnight = datetime.combine(shift.date, time())
    return (int((shift.start - midnight).total_seconds() // 60),
            int((shift.end - midnight).total_seconds() // 60))


def window_minutes(preference: Preference) -> tuple[int, int]:
    """The preference's [start_time, end_time) in minutes after midnight; 00:00 ends at 1440."""
    assert preference.start_time is not None and preference.end_time is not None
    end = minutes_of_day(preference.end_time)
    return minutes_of_day(preference.start_time), end if end else DAY


def honours_day_off(preference: Preference, shift: Shift | None) -> bool:
    return shift is None


def honours_prefer_shift(preference: Preference, shift: Shift | None) -> bool:
    return shift is not None and shift.template == preference.template


def honours_avoid_shift(preference: Preference, shift: Shift | None) -> bool:
    return shift is None or shift.template != preference.template


def honours_prefer_time(preference: Preference, shift: Shift | None) -> bool:
    if shift is None:
        return True
    start, end = shift_minutes(shift)
    first, last = window_minutes(preference)
    return first <= start and end <= last


def honours_avoid_time(preference: Preference, shift: Shift | None) -> bool:
    if shift is None:
        return True
    start, end = shift_minutes(shift)
    first, last = window_minutes(preference)
    return all(end <= first + shift_day or start >= last + shift_day
               for shift_day in (0, DAY))


HONOURS: dict[PreferenceKind, Callable[[Preference, Shift | None], bool]] = {
    PreferenceKind.DAY_OFF: honours_day_off,
    PreferenceKind.PREFER_SHIFT: honours_prefer_shift,
    PreferenceKind.AVOID_SHIFT: honours_avoid_shift,
    PreferenceKind.PREFER_TIME: honours_prefer_time,
    PreferenceKind.AVOID_TIME: honours_avoid_time,
}
"""The rule that judges each kind of preference on one day."""


def judged_days(preference: Preference, period_days: list[date],
                worked: dict[date, Shift]) -> list[date]:
    """The days a preference is judged on: its date in the period, else every worked day."""
    if preference.date is not None:
        return [preference.date] if preference.date in period_days else []
    return sorted(day for day in worked if day in period_days)


def preference_outcomes(team: Team, roster: Roster) -> list[PreferenceOutcome]:
    """Every preference of the team judged on each of its days in the roster's period."""
    days = roster.period.dates()
    by_agent: dict[str, dict[date, Shift]] = {}
    for shift in roster.shifts:
        by_agent.setdefault(shift.agent_id, {})[shift.date] = shift
    outcomes = []
    for index, preference in enumerate(team.preferences):
        worked = by_agent.get(preference.agent_id, {})
        rule = HONOURS[preference.kind]
        for day in judged_days(preference, days, worked):
            outcomes.append(PreferenceOutcome(index, preference.agent_id, preference.kind, day,
                                              preference.weight,
                                              rule(preference, worked.get(day))))
    return outcomes
