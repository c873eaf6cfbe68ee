"""Erlang A (M/M/s+M): Poisson arrivals, exponential handling, exponential patience.

Formulas from Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of performance measures"
(Technion, 2009) and Garnett, Mandelbaum & Reiman (2002), with x = s mu / theta and
y = lambda / theta (mu = 1/AHT, theta = 1/mean patience, s servers) and
S(x, y) = 1F1(1; x + 1; y) = sum_j y^j / ((x+1)...(x+j)) (their A(x, y)):

- P(wait) = S B / (1 + (S - 1) B), B = Erlang B(s, lambda/mu);
- P(abandon) = P(wait) (1 - 1/rho + 1/(rho S)), rho = lambda / (s mu);
- P(offered wait V > t) = P(wait) e^{-s mu t + y (1 - e^{-theta t})} S(x, y e^{-theta t}) / S(x, y);
- P(answered after waiting more than t) = P(V > t) (1 - 1 / S(x, y e^{-theta t})) / rho.

How abandoned contacts count: the service level is the share of *all arriving* contacts
that are answered within the threshold, P(answered and wait <= t). A contact that
abandons, however early, counts as not answered. This is the strict reading of
"95% of inquiries answered within 5 minutes", and the measure the simulation reports.

The ASA is the mean wait of *answered* contacts, E[W | answered]. Its numerator
E[W; answered] = -(P(wait) / (rho theta)) d/dx log S(x, y) is derived from the
state sum; the derivative is taken by a central difference. The mean wait of all arrivals
(answered or not) is P(abandon) / theta (Little's law).

S is computed in log space through the regularised incomplete gamma function,
log S = log x + y - x log y + log Gamma(x) + log P(x, y), and by its series where P(x, y)
would underflow (y well below x), so loads of thousands of Erlangs stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammainc, gammaln

from roster.staffing.erlang_c import FloatArray, log_erlang_b

_SERIES_BELOW = 0.5
"""Use the series for S(x, y) when y < this share of x + 1 (it then converges fast)."""


def log_kummer(x: ArrayLike, y: ArrayLike) -> FloatArray:
    """log S(x, y) = log 1F1(1; x + 1; y) for x > 0, y >= 0, stable for large arguments."""
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    shape = x.shape
    x, y = x.astype(float).ravel(), y.astype(float).ravel()
    out = np.empty(x.shape)
    series = (y < _SERIES_BELOW * (x + 1.0)) | (y <= 0)
    gamma = ~series
    if gamma.any():
        xg, yg = x[gamma], y[gamma]
        with np.errstate(divide="ignore"):
            lower = gammainc(xg, yg)
            out[gamma] = np.log(xg) + yg - xg * np.log(yg) + gammaln(xg) + np.log(lower)
        underflow = lower < 1e-280
        if underflow.any():
            index = np.flatnonzero(gamma)[underflow]
            series[index] = True
    if series.any():
        out[series] = np.log(_kummer_series(x[series], y[series]))
    return out.reshape(shape)


def _kummer_series(x: FloatArray, y: FloatArray) -> FloatArray:
    """sum_j y^j / ((x+1)...(x+j)); converges since the ratio y/(x+j) falls below 1."""
    total = np.ones_like(x)
    term = np.ones_like(x)
    j = 1
    while True:
        term = term * y / (x + j)
        total += term
        if not np.any(term > 1e-17 * total) or j > 1_000_000:
            return total
        j += 1


@dataclass(frozen=True)
class ErlangA:
    """Projected service of M/M/s+M, element-wise over arrays of intervals."""

    wait_probability: FloatArray
    abandon_probability: FloatArray
    service_level: FloatArray
    asa_seconds: FloatArray
    mean_wait_seconds: FloatArray
    occupancy: FloatArray


def erlang_a(
    servers: ArrayLike,
    load: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    within_seconds: ArrayLike,
    with_asa: bool = True,
) -> ErlangA:
    """Erlang A measures for `servers` serving `load` Erlangs (see the module docstring).

    `with_asa=False` skips the ASA (two more evaluations of S) and leaves it NaN.
    """
    s, a, aht, patience, within = (
        arr.astype(float)
        for arr in np.broadcast_arrays(
            *(np.asarray(v, float) for v in (servers, load, aht_seconds, patience_seconds,
                                             within_seconds))
        )
    )
    n = s.size
    if n == 0:
        empty = np.empty(s.shape)
        return ErlangA(empty, empty, empty, empty, empty, empty)
    idle = (a <= 0) | (s <= 0)
    s_ = np.where(s > 0, s, 1.0)
    a_ = np.where(a > 0, a, 1.0)
    theta = 1.0 / patience
    mu = 1.0 / aht
    lam = a_ * mu
    x = s_ * mu / theta
    y = lam / theta
    rho = lam / (s_ * mu)
    log_s = log_kummer(x, y)
    log_b = log_erlang_b(s_, a_)
    # P(wait) = S B / (1 + (S - 1) B) = 1 / (1 + (1 - B) / (S B)), safe for huge S.
    with np.errstate(over="ignore"):
        wait = 1.0 / (1.0 + -np.expm1(log_b) * np.exp(-(log_s + log_b)))
    abandon = np.clip(wait * (1.0 - 1.0 / rho + np.exp(-log_s) / rho), 0.0, 1.0)

    decay = np.exp(-theta * within)
    log_s_t = log_kummer(x, y * decay)
    offered_tail = wait * np.exp(-s_ * mu * within + y * (1.0 - decay) + log_s_t - log_s)
    late_answered = offered_tail * (-np.expm1(-log_s_t)) / rho
    level = np.clip(1.0 - abandon - late_answered, 0.0, 1.0)

    mean_wait = abandon / theta
    asa = np.full(s.shape, np.nan)
    if with_asa:
        step = 1e-4 * (1.0 + np.sqrt(x))
        slope = (log_kummer(x + step, y) - log_kummer(x - np.minimum(step, 0.5 * x), y)) / (
            step + np.minimum(step, 0.5 * x)
        )
        answered_wait = np.clip(-wait / (rho * theta) * slope, 0.0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            asa = np.where(abandon < 1.0, answered_wait / (1.0 - abandon), np.inf)
    busy = np.clip(a_ * (1.0 - abandon) / s_, 0.0, 1.0)

    no_servers = (s <= 0) & (a > 0)
    return ErlangA(
        wait_probability=np.where(idle, np.where(no_servers, 1.0, 0.0), wait),
        abandon_probability=np.where(idle, np.where(no_servers, 1.0, 0.0), abandon),
        service_level=np.where(idle, np.where(no_servers, 0.0, 1.0), level),
        asa_seconds=np.where(idle, np.where(no_servers, np.inf, 0.0), asa),
        mean_wait_seconds=np.where(idle, np.where(no_servers, patience, 0.0), mean_wait),
        occupancy=np.where(idle, np.where(no_servers, 0.0, 0.0), busy),
    )
