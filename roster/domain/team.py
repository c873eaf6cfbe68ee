"""The team: queues with service targets, contracts, shift templates and agents."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from roster.domain.base import Clock, DomainModel, Identifier, minutes_of_day


class Queue(DomainModel):
    """A stream of inquiries served by agents with one skill, and its service targets.

    Targets combine: the requirement is the fewest agents meeting every target given.
    """

    name: Identifier
    channel: Literal["chat", "voice"] = "chat"
    aht_seconds: float = Field(gt=0, le=86_400, description="average handling time per contact")
    service_level: float = Field(gt=0, lt=1, description="share answered within the threshold")
    answer_within_seconds: float = Field(gt=0, le=86_400)
    max_asa_seconds: float | None = Field(default=None, gt=0)
    max_occupancy: float | None = Field(default=None, gt=0, le=1)
    max_abandon: float | None = Field(default=None, gt=0, lt=1)
    patience_seconds: float | None = Field(default=None, gt=0, description="mean patience")
    concurrency: float = Field(default=1.0, ge=1, le=20, description="chats one agent carries")
    promo_load_factor: float = Field(
        default=1.0, ge=1, le=3, description="extra load an agent may carry during promotions"
    )
    shrinkage: float = Field(default=0.3, ge=0, lt=1, description="share of paid time off-queue")

    @model_validator(mode="after")
    def _voice_is_one_at_a_time(self) -> Queue:
        if self.channel == "voice" and self.concurrency != 1:
            raise ValueError(f"a voice queue has concurrency 1, got {self.concurrency}")
        return self


class ContractKind(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    TEMPORARY = "temporary"


class Contract(DomainModel):
    """Working-time rules of one contract.

    `*_per_week` limits hold in each full 7-day block counted from the period start; a
    trailing partial block is held to the maxima only. `*_per_period`, weekends and
    per-template counts hold over the whole planning period.
    """

    name: Identifier
    kind: ContractKind
    min_minutes_per_week: int = Field(ge=0, le=7 * 24 * 60)
    max_minutes_per_week: int = Field(gt=0, le=7 * 24 * 60)
    min_minutes_per_period: int | None = Field(
        default=None, ge=0, description="over the whole planning period (any length)"
    )
    max_minutes_per_period: int | None = Field(
        default=None, gt=0, description="over the whole planning period (any length)"
    )
    min_days_per_week: int = Field(default=0, ge=0, le=7)
    max_days_per_week: int = Field(ge=1, le=7)
    min_consecutive_days: int = Field(default=1, ge=1, le=14)
    max_consecutive_days: int = Field(ge=1, le=31)
    min_consecutive_days_off: int = Field(default=1, ge=1, le=14)
    min_rest_hours: float = Field(ge=0, le=48)
    max_weekends: int = Field(ge=0, le=52, description="weekends worked per planning period")
    allowed_templates: list[Identifier] = Field(
        default_factory=list, description="shift templates this contract may work; empty = all"
    )
    max_per_template: dict[str, int] = Field(
        default_factory=dict, description="maximum shifts of a template per planning period"
    )
    hourly_cost: float = Field(default=1.0, ge=0, description="cost of one paid hour")
    overtime_after_minutes: int | None = Field(default=None, ge=0)
    overtime_multiplier: float = Field(default=1.5, ge=1, le=5)

    @model_validator(mode="after")
    def _ranges(self) -> Contract:
        if self.min_minutes_per_week > self.max_minutes_per_week:
            raise ValueError(
                f"min_minutes_per_week ({self.min_minutes_per_week}) exceeds "
                f"max_minutes_per_week ({self.max_minutes_per_week})"
            )
        if (
            self.min_minutes_per_period is not None
            and self.max_minutes_per_period is not None
            and self.min_minutes_per_period > self.max_minutes_per_period
        ):
            raise ValueError(
                f"min_minutes_per_period ({self.min_minutes_per_period}) exceeds "
                f"max_minutes_per_period ({self.max_minutes_per_period})"
            )
        if self.min_days_per_week > self.max_days_per_week:
            raise ValueError(
                f"min_days_per_week ({self.min_days_per_week}) exceeds "
                f"max_days_per_week ({self.max_days_per_week})"
            )
        if self.min_consecutive_days > self.max_consecutive_days:
            raise ValueError(
                f"min_consecutive_days ({self.min_consecutive_days}) exceeds "
                f"max_consecutive_days ({self.max_consecutive_days})"
            )
        for name, count in self.max_per_template.items():
            if count < 0:
                raise ValueError(f"max_per_template[{name}] must be >= 0, got {count}")
        return self


class MealBreak(DomainModel):
    """A meal break placed inside shifts longer than `applies_over_minutes`.

    The break starts between `earliest_after_minutes` and `latest_after_minutes` after the
    shift start (both inclusive), on the interval grid.
    """

    applies_over_minutes: int = Field(default=360, ge=0)
    length_minutes: int = Field(default=60, gt=0, le=240)
    earliest_after_minutes: int = Field(default=180, ge=0)
    latest_after_minutes: int = Field(default=300, ge=0)

    @model_validator(mode="after")
    def _window(self) -> MealBreak:
        if self.earliest_after_minutes > self.latest_after_minutes:
            raise ValueError(
                f"earliest_after_minutes ({self.earliest_after_minutes}) exceeds "
                f"latest_after_minutes ({self.latest_after_minutes})"
            )
        return self


class ShiftTemplate(DomainModel):
    """An allowed shift pattern: a start-time window, a length and a meal-break rule.

    Start times run from `earliest_start` to `latest_start` on the interval grid; a shift
    may end after midnight (it still belongs to the day it starts).
    """

    name: Identifier
    earliest_start: Clock
    latest_start: Clock
    length_minutes: int = Field(gt=0, le=24 * 60)
    meal_break: MealBreak | None = None
    late: bool | None = Field(
        default=None, description="counts as a late shift for fairness; default: ends after 22:00"
    )

    @model_validator(mode="after")
    def _window(self) -> ShiftTemplate:
        if self.earliest_start > self.latest_start:
            raise ValueError(
                f"earliest_start ({self.earliest_start:%H:%M}) is after "
                f"latest_start ({self.latest_start:%H:%M})"
            )
        rule = self.meal_break
        if rule and self.length_minutes > rule.applies_over_minutes and (
            rule.latest_after_minutes + rule.length_minutes > self.length_minutes
        ):
            raise ValueError(
                f"the meal break may end {rule.latest_after_minutes + rule.length_minutes} "
                f"minutes after the start, beyond the {self.length_minutes}-minute shift"
            )
        return self

    def has_break(self) -> bool:
        """Whether shifts of this template carry a meal break."""
        return bool(self.meal_break and self.length_minutes > self.meal_break.applies_over_minutes)

    def paid_minutes(self) -> int:
        """Working minutes of one shift: its length less the meal break."""
        if self.meal_break is None or not self.has_break():
            return self.length_minutes
        return self.length_minutes - self.meal_break.length_minutes

    def is_late(self) -> bool:
        """Late shifts (fairness): explicit flag, else the latest start ends after 22:00."""
        if self.late is not None:
            return self.late
        return minutes_of_day(self.latest_start) + self.length_minutes > 22 * 60

    def start_minutes(self, interval_minutes: int) -> list[int]:
        """Allowed start times, as minutes since midnight, on the interval grid."""
        first = minutes_of_day(self.earliest_start)
        last = minutes_of_day(self.latest_start)
        first += (-first) % interval_minutes
        return list(range(first, last + 1, interval_minutes))


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class AvailabilityWindow(DomainModel):
    """Hours an agent can work on some weekdays (0 = Monday); `end` 00:00 means midnight."""

    weekdays: list[int] = Field(min_length=1)
    start: Clock
    end: Clock

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        for day in value:
            if not 0 <= day <= 6:
                raise ValueError(f"expected weekdays 0 (Mon) to 6 (Sun), got {day}")
        return sorted(set(value))

    @model_validator(mode="after")
    def _order(self) -> AvailabilityWindow:
        if self.end != time(0, 0) and self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} is not after start {self.start:%H:%M}")
        return self

    def covers(self, weekday: int, start_minute: int, end_minute: int) -> bool:
        """Whether [start_minute, end_minute) on `weekday` lies inside this window."""
        end = 24 * 60 if self.end == time(0, 0) else minutes_of_day(self.end)
        return weekday in self.weekdays and minutes_of_day(self.start) <= start_minute and (
            end_minute <= end
        )


class Agent(DomainModel):
    """A customer-service agent: contract, skills (queue -> level 1-5) and availability."""

    id: Identifier
    name: str = Field(min_length=1, max_length=100)
    team: Identifier
    contract: Identifier
    skills: dict[str, int] = Field(min_length=1, description="queue -> level 1 (basic) to 5")
    availability: list[AvailabilityWindow] = Field(
        default_factory=list, description="when the agent can work; empty = any time"
    )
    start_date: date | None = Field(default=None, description="first day the agent can work")
    end_date: date | None = Field(default=None, description="last day the agent can work")

    @field_validator("skills")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        for queue, level in value.items():
            if not 1 <= level <= 5:
                raise ValueError(f"expected levels 1 to 5, got {queue}:{level}")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Agent:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date: expected a date on or after start_date "
                             f"{self.start_date}, got {self.end_date}")
        return self

    def is_available(self, day: date, start_minute: int, end_minute: int) -> bool:
        """Whether the agent may work [start_minute, end_minute) minutes after `day` 00:00.

        Work past midnight is checked against the next day's windows.
        """
        if self.start_date and day < self.start_date:
            return False
        if self.end_date and day > self.end_date:
            return False
        if not self.availability:
            return True
        weekday = day.weekday()
        if end_minute <= 24 * 60:
            return any(w.covers(weekday, start_minute, end_minute) for w in self.availability)
        first = any(w.covers(weekday, start_minute, 24 * 60) for w in self.availability)
        nxt = (weekday + 1) % 7
        second = any(w.covers(nxt, 0, end_minute - 24 * 60) for w in self.availability)
        return first and second
