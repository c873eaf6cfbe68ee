"""Calendar arithmetic, profiles, metrics and baselines on exact hand-built cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.bands import count_quantiles
from forecasting.baselines import SeasonalAverage, SeasonalNaive
from forecasting.calendar import (
    IN_HOURLY,
    POST_HOURLY,
    PRE_HOURLY,
    Occurrence,
    footprint_bins,
    hour_of_week,
    promo_hours,
    to_hours,
)
from forecasting.metrics import bias, coverage, mase, seasonal_scale, wape
from forecasting.model import ForecastWarning
from forecasting.profile import centered_profile, level_profile
from tests.forecasting.helpers import MONDAY, events_frame, weekly_volume


def test_hour_of_week_starts_on_monday():
    hours = to_hours(pd.DatetimeIndex(["2026-01-05 00:00", "2026-01-11 23:00"]))
    assert hour_of_week(hours).tolist() == [0, 167]


def test_footprint_bins_before_inside_after_and_busy_hours():
    occ = Occurrence("sale", "major_promo", start=100, end=103)
    hours = np.arange(98, 106)
    assert footprint_bins(hours, occ, 2, 2).tolist() == [
        PRE_HOURLY + 1, PRE_HOURLY, IN_HOURLY, IN_HOURLY + 1, IN_HOURLY + 2,
        POST_HOURLY, POST_HOURLY + 1, -1]
    busy = np.isin(hours, [99, 104])
    bins = footprint_bins(hours, occ, 2, 2, busy)
    assert bins[1] == -1 and bins[6] == -1 and bins[2] == IN_HOURLY


def test_promo_hours_uses_the_configured_kinds_and_queue():
    events = events_frame([("d11", "major_promo", "2026-11-11", "2026-11-12", ""),
                           ("x", "presale", "2026-11-12 20:00", "2026-11-13", "presale"),
                           ("hol", "holiday", "2026-11-13", "2026-11-14", "")])
    stamps = pd.DatetimeIndex(["2026-11-10 23:00", "2026-11-11 05:00", "2026-11-12 21:00",
                               "2026-11-13 05:00"])
    assert promo_hours(events, stamps, "aftersale").tolist() == [False, True, False, False]
    assert promo_hours(events, stamps, "presale").tolist() == [False, True, True, False]
    assert promo_hours(events, stamps, kinds=("holiday",)).tolist() == [False, False, False, True]


def test_centered_profile_averages_neighbour_weeks_not_itself():
    weeks = np.ones((3, 168))
    weeks[:, 0] = [1.0, 3.0, 5.0]
    weeks[:, 1] = [2.0, np.nan, 6.0]
    result = centered_profile(weeks, radius=1)
    np.testing.assert_allclose(result[:, :2], [[3.0, 4.0], [3.0, 4.0], [3.0, 4.0]])
    np.testing.assert_allclose(result[:, 2:], 1.0)


def test_level_profile_keeps_shape_and_takes_recent_level():
    shape = np.tile([1.0, 3.0], 84)
    weeks = np.vstack([shape * 10, shape * 10, shape * 20])
    result = level_profile(weeks, shape_weeks=3, level_weeks=1, decay=1.0)
    np.testing.assert_allclose(result, shape * 20)


def test_metrics_exact_values():
    actual, forecast = np.array([10.0, 20.0, 10.0]), np.array([12.0, 18.0, 10.0])
    assert wape(actual, forecast) == pytest.approx(4 / 40)
    assert bias(actual, forecast) == pytest.approx(0.0)
    assert mase(actual, forecast, scale=2.0) == pytest.approx((4 / 3) / 2)
    assert coverage(actual, forecast - 1, forecast + 1) == pytest.approx(1 / 3)
    assert seasonal_scale(np.array([1.0, 2.0, 4.0, np.nan]), season=2) == pytest.approx(3.0)


def test_seasonal_naive_repeats_last_week_and_average_takes_four():
    history = weekly_volume(4)
    history.loc[history.index[-168:], "volume"] *= 2
    start = MONDAY + pd.Timedelta(weeks=4)
    naive = SeasonalNaive().fit(history).predict(start, 168)
    np.testing.assert_allclose(naive["forecast"], history["volume"].to_numpy()[-168:])
    average = SeasonalAverage().fit(history).predict(start, 168)
    np.testing.assert_allclose(average["forecast"], weekly_volume(1)["volume"] * 1.25)
    assert (average["p10"] <= average["p50"]).all() and (average["p50"] <= average["p90"]).all()


def test_baseline_band_from_a_history_as_short_as_its_own_window():
    history = weekly_volume(4)
    history.loc[history.index[-168:], "volume"] *= 2
    start = MONDAY + pd.Timedelta(weeks=4)
    average = SeasonalAverage().fit(history).predict(start, 168)
    # weeks 2, 3 and 4 forecast from the weeks before them: errors 0, 0 and the doubling
    errors = np.concatenate([weekly_volume(1)["volume"].to_numpy(), np.zeros(2 * 168)])
    np.testing.assert_allclose(average["p10"], average["forecast"])
    np.testing.assert_allclose(average["p90"] - average["forecast"], np.quantile(errors, 0.9))


def test_baseline_band_from_one_week_is_poisson():
    history = weekly_volume(1)
    with pytest.warns(ForecastWarning, match="under four weeks"):
        model = SeasonalNaive().fit(history)
    out = model.predict(MONDAY + pd.Timedelta(weeks=1), 168)
    mean = history["volume"].to_numpy()
    low, _, high = count_quantiles(mean, mean, (0.1, 0.5, 0.9))
    np.testing.assert_allclose(out["p10"], low)
    np.testing.assert_allclose(out["p90"], high)
