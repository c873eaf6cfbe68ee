"""The independent benchmark checker on hand-made rosters with known penalties."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.bench.curtois import START, parse_instance, to_period
from roster.bench.objective import evaluate
from roster.domain import Roster, Shift

TEXT = """\
SECTION_HORIZON
7
SECTION_SHIFTS
E,480,
L,600,E
SECTION_STAFF
A,E=5|L=1,6000,960,3,2,2,1
B,L=0,6000,0,5,1,1,1
SECTION_DAYS_OFF
A,6
SECTION_SHIFT_ON_REQUESTS
B,2,E,3
SECTION_SHIFT_OFF_REQUESTS
A,4,L,2
SECTION_COVER
0,E,1,100,1
1,E,1,100,1
2,L,1,100,5
"""
INSTANCE = parse_instance(TEXT, "Hand")


def roster(cells: dict[tuple[str, int], str]) -> Roster:
    minutes = {"E": 480, "L": 600}
    shifts = []
    for (who, day), shift in cells.items():
        start = datetime.combine(START + timedelta(days=day), datetime.min.time())
        shifts.append(Shift(agent_id=who, date=start.date(), start=start,
                            end=start + timedelta(minutes=minutes[shift]), template=shift,
                            queue="cover"))
    return Roster(team="Hand", period=to_period(INSTANCE), shifts=shifts)


def test_empty_roster_pays_cover_and_on_requests_and_breaks_minimum_minutes() -> None:
    result = evaluate(INSTANCE, roster({}))
    assert result.parts == {"shift_on_requests": 3, "shift_off_requests": 0,
                            "cover_under": 300, "cover_over": 0}
    assert result.objective == 303
    assert result.violations == ["A: 0 minutes, expected 960..6000"]


def test_known_penalties_of_a_feasible_roster() -> None:
    # A works E,E on days 0-1 then L on day 4 (off request, weight 2); B works E on day 2
    # (on request met) and E on day 0 (over by one).
    cells = {("A", 0): "E", ("A", 1): "E", ("A", 4): "L", ("B", 0): "E", ("B", 2): "E"}
    result = evaluate(INSTANCE, roster(cells))
    assert result.parts == {"shift_on_requests": 0, "shift_off_requests": 2,
                            "cover_under": 100, "cover_over": 1}
    assert result.objective == 103
    # A's run on day 4 is one day long and does not touch the horizon's end
    assert result.violations == ["A day 4: 1 consecutive shifts, at least 2"]


def test_each_hard_rule_is_named() -> None:
    # A: E E E E L E E -- L then E, six E shifts, a 7-day run, and work on fixed day off 6
    cells = {("A", d): "E" for d in range(4)} | {("A", 4): "L", ("A", 5): "E", ("A", 6): "E"}
    assert evaluate(INSTANCE, roster(cells)).violations == [
        "A day 5: E may not follow L",
        "A: 6 E shifts, at most 5",
        "A day 0: 7 consecutive shifts, at most 3",
        "A day 6: works E on a fixed day off",
    ]
    # B works L although its maximum of L shifts is 0
    cells = {("A", 0): "E", ("A", 1): "E", ("B", 6): "L"}
    assert evaluate(INSTANCE, roster(cells)).violations == ["B: 1 L shifts, at most 0"]


def test_weekends_and_days_off_runs() -> None:
    # B may work one weekend: Saturday 5 and Sunday 6 are the same weekend
    ok = evaluate(INSTANCE, roster({("A", 0): "E", ("A", 1): "E", ("B", 5): "E",
                                    ("B", 6): "E"}))
    assert ok.violations == []
    short_off = evaluate(INSTANCE, roster({("A", 0): "E", ("A", 1): "E", ("A", 3): "E",
                                           ("A", 4): "E"}))
    assert short_off.violations == ["A day 2: 1 consecutive days off, at least 2"]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 6)),
                       st.sampled_from(["E", "L"])))
def test_objective_is_the_sum_of_its_parts_and_cover_counts_every_shift(
        cells: dict[tuple[str, int], str]) -> None:
    result = evaluate(INSTANCE, roster(cells))
    assert result.objective == sum(result.parts.values())
    rows = [(0, "E", 1), (1, "E", 1), (2, "L", 5)]
    have = {(d, s): sum(1 for (_, day), t in cells.items() if (day, t) == (d, s))
            for d, s, _ in rows}
    assert result.parts["cover_under"] == 100 * sum(1 for d, s, _ in rows if have[d, s] == 0)
    assert result.parts["cover_over"] == sum(w * max(0, have[d, s] - 1) for d, s, w in rows)


@pytest.mark.parametrize(("cells", "message"), [
    ({("Z", 0): "E"}, "Z day 0: unknown staff member"),
])
def test_roster_problems_are_reported(cells: dict[tuple[str, int], str], message: str) -> None:
    assert message in evaluate(INSTANCE, roster(cells)).violations
