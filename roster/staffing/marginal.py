"""Marginal value of an agent: the service level with one agent fewer and one more.

The roster engine weighs a shortfall by it, so a missing agent at the evening peak (where
one agent moves the service level a lot) costs more than one at 04:00.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from roster.domain import Queue
from roster.staffing.erlang_c import FloatArray
from roster.staffing.targets import service_levels


def service_level_either_side(
    queue: Queue, load: ArrayLike, agents: ArrayLike, promo: ArrayLike = False
) -> tuple[FloatArray, FloatArray]:
    """Service levels with `agents - 1` (at least 0) and `agents + 1` agents, per interval."""
    agents = np.asarray(agents, np.int64)
    fewer = service_levels(queue, load, np.maximum(agents - 1, 0), promo)
    more = service_levels(queue, load, agents + 1, promo)
    return fewer, more
