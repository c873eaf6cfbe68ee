"""An independent exact check of Erlang A: the truncated M/M/n+M chain, solved numerically.

The stationary distribution comes from the birth-death balance equations; the service level
from the transient of a tagged customer (matrix exponential); the ASA of answered contacts
from the stage sum. Nothing here shares code with roster.staffing.
"""

from __future__ import annotations

from math import lgamma, log

import numpy as np
from scipy.linalg import expm


def exact_erlang_a(n: int, load: float, aht: float, patience: float, within: float,
                   depth: int = 300) -> dict[str, float]:
    mu, theta = 1 / aht, 1 / patience
    lam = load * mu
    logp: list[float] = []
    for k in range(n + depth + 1):
        if k <= n:
            logp.append(k * log(load) - lgamma(k + 1))
        else:
            logp.append(logp[-1] + log(lam / (n * mu + (k - n) * theta)))
    weights = np.exp(np.array(logp) - max(logp))
    p = weights / weights.sum()
    m = depth + 1
    # Tagged customer at queue position i (1..m): advances at n mu + (i-1) theta, abandons at
    # theta; states m (served) and m + 1 (abandoned) absorb.
    q = np.zeros((m + 2, m + 2))
    for i in range(1, m + 1):
        advance = n * mu + (i - 1) * theta
        q[i - 1, m if i == 1 else i - 2] += advance
        q[i - 1, m + 1] += theta
        q[i - 1, i - 1] = -(advance + theta)
    served_by = expm(q * within)[:m, m]
    eventually = expm(q * 400 * max(aht, patience))[:m, m + 1]
    abandon = float((p[n:n + m] * eventually).sum())
    x = n * mu / theta
    answered_wait = sum(
        p[n + j] * x / (x + j + 1) * sum(1 / (theta * (x + k)) for k in range(1, j + 2))
        for j in range(m)
    )
    return {
        "wait_probability": float(p[n:].sum()),
        "abandon_probability": abandon,
        "service_level": float(p[:n].sum() + (p[n:n + m] * served_by).sum()),
        "asa_seconds": answered_wait / (1 - abandon),
    }
