"""Service targets, one rule each, and the search for the fewest agents meeting all of them.

A staffing meets a queue's targets when every target the queue sets holds:
service level >= `service_level`, ASA <= `max_asa_seconds`, occupancy <= the occupancy
ceiling, abandonment <= `max_abandon`; and it never staffs below the offered load
(fewer agents than Erlangs only "work" by losing contacts). Every measure improves with
more agents, so the fewest agents meeting the targets is found by doubling then bisection,
vectorised over intervals.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from roster.domain import Queue
from roster.staffing.erlang_c import FloatArray
from roster.staffing.projection import Measures, ceilings, measures, servers

IntArray = NDArray[np.int64]

_TOLERANCE = 1e-12
"""Slack on comparisons, so a target met exactly is met despite rounding."""


def meets_service_level(queue: Queue, result: Measures) -> NDArray[np.bool_]:
    """Share answered within the threshold at least the queue's service level."""
    return result.service_level >= queue.service_level - _TOLERANCE


def meets_asa(queue: Queue, result: Measures) -> NDArray[np.bool_]:
    """Average speed of answer at most `max_asa_seconds` (when set)."""
    if queue.max_asa_seconds is None:
        return np.ones(result.service_level.shape, bool)
    return result.asa_seconds <= queue.max_asa_seconds + _TOLERANCE


def meets_occupancy(queue: Queue, result: Measures, promo: ArrayLike) -> NDArray[np.bool_]:
    """Occupancy at most the ceiling (raised on voice during promotions; see chat.py)."""
    ceiling = ceilings(queue, promo)
    if ceiling is None:
        return np.ones(result.service_level.shape, bool)
    return result.occupancy <= ceiling + _TOLERANCE


def meets_abandon(queue: Queue, result: Measures) -> NDArray[np.bool_]:
    """Abandonment at most `max_abandon` (only with a patience; Erlang C never abandons)."""
    if queue.max_abandon is None or result.abandon_probability is None:
        return np.ones(result.service_level.shape, bool)
    return result.abandon_probability <= queue.max_abandon + _TOLERANCE


def meets_targets(
    queue: Queue, load: ArrayLike, agents: ArrayLike, promo: ArrayLike = False
) -> NDArray[np.bool_]:
    """Whether `agents` meet every target of the queue, per interval."""
    load = np.asarray(load, float)
    agents = np.asarray(agents, float)
    result = measures(queue, load, agents, promo, with_asa=queue.max_asa_seconds is not None)
    ok = (
        meets_service_level(queue, result)
        & meets_asa(queue, result)
        & meets_occupancy(queue, result, promo)
        & meets_abandon(queue, result)
    )
    return ok & (agents >= load_floor(queue, load, promo))


def load_floor(queue: Queue, load: ArrayLike, promo: ArrayLike = False) -> IntArray:
    """The fewest agents whose servers cover the offered load: ceil(load / slots per agent)."""
    per_agent = servers(queue, 1, promo)
    return np.ceil(np.round(np.asarray(load, float) / per_agent, 9)).astype(np.int64)


def required_agents_array(queue: Queue, load: ArrayLike, promo: ArrayLike = False) -> IntArray:
    """The fewest agents on the queue meeting every target, per interval (0 when no load)."""
    load = np.atleast_1d(np.asarray(load, float))
    promo = np.broadcast_to(np.asarray(promo, bool), load.shape)
    low = load_floor(queue, load, promo)  # fails or exactly meets
    busy = load > 0
    low = np.where(busy, np.maximum(low, 1), 0)
    answer = low.copy()
    met = ~busy | meets_targets(queue, load, low, promo)
    todo = np.flatnonzero(~met)
    if todo.size == 0:
        return answer
    # Doubling: the largest known failing count `lo` and a meeting count `hi` per interval.
    lo = low[todo]
    step = np.maximum(1, np.ceil(np.sqrt(load[todo]))).astype(np.int64)
    hi = lo + step
    pending = np.arange(todo.size)
    for _ in range(64):
        ok = meets_targets(queue, load[todo[pending]], hi[pending], promo[todo[pending]])
        lo[pending[~ok]] = hi[pending[~ok]]
        step[pending[~ok]] *= 2
        hi[pending[~ok]] = lo[pending[~ok]] + step[pending[~ok]]
        pending = pending[~ok]
        if pending.size == 0:
            break
    else:  # pragma: no cover - every target is met with enough agents
        raise RuntimeError("no staffing meets the targets; check the queue's parameters")
    # Bisection: keep lo failing and hi meeting until they are adjacent.
    while True:
        open_ = np.flatnonzero(hi - lo > 1)
        if open_.size == 0:
            break
        mid = (lo[open_] + hi[open_]) // 2
        ok = meets_targets(queue, load[todo[open_]], mid, promo[todo[open_]])
        hi[open_[ok]] = mid[ok]
        lo[open_[~ok]] = mid[~ok]
    answer[todo] = hi
    return answer


def service_levels(
    queue: Queue, load: ArrayLike, agents: ArrayLike, promo: ArrayLike = False
) -> FloatArray:
    """Service level only (no ASA), per interval."""
    return measures(queue, load, agents, promo, with_asa=False).service_level
