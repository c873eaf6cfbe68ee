"""Day-of-month cycles and band calibration on hand-built and generated cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from forecasting.bands import (
    calibrate_scale,
    central_coverage,
    count_quantiles,
    mid_cdf,
    moment_phi,
)
from forecasting.calendar import to_hours
from forecasting.model import EventProfileForecaster
from forecasting.monthly import day_of_month, day_of_month_factors
from forecasting.profile import centered_profile, week_matrix
from tests.forecasting.helpers import MONDAY, weekly_volume


def test_day_of_month_counts_from_zero():
    hours = to_hours(pd.DatetimeIndex(["2026-01-01 00:00", "2026-01-31 23:00",
                                       "2026-02-01 05:00", "2024-02-29 12:00"]))
    assert day_of_month(hours).tolist() == [0, 30, 0, 28]


def monthly_history(weeks: int, lift: float, seed: int = 3) -> pd.DataFrame:
    """A weekly pattern x `lift` on the 1st-3rd of every month, Poisson counts."""
    history = weekly_volume(weeks, scale=10.0)
    early = history["timestamp"].dt.day <= 3
    history.loc[early, "volume"] *= lift
    rng = np.random.default_rng(seed)
    history["volume"] = rng.poisson(history["volume"]).astype(float)
    return history


def factors_of(history: pd.DataFrame) -> np.ndarray:
    hours = to_hours(history["timestamp"])
    values = history["volume"].to_numpy(float)
    clean = np.ones(len(values), dtype=bool)
    baseline = centered_profile(week_matrix(values), 4).ravel()[: len(values)]
    return day_of_month_factors(hours, values, baseline, clean)


def test_a_monthly_cycle_is_recovered():
    factors = factors_of(monthly_history(40, lift=1.3))
    assert factors[:3].mean() / factors[10:25].mean() == pytest.approx(1.3, rel=0.08)
    assert np.abs(factors[10:25] - factors[10:25].mean()).max() < 0.05


def test_no_cycle_gives_factors_near_one_and_short_history_exactly_one():
    assert np.abs(np.log(factors_of(monthly_history(40, lift=1.0)))).max() < 0.03
    assert (factors_of(monthly_history(10, lift=1.3)) == 1.0).all()


def test_forecast_carries_the_learned_monthly_cycle():
    history = monthly_history(40, lift=1.3)
    start = MONDAY + pd.Timedelta(weeks=40)
    out = EventProfileForecaster().fit(history).predict(start, 6 * 168).set_index("timestamp")
    daily = out["forecast"].resample("D").sum()
    early = daily[daily.index.day <= 3]
    weekdays = early.index.dayofweek
    same_day_mid = [daily[(daily.index.day >= 10) & (daily.index.day <= 24)
                          & (daily.index.dayofweek == d)].mean() for d in weekdays]
    assert (early.to_numpy() / np.array(same_day_mid)).mean() == pytest.approx(1.3, rel=0.1)


def test_moment_phi_exact_values():
    mean = np.array([10.0, 10.0])
    assert moment_phi(np.array([20.0, 0.0]), mean) == pytest.approx(0.9)
    assert moment_phi(np.array([12.0, 8.0]), mean) == pytest.approx(0.002)
    assert moment_phi(np.array([np.nan, 20.0]), mean) == pytest.approx(0.9)


def test_calibration_finds_the_true_extra_variance():
    rng = np.random.default_rng(11)
    mean = rng.uniform(20, 200, 20_000)
    extra = 0.01 * mean**2
    truth = 4.0
    variance = mean + truth * extra
    actual = rng.gamma(mean**2 / variance, variance / mean)
    scale = calibrate_scale(actual, mean, extra)
    assert scale == pytest.approx(truth, rel=0.15)
    assert central_coverage(actual, mean, mean + scale * extra) == pytest.approx(0.8, abs=0.01)


def test_calibration_without_data_keeps_the_model_band():
    assert calibrate_scale(np.array([np.nan] * 30), np.ones(30), np.ones(30)) == 1.0


def test_count_quantiles_exact_values():
    mean, variance = np.array([0.0, 2.0, 100.0]), np.array([0.0, 2.0, 400.0])
    p10, p50, p90 = count_quantiles(mean, variance, (0.1, 0.5, 0.9))
    assert (p10[0], p50[0], p90[0]) == (0.0, 0.0, 0.0)
    # Poisson(2): 0.1 falls inside the mass of 0, 0.9 inside the mass of 4
    assert p10[1] == pytest.approx(-0.5 + 0.1 / stats.poisson.pmf(0, 2))
    assert p90[1] == pytest.approx(3.5 + (0.9 - stats.poisson.cdf(3, 2)) / stats.poisson.pmf(4, 2))
    # negative binomial with mean 100, variance 400: n = 100^2 / 300, p = 100 / 400
    n, p = 100.0**2 / 300.0, 0.25
    k = stats.nbinom.ppf(0.9, n, p)
    expected = k - 0.5 + (0.9 - stats.nbinom.cdf(k - 1, n, p)) / stats.nbinom.pmf(k, n, p)
    assert p90[2] == pytest.approx(expected)
    assert p10[2] < p50[2] < 100.0 < p90[2]


def test_mid_cdf_of_whole_counts():
    value = mid_cdf(np.array([0.0, 3.0]), np.array([2.0, 2.0]), np.array([2.0, 2.0]))
    assert value[0] == pytest.approx(stats.poisson.pmf(0, 2) / 2)
    assert value[1] == pytest.approx(stats.poisson.cdf(2, 2) + stats.poisson.pmf(3, 2) / 2)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.05, 300.0), extra=st.floats(0.0, 0.5))
def test_central_coverage_counts_exactly_the_hours_inside_the_quantile_band(seed, scale, extra):
    rng = np.random.default_rng(seed)
    mean = scale * rng.uniform(0.1, 1.0, 400)
    variance = mean + extra * mean**2
    actual = rng.poisson(mean).astype(float)
    p10, _, p90 = count_quantiles(mean, variance, (0.1, 0.5, 0.9))
    inside = np.mean((p10 <= actual) & (actual <= p90))
    assert central_coverage(actual, mean, variance) == pytest.approx(inside)


def test_band_covers_80_percent_of_poisson_counts_from_a_few_per_hour_up():
    rng = np.random.default_rng(3)
    mean = rng.uniform(3.0, 400.0, 50_000)
    actual = rng.poisson(mean).astype(float)
    p10, _, p90 = count_quantiles(mean, mean, (0.1, 0.5, 0.9))
    assert np.mean((p10 <= actual) & (actual <= p90)) == pytest.approx(0.8, abs=0.01)
