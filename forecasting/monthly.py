"""Day-of-month effects: billing, salary and statement cycles lift or lower whole days.

Bank, utility and subscription contact centres see more calls in the first days of a month
and fewer at its end; a shop's chat may see nothing of the kind. The factor of each day of
the month is the ratio of the clean days' totals to the seasonal baseline, smoothed over
neighbouring days and shrunk toward 1 by empirical Bayes (how much the days really differ
against how noisy each day's ratio is), so a history without such a cycle gets factors of 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS = 31
MIN_DAYS = 90
"""Fewer clean days than this (about three months) learn no day-of-month effect."""


def day_of_month(hours: np.ndarray) -> np.ndarray:
    """0 = the 1st ... 30 = the 31st, for hours on the project's hour grid."""
    days = (np.asarray(hours, dtype=np.int64) // 24).astype("datetime64[D]")
    return (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)


def day_of_month_factors(hours: np.ndarray, values: np.ndarray, baseline: np.ndarray,
                         clean: np.ndarray, min_hours: int = 12) -> np.ndarray:
    """Multiplicative factor per day of the month (31 values, 1 = no effect).

    `hours`, `values` (NaN = missing), `baseline` and `clean` lie on one hour grid starting
    at 00:00. Only days with at least `min_hours` clean hours and a positive baseline count.
    """
    factors = np.ones(DAYS)
    n = len(hours) // 24 * 24
    if n < MIN_DAYS * 24:
        return factors
    use = (clean & ~np.isnan(values) & (baseline > 0))[:n].reshape(-1, 24)
    actual = np.where(use, np.nan_to_num(values[:n]).reshape(-1, 24), 0.0).sum(axis=1)
    expected = np.where(use, baseline[:n].reshape(-1, 24), 0.0).sum(axis=1)
    ok = (use.sum(axis=1) >= min_hours) & (expected > 0)
    if ok.sum() < MIN_DAYS:
        return factors
    days = day_of_month(hours[:n:24])[ok]
    ratio = np.log(actual[ok] / expected[ok]) if (actual[ok] > 0).all() else \
        np.log(np.maximum(actual[ok], 0.5) / expected[ok])
    ratio -= np.median(ratio)
    frame = pd.DataFrame({"day": days, "r": ratio})
    stats = frame.groupby("day")["r"].agg(["sum", "count"]).reindex(range(DAYS), fill_value=0)
    noise = float(np.var(ratio - frame.groupby("day")["r"].transform("mean"), ddof=1))
    # smooth: each day pooled with its neighbours (weights 1/2, 1, 1/2)
    kernel = np.array([0.5, 1.0, 0.5])
    total = np.convolve(np.r_[stats["sum"].iloc[-1], stats["sum"], stats["sum"].iloc[0]],
                        kernel, "valid")
    count = np.convolve(np.r_[stats["count"].iloc[-1], stats["count"], stats["count"].iloc[0]],
                        kernel, "valid")
    mean = np.where(count > 0, total / np.maximum(count, 1e-9), 0.0)
    se2 = noise / np.maximum(count, 1e-9)
    spread = float(np.average(mean**2, weights=count)) - float(np.average(se2, weights=count))
    if spread <= 0:
        return factors
    shrink = spread / (spread + se2)
    factors = np.exp(shrink * mean)
    return factors / float(np.average(factors, weights=np.maximum(count, 1e-9)))
