"""The Curtois & Qu reader and its mapping onto the domain."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from forecasting.validation import DataError
from roster.bench.curtois import parse_instance, read_instance, to_problem
from roster.domain import PreferenceKind
from roster.engine.demand import ShiftDemand
from roster.engine.weights import enabled, weight

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"
needs_files = pytest.mark.skipif(not BENCH.is_dir(),
                                 reason=f"benchmark files not present at {BENCH}")

# instance: staff, shift types, days, on requests, off requests, cover rows, fixed days off
COUNTS = {
    "Instance1": (8, 1, 14, 21, 5, 14, 8),
    "Instance2": (14, 2, 14, 50, 12, 28, 14),
    "Instance3": (20, 3, 14, 39, 25, 42, 20),
}


@needs_files
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_loader_counts_match_the_file(name: str) -> None:
    staff, shifts, days, on, off, cover, days_off = COUNTS[name]
    instance = read_instance(BENCH / f"{name}.txt")
    assert (len(instance.staff), len(instance.shifts), instance.days) == (staff, shifts, days)
    assert (len(instance.on_requests), len(instance.off_requests)) == (on, off)
    assert len(instance.cover) == cover
    assert sum(len(v) for v in instance.days_off.values()) == days_off
    problem = to_problem(instance)
    team = problem.team
    assert len(team.agents) == staff and len(team.settings.templates) == shifts
    assert problem.period.days == days and problem.period.start.weekday() == 0
    kinds = [p.kind for p in team.preferences]
    assert kinds.count(PreferenceKind.PREFER_SHIFT) == on
    assert kinds.count(PreferenceKind.AVOID_SHIFT) == off
    assert len(problem.demands) == cover
    assert sum((leave.end - leave.start).days for leave in team.leave) == days_off


@needs_files
def test_instance2_staff_rules_are_mapped_onto_contracts() -> None:
    team = to_problem(read_instance(BENCH / "Instance2.txt")).team
    d = team.settings.contracts["D"]  # D,E=14|L=0,4320,3360,5,2,2,1
    assert d.allowed_templates == ["E"]
    assert (d.min_minutes_per_period, d.max_minutes_per_period) == (3360, 4320)
    assert (d.max_consecutive_days, d.min_consecutive_days) == (5, 2)
    assert (d.min_consecutive_days_off, d.max_weekends, d.min_rest_hours) == (2, 1, 0)
    a = team.settings.contracts["A"]
    assert a.allowed_templates == ["E", "L"] and a.max_per_template == {}
    assert ("L", "E") in team.settings.forbidden_successions


SMALL = """\
SECTION_HORIZON
7
SECTION_SHIFTS
E,480,
L,600,E
SECTION_STAFF
A,E=5|L=2,3000,960,4,2,2,1
B,L=0,3000,0,5,1,1,1
SECTION_DAYS_OFF
A,0,1,3
SECTION_SHIFT_ON_REQUESTS
B,2,E,3
SECTION_SHIFT_OFF_REQUESTS
A,4,L,2
SECTION_COVER
0,E,1,100,1
2,L,0,100,5
"""


def test_small_instance_maps_to_domain_values() -> None:
    problem = to_problem(parse_instance(SMALL, "Small"))
    team = problem.team
    assert team.settings.forbidden_successions == [("L", "E")]
    assert team.settings.templates["L"].length_minutes == 600
    a = team.settings.contracts["A"]
    assert a.max_per_template == {"E": 5, "L": 2}
    assert team.settings.contracts["B"].allowed_templates == ["E"]
    spans = sorted((leave.start.day, leave.end.day) for leave in team.leave)
    assert spans == [(1, 3), (4, 5)]  # days 0-1 joined, day 3 alone (2024-01-01 is day 0)
    prefer, avoid = team.preferences
    assert (prefer.kind, prefer.date, prefer.template, prefer.weight) == (
        PreferenceKind.PREFER_SHIFT, date(2024, 1, 3), "E", 3)
    assert (avoid.kind, avoid.date, avoid.template, avoid.weight) == (
        PreferenceKind.AVOID_SHIFT, date(2024, 1, 5), "L", 2)
    assert problem.demands == [
        ShiftDemand(date(2024, 1, 1), "E", 1, 100, 1),
        ShiftDemand(date(2024, 1, 3), "L", 0, 100, 5),
    ]
    settings = team.settings
    for rule in ("fairness_weekends", "labour_cost", "overstaffing", "minutes_per_week"):
        assert not enabled(settings, rule)
    for rule in ("shift_cover_under", "shift_cover_over", "preference_shift"):
        assert weight(settings, rule) == 1


@pytest.mark.parametrize(("text", "message"), [
    (SMALL.replace("L,600,E", "L,6x0,E"),
     "Bad.txt:5: SECTION_SHIFTS: length: expected a whole number >= 1, got '6x0'"),
    (SMALL.replace("B,2,E,3", "Z,2,E,3"),
     "Bad.txt:12: SECTION_SHIFT_ON_REQUESTS: EmployeeID: expected a staff id, got 'Z'"),
    (SMALL.replace("0,E,1,100,1", "9,E,1,100,1"),
     "Bad.txt:16: SECTION_COVER: Day: expected 0 to 6, got 9"),
    (SMALL.replace("A,E=5|L=2,3000", "A,E=5|X=2,3000"),
     "Bad.txt:7: SECTION_STAFF: MaxShifts: expected ShiftID=max with a ShiftID among "
     "['E', 'L'], got 'X=2'"),
    (SMALL.replace("L,600,E", "L,600,Q"),
     "Bad.txt:5: SECTION_SHIFTS: cannot-follow of L: expected shift ids among ['E', 'L'], "
     "got 'Q'"),
    (SMALL.replace("0,E,1,100,1", "0,E,1,100"),
     "Bad.txt:16: SECTION_COVER: expected 5 comma-separated fields (Day, ShiftID, Requirement,"
     " Weight for under, Weight for over), got 4: '0,E,1,100'"),
])
def test_bad_lines_are_named_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DataError) as err:
        parse_instance(text, "Bad")
    assert str(err.value) == message


def test_every_bad_line_is_reported_at_once() -> None:
    text = SMALL.replace("B,2,E,3", "B,2,E,0").replace("A,4,L,2", "A,44,L,2")
    with pytest.raises(DataError) as err:
        parse_instance(text, "Bad")
    assert [p.row for p in err.value.problems] == [12, 14]


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="expected an instance file"):
        read_instance(tmp_path / "Instance99.txt")
