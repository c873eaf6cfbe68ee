"""Prediction bands: a count distribution per hour whose width is calibrated on the
forecaster's own out-of-sample errors (rolling origins inside the history).

The variance is `mu + c (phi mu^2 + event spread)`: Poisson noise, a relative error `phi`
fitted by moments, and the spread of event strengths. The hour's count X is negative
binomial with that mean and variance (the gamma-Poisson mixture; Poisson when there is no
extra variance). Its quantiles are read on X + U - 1/2 with U uniform on (0, 1), each
whole count spread over its unit interval: a band then covers a whole count when the
count's mid-distribution value F(k - 1) + P(k) / 2 lies inside the band's levels, so the
80% band covers about 80% of whole counts at every volume (a continuous gamma band misses
most counts of a queue with one or two inquiries an hour; the count's own whole-number
quantiles include both end counts and cover too much). `c` is then chosen so that the
central band covers the wanted share of the internal out-of-sample hours (a conformal
step on the coverage itself), so heavy tails or structured errors that the moment fit
under- or over-states still give bands that hold. That coverage is counted with each whole
count spread over its interval [F(k - 1), F(k)] (the randomised PIT), so the few-inquiry
hours, which a band of whole counts must over-cover (a 0 with chance 0.94 is inside any
sensible band), do not push the band of the busy hours narrower to make up for them.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

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


def count_quantiles(mean: np.ndarray, variance: np.ndarray,
                    levels: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles of X + U - 1/2 (see the module) for the negative binomial X with the given
    mean and variance, floored at 0 (0 where the mean is 0), never crossing."""
    mean = np.asarray(mean, dtype=float)
    variance = np.maximum(np.asarray(variance, dtype=float), mean)
    n, p, poisson = _negative_binomial(mean, variance)
    positive = mean > 0
    nb, po = positive & ~poisson, positive & poisson
    result = []
    previous = np.zeros(len(mean))
    for level in levels:
        k = np.zeros(len(mean))
        k[nb] = stats.nbinom.ppf(level, n[nb], p[nb])
        k[po] = stats.poisson.ppf(level, mean[po])
        below = count_cdf(k - 1.0, mean, variance)
        mass = count_cdf(k, mean, variance) - below
        share = np.clip((level - below) / np.where(mass > 0, mass, 1.0), 0.0, 1.0)
        q = np.where(positive, np.maximum(k - 0.5 + share, 0.0), 0.0)
        q = np.maximum(np.nan_to_num(q), previous)
        result.append(q)
        previous = q
    return result


def mid_cdf(actual: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """P(X + U - 1/2 <= actual): for a whole count k, F(k - 1) + P(k) / 2."""
    actual = np.asarray(actual, dtype=float)
    k = np.floor(actual + 0.5)
    below = count_cdf(k - 1.0, mean, variance)
    mass = count_cdf(k, mean, variance) - below
    return below + mass * (actual - k + 0.5)


def count_cdf(k: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """P(X <= k) for whole `k` under the distribution of `count_quantiles` (mean > 0)."""
    k = np.asarray(k, dtype=float)
    n, p, poisson = _negative_binomial(np.asarray(mean, float), np.asarray(variance, float))
    out = np.zeros(len(k))
    ok = k >= 0
    nb, po = ok & ~poisson, ok & poisson
    out[nb] = special.betainc(n[nb], k[nb] + 1.0, p[nb])
    out[po] = special.gammaincc(k[po] + 1.0, mean[po])
    return out


def _negative_binomial(mean: np.ndarray, variance: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """scipy's (n, p) for the mean and variance, and where to use the Poisson instead."""
    extra = variance - mean
    poisson = extra <= 1e-9 * np.maximum(mean, 1e-12)
    safe_extra = np.where(poisson, 1.0, extra)
    n = np.where(poisson, 1.0, mean**2 / safe_extra)
    p = np.where(poisson, 0.5, mean / np.where(poisson, 1.0, variance))
    return n, p, poisson


def central_coverage(actual: np.ndarray, mean: np.ndarray, variance: np.ndarray,
                     level: float = 0.8) -> float:
    """Share of hours whose actual lies inside the central `level` band of
    `count_quantiles`, without computing the quantiles."""
    ok = ~np.isnan(actual) & (mean > 0)
    if not ok.any():
        return float("nan")
    a, m, v = actual[ok], mean[ok], np.maximum(variance[ok], mean[ok])
    tail = (1.0 - level) / 2.0
    position = mid_cdf(a, m, v)
    return float(np.mean((position >= tail) & (position <= 1.0 - tail)))


def expected_coverage(actual: np.ndarray, mean: np.ndarray, variance: np.ndarray,
                      level: float = 0.8) -> float:
    """Mean share of each actual count's interval [F(k - 1), F(k)] inside the central
    `level` (the randomised PIT's coverage; exactly `level` in expectation when the counts
    follow the model, at any volume)."""
    ok = ~np.isnan(actual) & (mean > 0)
    if not ok.any():
        return float("nan")
    a, m, v = actual[ok], mean[ok], np.maximum(variance[ok], mean[ok])
    tail = (1.0 - level) / 2.0
    k = np.floor(a + 0.5)
    below = count_cdf(k - 1.0, m, v)
    upto = count_cdf(k, m, v)
    mass = upto - below
    inside = np.clip(np.minimum(upto, 1.0 - tail) - np.maximum(below, tail), 0.0, None)
    point = mid_cdf(a, m, v)
    share = np.where(mass > 1e-12, inside / np.where(mass > 1e-12, mass, 1.0),
                     (point >= tail) & (point <= 1.0 - tail))
    return float(np.mean(share))


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
        if expected_coverage(a, m, m + np.exp(mid) * e, level) < level:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))
