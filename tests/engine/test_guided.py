"""The search restricted to the relaxation's shifts (guided.py)."""

from __future__ import annotations

import numpy as np
import pytest

from roster.checker import check_roster
from roster.engine.aggregate import solve_relaxation
from roster.engine.demand import IntervalDemand
from roster.engine.guided import restricted_model, support_mask
from roster.engine.model import RosterProblem, build_model
from roster.engine.solve import SolveOptions, solve_roster
from tests.engine.tiny import PERIOD, at, team


def test_the_support_is_the_shift_the_relaxation_takes() -> None:
    # one shift a week and 1 needed at 20:00 Monday: only Monday's late shift (14:00) covers it
    problem = RosterProblem(team(1, soft=("coverage_shortfall",), max_days_per_week=1), PERIOD,
                            [IntervalDemand(at(0, 20), "chat", 1)])
    built = build_model(problem)
    relaxed = solve_relaxation(built)
    assert relaxed is not None and relaxed.support == {0: {(0, "late", 14 * 60)}}
    assert relaxed.bound == -1  # optimum 0, less the rounding margin
    mask = support_mask(built, relaxed, np.zeros(len(built.context.lits), dtype=np.int8))
    [late] = np.flatnonzero(mask)
    option = built.context.option(int(late))
    assert (option.day, option.template) == (0, "late")


def test_the_current_roster_stays_inside_the_restriction() -> None:
    problem = RosterProblem(team(1, soft=("coverage_shortfall",), max_days_per_week=1), PERIOD,
                            [IntervalDemand(at(0, 20), "chat", 1)])
    built = build_model(problem)
    relaxed = solve_relaxation(built)
    assert relaxed is not None
    current = np.zeros(len(built.context.lits), dtype=np.int8)
    tuesday_day = next(i for i in built.context.day_options(0, 1)
                       if built.context.option(i).template == "day")
    current[tuesday_day] = 1
    mask = support_mask(built, relaxed, current)
    assert mask.sum() == 2 and mask[tuesday_day]
    model = restricted_model(built, mask)
    fixed = [i for i, lit in enumerate(built.context.lits)
             if list(model.proto.variables[lit.index].domain) == [0, 0]]
    assert len(fixed) == len(built.context.lits) - 2


@pytest.mark.parametrize("guided", [True, False])
def test_guided_and_whole_model_solves_prove_the_same_optimum(guided: bool) -> None:
    # two agents, 1 needed at 10:00 and at 20:00 each day, 5 days each at most: the
    # restricted optimum is re-checked on the whole model, so the status is OPTIMAL
    demands = [IntervalDemand(at(d, h), "chat", 1) for d in range(7) for h in (10, 20)]
    problem = RosterProblem(team(2, soft=("coverage_shortfall",), max_days_per_week=5),
                            PERIOD, demands)
    result = solve_roster(problem, SolveOptions(time_limit=10, workers=1, guided=guided))
    assert result.status == "OPTIMAL" and result.roster is not None
    assert result.objective == pytest.approx(4 * 100)  # 14 intervals, 10 shifts: 4 short
    assert check_roster(problem.team, result.roster) == []
