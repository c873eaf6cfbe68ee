"""One .ics per agent: parses back with the right events in local time and stable UIDs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from roster.domain import Agent
from roster.results.calendars import calendar_file_names
from roster.results.exports import write_calendars
from tests.results import cases

STAMP = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_one_calendar_per_agent_with_its_shifts(tmp_path: Path) -> None:
    files = write_calendars(tmp_path, cases.team(), cases.roster(), STAMP)
    assert sorted(p.name for p in files.values()) == ["A1.ics", "A2.ics", "A3.ics"]
    assert [len(events(files[a])) for a in ("A1", "A2", "A3")] == [1, 1, 0]
    (event,) = events(files["A2"])
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    shanghai = ZoneInfo("Asia/Shanghai")
    assert start == datetime(2026, 11, 28, 14, tzinfo=shanghai)
    assert end == datetime(2026, 11, 28, 23, tzinfo=shanghai)
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert str(event["uid"]) == "shop-A2-2026-11-28@roster"
    assert str(event["summary"]) == "late shift (presale)"
    description = str(event["description"])
    assert "Breaks: 18:00-19:00" in description
    assert "Segments: 14:00-18:00 presale, 19:00-23:00 aftersale" in description
    assert "TZID:Asia/Shanghai" in files["A2"].read_text(encoding="utf-8")


def test_calendars_are_stable_across_writes(tmp_path: Path) -> None:
    first = write_calendars(tmp_path / "a", cases.team(), cases.roster(), STAMP)
    second = write_calendars(tmp_path / "b", cases.team(), cases.roster(), STAMP)
    assert first["A1"].read_bytes() == second["A1"].read_bytes()


def test_time_zone_comes_from_the_settings(tmp_path: Path) -> None:
    team = cases.team()
    team.settings.timezone = "Europe/Berlin"
    files = write_calendars(tmp_path, team, cases.roster(), STAMP)
    (event,) = events(files["A1"])
    assert event.decoded("dtstart") == datetime(2026, 11, 28, 8,
                                                tzinfo=ZoneInfo("Europe/Berlin"))
    assert event.decoded("dtstart").utcoffset().total_seconds() == 3600


def test_file_names_are_safe_and_unique() -> None:
    agents = [Agent(id=i, name="x", team="shop", contract="part_time", skills={"presale": 1})
              for i in ("a/b", "a_b", "../x", "客服01")]
    assert calendar_file_names(agents) == {"a/b": "a_b.ics", "a_b": "a_b-2.ics",
                                           "../x": "_x.ics", "客服01": "客服01.ics"}
