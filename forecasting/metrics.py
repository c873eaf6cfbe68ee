"""Forecast accuracy measures over hours where the actual volume is known."""

from __future__ import annotations

import numpy as np


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error: sum |error| / sum actual (NaN if no volume)."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    total = float(np.sum(actual))
    return float(np.sum(np.abs(forecast - actual)) / total) if total > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sum(forecast - actual) / sum actual: positive means over-forecasting."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    total = float(np.sum(actual))
    return float(np.sum(forecast - actual) / total) if total > 0 else float("nan")


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    """Mean absolute error divided by `scale`, the in-sample mean absolute seasonal
    difference (see `seasonal_scale`)."""
    error = float(np.mean(np.abs(np.asarray(forecast, float) - np.asarray(actual, float))))
    return error / scale if scale > 0 else float("nan")


def seasonal_scale(values: np.ndarray, season: int = 168) -> float:
    """Mean |y_t - y_(t-season)| over an hourly grid with NaN for missing hours."""
    values = np.asarray(values, float)
    if len(values) <= season:
        return float("nan")
    diff = np.abs(values[season:] - values[:-season])
    diff = diff[~np.isnan(diff)]
    return float(np.mean(diff)) if len(diff) else float("nan")


def coverage(actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of hours with low <= actual <= high."""
    actual = np.asarray(actual, float)
    inside = (np.asarray(low, float) <= actual) & (actual <= np.asarray(high, float))
    return float(np.mean(inside)) if len(actual) else float("nan")
