"""The class-count relaxation (aggregate.py) behind the lower bound: exact values on tiny
hand-built cases, each at most the case's proven optimum."""

from __future__ import annotations

from datetime import time

import pytest

from roster.domain import AvailabilityWindow, Leave, LeaveType, Preference, PreferenceKind
from roster.engine.aggregate import alike_members, option_costs_and_constant, unmet_weights
from roster.engine.bound import lp_bound
from roster.engine.demand import IntervalDemand
from roster.engine.model import RosterProblem, build_model
from roster.engine.weights import SCALE
from tests.engine.tiny import MONDAY, PERIOD, at, optimum, shift, team

MARGIN = 2
"""lp_bound rounds down after a floating-point margin: an exact value v comes out v - 2."""


def test_alike_agents_share_a_class_and_leave_sets_one_apart() -> None:
    base = team(3)
    base.leave.append(Leave(agent_id="A3", start=at(2, 0), end=at(3, 0), type=LeaveType.ANNUAL))
    built = build_model(RosterProblem(base, PERIOD))
    cost, _ = option_costs_and_constant(built)
    assert alike_members(built, cost, unmet_weights(built)) == {0: [0, 1], 2: [2]}


def test_late_shift_fairness_bounds_the_spread_between_classes() -> None:
    # demand 1 at 20:00 Monday; A2 is available 09-17 only (no late shift), so A1 works the
    # late shift: 1 late shift of spread (10 points) or 100 points short. The relaxation: the
    # most is at least A1's count, the least at most A2's (0): 10 points (the LP without
    # fairness had 0)
    base = team(2, soft=("coverage_shortfall", "fairness_late_shifts"))
    base.agents[1].availability = [AvailabilityWindow(weekdays=list(range(7)), start=time(9),
                                                      end=time(17))]
    problem = RosterProblem(base, PERIOD, [IntervalDemand(at(0, 20), "chat", 1)])
    assert lp_bound(build_model(problem)) == 10 * SCALE - MARGIN
    assert optimum(problem) == pytest.approx(10)


def test_overtime_is_bounded_on_the_class_minutes() -> None:
    # at least 960 paid minutes, overtime past 900: 60 minutes x 10/h x 0.5 x 0.1 point
    base = team(1, soft=("overtime_cost",), min_minutes_per_week=960,
                overtime_after_minutes=900, overtime_multiplier=1.5)
    problem = RosterProblem(base, PERIOD)
    assert lp_bound(build_model(problem)) == 0.5 * SCALE - MARGIN
    assert optimum(problem) == pytest.approx(0.5)


def test_a_dated_shift_wish_is_linear_in_the_options() -> None:
    # one shift on Monday: the day shift covers 10:00 (else 100 points short) and leaves the
    # wish for the late shift unmet (10 points); the wish's helper variable resolves to the
    # late options, so the relaxation sees the conflict (before: the wish at its least, 0)
    base = team(1, soft=("coverage_shortfall", "preference_shift"))
    base.preferences.append(Preference(agent_id="A1", kind=PreferenceKind.PREFER_SHIFT,
                                       template="late", date=MONDAY, weight=1))
    problem = RosterProblem(base, PERIOD, [IntervalDemand(at(0, 10), "chat", 1)])
    assert lp_bound(build_model(problem)) == 10 * SCALE - MARGIN
    assert optimum(problem) == pytest.approx(10)


def test_weekend_fairness_counts_a_weekend_once_for_both_days() -> None:
    # demand 1 on Saturday and on Sunday 10:00; A2 is on leave all weekend. A1 works both
    # days (one weekend: 20 points of spread) rather than leave 200 points short; the
    # relaxation counts A1's weekend between its busiest day (1) and the sum of days (2)
    base = team(2, soft=("coverage_shortfall", "fairness_weekends"))
    base.leave.append(Leave(agent_id="A2", start=at(5, 0), end=at(7, 0), type=LeaveType.ANNUAL))
    problem = RosterProblem(base, PERIOD, [IntervalDemand(at(5, 10), "chat", 1),
                                           IntervalDemand(at(6, 10), "chat", 1)])
    assert lp_bound(build_model(problem)) == 20 * SCALE - MARGIN
    assert optimum(problem) == pytest.approx(20)


def test_a_pinned_shift_holds_in_the_relaxation() -> None:
    # demand 1 at 10:00 Monday, but A1's Monday is pinned to the late shift (14:00-22:00):
    # 100 points short (without the pin the day shift covers it and the bound is 0)
    base = team(1, soft=("coverage_shortfall",))
    demand = [IntervalDemand(at(0, 10), "chat", 1)]
    free = RosterProblem(base, PERIOD, demand)
    pinned = RosterProblem(base, PERIOD, demand, pinned=[shift("A1", 0, "late")])
    assert lp_bound(build_model(free)) <= 0
    assert lp_bound(build_model(pinned)) == 100 * SCALE - MARGIN
    assert optimum(pinned) == pytest.approx(100)
