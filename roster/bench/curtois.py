"""The Curtois & Qu shift scheduling benchmark: read an instance, map it onto the domain.

`read_instance(path)` parses the text format (sections `SECTION_HORIZON`, `SECTION_SHIFTS`,
`SECTION_STAFF`, `SECTION_DAYS_OFF`, `SECTION_SHIFT_ON_REQUESTS`, `SECTION_SHIFT_OFF_REQUESTS`,
`SECTION_COVER`) and reports every bad line at once as `file:line: section: message`.

`to_problem(instance)` maps it onto the product's own model, nothing benchmark-specific:

- each shift type is a `ShiftTemplate` starting at 00:00 with its length (<= 24 h, so a
  shift never overlaps the next day's), no meal break; cannot-follow lists become
  `TeamSettings.forbidden_successions`;
- each staff member gets one `Contract`: per-template maxima (`max_per_template`, and
  templates with a maximum of 0 are left out of `allowed_templates`), total minutes as
  `min/max_minutes_per_period`, consecutive working days, consecutive days off, weekends;
  no rest rule beyond the successions (`min_rest_hours=0`), no weekly limits;
- fixed days off are whole-day `Leave`; on/off requests are `prefer_shift`/`avoid_shift`
  preferences on that date with the request's weight;
- cover rows are `ShiftDemand`s with the row's under/over weights;
- the rule table is set so the engine's objective is exactly the benchmark's: request and
  cover rules at weight 1 per unit, every other soft rule and the weekly hard rules off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from forecasting.validation import DataError, Problem
from roster.domain import (
    Agent,
    Contract,
    ContractKind,
    Leave,
    LeaveType,
    PlanningPeriod,
    Preference,
    PreferenceKind,
    Queue,
    RuleSetting,
    ShiftTemplate,
    Team,
    TeamSettings,
)
from roster.engine.demand import ShiftDemand
from roster.engine.model import RosterProblem

START = date(2024, 1, 1)
"""Day 0 of every instance: a Monday (the benchmark's horizons start on a Monday)."""

SECTIONS = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
            "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER")

QUEUE = "cover"
"""The one queue every agent serves (the benchmark has no skills)."""

BENCHMARK_RULES: dict[str, RuleSetting] = {
    "shift_cover_under": RuleSetting(weight=1),
    "shift_cover_over": RuleSetting(weight=1),
    "preference_shift": RuleSetting(weight=1),
    "preference_day_off": RuleSetting(enabled=False),
    "preference_time": RuleSetting(enabled=False),
    "coverage_shortfall": RuleSetting(enabled=False),
    "overstaffing": RuleSetting(enabled=False),
    "fairness_weekends": RuleSetting(enabled=False),
    "fairness_late_shifts": RuleSetting(enabled=False),
    "fairness_preferences": RuleSetting(enabled=False),
    "labour_cost": RuleSetting(enabled=False),
    "overtime_cost": RuleSetting(enabled=False),
    "stability": RuleSetting(enabled=False),
    "minutes_per_week": RuleSetting(enabled=False),
    "days_per_week": RuleSetting(enabled=False),
    "min_rest": RuleSetting(enabled=False),
}
"""The rule table for the benchmark: its objective in points, nothing else."""


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]
    """Shift types that may not be worked the day after this one."""


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    """A shift-on (penalty if not worked) or shift-off (penalty if worked) request."""

    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass
class Instance:
    """One benchmark instance as written in its file."""

    name: str
    days: int
    shifts: list[ShiftType] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: list[Cover] = field(default_factory=list)

    def shift(self, shift_id: str) -> ShiftType:
        for s in self.shifts:
            if s.id == shift_id:
                return s
        raise KeyError(shift_id)


class _Reader:
    """Collects problems while parsing lines of one file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def bad(self, line: int, section: str | None, message: str) -> None:
        self.problems.append(Problem(self.name, line, section, message))

    def integer(self, line: int, section: str, what: str, text: str, least: int = 0) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            self.bad(line, section, f"{what}: expected a whole number >= {least}, got {text!r}")
            return least
        if value < least:
            self.bad(line, section, f"{what}: expected a whole number >= {least}, got {value}")
            return least
        return value


STAFF_FIELDS = 8
SHIFT_FIELDS = 3
REQUEST_FIELDS = 4
COVER_FIELDS = 5


def read_instance(path: Path) -> Instance:
    """Parse an instance file; DataError lists every bad line as `file:line: section: ...`."""
    name = path.name
    if not path.is_file():
        raise DataError([Problem(name, None, None, f"expected an instance file at {path}, "
                                 "found none")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(name, None, None, f"expected UTF-8 text, got a byte "
                                 f"0x{err.object[err.start]:02x} at offset {err.start}")]) from None
    return parse_instance(text, path.stem)


def parse_instance(text: str, name: str) -> Instance:
    """Parse the text of an instance (see `read_instance`)."""
    reader = _Reader(f"{name}.txt")
    lines: dict[str, list[tuple[int, str]]] = {s: [] for s in SECTIONS}
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in lines:
                reader.bad(number, None, f"expected a section among {list(SECTIONS)}, "
                           f"got {line!r}")
                section = None
            else:
                section = line
            continue
        if section is None:
            reader.bad(number, None, f"expected a SECTION_ header before data, got {line!r}")
            continue
        lines[section].append((number, line))
    for needed in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if not lines[needed]:
            reader.bad(None, needed, "expected this section with at least one line, got none")  # type: ignore[arg-type]
    if reader.problems:
        raise DataError(reader.problems)
    days = _horizon(reader, lines["SECTION_HORIZON"])
    instance = Instance(name=name, days=days)
    instance.shifts = _shifts(reader, lines["SECTION_SHIFTS"])
    known = {s.id for s in instance.shifts}
    instance.staff = _staff(reader, lines["SECTION_STAFF"], known)
    staff_ids = {s.id for s in instance.staff}
    instance.days_off = _days_off(reader, lines["SECTION_DAYS_OFF"], staff_ids, days)
    instance.on_requests = _requests(reader, "SECTION_SHIFT_ON_REQUESTS",
                                     lines["SECTION_SHIFT_ON_REQUESTS"], staff_ids, known, days)
    instance.off_requests = _requests(reader, "SECTION_SHIFT_OFF_REQUESTS",
                                      lines["SECTION_SHIFT_OFF_REQUESTS"], staff_ids, known, days)
    instance.cover = _cover(reader, lines["SECTION_COVER"], known, days)
    if reader.problems:
        raise DataError(reader.problems)
    return instance


def _fields(reader: _Reader, number: int, section: str, line: str, count: int,
            what: str) -> list[str] | None:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != count:
        reader.bad(number, section, f"expected {count} comma-separated fields ({what}), "
                   f"got {len(parts)}: {line!r}")
        return None
    return parts


def _horizon(reader: _Reader, lines: list[tuple[int, str]]) -> int:
    number, line = lines[0]
    if len(lines) > 1:
        reader.bad(lines[1][0], "SECTION_HORIZON", f"expected one line (the number of days), "
                   f"got another: {lines[1][1]!r}")
    return reader.integer(number, "SECTION_HORIZON", "days", line, least=1)


def _identifier(reader: _Reader, number: int, section: str, what: str, text: str) -> str:
    if not text or any(c in text for c in " \t;:|="):
        reader.bad(number, section, f"{what}: expected an id without spaces, ';', ':', '|' "
                   f"or '=', got {text!r}")
    return text


def _shifts(reader: _Reader, lines: list[tuple[int, str]]) -> list[ShiftType]:
    section = "SECTION_SHIFTS"
    out: list[ShiftType] = []
    pending: list[tuple[int, str, list[str]]] = []
    for number, line in lines:
        parts = _fields(reader, number, section, line, SHIFT_FIELDS,
                        "ShiftID, length in minutes, cannot-follow list")
        if parts is None:
            continue
        sid = _identifier(reader, number, section, "ShiftID", parts[0])
        minutes = reader.integer(number, section, "length", parts[1], least=1)
        if minutes > 24 * 60:
            reader.bad(number, section, f"length: expected at most 1440 minutes, got {minutes}")
        if any(s.id == sid for s in out):
            reader.bad(number, section, f"ShiftID: expected a unique id, got {sid!r} again")
        follow = [p.strip() for p in parts[2].split("|") if p.strip()]
        pending.append((number, sid, follow))
        out.append(ShiftType(sid, minutes, tuple(follow)))
    known = {s.id for s in out}
    for number, sid, follow in pending:
        for other in follow:
            if other not in known:
                reader.bad(number, section, f"cannot-follow of {sid}: expected shift ids among "
                           f"{sorted(known)}, got {other!r}")
    return out


def _staff(reader: _Reader, lines: list[tuple[int, str]], known: set[str]) -> list[Staff]:
    section = "SECTION_STAFF"
    out: list[Staff] = []
    for number, line in lines:
        parts = _fields(reader, number, section, line, STAFF_FIELDS,
                        "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, "
                        "MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends")
        if parts is None:
            continue
        sid = _identifier(reader, number, section, "ID", parts[0])
        if any(s.id == sid for s in out):
            reader.bad(number, section, f"ID: expected a unique staff id, got {sid!r} again")
        maxima: dict[str, int] = {}
        for item in (p for p in parts[1].split("|") if p.strip()):
            shift, eq, value = item.partition("=")
            if not eq or shift.strip() not in known:
                reader.bad(number, section, f"MaxShifts: expected ShiftID=max with a ShiftID "
                           f"among {sorted(known)}, got {item!r}")
                continue
            maxima[shift.strip()] = reader.integer(number, section, f"MaxShifts {shift}", value)
        values = [reader.integer(number, section, label, text) for label, text in zip(
            ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
             "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends"), parts[2:],
            strict=True)]
        max_total, min_total, max_cons, min_cons, min_off, weekends = values
        if min_total > max_total:
            reader.bad(number, section, f"MinTotalMinutes: expected at most MaxTotalMinutes "
                       f"{max_total}, got {min_total}")
        if max_cons < 1 or min_cons > max_cons:
            reader.bad(number, section, f"MaxConsecutiveShifts: expected >= 1 and >= "
                       f"MinConsecutiveShifts {min_cons}, got {max_cons}")
        out.append(Staff(sid, maxima, max_total, min_total, max_cons, max(min_cons, 1),
                         max(min_off, 1), weekends))
    return out


def _days_off(reader: _Reader, lines: list[tuple[int, str]], staff: set[str],
              days: int) -> dict[str, list[int]]:
    section = "SECTION_DAYS_OFF"
    out: dict[str, list[int]] = {}
    for number, line in lines:
        parts = [p.strip() for p in line.split(",")]
        if parts[0] not in staff:
            reader.bad(number, section, f"EmployeeID: expected a staff id, got {parts[0]!r}")
            continue
        for text in parts[1:]:
            if not text:
                continue
            day = reader.integer(number, section, "day", text)
            if day >= days:
                reader.bad(number, section, f"day: expected 0 to {days - 1}, got {day}")
                continue
            out.setdefault(parts[0], []).append(day)
    return {k: sorted(set(v)) for k, v in out.items()}


def _requests(reader: _Reader, section: str, lines: list[tuple[int, str]], staff: set[str],
              known: set[str], days: int) -> list[Request]:
    out = []
    for number, line in lines:
        parts = _fields(reader, number, section, line, REQUEST_FIELDS,
                        "EmployeeID, Day, ShiftID, Weight")
        if parts is None:
            continue
        who, day_text, shift, weight_text = parts
        if who not in staff:
            reader.bad(number, section, f"EmployeeID: expected a staff id, got {who!r}")
        if shift not in known:
            reader.bad(number, section, f"ShiftID: expected one of {sorted(known)}, got {shift!r}")
        day = reader.integer(number, section, "Day", day_text)
        if day >= days:
            reader.bad(number, section, f"Day: expected 0 to {days - 1}, got {day}")
        weight = reader.integer(number, section, "Weight", weight_text, least=1)
        out.append(Request(who, day, shift, weight))
    return out


def _cover(reader: _Reader, lines: list[tuple[int, str]], known: set[str],
           days: int) -> list[Cover]:
    section = "SECTION_COVER"
    out = []
    seen: set[tuple[int, str]] = set()
    for number, line in lines:
        parts = _fields(reader, number, section, line, COVER_FIELDS,
                        "Day, ShiftID, Requirement, Weight for under, Weight for over")
        if parts is None:
            continue
        day = reader.integer(number, section, "Day", parts[0])
        if day >= days:
            reader.bad(number, section, f"Day: expected 0 to {days - 1}, got {day}")
        if parts[1] not in known:
            reader.bad(number, section, f"ShiftID: expected one of {sorted(known)}, "
                       f"got {parts[1]!r}")
        if (day, parts[1]) in seen:
            reader.bad(number, section, f"expected one row per day and shift, got day {day} "
                       f"{parts[1]} again")
        seen.add((day, parts[1]))
        need, under, over = (reader.integer(number, section, label, text) for label, text in zip(
            ("Requirement", "Weight for under", "Weight for over"), parts[2:], strict=True))
        out.append(Cover(day, parts[1], need, under, over))
    return out


# ---- mapping onto the domain ----------------------------------------------------------------


def day_date(day: int) -> date:
    return START + timedelta(days=day)


def to_team(instance: Instance) -> Team:
    """The instance's staff, shift types, fixed days off and requests as a domain Team."""
    templates = {s.id: ShiftTemplate(name=s.id, earliest_start=time(0, 0),
                                     latest_start=time(0, 0), length_minutes=s.minutes)
                 for s in instance.shifts}
    contracts = {}
    for staff in instance.staff:
        allowed = [s.id for s in instance.shifts if staff.max_shifts.get(s.id, 1) > 0]
        contracts[staff.id] = Contract(
            name=staff.id, kind=ContractKind.FULL_TIME,
            min_minutes_per_week=0, max_minutes_per_week=7 * 24 * 60, max_days_per_week=7,
            min_minutes_per_period=staff.min_total_minutes,
            max_minutes_per_period=max(1, staff.max_total_minutes),  # 0: no shift fits
            min_consecutive_days=staff.min_consecutive_shifts,
            max_consecutive_days=staff.max_consecutive_shifts,
            min_consecutive_days_off=staff.min_consecutive_days_off,
            min_rest_hours=0, max_weekends=staff.max_weekends,
            allowed_templates=allowed or [instance.shifts[0].id],
            max_per_template={k: v for k, v in staff.max_shifts.items()
                              if v < instance.days and (v > 0 or not allowed)},
        )
    settings = TeamSettings(
        name=instance.name, interval_minutes=60, period_days=min(instance.days, 62),
        queues={QUEUE: Queue(name=QUEUE, aht_seconds=60, service_level=0.8,
                             answer_within_seconds=30)},
        contracts=contracts, templates=templates,
        forbidden_successions=[(s.id, other) for s in instance.shifts for other in s.cannot_follow],
        rules=dict(BENCHMARK_RULES),
    )
    agents = [Agent(id=s.id, name=s.id, team=instance.name, contract=s.id, skills={QUEUE: 1})
              for s in instance.staff]
    leave = []
    for staff_id, days in instance.days_off.items():
        for first, last in _runs(days):
            leave.append(Leave(agent_id=staff_id, type=LeaveType.UNAVAILABLE,
                               start=datetime.combine(day_date(first), time(0, 0)),
                               end=datetime.combine(day_date(last + 1), time(0, 0))))
    preferences = [
        Preference(agent_id=r.staff, kind=kind, date=day_date(r.day), template=r.shift,
                   weight=r.weight)
        for kind, requests in ((PreferenceKind.PREFER_SHIFT, instance.on_requests),
                               (PreferenceKind.AVOID_SHIFT, instance.off_requests))
        for r in requests
    ]
    return Team(settings=settings, agents=agents, leave=leave, preferences=preferences)


def _runs(days: list[int]) -> list[tuple[int, int]]:
    """Consecutive day indices as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def to_period(instance: Instance) -> PlanningPeriod:
    return PlanningPeriod(start=START, days=instance.days, interval_minutes=60)


def to_demands(instance: Instance) -> list[ShiftDemand]:
    return [ShiftDemand(day=day_date(c.day), template=c.shift, required=c.requirement,
                        under_weight=c.under_weight, over_weight=c.over_weight)
            for c in instance.cover]


def to_problem(instance: Instance) -> RosterProblem:
    """The instance as the engine's RosterProblem (team, period, shift demand)."""
    return RosterProblem(team=to_team(instance), period=to_period(instance),
                         demands=to_demands(instance))
