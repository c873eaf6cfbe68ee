"""Erlang B/C: published worked examples, stability at large loads, monotonicity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.domain import Queue
from roster.staffing import erlang_c, evaluate, required_agents

VOICE = Queue(name="voice", channel="voice", aht_seconds=180, service_level=0.8,
              answer_within_seconds=20, shrinkage=0.3)


def test_issue_example_100_contacts_per_half_hour_needs_14_agents_and_20_scheduled():
    # Call Centre Helper's Erlang C worked example, quoted in issue 3.
    result = required_agents(VOICE, 100, 30)
    assert result.agents == 14
    assert result.scheduled == 20
    assert round(result.service_level, 4) == 0.8884
    assert round(result.wait_probability, 4) == 0.1741
    assert round(result.occupancy, 4) == 0.7143
    assert result.abandon_probability is None


def test_issue_example_13_agents_give_0_7956():
    assert round(evaluate(VOICE, 100, 30, 13).service_level, 4) == 0.7956


def test_pyworkforce_readme_examples():
    # pyworkforce README (rodrigo-arenas/pyworkforce, queuing.ErlangC / MultiErlangC output):
    # 13 positions: SL 0.7955947884, occupancy 0.7692307692, P(wait) 0.2852704530;
    # 15 positions: SL 0.9414528429, occupancy 0.6666666667, P(wait) 0.1020423670.
    thirteen = evaluate(VOICE, 100, 30, 13)
    assert round(thirteen.wait_probability, 4) == 0.2853
    assert round(thirteen.occupancy, 4) == 0.7692
    fifteen = evaluate(VOICE, 100, 30, 15)
    assert round(fifteen.service_level, 4) == 0.9415
    assert round(fifteen.wait_probability, 4) == 0.1020
    assert round(fifteen.occupancy, 4) == 0.6667


def test_pyworkforce_occupancy_ceiling_example_needs_15_agents_and_22_scheduled():
    # pyworkforce's test_over_occupancy_erlangc: max occupancy 0.7 -> 15 raw, 22 positions.
    result = required_agents(VOICE.model_copy(update={"max_occupancy": 0.7}), 100, 30)
    assert (result.agents, result.scheduled) == (15, 22)


@pytest.mark.parametrize(("servers", "load", "grade"), [
    # Standard Erlang B table: the load (Erlangs) each number of lines carries at a grade of
    # service (blocking); loads are printed to 3 significant figures.
    (5, 1.36, 0.01), (10, 4.46, 0.01), (20, 12.03, 0.01), (50, 37.9, 0.01), (100, 84.1, 0.01),
    (10, 5.08, 0.02), (20, 13.18, 0.02), (10, 6.22, 0.05),
])
def test_erlang_b_matches_the_published_table(servers, load, grade):
    assert erlang_c.erlang_b(servers, load) == pytest.approx(grade, rel=0.01)


def _erlang_b_recursion(servers: int, load: float) -> float:
    inverse = 1.0
    for k in range(1, servers + 1):
        inverse = 1.0 + inverse * k / load
    return 1.0 / inverse


@pytest.mark.parametrize(("servers", "load"), [(1, 0.5), (14, 10), (1050, 1000), (5200, 5000)])
def test_erlang_b_agrees_with_the_textbook_recursion(servers, load):
    assert erlang_c.erlang_b(servers, load) == pytest.approx(
        _erlang_b_recursion(servers, load), rel=1e-10)


def test_loads_of_thousands_of_erlangs_stay_finite_and_sensible():
    big = VOICE.model_copy(update={"aht_seconds": 300})
    result = required_agents(big, 5000 * 3600 / 300, 60)  # 5,000 Erlangs
    assert 5000 < result.agents < 5100
    assert 0.8 <= result.service_level < 0.9
    assert math.isfinite(result.asa_seconds)


def test_overloaded_queue_never_answers_within_the_threshold():
    assert erlang_c.service_level(9, 10, 180, 20) == 0.0
    assert erlang_c.wait_probability(10, 10) == 1.0
    assert erlang_c.asa_seconds(10, 10, 180) == math.inf


volumes = st.floats(min_value=1, max_value=3000)
ahts = st.floats(min_value=10, max_value=1200)


@settings(max_examples=60, deadline=None)
@given(volume=volumes, aht=ahts, extra=st.integers(0, 30))
def test_service_level_rises_with_agents(volume, aht, extra):
    queue = VOICE.model_copy(update={"aht_seconds": aht})
    base = math.ceil(volume * aht / 3600) + extra
    levels = [evaluate(queue, volume, 60, base + k).service_level for k in range(3)]
    assert levels[0] <= levels[1] <= levels[2]


@settings(max_examples=60, deadline=None)
@given(volume=volumes, aht=ahts, agents=st.integers(1, 400), factor=st.floats(1.01, 2))
def test_service_level_falls_with_volume_and_aht(volume, aht, agents, factor):
    queue = VOICE.model_copy(update={"aht_seconds": aht})
    slower = VOICE.model_copy(update={"aht_seconds": aht * factor})
    level = evaluate(queue, volume, 60, agents).service_level
    assert evaluate(queue, volume * factor, 60, agents).service_level <= level + 1e-12
    assert evaluate(slower, volume, 60, agents).service_level <= level + 1e-12


@settings(max_examples=60, deadline=None)
@given(volume=st.floats(min_value=0.01, max_value=50_000), aht=ahts,
       target=st.floats(0.05, 0.99))
def test_required_agents_never_below_the_offered_load_and_are_the_fewest(volume, aht, target):
    queue = VOICE.model_copy(update={"aht_seconds": aht, "service_level": target})
    result = required_agents(queue, volume, 60)
    assert result.agents >= volume * aht / 3600
    assert result.service_level >= target - 1e-9
    if result.agents > math.ceil(round(volume * aht / 3600, 9)):
        assert evaluate(queue, volume, 60, result.agents - 1).service_level < target


def test_no_volume_needs_no_agents():
    result = required_agents(VOICE, 0, 60)
    assert (result.agents, result.scheduled, result.service_level) == (0, 0, 1.0)


def test_arrays_broadcast():
    levels = erlang_c.service_level(np.array([13, 14, 15]), 10.0, 180, 20)
    assert np.round(levels, 4).tolist() == [0.7956, 0.8884, 0.9415]
