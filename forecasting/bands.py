"""Prediction bands: a gamma distribution per hour whose width is calibrated on the
forecaster's own out-of-sample errors (rolling origins inside the history).

The variance is `mu + c (phi mu^2 + event spread)`: Poisson noise, a relative error `phi`
fitted by moments, and the spread of event strengths. `c` is then chosen so that the
central band covers the wanted share of the internal out-of-sample hours (a conformal
step on the coverage itself), so heavy tails or structured errors that the moment fit
under- or over-states still give bands that hold.
"""

from __future__ import annotations

import numpy as np
from scipy import special

DEFAULT_PHI = 0.05
MIN_PHI = 0.002
SCALE_LIMITS = (0.25, 16.0)


def moment_phi(actual: np.ndarray, mean: np.ndarray) -> float:
    """phi in var = mu + phi mu^2 by the method of moments (NaN actuals left out)."""
    ok = ~np.isnan(actual) & (mean > 0)
    den = float(np.sum(mean[ok] ** 2))
    if den <= 0:
        return DEFAULT_PHI
    num = float(np.sum((actual[ok] - mean[ok]) ** 2 - mean[ok]))
    return max(MIN_PHI, num / den)


def central_coverage(actual: np.ndarray, mean: np.ndarray, variance: np.ndarray,
                     level: float = 0.8) -> float:
    """Share of hours whose actual lies inside the central `level` gamma band."""
    ok = ~np.isnan(actual) & (mean > 0)
    if not ok.any():
        return float("nan")
    a, m, v = actual[ok], mean[ok], np.maximum(variance[ok], 1e-12)
    shape, scale = m**2 / v, v / m
    tail = (1.0 - level) / 2.0
    cdf = special.gammainc(shape, a / scale)
    return float(np.mean((cdf >= tail) & (cdf <= 1.0 - tail)))


def calibrate_scale(actual: np.ndarray, mean: np.ndarray, extra: np.ndarray,
                    level: float = 0.8, steps: int = 12) -> float:
    """The factor `c` on the extra variance (`var = mu + c extra`) whose central band covers
    `level` of the hours, by bisection on log c within SCALE_LIMITS; 1.0 without data."""
    ok = ~np.isnan(actual) & (mean > 0)
    if ok.sum() < 24:
        return 1.0
    a, m, e = actual[ok], mean[ok], extra[ok]
    lo, hi = np.log(SCALE_LIMITS[0]), np.log(SCALE_LIMITS[1])
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if central_coverage(a, m, m + np.exp(mid) * e, level) < level:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))
