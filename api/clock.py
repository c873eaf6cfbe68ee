"""Time in one place: UTC for records, the team's wall clock for shifts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_now(zone: str) -> datetime:
    """Wall-clock time now in `zone`, naive (shifts are stored as naive local times)."""
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None)
