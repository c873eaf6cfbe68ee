"""Erlang A (M/M/n+M): exact agreement with the solved chain, limits, monotonicity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.domain import Queue
from roster.staffing import erlang_c, evaluate, required_agents
from roster.staffing.erlang_a import erlang_a, log_kummer
from tests.staffing.exact_chain import exact_erlang_a


@pytest.mark.parametrize(("agents", "load", "aht", "patience", "within"), [
    (14, 10, 180, 120, 20),
    (10, 10, 180, 60, 20),   # as many agents as Erlangs: stable only thanks to abandonment
    (8, 10, 180, 300, 30),   # fewer agents than Erlangs
    (3, 2, 300, 30, 60),
    (50, 48, 240, 600, 20),
])
def test_erlang_a_matches_the_exact_chain(agents, load, aht, patience, within):
    exact = exact_erlang_a(agents, load, aht, patience, within)
    result = erlang_a(agents, load, aht, patience, within)
    for name in ("wait_probability", "abandon_probability", "service_level"):
        assert float(getattr(result, name)) == pytest.approx(exact[name], abs=1e-9), name
    assert float(result.asa_seconds) == pytest.approx(exact["asa_seconds"], rel=1e-6)


@pytest.mark.parametrize(("agents", "load"), [(14, 10), (55, 48), (1050, 1000)])
def test_very_long_patience_tends_to_erlang_c(agents, load):
    result = erlang_a(agents, load, 180, 1e9, 20)
    assert float(result.service_level) == pytest.approx(
        erlang_c.service_level(agents, load, 180, 20), abs=1e-6)
    assert float(result.wait_probability) == pytest.approx(
        erlang_c.wait_probability(agents, load), abs=1e-6)
    assert float(result.asa_seconds) == pytest.approx(
        erlang_c.asa_seconds(agents, load, 180), rel=1e-4)
    assert float(result.abandon_probability) < 1e-6


def test_kummer_function_series_and_gamma_branches_agree():
    x = np.array([10.0, 10.0, 200.0, 5000.0])
    y = np.array([4.9, 5.6, 99.0, 2600.0])  # either side of the branch switch at y = (x+1)/2
    direct = []
    for xi, yi in zip(x, y, strict=True):
        total, term = 1.0, 1.0
        for k in range(1, 20000):
            term *= yi / (xi + k)
            total += term
        direct.append(math.log(total))
    assert log_kummer(x, y) == pytest.approx(direct, rel=1e-10)


def test_thousands_of_erlangs_with_patience_neither_overflow_nor_give_nan():
    result = erlang_a([900, 3000, 5100, 20300], [1000, 5000, 5000, 20000], 180, 600, 20)
    for name in ("wait_probability", "abandon_probability", "service_level", "asa_seconds"):
        values = getattr(result, name)
        assert np.all(np.isfinite(values)), name
    # Far too few agents: the share that cannot be served abandons, 1 - agents / Erlangs.
    assert float(result.abandon_probability[1]) == pytest.approx(0.4, abs=1e-6)


CHAT = Queue(name="chat", aht_seconds=240, service_level=0.8, answer_within_seconds=30,
             patience_seconds=90, shrinkage=0.3)


@settings(max_examples=60, deadline=None)
@given(volume=st.floats(1, 3000), patience=st.floats(5, 3600), agents=st.integers(1, 300))
def test_more_agents_raise_service_level_and_cut_abandonment(volume, patience, agents):
    queue = CHAT.model_copy(update={"patience_seconds": patience})
    now, more = evaluate(queue, volume, 60, agents), evaluate(queue, volume, 60, agents + 1)
    # 1e-9: the service level is 1 - P(abandon) - P(answered late), a difference of
    # probabilities computed in log space, exact to about 1e-11.
    assert more.service_level >= now.service_level - 1e-9
    assert more.abandon_probability <= now.abandon_probability + 1e-9


def test_required_agents_meets_the_abandonment_and_asa_ceilings():
    queue = CHAT.model_copy(update={"max_abandon": 0.01, "max_asa_seconds": 5})
    result = required_agents(queue, 600, 60)
    assert result.abandon_probability <= 0.01
    assert result.asa_seconds <= 5
    fewer = evaluate(queue, 600, 60, result.agents - 1)
    assert (fewer.abandon_probability > 0.01 or fewer.asa_seconds > 5
            or fewer.service_level < 0.8)
