"""One test per soft rule: the exact penalty on a tiny hand-built case."""

from __future__ import annotations

from datetime import time

import pytest

from roster.domain import Leave, LeaveType, Preference, PreferenceKind, Roster
from roster.engine.demand import IntervalDemand, ShiftDemand
from roster.engine.model import RosterProblem
from roster.engine.solve import SolveOptions, solve_roster
from tests.engine.tiny import MONDAY, PERIOD, at, shift, team

FAST = SolveOptions(time_limit=10, workers=1)


def solve(problem: RosterProblem) -> dict[str, float]:
    result = solve_roster(problem, FAST)
    assert result.status == "OPTIMAL"
    return result.penalties


def test_coverage_shortfall_costs_100_points_per_agent_hour_times_value() -> None:
    demands = [IntervalDemand(at(0, 10), "chat", 2, value=1.0),
               IntervalDemand(at(0, 20), "chat", 1, value=0.5)]
    penalties = solve(RosterProblem(team(1, soft=("coverage_shortfall",)), PERIOD, demands))
    # one agent covers 10:00 (day shift); 1 short at 10:00 (x1.0) and at 20:00 nobody can be
    # there at the same time: the late shift covers 20:00 but then 10:00 is 2 short.
    assert penalties["coverage_shortfall"] == pytest.approx(100 * 1.0 + 100 * 0.5)


def test_shortfall_at_a_valuable_interval_costs_more() -> None:
    demands = [IntervalDemand(at(0, 10), "chat", 1, value=0.2),
               IntervalDemand(at(0, 21), "chat", 1, value=2.0)]
    result = solve_roster(RosterProblem(team(1, soft=("coverage_shortfall",),
                                             max_days_per_week=1), PERIOD, demands), FAST)
    assert result.roster is not None and result.roster.shifts[0].template == "late"
    assert result.penalties["coverage_shortfall"] == pytest.approx(20)


def test_overstaffing_costs_5_points_per_agent_hour_over() -> None:
    demands = [IntervalDemand(at(0, 9), "chat", 1)]
    problem = RosterProblem(team(1, soft=("overstaffing",), min_minutes_per_week=480,
                                 max_minutes_per_week=480), PERIOD, demands)
    assert solve(problem)["overstaffing"] == pytest.approx(7 * 5)


def test_shift_cover_under_and_over_use_the_record_weights() -> None:
    demands = [ShiftDemand(MONDAY, "day", 2, under_weight=100, over_weight=1),
               ShiftDemand(MONDAY, "late", 0, under_weight=100, over_weight=3)]
    problem = RosterProblem(team(1, soft=("shift_cover_under", "shift_cover_over")), PERIOD,
                            demands)
    penalties = solve(problem)
    assert penalties["shift_cover_under"] == pytest.approx(100)
    assert penalties.get("shift_cover_over", 0) == 0


def test_preference_day_off_costs_10_points_per_weight() -> None:
    base = team(1, soft=("preference_day_off",), min_days_per_week=7)
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF,
                                       date=MONDAY, weight=3))
    assert solve(RosterProblem(base, PERIOD))["preference_day_off"] == pytest.approx(30)


def test_prefer_shift_on_a_date_unmet_costs_10_points_per_weight() -> None:
    base = team(1, soft=("preference_shift",), min_days_per_week=7, allowed_templates=["day"])
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.PREFER_SHIFT,
                                       date=MONDAY, template="late", weight=2))
    assert solve(RosterProblem(base, PERIOD))["preference_shift"] == pytest.approx(20)


def test_avoid_shift_is_honoured_when_another_template_exists() -> None:
    base = team(1, soft=("preference_shift",), min_days_per_week=7)
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.AVOID_SHIFT,
                                       template="late", weight=2))
    result = solve_roster(RosterProblem(base, PERIOD), FAST)
    assert result.penalties.get("preference_shift", 0) == 0
    assert result.roster is not None and all(s.template != "late" for s in result.roster.shifts)


def test_avoid_time_costs_5_points_per_hour_inside_the_window() -> None:
    base = team(1, soft=("preference_time",), min_days_per_week=7, allowed_templates=["late"])
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.AVOID_TIME,
                                       start_time=time(20), end_time=time(0), weight=1))
    # late 14:00-22:00 has 2 hours inside 20:00-24:00, on 7 days
    assert solve(RosterProblem(base, PERIOD))["preference_time"] == pytest.approx(2 * 7 * 5)


def test_labour_cost_is_paid_hours_times_hourly_cost_times_0_1() -> None:
    problem = RosterProblem(team(1, soft=("labour_cost",), min_minutes_per_week=480,
                                 allowed_templates=["long"]), PERIOD)
    # one long shift: 10 hours less a 1-hour break = 9 paid hours at 10 per hour
    assert solve(problem)["labour_cost"] == pytest.approx(9 * 10 * 0.1)


def test_overtime_cost_is_the_premium_on_minutes_past_the_threshold() -> None:
    problem = RosterProblem(team(1, soft=("overtime_cost",), min_minutes_per_week=960,
                                 max_minutes_per_week=960, allowed_templates=["day"],
                                 overtime_after_minutes=900, overtime_multiplier=1.5), PERIOD)
    # 60 minutes over x 10/h x 0.5 premium = 5 currency units x 0.1 point
    assert solve(problem)["overtime_cost"] == pytest.approx(0.5, abs=0.01)


def test_fairness_weekends_costs_20_points_per_weekend_of_spread() -> None:
    base = team(2, soft=("fairness_weekends",))
    base.leave.append(Leave(agent_id="A2", start=at(4, 0), end=at(7, 0), type=LeaveType.ANNUAL))
    problem = RosterProblem(base, PERIOD, pinned=[shift("A1", 5)])
    assert solve(problem)["fairness_weekends"] == pytest.approx(20)


def test_fairness_late_shifts_costs_10_points_per_late_shift_of_spread() -> None:
    base = team(2, soft=("fairness_late_shifts",))
    base.leave.append(Leave(agent_id="A2", start=at(0, 17), end=at(7, 0), type=LeaveType.ANNUAL))
    problem = RosterProblem(base, PERIOD, pinned=[shift("A1", 0, "late"),
                                                  shift("A1", 1, "late")])
    assert solve(problem)["fairness_late_shifts"] == pytest.approx(20)


def test_fairness_preferences_costs_2_points_per_unmet_weight_of_the_worst_off() -> None:
    base = team(1, soft=("preference_day_off", "fairness_preferences"), min_days_per_week=7)
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF,
                                       date=MONDAY, weight=4))
    penalties = solve(RosterProblem(base, PERIOD))
    assert penalties["fairness_preferences"] == pytest.approx(8)


def test_stability_costs_50_points_per_changed_shift() -> None:
    base = team(1, soft=("stability",), min_days_per_week=1, max_days_per_week=1)
    # An unavailable day does not lower the weekly minimum of one day (sick leave would).
    base.leave.append(Leave(agent_id="A1", start=at(1, 0), end=at(2, 0),
                            type=LeaveType.UNAVAILABLE))
    reference = Roster(team="t", period=PERIOD, shifts=[shift("A1", 1)])
    result = solve_roster(RosterProblem(base, PERIOD, reference=reference), FAST)
    # the Tuesday shift is gone and one shift must be added elsewhere: two changes
    assert result.penalties["stability"] == pytest.approx(100)
