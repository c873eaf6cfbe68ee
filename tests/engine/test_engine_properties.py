"""Properties on generated teams: every returned roster passes the independent checker."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.checker import check_roster
from roster.domain import PlanningPeriod
from roster.engine.demand import interval_demands
from roster.engine.explain import explain_shortfalls
from roster.engine.model import RosterProblem
from roster.engine.repair import RosterChange, repair_roster
from roster.engine.solve import SolveOptions, solve_roster
from roster.sampledata.synthetic import synthetic_requirements, synthetic_team

START = date(2026, 11, 23)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(3, 10), seed=st.integers(0, 10_000), days=st.sampled_from([3, 7]))
def test_solved_rosters_break_no_hard_rule(size: int, seed: int, days: int) -> None:
    team = synthetic_team(size, START, seed=seed)
    period = PlanningPeriod(start=START, days=days, interval_minutes=30)
    demands = interval_demands(synthetic_requirements(team, period, seed=seed))
    result = solve_roster(RosterProblem(team, period, demands),
                          SolveOptions(time_limit=4, workers=2, seed=seed))
    if result.roster is None:
        assert result.status == "INFEASIBLE"
        return
    assert check_roster(team, result.roster) == []
    assert result.objective is not None and result.bound is not None
    assert result.bound <= result.objective + 1e-6
    assert sum(result.penalties.values()) == pytest.approx(result.objective,
                                                                           abs=0.05)


@pytest.mark.slow
def test_repair_after_a_sick_day_changes_few_shifts_and_passes_the_checker() -> None:
    team = synthetic_team(12, START, seed=3)
    period = PlanningPeriod(start=START, days=7, interval_minutes=30)
    demands = interval_demands(synthetic_requirements(team, period, seed=3))
    published = solve_roster(RosterProblem(team, period, demands),
                             SolveOptions(time_limit=8, workers=2)).roster
    assert published is not None
    sick = next(s for s in published.shifts if s.date > START)
    change = RosterChange("sick", sick.agent_id, datetime.combine(sick.date, datetime.min.time()))
    result = repair_roster(team, published, [change], demands,
                           SolveOptions(time_limit=5, workers=2))
    assert result.roster is not None
    assert result.roster.shift_of(sick.agent_id, sick.date) is None
    assert check_roster(result.team, result.roster) == []
    assert 1 <= len(result.changes) <= 6
    assert all(c.date >= sick.date for c in result.changes)
    assert result.roster.version == published.version + 1


def test_shortfall_reasons_count_skilled_agents_by_cause() -> None:
    from roster.domain import Roster
    from roster.engine.demand import IntervalDemand
    from tests.engine.tiny import PERIOD, at, shift, team

    base = team(3)
    from roster.domain import Leave, LeaveType
    base.leave.append(Leave(agent_id="A3", start=at(0, 0), end=at(1, 0), type=LeaveType.SICK))
    roster = Roster(team="t", period=PERIOD, shifts=[shift("A1", 0), shift("A2", 0, "late")])
    [reason] = explain_shortfalls(base, roster, [IntervalDemand(at(0, 10), "chat", 3)])
    assert reason.scheduled == 1 and reason.required == 3
    assert reason.reasons == {"on leave": 1, "working other hours that day": 1}
    assert reason.message == ("Mon 2026-11-23 10:00 chat: 1 of 3 agents (2 short); skilled "
                              "agents away: 1 on leave, 1 working other hours that day")
