"""Requirements from a forecast: columns, interval split, quantiles, promotions, marginal value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.validation import InputError
from roster.domain import Queue
from roster.staffing import COLUMNS, evaluate, required_agents, requirements
from roster.staffing.chat import occupancy_ceiling, slots_per_agent

VOICE = Queue(name="voice", channel="voice", aht_seconds=180, service_level=0.8,
              answer_within_seconds=20, shrinkage=0.3)
CHAT = Queue(name="chat", aht_seconds=300, service_level=0.8, answer_within_seconds=30,
             concurrency=3, promo_load_factor=1.3, patience_seconds=120, shrinkage=0.25)


def _forecast(volumes, queue=None, promo=None):
    frame = pd.DataFrame({
        "timestamp": pd.date_range("2025-11-10 20:00", periods=len(volumes), freq="h"),
        "forecast": volumes, "p10": [v * 0.8 for v in volumes], "p50": volumes,
        "p90": [v * 1.25 for v in volumes],
    })
    if queue is not None:
        frame["queue"] = queue
    if promo is not None:
        frame["promo"] = promo
    return frame


def test_one_row_per_interval_with_the_documented_columns():
    table = requirements(_forecast([200.0, 0.0]), {"voice": VOICE})
    assert list(table.columns) == COLUMNS
    first = table.iloc[0]
    expected = required_agents(VOICE, 200, 60)
    assert first["agents"] == expected.agents
    assert first["scheduled"] == expected.scheduled
    assert first["service_level"] == pytest.approx(expected.service_level)
    assert first["service_level_minus_one"] == pytest.approx(
        evaluate(VOICE, 200, 60, expected.agents - 1).service_level)
    assert first["service_level_plus_one"] == pytest.approx(
        evaluate(VOICE, 200, 60, expected.agents + 1).service_level)
    assert np.isnan(first["abandon_probability"])  # Erlang C: no patience, no abandonment
    assert table.iloc[1][["agents", "scheduled"]].tolist() == [0, 0]


def test_hourly_volume_is_split_evenly_over_half_hours():
    table = requirements(_forecast([200.0]), {"voice": VOICE}, interval_minutes=30)
    assert table["start"].dt.strftime("%H:%M").tolist() == ["20:00", "20:30"]
    assert table["volume"].tolist() == [100.0, 100.0]
    assert table["agents"].tolist() == [14, 14]  # the worked example, twice
    assert table["scheduled"].tolist() == [20, 20]


def test_quarter_hours():
    table = requirements(_forecast([400.0]), {"voice": VOICE}, interval_minutes=15)
    assert len(table) == 4 and table["volume"].tolist() == [100.0] * 4


def test_p90_staffs_at_least_as_many_as_p50():
    p50 = requirements(_forecast([120.0, 300.0]), {"voice": VOICE})
    p90 = requirements(_forecast([120.0, 300.0]), {"voice": VOICE}, quantile="p90")
    assert (p90["agents"] >= p50["agents"]).all() and (p90["agents"] > p50["agents"]).any()


def test_promotion_lets_a_chat_agent_carry_30_percent_more():
    assert slots_per_agent(CHAT) == 3 and slots_per_agent(CHAT, promo=True) == pytest.approx(3.9)
    table = requirements(_forecast([900.0, 900.0], promo=[False, True]), {"chat": CHAT})
    normal, promo = table["agents"].tolist()
    assert promo < normal
    assert table["promo"].tolist() == [False, True]


def test_promotion_raises_the_voice_occupancy_ceiling_instead():
    voice = VOICE.model_copy(update={"max_occupancy": 0.7, "promo_load_factor": 1.3})
    assert slots_per_agent(voice, promo=True) == 1
    assert occupancy_ceiling(voice, promo=True) == pytest.approx(0.91)
    assert required_agents(voice, 100, 30).agents == 15  # ceiling 0.7 binds
    assert required_agents(voice, 100, 30, promo=True).agents == 14  # the SL target binds


def test_chat_slots_are_servers():
    # 10 agents x 3 chats serve like 30 servers in Erlang C.
    chat = CHAT.model_copy(update={"patience_seconds": None})
    assert evaluate(chat, 288, 60, 10).service_level == pytest.approx(
        evaluate(VOICE.model_copy(update={"aht_seconds": 300, "answer_within_seconds": 30}),
                 288, 60, 30).service_level)


def test_marginal_agent_matters_more_at_the_peak():
    table = requirements(_forecast([30.0, 600.0]), {"voice": VOICE})
    loss = table["service_level"] - table["service_level_minus_one"]
    gain = table["service_level_plus_one"] - table["service_level"]
    assert (loss > 0).all() and (gain > 0).all()
    assert (table["service_level_minus_one"] <= table["service_level"]).all()


def test_two_queues_need_a_queue_column():
    frame = _forecast([100.0])
    with pytest.raises(InputError, match="expected a 'queue' column"):
        requirements(frame, {"voice": VOICE, "chat": CHAT})
    both = pd.concat([_forecast([100.0], "voice"), _forecast([100.0], "chat")])
    table = requirements(both, {"voice": VOICE, "chat": CHAT})
    assert table["queue"].tolist() == ["chat", "voice"]


@pytest.mark.parametrize(("change", "message"), [
    ({"p50": [-1.0]}, "p50: expected a number of contacts >= 0, got -1.0"),
    ({"p50": [float("nan")]}, "p50: expected a number of contacts >= 0"),
    ({"timestamp": ["2025-11-10 20:30"]}, "expected an hourly timestamp"),
    ({"timestamp": ["tomorrow"]}, "timestamp: expected YYYY-MM-DD HH:MM, got 'tomorrow'"),
    ({"queue": ["presale"]}, "queue: expected one of \\['voice'\\], got 'presale'"),
    ({"promo": ["maybe"]}, "promo: expected true or false, got 'maybe'"),
])
def test_bad_forecast_rows_are_named(change, message):
    frame = _forecast([100.0], queue="voice")
    for column, values in change.items():
        frame[column] = values
    with pytest.raises(InputError, match=message):
        requirements(frame, {"voice": VOICE})


def test_bad_quantile_and_interval():
    with pytest.raises(InputError, match="quantile: expected one of"):
        requirements(_forecast([1.0]), {"voice": VOICE}, quantile="p99")
    with pytest.raises(InputError, match="expected 15, 30 or 60 minutes, got 20"):
        requirements(_forecast([1.0]), {"voice": VOICE}, interval_minutes=20)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: required_agents(VOICE, -5, 60), "volume: expected a number of contacts >= 0"),
    (lambda: evaluate(VOICE, 10, 60, -1), "agents: expected a whole number of agents >= 0"),
    (lambda: evaluate(VOICE, 10, 45, 3), "interval_minutes: expected 15, 30 or 60"),
])
def test_bad_parameters_give_clear_errors(call, message):
    with pytest.raises(InputError, match=message):
        call()


@pytest.mark.parametrize(("field", "value"), [
    ("service_level", 1.0), ("service_level", 0.0), ("aht_seconds", 0.0),
])
def test_queue_rejects_impossible_targets(field, value):
    with pytest.raises(ValueError, match=field):
        Queue(**{**VOICE.model_dump(), field: value})
