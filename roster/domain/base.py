"""Shared base class and small value types for the domain model."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

Identifier = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[^\s,;:]+$"),
]
"""An id or name used as a reference: no spaces, commas, semicolons or colons."""

Weight = Annotated[float, Field(gt=0, le=1000)]
"""A soft-rule weight: positive, at most 1000."""

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


class DomainModel(BaseModel):
    """Base for every domain model: strict field names, validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def check_time_zone(value: str) -> str:
    """Return `value` if it names an IANA time zone; raise ValueError naming it otherwise."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"expected an IANA time zone such as Asia/Shanghai, got {value!r}"
        ) from None
    return value


def parse_clock(value: str) -> time:
    """Parse `HH:MM` (00:00-23:59) into a time; raise ValueError naming the value."""
    match = _TIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"expected a time HH:MM, got {value!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"expected a time HH:MM between 00:00 and 23:59, got {value!r}")
    return time(hour, minute)


def minutes_of_day(value: time) -> int:
    """Minutes since midnight."""
    return value.hour * 60 + value.minute


def _clock_input(value: object) -> object:
    return parse_clock(value) if isinstance(value, str) else value


Clock = Annotated[
    time,
    BeforeValidator(_clock_input),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str, when_used="json"),
]
"""A time of day, read from and written as `HH:MM`."""
