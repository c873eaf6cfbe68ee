"""Properties on random rosters of the hand-built team (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.domain import Break, PlanningPeriod, Roster, Segment, Shift
from roster.results.coverage import coverage_frame
from roster.results.exports import read_roster_csv, write_roster_csv
from roster.results.kpis import compute_kpis
from tests.results import cases

AGENTS = ["A1", "A2", "A3"]
QUEUES = ["presale", "aftersale"]


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    grid = draw(st.sampled_from([15, 30, 60]))
    days = draw(st.integers(1, 3))
    period = PlanningPeriod(start=cases.SATURDAY, days=days, interval_minutes=grid)
    per_day = 24 * 60 // grid
    shifts = []
    for agent in AGENTS:
        free_from = datetime.combine(period.start, datetime.min.time())
        for day in period.dates():
            if not draw(st.booleans()):
                continue
            midnight = datetime.combine(day, datetime.min.time())
            start = midnight + timedelta(minutes=grid * draw(st.integers(0, per_day - 1)))
            steps = draw(st.integers(1, 12 * 60 // grid))
            end = start + timedelta(minutes=grid * steps)
            if start < free_from:
                continue
            free_from = end
            breaks, segments = [], []
            if steps >= 3 and draw(st.booleans()):
                offset = draw(st.integers(1, steps - 2))
                length = draw(st.integers(1, steps - 1 - offset))
                first = start + timedelta(minutes=grid * offset)
                breaks = [Break(start=first, end=first + timedelta(minutes=grid * length))]
            queue = draw(st.sampled_from(QUEUES))
            if steps >= 2 and draw(st.booleans()):
                cut = start + timedelta(minutes=grid * draw(st.integers(1, steps - 1)))
                other = draw(st.sampled_from(QUEUES))
                segments = [Segment(start=start, end=cut, queue=queue),
                            Segment(start=cut, end=end, queue=other)]
            template = draw(st.sampled_from([None, "early", "late", "short"]))
            shifts.append(Shift(agent_id=agent, date=day, start=start, end=end,
                                template=template, queue=queue, breaks=breaks,
                                segments=segments))
    return Roster(team="shop", period=period, shifts=shifts)


@st.composite
def rosters_and_requirements(draw: st.DrawFn) -> tuple[Roster, pd.DataFrame]:
    roster = draw(rosters())
    starts = roster.period.interval_starts()
    rows = draw(st.lists(st.tuples(st.sampled_from(starts), st.sampled_from(QUEUES),
                                   st.integers(0, 5), st.floats(0, 200, allow_subnormal=False)),
                         max_size=30,
                         unique_by=lambda r: (r[0], r[1])))
    return roster, pd.DataFrame(rows, columns=["start", "queue", "agents", "volume"])


def worked_intervals_inside(roster: Roster) -> int:
    """Worked grid intervals inside the period, by arithmetic on clipped ranges."""
    first = datetime.combine(roster.period.start, datetime.min.time())
    last = datetime.combine(roster.period.end, datetime.min.time())
    step = timedelta(minutes=roster.period.interval_minutes)
    total = timedelta()
    for shift in roster.shifts:
        total += max(timedelta(), min(shift.end, last) - max(shift.start, first))
        for b in shift.breaks:
            total -= max(timedelta(), min(b.end, last) - max(b.start, first))
    return total // step


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rosters_and_requirements())
def test_coverage_sums_equal_worked_agent_intervals(case: tuple[Roster, pd.DataFrame]) -> None:
    roster, requirements = case
    frame = coverage_frame(roster, requirements, QUEUES)
    assert int(frame["scheduled"].sum()) == worked_intervals_inside(roster)
    assert int(frame["required"].sum()) == int(requirements["agents"].sum())


@SETTINGS
@given(rosters_and_requirements())
def test_shortfall_and_overstaffing_are_the_two_sides_of_the_gap(
        case: tuple[Roster, pd.DataFrame]) -> None:
    frame = coverage_frame(*case, QUEUES)
    assert (frame["shortfall"] >= 0).all() and (frame["overstaffing"] >= 0).all()
    assert ((frame["shortfall"] == 0) | (frame["overstaffing"] == 0)).all()
    assert (frame["required"] - frame["scheduled"]).equals(
        frame["shortfall"] - frame["overstaffing"])


@SETTINGS
@given(rosters_and_requirements())
def test_kpis_stay_in_range(case: tuple[Roster, pd.DataFrame]) -> None:
    roster, requirements = case
    kpis = compute_kpis(cases.team(), roster, requirements)
    for share in kpis.preferences:
        assert 0 <= share.honoured <= share.judged
        for value in (share.share, share.weighted_share):
            assert value is None or 0 <= value <= 1
    for spread in kpis.fairness:
        assert spread.spread >= 0
        assert spread.std <= spread.spread / 2 + 1e-9
    for queue in [*kpis.queues, kpis.total]:
        assert queue.shortfall_hours >= 0
        assert queue.coverage is None or 0 <= queue.coverage <= 1
        level = queue.projected_service_level
        assert level is None or 0 <= level <= 1
        assert queue.projected_asa_seconds is None or queue.projected_asa_seconds >= 0
    assert kpis.cost.overtime_cost >= 0
    assert kpis.cost.total_cost >= kpis.cost.regular_cost
    paid = sum(s.paid_minutes for s in roster.shifts)
    assert kpis.cost.paid_hours * 60 == paid


@settings(max_examples=30, deadline=None)
@given(rosters())
def test_roster_csv_round_trip(roster: Roster) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        write_roster_csv(path, cases.team(), roster)
        back = read_roster_csv(path, cases.team(), roster.period)
    key = lambda s: (s.date, s.start, s.agent_id)  # noqa: E731
    assert sorted(back.shifts, key=key) == sorted(roster.shifts, key=key)
