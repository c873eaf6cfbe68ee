"""Erlang B and Erlang C (M/M/s): waiting probability, service level, ASA, occupancy.

All functions take numpy arrays (or scalars) and broadcast. `servers` may be fractional
(the formulas are continued through the incomplete gamma function), which the chat model
uses when promotions raise the chats an agent carries. Loads are in Erlangs
(arrival rate x mean handling time). Everything is computed in log space, so loads of
several thousand Erlangs neither overflow nor lose precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaincc, gammaln

FloatArray = NDArray[np.float64]

_TINY = 1e-280


def log_erlang_b(servers: ArrayLike, load: ArrayLike) -> FloatArray:
    """log of the Erlang B blocking probability B(s, a) = a^s e^-a / Gamma(s + 1, a).

    For integer s this is the Poisson(a) probability of s over that of at most s. When that
    cumulative probability underflows (s far below a) the series
    1/B = 1 + s/a + s(s-1)/a^2 + ... is summed instead.
    """
    s, a = np.broadcast_arrays(np.asarray(servers, float), np.asarray(load, float))
    shape = s.shape
    s, a = s.astype(float).ravel(), a.astype(float).ravel()
    busy = a > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = gammaincc(s + 1.0, a)
        log_b = s * np.log(a) - a - gammaln(s + 1.0) - np.log(upper)
    out = np.where(busy, log_b, -np.inf)
    out = np.where(busy & (s <= 0), 0.0, out)
    fallback = busy & (s > 0) & (upper < _TINY)
    if fallback.any():
        out[fallback] = -np.log(_falling_series(s[fallback], a[fallback]))
    return out.reshape(shape)


def _falling_series(s: FloatArray, a: FloatArray) -> FloatArray:
    """1 + s/a + s(s-1)/a^2 + ..., for s well below a (the terms shrink geometrically)."""
    total = np.ones_like(s)
    term = np.ones_like(s)
    for i in range(int(np.ceil(s.max())) + 1):
        factor = np.clip(s - i, 0.0, None) / a
        term = term * factor
        total += term
        if not np.any(term > 1e-17 * total):
            break
    return total


def erlang_b(servers: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang B: probability that an arrival finds all `servers` busy in M/M/s/s."""
    return np.exp(log_erlang_b(servers, load))


def wait_probability(servers: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang C: probability that an arrival waits, C = s B / (s - a (1 - B)); 1 if s <= a."""
    s, a = np.broadcast_arrays(np.asarray(servers, float), np.asarray(load, float))
    b = erlang_b(s, a)
    stable = s > a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = s * b / (s - a * (1.0 - b))
    return np.where(stable, np.clip(c, 0.0, 1.0), 1.0)


def service_level(
    servers: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike, within_seconds: ArrayLike
) -> FloatArray:
    """Share answered within `within_seconds`: 1 - C e^{-(s - a) t / AHT}; 0 if s <= a."""
    s, a = np.broadcast_arrays(np.asarray(servers, float), np.asarray(load, float))
    c = wait_probability(s, a)
    decay = np.exp(-np.clip(s - a, 0.0, None) * np.asarray(within_seconds) / aht_seconds)
    return np.where(s > a, 1.0 - c * decay, 0.0)


def asa_seconds(servers: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike) -> FloatArray:
    """Average speed of answer: C AHT / (s - a); infinite if s <= a."""
    s, a = np.broadcast_arrays(np.asarray(servers, float), np.asarray(load, float))
    c = wait_probability(s, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = c * np.asarray(aht_seconds, float) / (s - a)
    return np.where(s > a, asa, np.inf)


def occupancy(servers: ArrayLike, load: ArrayLike) -> FloatArray:
    """Share of server time busy: a / s, at most 1 (0 when there are no servers)."""
    s, a = np.broadcast_arrays(np.asarray(servers, float), np.asarray(load, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s > 0, np.minimum(a / s, 1.0), 0.0)
