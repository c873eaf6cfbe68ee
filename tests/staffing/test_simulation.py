"""The simulation agrees with Erlang C and Erlang A within its 95% confidence interval.

Stationary runs: constant load and agents, one warm-up hour not measured, independent
seeded replications. The agents for each load are the ones the analytic model requires
for 80% within 20 s, so the grid covers realistic operating points.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from roster.domain import Queue
from roster.staffing import evaluate, required_agents
from roster.staffing.simulation import Setup, simulate, stationary

AHT = 180.0


def _queue(patience: float | None) -> Queue:
    return Queue(name="q", channel="voice", aht_seconds=AHT, service_level=0.8,
                 answer_within_seconds=20, patience_seconds=patience)


def _comparisons(load: float, patience: float | None, hours: float,
                 replications: int = 30) -> list[tuple[str, float, list[float]]]:
    """(measure, analytic value, simulated per-replication values) for one stationary case."""
    queue = _queue(patience)
    volume = load * 3600 / AHT
    agents = required_agents(queue, volume, 60).agents
    expected = evaluate(queue, volume, 60, agents)
    result = simulate(stationary(load, agents, AHT, 20, patience_seconds=patience, hours=hours),
                      replications=replications, seed=int(load * 10) + (patience is not None))
    pairs = [("service_level", expected.service_level), ("asa_seconds", expected.asa_seconds)]
    if patience is not None:
        pairs.append(("abandon_probability", expected.abandon_probability))
    return [(f"{load:g} Erlangs {'A' if patience else 'C'} {name}", value,
             result.per_replication[name]) for name, value in pairs]


def _inside(value: float, sample: list[float], level: float) -> bool:
    data = np.asarray(sample, float)
    half = stats.t.ppf(0.5 + level / 2, data.size - 1) * data.std(ddof=1) / np.sqrt(data.size)
    return bool(abs(data.mean() - value) <= half)


def _agree(load: float, patience: float | None, hours: float) -> None:
    for label, value, sample in _comparisons(load, patience, hours):
        assert _inside(value, sample, 0.95), (label, value, np.mean(sample))


@pytest.mark.parametrize("load", [1.0, 5.0])
def test_erlang_c_small_loads_within_the_simulated_ci(load):
    _agree(load, None, hours=6)


@pytest.mark.parametrize("load", [1.0, 5.0])
def test_erlang_a_small_loads_within_the_simulated_ci(load):
    _agree(load, 120.0, hours=6)


@pytest.mark.slow
def test_grid_of_loads_1_to_200_erlangs_agrees_with_simulation():
    # 12 cases, 30 comparisons. At 95% coverage about 1.5 comparisons fall outside the CI by
    # chance (4 or more: under 5%); a biased model would miss many, and by more than the
    # 99.9% interval. Measured with these seeds: 1 outside the 95% CI (Erlang A, 100 Erlangs,
    # service level 0.8846 against a simulated 0.8971, CI 0.8851-0.9091), none outside 99.9%.
    comparisons = [c for load in (2.0, 10.0, 20.0, 50.0, 100.0, 200.0)
                   for patience in (None, 120.0)
                   for c in _comparisons(load, patience, hours=3 if load >= 50 else 6)]
    outside_95 = [(label, value) for label, value, sample in comparisons
                  if not _inside(value, sample, 0.95)]
    outside_999 = [(label, value) for label, value, sample in comparisons
                   if not _inside(value, sample, 0.999)]
    assert len(comparisons) == 30
    assert len(outside_95) <= 3, outside_95
    assert outside_999 == [], outside_999
    print(f"outside the 95% CI: {outside_95}")


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
