"""How far the chat slot model is from simulated chat behaviour.

The slot model treats an agent carrying c chats as c independent servers, each chat
taking the AHT measured at full concurrency. The simulation with `slowdown` makes a chat
faster when its agent carries fewer chats: a chat started while the agent carries k lasts
(1 + s (k - 1)) / (1 + s (c - 1)) times a base draw. With s = 0 the two models coincide and
must agree within the simulation's confidence interval; with s > 0 the slot model is
conservative, and this test pins down by how much (measured, 30 replications x 6 hours,
10 agents x 3 chats, 24 Erlangs of chats at AHT 300 s, 30 s threshold, s = 0.3):
analytic service level 0.905 against a simulated 0.961 (95% CI 0.945-0.978), and an
analytic ASA of 8.6 s against a simulated 3.7 s.
"""

from __future__ import annotations

import pytest

from roster.domain import Queue
from roster.staffing import evaluate
from roster.staffing.simulation import simulate, stationary

CHAT = Queue(name="chat", aht_seconds=300, service_level=0.8, answer_within_seconds=30,
             concurrency=3)
VOLUME = 24 * 3600 / 300  # 24 Erlangs of chats


def test_slot_model_agrees_with_simulated_slots():
    analytic = evaluate(CHAT, VOLUME, 60, 10)
    result = simulate(stationary(24, 10, 300, 30, hours=6, concurrency=3), 30, seed=11)
    assert result.service_level.contains(analytic.service_level), result
    assert result.asa_seconds.contains(analytic.asa_seconds), result


@pytest.mark.slow
def test_slot_model_is_conservative_against_load_dependent_chat_speed():
    analytic = evaluate(CHAT, VOLUME, 60, 10)
    result = simulate(stationary(24, 10, 300, 30, hours=6, concurrency=3, slowdown=0.3), 30,
                      seed=11)
    gap = result.service_level.mean - analytic.service_level
    assert result.service_level.low > analytic.service_level  # conservative
    assert 0.02 < gap < 0.10, gap
    assert result.asa_seconds.high < analytic.asa_seconds
