"""Chat concurrency and the promotion-time load factor: how many servers an agent is.

Model (the "slot" model). An agent who carries up to c chats at once is c servers ("slots")
of an M/M/(n c) queue, or M/M/(n c)+M with patience. `aht_seconds` of a chat queue is the
time one chat holds a slot, measured while agents carry their usual c chats (so it already
includes the slowdown of typing in several windows). Assumptions:

- every slot is as fast as any other, whatever the agent's other chats are doing;
- a chat goes to any free slot, and an agent never carries more than c chats;
- handling time does not shrink when the agent happens to carry fewer than c chats.

The last one makes the model conservative: a real agent with one chat answers it faster
than one with three. `tests/staffing/test_chat.py` measures the gap against a simulation in
which a chat's handling time grows with the agent's load at its start.

Promotions. During a promotion an agent may carry `promo_load_factor` times the usual load.
On a chat queue this raises the slots per agent to c x factor (fractional slots are fine:
the Erlang formulas are continuous in the number of servers) at unchanged AHT per chat.
A voice agent cannot take part of a second call, so on voice the factor raises the
occupancy ceiling instead (to at most 1).
"""

from __future__ import annotations

from roster.domain import Queue


def slots_per_agent(queue: Queue, promo: bool = False) -> float:
    """Servers one agent on `queue` amounts to: its concurrency, times the promo factor on chat."""
    if promo and queue.channel == "chat":
        return queue.concurrency * queue.promo_load_factor
    return float(queue.concurrency)


def occupancy_ceiling(queue: Queue, promo: bool = False) -> float | None:
    """The queue's maximum occupancy; on voice during a promotion, raised by the promo factor."""
    if queue.max_occupancy is None:
        return None
    if promo and queue.channel == "voice":
        return min(1.0, queue.max_occupancy * queue.promo_load_factor)
    return queue.max_occupancy
