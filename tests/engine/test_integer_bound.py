"""The class-count relaxation with whole counts (integer_bound.py): exact values on tiny
hand-built cases whose optimum CP-SAT proves, never above it and never below the LP."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.engine.aggregate import solve_relaxation
from roster.engine.demand import IntervalDemand
from roster.engine.integer_bound import IntegerBound, solve_integer
from roster.engine.model import RosterProblem, build_model
from roster.engine.solve import SolveOptions, solve_roster
from roster.engine.weights import SCALE
from tests.engine.tiny import PERIOD, at, generated_optimum, optimum, team

MARGIN = 2
"""The bounds round down after a floating-point margin: an exact integer v comes out v - 2."""


def bounds(problem: RosterProblem, seconds: float = 30) -> tuple[int, int | None, bool]:
    """(LP bound, integer bound, integer model solved to optimality), solver units."""
    relaxed = solve_relaxation(build_model(problem), keep=True, entries=False)
    assert relaxed is not None and relaxed.aggregate is not None
    return (relaxed.bound, *solve_integer(relaxed.aggregate, seconds))


def test_whole_counts_close_what_a_fraction_of_a_shift_leaves() -> None:
    # one agent, at most 500 paid minutes; only the long shift (8-18, 540 paid) covers
    # 08:00 Monday, so it stays 100 points short. The LP takes 500/540 of a long shift
    # (7.41 points short); with whole counts the long shift is out
    base = team(1, soft=("coverage_shortfall",), max_minutes_per_week=500)
    problem = RosterProblem(base, PERIOD, [IntervalDemand(at(0, 8), "chat", 1)])
    low, whole, optimal = bounds(problem)
    assert low == math.floor(100 * (1 - 500 / 540) * SCALE) - 1
    assert (whole, optimal) == (100 * SCALE - MARGIN, True)
    assert optimum(problem) == pytest.approx(100)


def test_the_thread_keeps_the_bound() -> None:
    base = team(1, soft=("coverage_shortfall",), max_minutes_per_week=500)
    built = build_model(RosterProblem(base, PERIOD, [IntervalDemand(at(0, 8), "chat", 1)]))
    relaxed = solve_relaxation(built, keep=True, entries=False)
    assert relaxed is not None and relaxed.aggregate is not None
    running = IntegerBound(relaxed.aggregate, seconds=30)
    assert running.wait(60) == 100 * SCALE - MARGIN and running.optimal


def test_the_solve_reports_the_higher_bound() -> None:
    base = team(1, soft=("coverage_shortfall",), max_minutes_per_week=500)
    problem = RosterProblem(base, PERIOD, [IntervalDemand(at(0, 8), "chat", 1)])
    result = solve_roster(problem, SolveOptions(time_limit=20, workers=1, integer_bound=True))
    assert result.status == "OPTIMAL" and result.bound == pytest.approx(100)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(2, 6), seed=st.integers(0, 10_000))
def test_the_integer_bound_lies_between_the_lp_bound_and_the_optimum(
        size: int, seed: int) -> None:
    solved = generated_optimum(size, seed)
    if solved is None:
        return
    problem, best = solved
    low, whole, _ = bounds(problem, seconds=60)
    assert whole is not None
    assert low <= whole + 1 and whole <= best * SCALE
