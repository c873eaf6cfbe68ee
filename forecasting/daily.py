"""Day totals from a second model, blended into the hourly forecast per horizon week.

The hour-of-week profile takes its level from the last weeks and holds it over the whole
horizon. An exponential-smoothing model of the day totals (additive level and weekly
season, statsforecast's `AutoETS` "ANA") follows the level day by day instead. Each
forecast day's total becomes `w x profile + (1 - w) x smoothing`, the hourly shape and the
event effects staying the profile's; the weight `w` of every horizon week is the one of
`WEIGHTS` with the lowest error on the forecaster's own rolling origins inside the history
(1 = the profile alone, which is kept wherever the smoothing does not help).
"""

from __future__ import annotations

import warnings

import numpy as np

from forecasting.calendar import HOURS_PER_WEEK

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Candidate weights of the profile's day totals."""
MIN_DAYS = 56
"""Fewer complete days before the origin (eight weeks) get no smoothing forecast."""
MAX_DAYS = 182
"""The smoothing model sees at most the last 26 weeks of days (a year scored the same on
every backtest and took twice the time)."""
RATIO_LIMITS = (0.5, 2.0)
"""Bounds of the smoothing model's day total over the profile's."""


def day_totals(hours: np.ndarray, values: np.ndarray, clean: np.ndarray,
               expected: np.ndarray) -> tuple[int, np.ndarray]:
    """(first day, totals) of the complete calendar days of an hour grid: clean hours count
    as observed, every other hour (event, gap, anomalous day) as `expected`. Days are
    whole days since 1970-01-01; a partial first or last day is left out."""
    hours = np.asarray(hours, dtype=np.int64)
    if not len(hours):
        return 0, np.array([])
    skip = int(-hours[0] % 24)
    n = (len(hours) - skip) // 24 * 24
    if n <= 0:
        return int(-(-hours[0] // 24)), np.array([])
    use = np.where(clean & ~np.isnan(values), values, expected)[skip: skip + n]
    return int(hours[skip] // 24), use.reshape(-1, 24).sum(axis=1)


def smoothed_days(totals: np.ndarray, days: int) -> np.ndarray | None:
    """The next `days` day totals from AutoETS(A,N,A) with a weekly season fitted on the
    last MAX_DAYS of `totals`; None with fewer than MIN_DAYS days or a failed fit."""
    if len(totals) < MIN_DAYS or days < 1:
        return None
    from statsforecast.models import AutoETS

    series = np.asarray(totals[-MAX_DAYS:], dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = AutoETS(season_length=7, model="ANA").fit(series).predict(h=days)["mean"]
    except Exception:  # a failed fit only means no second opinion
        return None
    mean = np.asarray(mean, dtype=float)
    return mean if np.isfinite(mean).all() else None


def day_ratio(grid: np.ndarray, first_day: int, smoothed: np.ndarray,
              day_base: np.ndarray) -> np.ndarray:
    """Per hour of `grid`: the smoothing model's total of the hour's day over the profile's
    (`day_base`, indexed like `smoothed` from `first_day`), clipped to RATIO_LIMITS; 1 where
    either is missing or the profile's total is not positive."""
    index = np.asarray(grid, dtype=np.int64) // 24 - first_day
    ok = (index >= 0) & (index < len(smoothed))
    ratio = np.ones(len(grid))
    at = index[ok]
    base = day_base[at]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio[ok] = np.where(base > 0, smoothed[at] / np.where(base > 0, base, 1.0), 1.0)
    return np.clip(ratio, *RATIO_LIMITS)


def horizon_weeks(grid: np.ndarray, origin: int, weeks: int) -> np.ndarray:
    """Index of the horizon week (0 .. `weeks` - 1, later hours in the last) of each hour."""
    return np.clip((np.asarray(grid, dtype=np.int64) - origin) // HOURS_PER_WEEK, 0, weeks - 1)


def blend(mean: np.ndarray, ratio: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`mean x (w + (1 - w) x ratio)` per hour."""
    return mean * (weight + (1.0 - weight) * ratio)


def choose_weights(actual: np.ndarray, mean: np.ndarray, ratio: np.ndarray,
                   week: np.ndarray, weeks: int) -> np.ndarray:
    """Per horizon week, the weight of WEIGHTS whose blend has the lowest absolute error
    over the hours with a known actual (ties and weeks without data: the highest weight).

    >>> actual = np.array([12.0, 12.0, 10.0, 10.0])
    >>> mean = np.full(4, 10.0)
    >>> ratio = np.full(4, 1.2)
    >>> choose_weights(actual, mean, ratio, np.array([0, 0, 1, 1]), 2).tolist()
    [0.0, 1.0]
    """
    ok = ~np.isnan(actual)
    chosen = np.ones(weeks)
    for k in range(weeks):
        here = ok & (week == k)
        if not here.any():
            continue
        errors = [float(np.sum(np.abs(actual[here] - blend(mean[here], ratio[here], w))))
                  for w in WEIGHTS]
        best = min(errors)
        chosen[k] = max(w for w, e in zip(WEIGHTS, errors, strict=True) if e <= best + 1e-9)
    return chosen
