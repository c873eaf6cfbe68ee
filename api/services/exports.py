"""Roster downloads, through the results package's writers."""

from __future__ import annotations

import csv
import io

from roster.domain import Agent, Roster, Team
from roster.results.calendars import agent_calendar
from roster.results.roster_csv import ROSTER_COLUMNS, roster_rows


def roster_csv(team: Team, roster: Roster) -> bytes:
    """`roster.csv` (one row per shift), UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows(roster_rows(team, roster))
    return buffer.getvalue().encode("utf-8-sig")


def agent_ics(team: Team, roster: Roster, agent: Agent) -> bytes:
    """One agent's shifts as an iCalendar file in the team's time zone."""
    return agent_calendar(team, roster, agent).to_ical()
