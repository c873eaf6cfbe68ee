"""The simulation agrees with Erlang C and Erlang A within its 95% confidence interval.

Stationary runs: constant load and agents, one warm-up hour not measured, independent
seeded replications. The agents for each load are the ones the analytic model requires
for 80% within 20 s, so the grid covers realistic operating points.
"""

from __future__ import annotations

import pytest

from roster.domain import Queue
from roster.staffing import evaluate, required_agents
from roster.staffing.simulation import Setup, simulate, stationary

AHT = 180.0


def _queue(patience: float | None) -> Queue:
    return Queue(name="q", channel="voice", aht_seconds=AHT, service_level=0.8,
                 answer_within_seconds=20, patience_seconds=patience)


def _agree(load: float, patience: float | None, hours: float, replications: int = 30) -> None:
    queue = _queue(patience)
    volume = load * 3600 / AHT
    agents = required_agents(queue, volume, 60).agents
    expected = evaluate(queue, volume, 60, agents)
    result = simulate(stationary(load, agents, AHT, 20, patience_seconds=patience, hours=hours),
                      replications=replications, seed=int(load * 10) + (patience is not None))
    assert result.service_level.contains(expected.service_level), (agents, result)
    assert result.asa_seconds.contains(expected.asa_seconds), (agents, result)
    if patience is not None:
        assert result.abandon_probability.contains(expected.abandon_probability), result


@pytest.mark.parametrize("load", [1.0, 5.0])
def test_erlang_c_small_loads_within_the_simulated_ci(load):
    _agree(load, None, hours=6)


@pytest.mark.parametrize("load", [1.0, 5.0])
def test_erlang_a_small_loads_within_the_simulated_ci(load):
    _agree(load, 120.0, hours=6)


@pytest.mark.slow
@pytest.mark.parametrize("load", [2.0, 10.0, 20.0, 50.0, 100.0, 200.0])
@pytest.mark.parametrize("patience", [None, 120.0])
def test_grid_of_loads_within_the_simulated_ci(load, patience):
    _agree(load, patience, hours=3 if load >= 50 else 6)


def test_same_seed_same_result():
    setup = stationary(3.0, 5, AHT, 20, patience_seconds=60, hours=2)
    assert simulate(setup, 3, seed=7) == simulate(setup, 3, seed=7)
    assert simulate(setup, 3, seed=7) != simulate(setup, 3, seed=8)


def test_servers_change_at_interval_boundaries():
    # Nobody on duty in the first half hour: with 60 s patience nearly all of those leave;
    # then 20 agents clear the queue.
    setup = Setup(interval_minutes=30, volumes=[60, 60], agents=[0, 20], aht_seconds=AHT,
                  within_seconds=20, patience_seconds=60)
    result = simulate(setup, replications=5, seed=1)
    assert 0.4 < result.abandon_probability.mean < 0.55
    assert 0.45 < result.service_level.mean < 0.6


def test_lognormal_handling_with_low_variance_beats_exponential():
    # Same mean, less variable handling: shorter waits (M/G/n), as queueing theory predicts.
    exponential = simulate(stationary(8.0, 10, AHT, 20, hours=4), 20, seed=3)
    steady = simulate(stationary(8.0, 10, AHT, 20, hours=4, service="lognormal",
                                 service_cv=0.3), 20, seed=3)
    assert steady.asa_seconds.high < exponential.asa_seconds.mean


def test_setup_rejects_mismatched_series():
    with pytest.raises(ValueError, match="as many agent counts as volumes"):
        Setup(interval_minutes=60, volumes=[1, 2], agents=[1], aht_seconds=60, within_seconds=20)
