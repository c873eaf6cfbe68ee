"""The day-total smoothing blend (`forecasting.daily`) on small hand-built series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.daily import (
    MIN_DAYS,
    blend,
    choose_weights,
    day_ratio,
    day_totals,
    horizon_weeks,
    smoothed_days,
)
from forecasting.model import EventProfileForecaster
from tests.forecasting.helpers import MONDAY, weekly_volume

DAY = 24


def test_day_totals_impute_unclean_hours_and_drop_partial_days():
    hours = np.arange(5 * DAY + 12, 8 * DAY + 6)  # day 5 from noon .. day 8 before 06:00
    values = np.full(len(hours), 2.0)
    values[20] = np.nan  # 08:00 of day 6: missing
    clean = np.ones(len(hours), dtype=bool)
    clean[30:34] = False  # four hours of day 6 inside an event
    expected = np.full(len(hours), 5.0)
    first, totals = day_totals(hours, values, clean, expected)
    assert first == 6
    # day 6: 19 clean hours at 2, the missing hour and 4 event hours at 5; day 7: 24 x 2
    assert totals.tolist() == [19 * 2.0 + 5 * 5.0, 48.0]


def test_smoothed_days_repeat_a_noise_free_week_and_need_eight_weeks():
    week = np.array([100.0, 90, 95, 92, 88, 40, 20])
    np.testing.assert_allclose(smoothed_days(np.tile(week, 10), 9), np.r_[week, week[:2]],
                               atol=1e-6)
    assert smoothed_days(np.tile(week, 10)[: MIN_DAYS - 1], 7) is None


def test_day_ratio_per_hour_with_limits_and_gaps():
    grid = np.arange(10 * DAY + 22, 13 * DAY + 2)  # hours of days 10, 11, 12 and 13
    smoothed = np.array([110.0, 300.0, 50.0])  # days 11, 12, 13
    base = np.array([100.0, 100.0, 0.0])
    ratio = day_ratio(grid, 11, smoothed, base)
    # day 10 has no smoothed total, day 12 is clipped to 2, day 13 has no profile total
    assert ratio[:2].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(ratio[2:26], 1.1)
    assert ratio[26:50].tolist() == [2.0] * 24
    assert ratio[50:].tolist() == [1.0, 1.0]


def test_horizon_weeks_and_blend():
    grid = np.array([100, 267, 268, 1000])
    assert horizon_weeks(grid, 100, 2).tolist() == [0, 0, 1, 1]
    weight = np.array([1.0, 0.5, 0.0, 0.25])
    np.testing.assert_allclose(blend(np.full(4, 10.0), np.full(4, 1.2), weight),
                               [10.0, 11.0, 12.0, 11.5])


def test_choose_weights_ties_and_empty_weeks_keep_the_profile():
    actual = np.array([10.0, 10.0, 11.0, np.nan])
    mean = np.full(4, 10.0)
    ratio = np.array([1.0, 1.0, 1.1, 1.1])
    # week 0: every weight is exact (ratio 1), week 1: the smoothing alone, week 2: no data
    assert choose_weights(actual, mean, ratio, np.array([0, 0, 1, 2]), 3).tolist() == \
        [1.0, 0.0, 1.0]


def test_steady_history_is_forecast_exactly_with_the_blend_on():
    history = weekly_volume(20)
    model = EventProfileForecaster().fit(history)
    assert model.models_["chat"].day_weights is not None
    out = model.predict(MONDAY + pd.Timedelta(weeks=20), 168)
    np.testing.assert_allclose(out["forecast"].to_numpy(),
                               weekly_volume(1)["volume"].to_numpy(), rtol=1e-9)


def test_blend_scales_whole_days_by_the_chosen_weight():
    rng = np.random.default_rng(3)
    history = weekly_volume(20)
    walk = np.exp(np.cumsum(rng.normal(0.0, 0.08, 140)))  # a level that wanders day by day
    history["volume"] = history["volume"] * np.repeat(walk, DAY)
    start = MONDAY + pd.Timedelta(weeks=20)
    blended = EventProfileForecaster().fit(history)
    plain = EventProfileForecaster(day_blend=False).fit(history)
    queue = blended.models_["chat"]
    assert queue.day_weights is not None and (queue.day_weights < 1.0).any()
    factor = (blended.predict(start, 28 * DAY)["forecast"].to_numpy()
              / plain.predict(start, 28 * DAY)["forecast"].to_numpy()).reshape(28, DAY)
    np.testing.assert_allclose(factor, factor[:, :1] * np.ones((1, DAY)), rtol=1e-9)
    days = np.arange(28)
    profile_days = plain.predict(start, 28 * DAY)["forecast"].to_numpy().reshape(28, DAY)
    weight = queue.day_weights[days // 7]
    offset = int((start - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)) \
        - queue.smooth_first_day
    ratio = queue.smoothed[offset + days] / profile_days.sum(axis=1)
    np.testing.assert_allclose(factor[:, 0], weight + (1 - weight) * np.clip(ratio, 0.5, 2.0),
                               rtol=1e-9)
