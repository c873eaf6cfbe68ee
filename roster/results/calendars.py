"""One iCalendar file per agent: a VEVENT per shift, in the team's time zone.

UIDs are `<team>-<agent_id>-<date>@roster`, stable across re-solves, so a calendar app that
re-imports a repaired roster updates the day's event; `SEQUENCE` is the roster version.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from roster.domain import Agent, Roster, Shift, Team

PRODID = "-//roster//weekly roster//EN"


def shift_uid(team: str, shift: Shift) -> str:
    """The stable UID of an agent's shift on a day."""
    return f"{team}-{shift.agent_id}-{shift.date.isoformat()}@roster"


def shift_description(shift: Shift) -> str:
    """Plain-text event body: queue, breaks, segments and paid time."""
    lines = [f"Queue: {shift.queue or '-'}"]
    if shift.breaks:
        lines.append("Breaks: " + ", ".join(f"{b.start:%H:%M}-{b.end:%H:%M}"
                                            for b in shift.breaks))
    else:
        lines.append("Breaks: none")
    if shift.segments:
        lines.append("Segments: " + ", ".join(f"{s.start:%H:%M}-{s.end:%H:%M} {s.queue}"
                                              for s in shift.segments))
    hours, minutes = divmod(shift.paid_minutes, 60)
    lines.append(f"Paid: {hours}h{minutes:02d}")
    return "\n".join(lines)


def shift_summary(shift: Shift) -> str:
    what = f"{shift.template} shift" if shift.template else "Shift"
    return f"{what} ({shift.queue})" if shift.queue else what


def zone_component(zone_name: str, roster: Roster) -> Timezone:
    """The VTIMEZONE of the team's zone, with its rules from a year before to a year after."""
    margin = timedelta(days=366)
    return Timezone.from_tzid(zone_name, first_date=roster.period.start - margin,
                              last_date=roster.period.end + margin)


def agent_calendar(team: Team, roster: Roster, agent: Agent, stamp: datetime | None = None,
                   shifts: list[Shift] | None = None, zone: Timezone | None = None) -> Calendar:
    """The agent's shifts in `roster` as a calendar (empty when the agent has none).

    `shifts` (the agent's) and `zone` (from `zone_component`) save work over many agents.
    """
    zone_name = team.settings.timezone
    tz = ZoneInfo(zone_name)
    stamp = stamp or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    team_name = team.settings.display_name or team.settings.name
    calendar.add("x-wr-calname", f"{agent.name} · {team_name}")
    calendar.add("x-wr-timezone", zone_name)
    calendar.add_component(zone or zone_component(zone_name, roster))
    if shifts is None:
        shifts = [s for s in roster.shifts if s.agent_id == agent.id]
    for shift in sorted(shifts, key=lambda s: s.start):
        event = Event()
        event.add("uid", shift_uid(team.settings.name, shift))
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.start.replace(tzinfo=tz))
        event.add("dtend", shift.end.replace(tzinfo=tz))
        event.add("summary", shift_summary(shift))
        event.add("description", shift_description(shift))
        event.add("sequence", roster.version)
        calendar.add_component(event)
    return calendar


def calendar_file_names(agents: list[Agent]) -> dict[str, str]:
    """A safe, unique `.ics` file name per agent id."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for agent in agents:
        base = re.sub(r"[^\w.-]", "_", agent.id).strip(".") or "agent"
        name, n = f"{base}.ics", 2
        while name.lower() in used:
            name, n = f"{base}-{n}.ics", n + 1
        used.add(name.lower())
        names[agent.id] = name
    return names
