"""The fast paths: greedy first roster, the LP lower bound, LNS over sub-teams."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.checker import check_roster
from roster.domain import PlanningPeriod
from roster.engine.bound import lp_bound
from roster.engine.demand import IntervalDemand, interval_demands
from roster.engine.greedy import greedy_roster, option_costs
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.solve import SolveOptions, extract_roster, solve_roster
from roster.engine.weights import SCALE
from roster.sampledata.synthetic import synthetic_requirements, synthetic_team
from tests.engine.tiny import PERIOD, at, team

START = date(2026, 11, 23)


class _Chosen:
    """Reads chosen option indices like a solver (for extract_roster)."""

    def __init__(self, built: BuiltModel, chosen: list[int]) -> None:
        self.on = {built.context.lits[i].index for i in chosen}

    def boolean_value(self, lit) -> bool:
        return lit.index in self.on


def generated(size: int, seed: int, days: int = 7) -> RosterProblem:
    team_ = synthetic_team(size, START, seed=seed)
    period = PlanningPeriod(start=START, days=days, interval_minutes=30)
    return RosterProblem(team_, period,
                         interval_demands(synthetic_requirements(team_, period, seed=seed)))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(2, 12), seed=st.integers(0, 10_000), days=st.sampled_from([3, 7, 9]))
def test_greedy_rosters_break_no_hard_rule(size: int, seed: int, days: int) -> None:
    problem = generated(size, seed, days)
    built = build_model(problem)
    result = greedy_roster(problem, built.context.options, costs=option_costs(built))
    roster = extract_roster(built, _Chosen(built, result.chosen))  # type: ignore[arg-type]
    covered = {s.agent_id for s in roster.shifts}
    assert check_roster(problem.team, roster) == [] or result.fallback
    assert not covered & {problem.team.agents[a].id for a in result.fallback}


def test_greedy_covers_the_only_demand() -> None:
    problem = RosterProblem(team(1, soft=("coverage_shortfall",), max_days_per_week=1), PERIOD,
                            [IntervalDemand(at(2, 20), "chat", 1)])
    built = build_model(problem)
    result = greedy_roster(problem, built.context.options, costs=option_costs(built))
    [shift] = extract_roster(built, _Chosen(built, result.chosen)).shifts  # type: ignore[arg-type]
    assert shift.template == "late" and shift.date == at(2, 0).date()


def test_lp_bound_of_a_tiny_case_is_its_optimum_less_the_margin() -> None:
    # one agent: 2 needed at 10:00 (value 1), 1 at 20:00 (value 0.5); the relaxation can do
    # no better than the integer roster (one day shift): 100 + 50 points
    demands = [IntervalDemand(at(0, 10), "chat", 2, value=1.0),
               IntervalDemand(at(0, 20), "chat", 1, value=0.5)]
    built = build_model(RosterProblem(team(1, soft=("coverage_shortfall",)), PERIOD, demands))
    assert lp_bound(built) == 150 * SCALE - 2


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(2, 6), seed=st.integers(0, 10_000))
def test_lp_bound_never_exceeds_a_rosters_objective(size: int, seed: int) -> None:
    problem = generated(size, seed, days=3)
    result = solve_roster(problem, SolveOptions(time_limit=3, workers=1, lp_bound=False))
    if result.objective is None:
        return
    bound = lp_bound(build_model(problem))
    assert bound is not None and bound <= result.objective * SCALE + 1e-6


def test_lns_over_sub_teams_returns_a_checked_roster_no_worse_than_its_start() -> None:
    problem = generated(14, 5)
    result = solve_roster(problem, SolveOptions(time_limit=4, workers=2, lns_above=0))
    assert result.roster is not None and result.objective is not None
    assert check_roster(problem.team, result.roster) == []
    assert result.bound is not None and result.bound <= result.objective
    assert result.objective <= result.progress[0].objective + 1e-6
