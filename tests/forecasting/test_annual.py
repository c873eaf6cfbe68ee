"""The annual level curve: weekly levels, the growth-and-season fit and its factors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.annual import (
    MIN_WEEKS,
    WEEKS_PER_YEAR,
    annual_factors,
    fit_annual,
    weekly_level,
)
from forecasting.calendar import HOURS_PER_WEEK
from forecasting.model import EventProfileForecaster
from tests.forecasting.helpers import MONDAY, weekly_volume


def test_weekly_level_is_the_mean_per_week_and_nan_where_too_few_hours_were_seen():
    baseline = np.r_[np.full(HOURS_PER_WEEK, 2.0), np.full(HOURS_PER_WEEK, 4.0),
                     np.full(10, 6.0)]
    seen = np.ones(len(baseline), dtype=bool)
    seen[HOURS_PER_WEEK: HOURS_PER_WEEK + 100] = False      # 68 hours seen in week 2
    level = weekly_level(baseline, seen)
    assert level[0] == 2.0
    assert np.isnan(level[1]) and np.isnan(level[2])       # 68 and 10 hours < 84
    partial = weekly_level(np.r_[np.full(HOURS_PER_WEEK, 2.0), np.full(100, 6.0)],
                           np.ones(HOURS_PER_WEEK + 100, dtype=bool))
    assert partial.tolist() == [2.0, 6.0]                   # 100 hours, their own mean


def curve(weeks: np.ndarray, growth: float, amplitude: float) -> np.ndarray:
    angle = 2 * np.pi * weeks / WEEKS_PER_YEAR
    return 100.0 * (1 + growth) ** (weeks / WEEKS_PER_YEAR) * np.exp(amplitude * np.cos(angle))


def test_fit_recovers_growth_and_season_exactly():
    weeks = np.arange(104)
    coef = fit_annual(curve(weeks, 0.2, 0.05))
    assert coef == pytest.approx([np.log(100.0), np.log(1.2), 0.05, 0.0], abs=1e-9)


def test_fit_needs_a_year_and_a_half_and_skips_missing_weeks():
    level = curve(np.arange(MIN_WEEKS), 0.2, 0.05)
    assert fit_annual(level[:-1]) is None
    assert fit_annual(level) is not None
    gappy = level.copy()
    gappy[10] = np.nan
    assert fit_annual(gappy) is None                       # 77 levels left
    assert fit_annual(curve(np.arange(120), 0.2, 0.05), end_week=MIN_WEEKS - 1) is None


def test_factor_is_the_curve_at_the_target_over_its_mean_in_the_level_weeks():
    coef = np.array([0.0, 0.0, 0.1, 0.0])                  # season only, peak at week 0
    angle = 2 * np.pi / WEEKS_PER_YEAR
    weeks = np.array([52, 53, 60])
    expected = np.exp(0.1 * np.cos(angle * weeks) - 0.1 * (np.cos(angle * 50)
                                                           + np.cos(angle * 51)) / 2)
    assert annual_factors(coef, 52, weeks, level_weeks=2) == pytest.approx(expected)


def test_factor_is_clipped_and_one_without_a_curve():
    steep = np.array([0.0, np.log(100.0), 0.0, 0.0])       # x100 a year
    assert annual_factors(steep, 10, np.array([60]), 1).tolist() == [1.5]
    assert annual_factors(None, 10, np.array([10, 11]), 2).tolist() == [1.0, 1.0]


def growing_history(weeks: int, growth: float) -> pd.DataFrame:
    """The plain weekly pattern times `growth` a year (compounded per hour), no noise."""
    history = weekly_volume(weeks, scale=10.0)
    years = (history["timestamp"] - MONDAY) / pd.Timedelta(days=365.25)
    history["volume"] *= (1 + growth) ** years
    return history


def test_forecast_carries_the_growth_of_a_two_year_history():
    history = growing_history(104, 0.3)
    start = MONDAY + pd.Timedelta(weeks=104)
    model = EventProfileForecaster().fit(history)
    out = model.predict(start, 4 * HOURS_PER_WEEK).set_index("timestamp")["forecast"]
    weekly = out.resample("W-MON", label="left", closed="left").sum().to_numpy()
    assert weekly[3] / weekly[0] == pytest.approx(1.3 ** (3 / WEEKS_PER_YEAR), rel=2e-3)
    assert model.models_["chat"].annual[1] == pytest.approx(np.log(1.3), rel=0.02)


def test_a_one_year_history_gets_no_annual_factor():
    model = EventProfileForecaster().fit(growing_history(52, 0.3))
    assert model.models_["chat"].annual is None
    assert EventProfileForecaster(annual_cycle=False).fit(
        growing_history(104, 0.3)).models_["chat"].annual is None


def test_a_curve_that_worsens_the_internal_backtests_is_dropped():
    """A one-off surge last year (weeks 30-49 at 2.5x) reads as a yearly wave to the curve;
    this year's weeks show no wave (internal WAPE 0.030 without the curve, 0.077 with it),
    so the level is used as it is."""
    history = weekly_volume(104, scale=10.0)
    week = (history["timestamp"] - MONDAY) // pd.Timedelta(weeks=1)
    history["volume"] *= np.where(week % 2 == 1, 1.03, 0.97)
    history.loc[(week >= 30) & (week < 50), "volume"] *= 2.5
    start = MONDAY + pd.Timedelta(weeks=104)
    guarded = EventProfileForecaster().fit(history)
    assert guarded.models_["chat"].annual is None
    plain = EventProfileForecaster(annual_cycle=False).fit(history)
    assert guarded.predict(start, HOURS_PER_WEEK).equals(plain.predict(start, HOURS_PER_WEEK))
    unguarded = EventProfileForecaster(annual_tolerance=1e9).fit(history)
    assert unguarded.models_["chat"].annual[3] < -0.3
