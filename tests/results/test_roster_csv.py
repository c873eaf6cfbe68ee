"""roster.csv: Excel-friendly writing, reading back, and file:row: column errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from forecasting.validation import DataError
from roster.domain import Break, PlanningPeriod, Roster, Segment, Shift
from roster.results.exports import read_roster_csv, write_roster_csv
from roster.results.roster_csv import ROSTER_COLUMNS
from tests.results import cases

HEADER = ",".join(ROSTER_COLUMNS)


def two_day_roster() -> Roster:
    """The hand-built Saturday plus a Sunday night shift whose break crosses midnight."""
    sunday, monday = date(2026, 11, 29), date(2026, 11, 30)
    night = Shift(agent_id="A3", date=sunday, start=datetime(2026, 11, 29, 18),
                  end=datetime(2026, 11, 30, 3), template=None, queue="aftersale",
                  breaks=[Break(start=datetime(2026, 11, 29, 23, 30),
                                end=datetime(2026, 11, 30, 0, 30))],
                  segments=[Segment(start=datetime(2026, 11, 29, 18),
                                    end=datetime(2026, 11, 29, 23, 30), queue="aftersale"),
                            Segment(start=datetime(2026, 11, 30, 0, 30),
                                    end=datetime(2026, 11, 30, 3), queue="aftersale")])
    assert night.end.date() == monday
    return Roster(team="shop", period=PlanningPeriod(start=cases.SATURDAY, days=2,
                                                     interval_minutes=30),
                  version=3, shifts=[*cases.roster().shifts, night])


def test_roster_csv_has_a_bom_and_one_row_per_shift(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    write_roster_csv(path, cases.team(), cases.roster())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == [
        HEADER,
        "A1,王伟,2026-11-28,early,2026-11-28 08:00,2026-11-28 17:00,480,12:00-13:00,presale,",
        "A2,李娜,2026-11-28,late,2026-11-28 14:00,2026-11-28 23:00,480,18:00-19:00,presale,"
        "14:00-18:00 presale;19:00-23:00 aftersale",
    ]


def test_round_trip_gives_an_equal_roster(tmp_path: Path) -> None:
    roster = two_day_roster()
    path = tmp_path / "roster.csv"
    write_roster_csv(path, cases.team(), roster)
    back = read_roster_csv(path, cases.team(), roster.period, version=3)
    assert back == roster
    assert "张敏" in path.read_text(encoding="utf-8-sig")


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


GOOD = "A1,王伟,2026-11-28,early,2026-11-28 08:00,2026-11-28 17:00,480,12:00-13:00,presale,"


def test_paid_minutes_may_be_left_empty(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace(",480,", ",,"))
    roster = read_roster_csv(path, cases.team(), cases.period())
    assert roster.shifts[0].paid_minutes == 480


def read_errors(path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_roster_csv(path, cases.team(), cases.period())
    return [str(p) for p in caught.value.problems]


def test_bad_cells_name_file_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD.replace("A1,", "A9,", 1),
        GOOD.replace("2026-11-28,early", "2026-11-29,early"),
        GOOD.replace("early", "middle"),
        GOOD.replace(",presale,", ",refunds,"),
        GOOD.replace("12:00-13:00", "noon"),
        GOOD.replace(",480,", ",470,"),
        GOOD.replace("2026-11-28 17:00", "tomorrow"),
    )
    assert read_errors(path) == [
        "roster.csv:2: agent_id: expected an agent of team 'shop', got 'A9'",
        "roster.csv:3: date: expected a date from 2026-11-28 to 2026-11-28, got '2026-11-29'",
        "roster.csv:4: template: expected a template among ['early', 'late', 'short'] or "
        "nothing, got 'middle'",
        "roster.csv:5: queue: expected a queue among ['aftersale', 'presale'] or nothing, "
        "got 'refunds'",
        "roster.csv:6: breaks: expected ranges such as '12:00-13:00', got 'noon'",
        "roster.csv:7: paid_minutes: expected 480 (end - start - breaks) or nothing, got '470'",
        "roster.csv:8: end: expected a timestamp YYYY-MM-DD HH:MM, got 'tomorrow'",
    ]


def test_two_shifts_of_an_agent_on_a_day_are_an_error(tmp_path: Path) -> None:
    second = "A1,王伟,2026-11-28,short,2026-11-28 18:00,2026-11-28 20:00,120,,presale,"
    assert read_errors(write(tmp_path, GOOD, second)) == [
        "roster.csv:3: date: expected one shift per agent and day, got a second for A1 on "
        "2026-11-28 (first at row 2)",
    ]


def test_break_outside_the_shift_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("12:00-13:00", "07:00-07:30").replace(",480,", ",,"))
    assert read_errors(path) == [
        "roster.csv:2: shift of A1 on 2026-11-28: 07:00-07:30 lies outside the shift "
        "08:00-17:00"]


def test_missing_columns_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("agent_id,date,start\nA1,2026-11-28,2026-11-28 08:00\n", encoding="utf-8")
    assert read_errors(path) == [
        "roster.csv:1: end: expected a column 'end', got columns ['agent_id', 'date', 'start']"]


def test_segment_with_unknown_queue_is_an_error(tmp_path: Path) -> None:
    row = GOOD.rstrip(",") + ",08:00-12:00 refunds"
    assert read_errors(write(tmp_path, row)) == [
        "roster.csv:2: segments: expected queues among ['aftersale', 'presale'], got 'refunds'"]
