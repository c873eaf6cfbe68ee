"""The event-profile forecaster's rules, on small hand-built histories."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasting.model import EventProfileForecaster, ForecastWarning
from forecasting.validation import InputError
from tests.forecasting.helpers import MONDAY, daily_shape, events_frame, weekly_volume


def test_forecast_of_a_steady_week_repeats_it_exactly():
    history = weekly_volume(8)
    start = MONDAY + pd.Timedelta(weeks=8)
    out = EventProfileForecaster().fit(history).predict(start, 168)
    expected = weekly_volume(1, start=start)["volume"].to_numpy()
    np.testing.assert_allclose(out["forecast"].to_numpy(), expected, rtol=1e-9)


def test_output_contract_columns_order_and_band():
    history = pd.concat([weekly_volume(6, "presale"), weekly_volume(6, "aftersale", 0.5)])
    out = EventProfileForecaster().fit(history).predict(MONDAY + pd.Timedelta(weeks=6), 30)
    assert list(out.columns) == ["timestamp", "queue", "forecast", "p10", "p50", "p90", "promo"]
    assert len(out) == 60
    assert out["queue"].tolist()[:4] == ["aftersale", "presale", "aftersale", "presale"]
    assert out["timestamp"].is_monotonic_increasing
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert (out[["forecast", "p10", "p50", "p90"]] >= 0).all().all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks=st.integers(1, 6), seed=st.integers(0, 10_000), hours=st.integers(1, 400),
       missing=st.floats(0.0, 0.5))
def test_band_is_ordered_and_non_negative_on_random_histories(weeks, seed, hours, missing):
    rng = np.random.default_rng(seed)
    history = weekly_volume(weeks + 1)
    history["volume"] = rng.poisson(history["volume"] * rng.uniform(0.2, 5)).astype(float)
    history = history[rng.random(len(history)) >= missing]
    if history["timestamp"].max() - history["timestamp"].min() < pd.Timedelta(hours=167):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        model = EventProfileForecaster().fit(history)
    out = model.predict(history["timestamp"].max() + pd.Timedelta(hours=1), hours)
    assert len(out) == hours
    values = out[["forecast", "p10", "p50", "p90"]].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()


def test_closure_gives_exact_zeros_and_nothing_else_changes():
    history = weekly_volume(6)
    start = MONDAY + pd.Timedelta(weeks=6)
    closure = events_frame([("meeting", "closure", "2026-02-17 14:00", "2026-02-17 18:00", "")])
    model = EventProfileForecaster().fit(history, closure)
    out = model.predict(start, 168, closure).set_index("timestamp")
    plain = EventProfileForecaster().fit(history).predict(start, 168).set_index("timestamp")
    closed = (out.index >= "2026-02-17 14:00") & (out.index < "2026-02-17 18:00")
    assert closed.sum() == 4
    assert (out.loc[closed, ["forecast", "p10", "p50", "p90"]] == 0).all().all()
    np.testing.assert_allclose(out.loc[~closed, "forecast"], plain.loc[~closed, "forecast"])


def test_closure_only_for_its_queue():
    history = pd.concat([weekly_volume(5, "presale"), weekly_volume(5, "aftersale")])
    closure = events_frame([("x", "closure", "2026-02-09 10:00", "2026-02-09 12:00",
                             "presale")])
    out = EventProfileForecaster().fit(history).predict("2026-02-09 10:00", 2, closure)
    assert out.loc[out["queue"] == "presale", "forecast"].tolist() == [0.0, 0.0]
    assert (out.loc[out["queue"] == "aftersale", "forecast"] > 0).all()


def test_kind_seen_only_in_the_horizon_warns_and_has_no_effect():
    history = weekly_volume(6)
    start = MONDAY + pd.Timedelta(weeks=6)
    future = events_frame([("launch", "livestream", "2026-02-18 20:00", "2026-02-19 02:00", "")])
    model = EventProfileForecaster().fit(history, future)
    with pytest.warns(ForecastWarning, match="'livestream'.*no event effect"):
        out = model.predict(start, 168, future)
    plain = EventProfileForecaster().fit(history).predict(start, 168)
    np.testing.assert_allclose(out["forecast"], plain["forecast"])


def test_missing_hours_are_missing_not_zero():
    history = weekly_volume(6)
    gap = (history["timestamp"] >= "2026-02-10 10:00") & (history["timestamp"] < "2026-02-10 13:00")
    start = MONDAY + pd.Timedelta(weeks=6)
    with_gap = EventProfileForecaster().fit(history[~gap]).predict(start, 168)
    full = EventProfileForecaster().fit(history).predict(start, 168)
    np.testing.assert_allclose(with_gap["forecast"], full["forecast"], rtol=1e-9)
    zeros = history.assign(volume=np.where(gap, 0.0, history["volume"]))
    zeroed = EventProfileForecaster().fit(zeros).predict(start, 168)
    assert zeroed["forecast"].iloc[24 + 10] < full["forecast"].iloc[24 + 10]


def test_outage_in_history_does_not_poison_the_next_weeks():
    history = weekly_volume(6)
    day = (history["timestamp"] >= "2026-02-11 00:00") & (history["timestamp"] < "2026-02-12 00:00")
    history.loc[day, "volume"] *= 0.3
    outage = events_frame([("chat down", "outage", "2026-02-11 00:00", "2026-02-12 00:00", "")])
    start = MONDAY + pd.Timedelta(weeks=6)
    out = EventProfileForecaster().fit(history, outage).predict(start, 168, outage)
    expected = weekly_volume(1, start=start)["volume"].to_numpy()
    np.testing.assert_allclose(out["forecast"].to_numpy(), expected, rtol=1e-9)


def test_unlisted_anomalous_day_does_not_poison_the_profile():
    history = weekly_volume(6)
    day = (history["timestamp"] >= "2026-02-11 00:00") & (history["timestamp"] < "2026-02-12 00:00")
    history.loc[day, "volume"] = 0.0
    start = MONDAY + pd.Timedelta(weeks=6)
    out = EventProfileForecaster().fit(history).predict(start, 168)
    expected = weekly_volume(1, start=start)["volume"].to_numpy()
    np.testing.assert_allclose(out["forecast"].to_numpy(), expected, rtol=1e-9)


def test_known_event_effect_is_recovered_from_past_events_of_the_same_kind():
    """Three past promotions triple the volume for 24 h; the fourth is forecast as such."""
    weeks = 20
    history = weekly_volume(weeks)
    starts = ["2026-02-04", "2026-03-11", "2026-04-15", "2026-05-27"]
    rows = [(f"promo {i}", "major_promo", s, str(pd.Timestamp(s) + pd.Timedelta(days=1)), "")
            for i, s in enumerate(starts)]
    events = events_frame(rows)
    rng = np.random.default_rng(7)
    for start in starts[:3]:
        inside = (history["timestamp"] >= start) & (
            history["timestamp"] < pd.Timestamp(start) + pd.Timedelta(days=1))
        history.loc[inside, "volume"] *= 3.0
    history["volume"] = rng.poisson(history["volume"] * 10).astype(float)
    model = EventProfileForecaster().fit(history, events)
    out = model.predict(pd.Timestamp("2026-05-25"), 7 * 24, events).set_index("timestamp")
    day = out.loc["2026-05-27 00:00":"2026-05-27 23:00", "forecast"].sum()
    before = out.loc["2026-05-26 00:00":"2026-05-26 23:00", "forecast"].sum()  # a Tuesday
    assert day / before == pytest.approx(3.0, rel=0.08)
    assert out.loc["2026-05-27 00:00":"2026-05-27 23:00", "promo"].all()
    assert not out.loc["2026-05-26 00:00":"2026-05-26 23:00", "promo"].any()


def test_under_one_week_is_an_input_error():
    history = weekly_volume(1).iloc[:100]
    with pytest.raises(InputError, match="at least one week"):
        EventProfileForecaster().fit(history)


def test_under_four_weeks_warns_but_forecasts():
    history = weekly_volume(2)
    with pytest.warns(ForecastWarning, match="under four weeks"):
        model = EventProfileForecaster().fit(history)
    out = model.predict(MONDAY + pd.Timedelta(weeks=2), 24)
    assert (out["forecast"] > 0).all()


def test_a_low_volume_queue_gets_bands_that_hold_on_whole_counts():
    rng = np.random.default_rng(5)
    hours = pd.date_range(MONDAY, periods=16 * 168, freq="h")
    rate = 0.12 * daily_shape()[hours.hour] * np.where(hours.dayofweek >= 5, 0.6, 1.0)
    history = pd.DataFrame({"timestamp": hours, "queue": "vip",
                            "volume": rng.poisson(rate).astype(float)})
    train, test = history.iloc[:12 * 168], history.iloc[12 * 168:]
    out = EventProfileForecaster().fit(train).predict(hours[12 * 168], 4 * 168)
    actual = test["volume"].to_numpy()
    inside = (out["p10"].to_numpy() <= actual) & (actual <= out["p90"].to_numpy())
    # 0.1-2.4 inquiries an hour: a continuous gamma band covered 0.4 of these hours; whole
    # counts at such rates cannot be covered much below 0.9 (a 0 alone is most of an hour)
    assert 0.75 <= inside.mean() <= 0.92
