"""`roster.csv`: one row per shift, for Excel and for reading a published roster back.

Columns: `agent_id, agent_name, date, template, start, end, paid_minutes, breaks, queue,
segments`. `start`/`end` are `YYYY-MM-DD HH:MM` local time; `breaks` reads
`12:00-13:00;17:00-17:30` and `segments` `09:00-12:00 presale;13:00-18:00 aftersale`, clock
times counted forward from the shift start (so past midnight is the next day). The file is
UTF-8 with a BOM so Excel shows Chinese names. Reading needs `agent_id, date, start, end`;
an empty `paid_minutes` is computed, a filled one must match; `agent_name` is not checked.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from forecasting.validation import (
    DataError,
    Problem,
    check_columns,
    format_timestamp,
    parse_timestamp,
    read_csv_text,
)
from roster.domain import Break, PlanningPeriod, Roster, Segment, Shift, Team, parse_clock

ROSTER_COLUMNS = ["agent_id", "agent_name", "date", "template", "start", "end", "paid_minutes",
                  "breaks", "queue", "segments"]
REQUIRED_COLUMNS = ["agent_id", "date", "start", "end"]
_RANGE = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def format_breaks(shift: Shift) -> str:
    return ";".join(f"{_clock(b.start)}-{_clock(b.end)}" for b in shift.breaks)


def format_segments(shift: Shift) -> str:
    return ";".join(f"{_clock(s.start)}-{_clock(s.end)} {s.queue}" for s in shift.segments)


def roster_rows(team: Team, roster: Roster) -> list[list[Any]]:
    """The rows of `roster.csv`, ordered by date, start and agent."""
    names = {agent.id: agent.name for agent in team.agents}
    shifts = sorted(roster.shifts, key=lambda s: (s.date, s.start, s.agent_id))
    return [[s.agent_id, names.get(s.agent_id, ""), s.date.isoformat(), s.template or "",
             format_timestamp(s.start), format_timestamp(s.end), s.paid_minutes,
             format_breaks(s), s.queue or "", format_segments(s)] for s in shifts]


def _after(start: datetime, clock: time, strictly: bool) -> datetime:
    """The first moment at `clock` at or after (strictly after) `start`."""
    moment = datetime.combine(start.date(), clock)
    if moment < start or (strictly and moment == start):
        moment += timedelta(days=1)
    return moment


def parse_ranges(value: str, shift_start: datetime,
                 with_queue: bool) -> list[tuple[datetime, datetime, str]]:
    """`HH:MM-HH:MM[ queue];...` -> (start, end, queue) counted forward from the shift start."""
    ranges = []
    example = "09:00-12:00 presale;13:00-18:00 aftersale" if with_queue else "12:00-13:00"
    for part in filter(None, (p.strip() for p in value.split(";"))):
        pieces = part.split()
        if len(pieces) != (2 if with_queue else 1) or not _RANGE.match(pieces[0]):
            raise ValueError(f"expected ranges such as {example!r}, got {part!r}")
        first, last = _RANGE.match(pieces[0]).groups()  # type: ignore[union-attr]
        start = _after(shift_start, parse_clock(first), strictly=False)
        end = _after(start, parse_clock(last), strictly=True)
        ranges.append((start, end, pieces[1] if with_queue else ""))
    return ranges


def read_roster_csv(path: Path, team: Team, period: PlanningPeriod, version: int = 1) -> Roster:
    """Read `roster.csv` back into a Roster; DataError lists every `file:row: column` problem."""
    name = path.name
    frame = read_csv_text(path)
    problems = check_columns(frame, name, REQUIRED_COLUMNS,
                             [c for c in ROSTER_COLUMNS if c not in REQUIRED_COLUMNS])
    if problems:
        raise DataError(problems)
    shifts: list[Shift] = []
    rows: list[int] = []
    for number, record in frame.iterrows():
        shift = _row_shift(name, int(number), record.to_dict(), team, period, problems)
        if shift is not None:
            shifts.append(shift)
            rows.append(int(number))
    problems += _clashes(name, shifts, rows)
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    return Roster(team=team.settings.name, period=period, version=version, shifts=shifts)


def _row_shift(name: str, row: int, record: dict[str, str], team: Team, period: PlanningPeriod,
               problems: list[Problem]) -> Shift | None:
    """One row as a Shift, or None after adding its problems."""
    found: list[Problem] = []

    def bad(column: str | None, message: str) -> None:
        found.append(Problem(name, row, column, message))

    agent_id = record["agent_id"]
    known = {a.id for a in team.agents}
    if agent_id not in known:
        bad("agent_id", f"expected an agent of team {team.settings.name!r}, got {agent_id!r}")
    day: date | None = None
    try:
        day = date.fromisoformat(record["date"])
        if not period.start <= day < period.end:
            bad("date", f"expected a date from {period.start} to "
                        f"{period.end - timedelta(days=1)}, got {record['date']!r}")
    except ValueError:
        bad("date", f"expected a date YYYY-MM-DD, got {record['date']!r}")
    moments: dict[str, datetime] = {}
    for column in ("start", "end"):
        try:
            moments[column] = parse_timestamp(record[column])
        except ValueError as err:
            bad(column, str(err))
    template = record.get("template") or None
    if template is not None and template not in team.settings.templates:
        bad("template", f"expected a template among {sorted(team.settings.templates)} or "
                        f"nothing, got {template!r}")
    queue = record.get("queue") or None
    queues = sorted(team.settings.queues)
    if queue is not None and queue not in queues:
        bad("queue", f"expected a queue among {queues} or nothing, got {queue!r}")
    breaks: list[Break] = []
    segments: list[Segment] = []
    if "start" in moments:
        for column, with_queue in (("breaks", False), ("segments", True)):
            try:
                ranges = parse_ranges(record.get(column, ""), moments["start"], with_queue)
            except ValueError as err:
                bad(column, str(err))
                continue
            if with_queue:
                for _, _, q in ranges:
                    if q not in queues:
                        bad(column, f"expected queues among {queues}, got {q!r}")
                segments = [Segment(start=a, end=b, queue=q) for a, b, q in ranges]
            else:
                breaks = [Break(start=a, end=b) for a, b, _ in ranges]
    if found or day is None:
        problems += found
        return None
    try:
        shift = Shift(agent_id=agent_id, date=day, start=moments["start"], end=moments["end"],
                      template=template, queue=queue, breaks=breaks, segments=segments)
    except ValidationError as err:
        problems += [Problem(name, row, None, e["msg"].removeprefix("Value error, "))
                     for e in err.errors()]
        return None
    paid = record.get("paid_minutes", "")
    if paid and paid != str(shift.paid_minutes):
        problems.append(Problem(name, row, "paid_minutes",
                                f"expected {shift.paid_minutes} (end - start - breaks) or "
                                f"nothing, got {paid!r}"))
        return None
    return shift


def _clashes(name: str, shifts: list[Shift], rows: list[int]) -> list[Problem]:
    """A second shift of an agent on a day, or shifts of an agent that overlap."""
    problems = []
    first_row: dict[tuple[str, date], int] = {}
    by_agent: dict[str, list[tuple[Shift, int]]] = {}
    for shift, row in zip(shifts, rows, strict=True):
        key = (shift.agent_id, shift.date)
        if key in first_row:
            problems.append(Problem(name, row, "date",
                                    f"expected one shift per agent and day, got a second for "
                                    f"{shift.agent_id} on {shift.date} (first at row "
                                    f"{first_row[key]})"))
            continue
        first_row[key] = row
        by_agent.setdefault(shift.agent_id, []).append((shift, row))
    for items in by_agent.values():
        items.sort(key=lambda item: item[0].start)
        for (first, row_a), (second, row_b) in itertools.pairwise(items):
            if second.start < first.end:
                problems.append(Problem(name, row_b, "start",
                                        f"expected a start at or after "
                                        f"{format_timestamp(first.end)} (end of the shift at "
                                        f"row {row_a}), got {format_timestamp(second.start)}"))
    return problems
