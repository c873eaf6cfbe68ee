"""Which preferences a roster honours, one judgement per preference and day.

A preference with a `date` is judged on that day (if it lies in the period). One without a
date is judged on every day the agent works. On a day, with `shift` the agent's shift or none:

- `day_off`: honoured when there is no shift;
- `prefer_shift`: honoured when the shift uses the template (a day off does not honour it);
- `avoid_shift`: honoured unless the shift uses the template;
- `prefer_time`: honoured when every worked minute lies inside [start_time, end_time);
- `avoid_time`: honoured when no worked minute lies inside [start_time, end_time).

Worked minutes leave out breaks. The window is the one of the shift's day; for an undated
preference, hours past midnight are also checked against the next day's window. An
`end_time` of 00:00 means midnight at the end of the day.
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


def _minutes(shift: Shift, moment: datetime) -> int:
    return int((moment - datetime.combine(shift.date, time())).total_seconds() // 60)


def worked_minutes(shift: Shift) -> list[tuple[int, int]]:
    """The shift's worked [start, end) pieces (breaks cut out), in minutes after midnight of
    its day (an end may pass 1440)."""
    pieces = [(_minutes(shift, shift.start), _minutes(shift, shift.end))]
    for pause in sorted(shift.breaks, key=lambda b: b.start):
        first, last = _minutes(shift, pause.start), _minutes(shift, pause.end)
        cut = []
        for start, end in pieces:
            cut += [(a, b) for a, b in ((start, min(end, first)), (max(start, last), end)) if a < b]
        pieces = cut
    return pieces


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


def _window_days(preference: Preference) -> tuple[int, ...]:
    """Day offsets whose window a shift is checked against: its own day, and the next one
    for an undated preference (hours past midnight)."""
    return (0,) if preference.date is not None else (0, DAY)


def honours_prefer_time(preference: Preference, shift: Shift | None) -> bool:
    if shift is None:
        return True
    first, last = window_minutes(preference)
    return all(sum(max(0, min(end, last + d) - max(start, first + d))
                   for d in _window_days(preference)) == end - start
               for start, end in worked_minutes(shift))


def honours_avoid_time(preference: Preference, shift: Shift | None) -> bool:
    if shift is None:
        return True
    first, last = window_minutes(preference)
    return all(end <= first + d or start >= last + d
               for start, end in worked_minutes(shift) for d in _window_days(preference))


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
