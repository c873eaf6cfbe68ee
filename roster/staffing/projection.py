"""The projected service of a staffing: one queue, arrays of intervals, agents on the queue.

The queueing model follows the queue: Erlang A when it has a mean patience, else Erlang C;
agents become servers through the chat model (`roster.staffing.chat`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from roster.domain import Queue
from roster.staffing import erlang_c
from roster.staffing.chat import occupancy_ceiling, slots_per_agent
from roster.staffing.erlang_a import erlang_a
from roster.staffing.erlang_c import FloatArray
from roster.staffing.inputs import check_agents, check_interval, check_volume


@dataclass(frozen=True)
class Measures:
    """Projected service per interval (arrays of equal length)."""

    service_level: FloatArray
    asa_seconds: FloatArray
    wait_probability: FloatArray
    occupancy: FloatArray
    abandon_probability: FloatArray | None


@dataclass(frozen=True)
class Projection:
    """Projected service of `agents` on a queue in one interval.

    `scheduled` is the agents to roster so that `agents` are on the queue after shrinkage.
    `abandon_probability` is None on a queue without patience (Erlang C).
    """

    agents: int
    scheduled: int
    service_level: float
    asa_seconds: float
    wait_probability: float
    occupancy: float
    abandon_probability: float | None


def offered_load(queue: Queue, volume: ArrayLike, interval_minutes: int) -> FloatArray:
    """Offered load in Erlangs: contacts per second x AHT."""
    return np.asarray(volume, float) * queue.aht_seconds / (interval_minutes * 60.0)


def servers(queue: Queue, agents: ArrayLike, promo: ArrayLike = False) -> FloatArray:
    """Servers (slots) that `agents` on the queue amount to, per interval."""
    per_agent = np.where(
        np.asarray(promo, bool), slots_per_agent(queue, True), slots_per_agent(queue, False)
    )
    return np.asarray(agents, float) * per_agent


def ceilings(queue: Queue, promo: ArrayLike) -> FloatArray | None:
    """Occupancy ceiling per interval, or None when the queue sets none."""
    if queue.max_occupancy is None:
        return None
    normal, during = occupancy_ceiling(queue, False), occupancy_ceiling(queue, True)
    return np.where(np.asarray(promo, bool), during, normal).astype(float)


def measures(
    queue: Queue, load: ArrayLike, agents: ArrayLike, promo: ArrayLike = False,
    with_asa: bool = True,
) -> Measures:
    """Projected service of `agents` serving `load` Erlangs on `queue`, element-wise."""
    load = np.asarray(load, float)
    slots = servers(queue, agents, promo)
    if queue.patience_seconds is not None:
        result = erlang_a(slots, load, queue.aht_seconds, queue.patience_seconds,
                          queue.answer_within_seconds, with_asa=with_asa)
        return Measures(result.service_level, result.asa_seconds, result.wait_probability,
                        result.occupancy, result.abandon_probability)
    idle = load <= 0
    level = erlang_c.service_level(slots, load, queue.aht_seconds, queue.answer_within_seconds)
    asa = erlang_c.asa_seconds(slots, load, queue.aht_seconds)
    wait = erlang_c.wait_probability(slots, load)
    return Measures(
        service_level=np.where(idle, 1.0, level),
        asa_seconds=np.where(idle, 0.0, asa),
        wait_probability=np.where(idle, 0.0, wait),
        occupancy=np.where(idle, 0.0, erlang_c.occupancy(slots, load)),
        abandon_probability=None,
    )


def scheduled_agents(queue: Queue, agents: ArrayLike) -> np.ndarray:
    """Agents to roster so `agents` remain on the queue after shrinkage: ceil(n / (1 - s))."""
    raw = np.asarray(agents, float) / (1.0 - queue.shrinkage)
    # Guard against 14 / 0.7 = 20.000000000000004 rounding up to 21.
    return np.ceil(np.round(raw, 9)).astype(int)


def evaluate(
    queue: Queue, volume: float, interval_minutes: int, agents: int, promo: bool = False
) -> Projection:
    """Projected service of `agents` on the queue for `volume` contacts in one interval."""
    check_volume(volume)
    check_interval(interval_minutes)
    check_agents(agents)
    load = offered_load(queue, [volume], interval_minutes)
    result = measures(queue, load, [agents], [promo])
    return projection_at(queue, result, 0, int(agents))


def projection_at(queue: Queue, result: Measures, index: int, agents: int) -> Projection:
    """The Projection of row `index` of `result`."""
    abandon = result.abandon_probability
    return Projection(
        agents=agents,
        scheduled=int(scheduled_agents(queue, [agents])[0]),
        service_level=float(result.service_level[index]),
        asa_seconds=float(result.asa_seconds[index]),
        wait_probability=float(result.wait_probability[index]),
        occupancy=float(result.occupancy[index]),
        abandon_probability=None if abandon is None else float(abandon[index]),
    )
