"""Staffing: from forecast volumes to agents needed per interval and queue.

- `evaluate(queue, volume, interval_minutes, agents, promo=False) -> Projection`
- `required_agents(queue, volume, interval_minutes, promo=False) -> Projection`
- `requirements(forecast, queues, interval_minutes=60, quantile="p50") -> DataFrame`

Queueing models: Erlang C (`erlang_c`), Erlang A (`erlang_a`), chat concurrency
(`chat`); targets and the search (`targets`); marginal value (`marginal`); a discrete-event
simulation to check them (`simulation`).
"""

from roster.staffing.projection import Measures, Projection, evaluate, offered_load
from roster.staffing.requirement import COLUMNS, required_agents, requirements

__all__ = [
    "COLUMNS", "Measures", "Projection", "evaluate", "offered_load", "required_agents",
    "requirements",
]
