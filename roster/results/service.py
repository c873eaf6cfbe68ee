"""Projected service per interval and queue: the staffing models applied to the roster.

The agents on a queue are the rostered agents, less the queue's shrinkage when the roster
was asked for the `scheduled` headcount (which already adds shrinkage on top of the agents
needed on the queue). Volume comes from the requirement frame's `volume` column.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from roster.domain import Queue

Evaluate = Callable[..., Any]


def staffing_evaluate() -> Evaluate:
    """The staffing models' `roster.staffing.evaluate` (the default projection)."""
    from roster.staffing import evaluate

    return evaluate


def agents_on_queue(rostered: int, queue: Queue, after_shrinkage: bool) -> int:
    """Agents answering: the rostered count, less shrinkage (rounded down) if planned in.

    The inverse of the staffing's `scheduled = ceil(agents / (1 - shrinkage))`, so rostering
    the scheduled headcount gives at least the agents the requirement asked for.
    """
    if not after_shrinkage:
        return int(rostered)
    return math.floor(round(rostered * (1 - queue.shrinkage), 9))


def _finite(value: Any) -> float:
    number = float(value) if value is not None else math.nan
    return number if math.isfinite(number) else math.nan


def project_service(coverage: pd.DataFrame, queues: Mapping[str, Queue], interval_minutes: int,
                    after_shrinkage: bool, promo: bool = False,
                    evaluate: Evaluate | None = None) -> pd.DataFrame:
    """`coverage` with `projected_service_level` and `projected_asa_seconds` per row.

    The promotion load applies where `promo` is true or the frame's `promo` column is. NaN
    where the queue is unknown to the settings or the frame has no `volume`; an infinite
    wait (no agent for a positive volume) is NaN too. `evaluate` defaults to the staffing
    models' and may be replaced (e.g. by a simulation) with the same signature.
    """
    evaluate = evaluate or staffing_evaluate()
    frame = coverage.copy()
    levels, waits = [], []
    cache: dict[tuple[str, float, int, bool], tuple[float, float]] = {}
    count = len(frame)
    volumes = frame["volume"] if "volume" in frame.columns else [math.nan] * count
    promos = frame["promo"] if "promo" in frame.columns else [False] * count
    for name, volume, rostered, busy in zip(frame["queue"], volumes, frame["scheduled"],
                                            promos, strict=True):
        queue = queues.get(name)
        if queue is None or not math.isfinite(volume):
            levels.append(math.nan)
            waits.append(math.nan)
            continue
        key = (name, float(volume), agents_on_queue(int(rostered), queue, after_shrinkage),
               bool(busy) or promo)
        if key not in cache:
            projection = evaluate(queue, key[1], interval_minutes, key[2], promo=key[3])
            cache[key] = (_finite(projection.service_level), _finite(projection.asa_seconds))
        level, wait = cache[key]
        levels.append(level)
        waits.append(wait)
    frame["projected_service_level"] = levels
    frame["projected_asa_seconds"] = waits
    return frame


def weighted_mean(values: pd.Series, weights: pd.Series) -> float | None:
    """Volume-weighted mean over rows where the value is known; None when no weight."""
    known = values.notna() & weights.notna() & (weights > 0)
    total = float(weights[known].sum())
    if total <= 0:
        return None
    return float((values[known] * weights[known]).sum() / total)
