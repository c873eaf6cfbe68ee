"""Hours against contract use the same lowered minimums as the hard rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from roster.domain import PlanningPeriod, Roster, Shift, Team
from roster.results.workload import agent_weeks
from tests.conftest import MONDAY


def shift(agent: str, day: int, queue: str) -> Shift:
    start = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time()) + timedelta(
        hours=8)
    return Shift(agent_id=agent, date=start.date(), start=start, end=start + timedelta(hours=7),
                 template="early", queue=queue)


def test_a_whole_day_of_sick_leave_lowers_the_weekly_minimum(team: Team) -> None:
    roster = Roster(team="t1", period=PlanningPeriod(start=MONDAY, days=7),
                    shifts=[shift("A1", 0, "presale"), shift("A2", 2, "aftersale"),
                            shift("A2", 3, "aftersale")])
    weeks = agent_weeks(team, roster).set_index("agent_id")
    # A1: 420 min against 960; A2 (sick all Tuesday): 840 against 960 x 6/7 = 822;
    # A3 (starts Wednesday, no shift): 0 against 960 x 5/7 = 685.
    assert weeks.loc["A1", ["paid_minutes", "min_minutes", "status"]].tolist() == [420, 960,
                                                                                   "under"]
    assert weeks.loc["A2", ["paid_minutes", "min_minutes", "status"]].tolist() == [840, 822, "ok"]
    assert weeks.loc["A3", ["paid_minutes", "min_minutes", "status"]].tolist() == [0, 685,
                                                                                   "under"]
