"""Checks on the numbers a caller passes in: clear errors naming what was expected."""

from __future__ import annotations

import math
from numbers import Integral, Real

from forecasting.validation import InputError

INTERVALS = (15, 30, 60)


def check_volume(volume: float, name: str = "volume") -> None:
    """Contacts in an interval: a finite number >= 0."""
    if isinstance(volume, bool) or not isinstance(volume, Real) or not math.isfinite(volume) or (
        volume < 0
    ):
        raise InputError(f"{name}: expected a number of contacts >= 0, got {volume!r}")


def check_interval(interval_minutes: int, name: str = "interval_minutes") -> None:
    """Interval length: 15, 30 or 60 minutes."""
    if interval_minutes not in INTERVALS:
        raise InputError(f"{name}: expected 15, 30 or 60 minutes, got {interval_minutes!r}")


def check_agents(agents: int, name: str = "agents") -> None:
    """Agents on the queue: a whole number >= 0."""
    if isinstance(agents, bool) or not isinstance(agents, Integral) or agents < 0:
        raise InputError(f"{name}: expected a whole number of agents >= 0, got {agents!r}")
