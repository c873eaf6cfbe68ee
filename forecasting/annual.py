"""Annual season and growth of the weekly level, for histories of well over a year.

The forecaster's level is the volume of the last weeks before the origin; four weeks
ahead it misses the seasonal run-up (or run-down) and the growth in between. A smooth
curve through the log weekly levels - a straight line (growth) plus one annual sine and
cosine - fitted on the whole history gives that movement: the factor for a forecast week
is the curve there over the curve in the level weeks. A history shorter than
`MIN_WEEKS` cannot tell a season from growth and gets no factor.
"""

from __future__ import annotations

import numpy as np

from forecasting.calendar import HOURS_PER_WEEK

MIN_WEEKS = 78
"""A year and a half of weekly levels: a season is seen once and half again."""
WEEKS_PER_YEAR = 365.25 / 7
LIMITS = (0.67, 1.5)


def weekly_level(baseline: np.ndarray, usable: np.ndarray, min_hours: int = 84) -> np.ndarray:
    """Mean of `baseline` per week of an hour grid starting on a Monday 00:00 (a last,
    partial week over its own hours), NaN for weeks with fewer than `min_hours` usable
    hours."""
    weeks = -(-len(baseline) // HOURS_PER_WEEK)
    pad = weeks * HOURS_PER_WEEK - len(baseline)
    values = np.pad(np.asarray(baseline, dtype=float), (0, pad)).reshape(weeks, HOURS_PER_WEEK)
    seen = np.pad(np.asarray(usable, dtype=bool), (0, pad)).reshape(weeks, HOURS_PER_WEEK)
    hours = np.pad(np.ones(len(baseline)), (0, pad)).reshape(weeks, HOURS_PER_WEEK).sum(axis=1)
    level = values.sum(axis=1) / np.maximum(hours, 1.0)
    level[(seen.sum(axis=1) < min_hours) | (level <= 0)] = np.nan
    return level


def _design(weeks: np.ndarray) -> np.ndarray:
    angle = 2.0 * np.pi * np.asarray(weeks, dtype=float) / WEEKS_PER_YEAR
    return np.column_stack([np.ones(len(angle)), np.asarray(weeks, float) / WEEKS_PER_YEAR,
                            np.cos(angle), np.sin(angle)])


def fit_annual(weekly: np.ndarray, end_week: int | None = None) -> np.ndarray | None:
    """Coefficients (intercept, growth per year, cos, sin) of the log weekly level over the
    weeks before `end_week` (all by default); None with fewer than MIN_WEEKS levels."""
    level = weekly[:end_week]
    weeks = np.flatnonzero(~np.isnan(level))
    if len(weeks) < MIN_WEEKS or weeks[-1] - weeks[0] + 1 < MIN_WEEKS:
        return None
    coef, *_ = np.linalg.lstsq(_design(weeks), np.log(level[weeks]), rcond=None)
    return coef


def annual_factors(coef: np.ndarray | None, origin_week: int, target_weeks: np.ndarray,
                   level_weeks: int = 2) -> np.ndarray:
    """Curve at each target week over its mean in the `level_weeks` weeks before
    `origin_week`, clipped to LIMITS; 1.0 everywhere without coefficients.

    >>> coef = np.array([0.0, np.log(1.5), 0.0, 0.0])   # 50% growth a year, no season
    >>> annual_factors(coef, 10, np.array([10, 35]), level_weeks=1).round(3).tolist()
    [1.008, 1.224]
    """
    target_weeks = np.asarray(target_weeks, dtype=np.int64)
    if coef is None:
        return np.ones(len(target_weeks))
    base = _design(np.arange(origin_week - level_weeks, origin_week)) @ coef
    curve = _design(target_weeks) @ coef
    return np.clip(np.exp(curve - float(np.mean(base))), *LIMITS)
