"""The reproducible search's LNS step: it starts from the whole incumbent and keeps the rest."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from roster.engine.demand import interval_demands
from roster.engine.lns import KINDS, Lns
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.pipeline import planning_period, requirements_for
from roster.scenario_files import Scenario
from roster.scenarios.search import Incumbent, SearchBudget, _fixed, _State, _step, first_values
from tests.scenarios.small import WEEK


@pytest.fixture(scope="module")
def start(small: Scenario) -> tuple[BuiltModel, Incumbent, _State]:
    period = planning_period(small.team.settings, WEEK)
    demands = list(interval_demands(requirements_for(small, period)))
    problem = RosterProblem(small.team, period, demands)
    built = build_model(problem)
    state = _State(time.perf_counter(), time.perf_counter() + 600)
    first = first_values(problem, built, SearchBudget(agent_time=0.2), state)
    assert first is not None
    return built, first, state


def test_the_first_roster_carries_every_variable_of_the_model(start) -> None:
    built, first, state = start
    assert len(first.solution) == len(built.model.proto.variables)
    lits = np.array([lit.index for lit in built.context.lits])
    assert np.array_equal(first.solution[lits], first.values)
    again = _fixed(built, first.values, state)
    assert again is not None and again.objective == first.objective


@pytest.mark.parametrize("kind", KINDS)
def test_a_step_keeps_the_options_outside_its_neighbourhood_and_never_loses(start,
                                                                           kind: str) -> None:
    built, first, state = start
    lns = Lns(built, seed=0)
    free = lns.neighbourhood(kind, random.Random(3))
    assert free.any() and not free.all()
    found = _step(lns, first, free, 0.5, 7, state)
    assert found is not None
    assert np.array_equal(found.values[~free], first.values[~free])
    assert found.objective <= first.objective  # it starts from the complete incumbent
    checked = _fixed(built, found.values, state)
    assert checked is not None and checked.objective <= found.objective
    lits = np.array([lit.index for lit in built.context.lits])
    assert np.array_equal(found.solution[lits], found.values)
