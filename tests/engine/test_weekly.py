"""The weekly-pattern relaxation (weekly.py): exact values on tiny hand-built cases whose
optimum CP-SAT proves, never above it and never below the class-count relaxation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.engine.aggregate import solve_relaxation
from roster.engine.bound import lp_bound
from roster.engine.demand import IntervalDemand
from roster.engine.model import RosterProblem, build_model
from roster.engine.weekly import WeeklyRelaxation, weekly_bound
from roster.engine.weights import SCALE
from tests.engine.tiny import PERIOD, at, generated_optimum, optimum, shift, team

MARGIN = 2
"""Both bounds round down after a floating-point margin: an exact value v > 0 comes out
v - 2, an exact 0 as -1."""


LATE_THEN_EARLY = [("late", "day"), ("late", "long")]
"""The tiny team's day (9-17) and long (8-18) shifts may not follow a late one (14-22)."""


def bounds(problem: RosterProblem) -> tuple[int, int]:
    """(class-count bound, weekly-pattern bound), solver units."""
    built = build_model(problem)
    low = lp_bound(built)
    weekly = weekly_bound(build_model(problem), seconds=30)
    assert low is not None and weekly is not None and weekly.optimal
    assert weekly.bound is not None
    return low, weekly.bound


def cover(*moments: tuple[int, int]) -> list[IntervalDemand]:
    return [IntervalDemand(at(d, h), "chat", 1) for d, h in moments]


def test_a_forbidden_succession_holds_per_agent() -> None:
    # one agent; demand at 20:00 Monday (late shift) and 10:00 Tuesday (day or long
    # shift), neither allowed after a late one: one of them is 100 points short. The
    # class-count relaxation covers both (it sees no succession); each weekly pattern one
    base = team(1, soft=("coverage_shortfall",), forbidden=LATE_THEN_EARLY)
    problem = RosterProblem(base, PERIOD, cover((0, 20), (1, 10)))
    assert bounds(problem) == (-1, 100 * SCALE - MARGIN)
    assert optimum(problem) == pytest.approx(100)


def test_rest_between_shifts_holds_per_agent() -> None:
    # as above with 12 hours' rest instead: late Monday ends 22:00, Tuesday's day and long
    # shifts start at 9:00 and 8:00
    base = team(1, soft=("coverage_shortfall",), min_rest_hours=12)
    problem = RosterProblem(base, PERIOD, cover((0, 20), (1, 10)))
    assert bounds(problem) == (-1, 100 * SCALE - MARGIN)
    assert optimum(problem) == pytest.approx(100)


def test_runs_of_days_hold_per_agent_in_a_class() -> None:
    # two alike agents, at most 2 days in a row, demand 2 agents at 10:00 Monday to
    # Wednesday: each agent misses one of the three days, 2 x 100 points short
    base = team(2, soft=("coverage_shortfall",), max_consecutive_days=2)
    demand = [IntervalDemand(at(d, 10), "chat", 2) for d in range(3)]
    problem = RosterProblem(base, PERIOD, demand)
    assert bounds(problem) == (-1, 200 * SCALE - MARGIN)
    assert optimum(problem) == pytest.approx(200)


def test_a_class_mixes_patterns_where_the_optimum_does() -> None:
    # two alike agents, no day or long shift after a late one, demand 1 at 20:00 Monday
    # and 10:00 Tuesday: one agent each, nothing short; the weekly bound is 0 as well (its
    # own value, -2 after rounding, gives way to the class-count bound's -1)
    base = team(2, soft=("coverage_shortfall",), forbidden=LATE_THEN_EARLY)
    problem = RosterProblem(base, PERIOD, cover((0, 20), (1, 10)))
    assert bounds(problem) == (-1, -1)
    assert optimum(problem) == pytest.approx(0)


def test_a_pinned_shift_holds_in_the_pricing() -> None:
    # A1's Monday pinned to the late shift, then no day or long shift on Tuesday
    base = team(1, soft=("coverage_shortfall",), forbidden=LATE_THEN_EARLY)
    problem = RosterProblem(base, PERIOD, cover((1, 10)), pinned=[shift("A1", 0, "late")])
    assert bounds(problem) == (-1, 100 * SCALE - MARGIN)
    assert optimum(problem) == pytest.approx(100)


def test_a_bound_stopped_early_is_still_valid() -> None:
    # no time for a single pricing round: no bound of its own (weekly_bound then falls
    # back to the class-count relaxation's)
    base = team(1, soft=("coverage_shortfall",), forbidden=LATE_THEN_EARLY)
    built = build_model(RosterProblem(base, PERIOD, cover((0, 20), (1, 10))))
    relaxed = solve_relaxation(built, keep=True)
    assert relaxed is not None and relaxed.aggregate is not None
    result = WeeklyRelaxation(relaxed.aggregate).run(deadline=0.0)
    assert result.bound is None and not result.optimal


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(2, 5), seed=st.integers(0, 10_000))
def test_the_weekly_bound_lies_between_the_class_count_bound_and_the_optimum(
        size: int, seed: int) -> None:
    solved = generated_optimum(size, seed)
    if solved is None:
        return
    problem, best = solved
    low = lp_bound(build_model(problem))
    weekly = weekly_bound(build_model(problem), seconds=60)
    assert low is not None and weekly is not None and weekly.bound is not None
    assert low <= weekly.bound <= best * SCALE + 1e-6
