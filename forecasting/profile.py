"""Hour-of-week seasonal profiles built only from clean hours.

A clean hour is observed (not missing), outside every event footprint and not on an
anomalous day, so closures, outages, promotions and data gaps never leak into the profile
used for ordinary days after them.
"""

from __future__ import annotations

import numpy as np

from forecasting.calendar import HOURS_PER_WEEK


def week_matrix(values: np.ndarray) -> np.ndarray:
    """Values on an hour grid starting on a Monday 00:00 as (weeks, 168), NaN-padded."""
    weeks = -(-len(values) // HOURS_PER_WEEK)
    padded = np.full(weeks * HOURS_PER_WEEK, np.nan)
    padded[: len(values)] = values
    return padded.reshape(weeks, HOURS_PER_WEEK)


def centered_profile(weeks: np.ndarray, radius: int = 4) -> np.ndarray:
    """For every week and hour-of-week, the mean of the same hour in the `radius` weeks on
    each side (not the week itself), ignoring NaN; gaps filled by `fill_profile`."""
    present = ~np.isnan(weeks)
    values = np.where(present, weeks, 0.0)
    zero = np.zeros((1, weeks.shape[1]))
    csum = np.vstack([zero, np.cumsum(values, axis=0)])
    ccount = np.vstack([zero, np.cumsum(present, axis=0)])
    n = weeks.shape[0]
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    total = csum[hi] - csum[lo] - values
    count = ccount[hi] - ccount[lo] - present
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return fill_profile(mean, weeks)


def trailing_profile(weeks: np.ndarray, recent: int = 4, max_weeks: int = 26,
                     decay: float = 1.0) -> np.ndarray:
    """Per hour-of-week, the mean of its last `recent` clean values within `max_weeks` weeks.

    With `decay` < 1 the k-th most recent value weighs `decay**k`.
    """
    total = np.zeros(weeks.shape[1])
    weight = np.zeros(weeks.shape[1])
    found = np.zeros(weeks.shape[1])
    for row in weeks[::-1][:max_weeks]:
        take = ~np.isnan(row) & (found < recent)
        w = decay ** found[take]
        total[take] += w * row[take]
        weight[take] += w
        found[take] += 1
        if (found >= recent).all():
            break
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = np.where(weight > 0, total / np.maximum(weight, 1e-12), np.nan)
    return fill_profile(profile[None, :], weeks)[0]


def level_profile(weeks: np.ndarray, shape_weeks: int = 8, level_weeks: int = 2,
                  max_weeks: int = 26, decay: float = 0.9, min_hours: int = 24) -> np.ndarray:
    """Hour-of-week profile = recent level x weekly shape.

    The shape averages the last `shape_weeks` usable weeks (each rescaled to a common level,
    the k-th most recent weighing `decay**k`), so its hour-to-hour noise is low; the level
    comes from the last `level_weeks` usable weeks, so it follows recent growth or decline.
    A usable week has at least `min_hours` clean hours within the last `max_weeks`.
    """
    recent = weeks[-max_weeks:]
    counts = (~np.isnan(recent)).sum(axis=1)
    rows = recent[counts >= min_hours][-shape_weeks:]
    if len(rows) == 0:
        return fill_profile(np.full((1, weeks.shape[1]), np.nan), weeks)[0]
    reference = fill_profile(_nanmean(rows, axis=0)[None, :], weeks)[0]
    present = ~np.isnan(rows)
    expected = np.where(present, reference[None, :], 0.0).sum(axis=1)
    actual = np.where(present, rows, 0.0).sum(axis=1)
    level = np.where(expected > 0, actual / np.maximum(expected, 1e-12), 1.0)
    level = np.where(level > 0, level, 1.0)
    age = np.arange(len(rows))[::-1]
    weight = np.where(present, (decay**age)[:, None], 0.0)
    scaled = np.where(present, rows / level[:, None], 0.0)
    total = weight.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(total > 0, (weight * scaled).sum(axis=0) / np.maximum(total, 1e-12),
                         reference)
    last = slice(-level_weeks, None)
    current = float(np.sum(level[last] * expected[last]) / max(np.sum(expected[last]), 1e-12))
    return current * shape


def fill_profile(profile: np.ndarray, weeks: np.ndarray) -> np.ndarray:
    """Fill NaN in a (rows, 168) profile: same hour-of-week over all weeks, then same
    hour-of-day over all days, then the overall mean, then 0."""
    if not np.isnan(profile).any():
        return profile
    with np.errstate(invalid="ignore", divide="ignore"):
        slot = _nanmean(weeks, axis=0)
        days = weeks.reshape(weeks.shape[0], 7, 24)
        hour = _nanmean(days.reshape(-1, 24), axis=0)
        overall = _nanmean(weeks.ravel(), axis=0)
    slot = np.where(np.isnan(slot), np.tile(hour, 7), slot)
    slot = np.where(np.isnan(slot), overall, slot)
    slot = np.where(np.isnan(slot), 0.0, slot)
    return np.where(np.isnan(profile), slot[None, :], profile)


def anomalous_days(values: np.ndarray, expected: np.ndarray, candidates: np.ndarray,
                   low: float = 0.6, high: float = 1.6, min_hours: int = 6) -> np.ndarray:
    """Hours on days whose observed total is below `low` or above `high` times expected.

    `values`, `expected` and `candidates` are on the same grid starting at 00:00; only
    candidate hours count (observed, outside events). Returns a boolean mask of hours.
    """
    days = -(-len(values) // 24)
    pad = days * 24 - len(values)
    use = np.pad(candidates & ~np.isnan(values), (0, pad)).reshape(days, 24)
    actual = np.pad(np.where(use.ravel()[: len(values)], values, 0.0), (0, pad)).reshape(days, 24)
    wanted = np.pad(np.where(use.ravel()[: len(values)], expected, 0.0), (0, pad))
    wanted = wanted.reshape(days, 24)
    hours = use.sum(axis=1)
    a, e = actual.sum(axis=1), wanted.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(e > 0, a / e, 1.0)
    bad = (hours >= min_hours) & (e > 24.0) & ((ratio < low) | (ratio > high))
    return np.repeat(bad, 24)[: len(values)]


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    present = ~np.isnan(values)
    total = np.where(present, values, 0.0).sum(axis=axis)
    count = present.sum(axis=axis)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)
