"""One test per hard rule: pinned shifts that break it make the rules infeasible, and the
explanation names the rule (found by the solver's infeasible core or by pre-checks)."""

from __future__ import annotations

import pytest

from roster.domain import AvailabilityWindow, Leave, LeaveType
from roster.engine.explain import explain_infeasible
from roster.engine.model import RosterProblem
from roster.engine.solve import SolveOptions, solve_roster
from tests.engine.tiny import PERIOD, at, shift, team

CASES = {
    "minutes_per_week": (dict(max_minutes_per_week=480), [(0, "day"), (1, "day")]),
    "days_per_week": (dict(max_days_per_week=1), [(0, "day"), (2, "day")]),
    "max_consecutive_days": (dict(max_consecutive_days=2), [(0, "day"), (1, "day"),
                                                             (2, "day")]),
    "max_weekends": (dict(max_weekends=0), [(5, "day")]),
    "max_per_template": (dict(max_per_template={"late": 1}), [(0, "late"), (1, "late")]),
    "min_rest": (dict(min_rest_hours=12), [(0, "late"), (1, "day")]),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_pins_breaking_the_rule_are_explained_by_that_rule(rule: str) -> None:
    changes, pins = CASES[rule]
    problem = RosterProblem(team(1, **changes), PERIOD,
                            pinned=[shift("A1", d, t) for d, t in pins])
    assert solve_roster(problem, SolveOptions(time_limit=5, workers=1)).status == "INFEASIBLE"
    [conflict] = explain_infeasible(problem)
    assert conflict.agent_id == "A1"
    assert conflict.rules == sorted([rule, "pinned"])
    assert conflict.message.startswith("A1: these rules cannot all hold")


def test_min_consecutive_days_with_leave_either_side() -> None:
    base = team(1, min_consecutive_days=2)
    base.leave += [Leave(agent_id="A1", start=at(0, 0), end=at(1, 0), type=LeaveType.ANNUAL),
                   Leave(agent_id="A1", start=at(2, 0), end=at(3, 0), type=LeaveType.ANNUAL)]
    problem = RosterProblem(base, PERIOD, pinned=[shift("A1", 1)])
    [conflict] = explain_infeasible(problem)
    assert conflict.rules == ["leave", "min_consecutive_days", "pinned"]
    assert "at least 2 working days in a row" in conflict.message


def test_min_consecutive_days_off_with_sick_day_between_pins() -> None:
    base = team(1, min_consecutive_days_off=2)
    base.leave.append(Leave(agent_id="A1", start=at(1, 0), end=at(2, 0), type=LeaveType.SICK))
    problem = RosterProblem(base, PERIOD, pinned=[shift("A1", 0), shift("A1", 2)])
    [conflict] = explain_infeasible(problem)
    assert conflict.rules == ["leave", "min_consecutive_days_off", "pinned"]


def test_forbidden_succession_is_named() -> None:
    problem = RosterProblem(team(1, forbidden=[("late", "day")]), PERIOD,
                            pinned=[shift("A1", 0, "late"), shift("A1", 1, "day")])
    [conflict] = explain_infeasible(problem)
    assert conflict.rules == ["forbidden_successions", "pinned"]


def test_pinned_shift_on_leave_is_explained_by_the_precheck() -> None:
    base = team(1)
    base.leave.append(Leave(agent_id="A1", start=at(0, 0), end=at(1, 0), type=LeaveType.ANNUAL))
    [conflict] = explain_infeasible(RosterProblem(base, PERIOD, pinned=[shift("A1", 0)]))
    assert conflict.message == ("A1: the pinned shift 2026-11-23 09:00-17:00 cannot be worked "
                                "(annual leave 2026-11-23 00:00 to 2026-11-24 00:00)")


def test_weekly_minimum_beyond_availability_is_explained_by_the_precheck() -> None:
    base = team(1, min_minutes_per_week=6 * 480)  # a long shift pays 540 minutes
    base.agents[0].availability = [AvailabilityWindow(weekdays=[0, 1, 2, 3, 4], start=at(0, 8)
                                                      .time(), end=at(0, 23).time())]
    [conflict] = explain_infeasible(RosterProblem(base, PERIOD))
    assert conflict.rules == ["minutes_per_week", "leave", "availability"]
    assert "at most 2700 paid minutes can be worked but the contract asks at least 2880" in (
        conflict.message)


def test_leave_blocks_only_overlapping_shifts() -> None:
    base = team(1, min_days_per_week=7)
    base.leave.append(Leave(agent_id="A1", start=at(0, 9), end=at(0, 13),
                            type=LeaveType.TRAINING))
    result = solve_roster(RosterProblem(base, PERIOD), SolveOptions(time_limit=5, workers=1))
    assert result.roster is not None
    monday = result.roster.shift_of("A1", PERIOD.start)
    assert monday is not None and monday.template == "late"


def test_previous_roster_run_counts_towards_max_consecutive_days() -> None:
    from roster.domain import PlanningPeriod, Roster

    before = PlanningPeriod(start=at(-7, 0).date(), days=7, interval_minutes=60)
    previous = Roster(team="t", period=before, shifts=[shift("A1", d) for d in (-3, -2, -1)])
    problem = RosterProblem(team(1, max_consecutive_days=3), PERIOD, previous=previous,
                            pinned=[shift("A1", 0)])
    [conflict] = explain_infeasible(problem)
    assert conflict.rules == ["max_consecutive_days", "pinned"]
