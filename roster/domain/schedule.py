"""Time on the planning grid: the period, requirements, shifts and rosters."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import Field, model_validator

from roster.domain.base import DomainModel, Identifier

IntervalMinutes = Literal[15, 30, 60]


class PlanningPeriod(DomainModel):
    """Days [start, start + days) cut into intervals of 60, 30 or 15 minutes."""

    start: date
    days: int = Field(default=7, ge=1, le=366, description="up to a year (yearly rosters)")
    interval_minutes: IntervalMinutes = 60

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.start + timedelta(days=self.days)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=d) for d in range(self.days)]

    @property
    def intervals_per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    def interval_starts(self) -> list[datetime]:
        """Start of every interval of the period, in order."""
        origin = datetime.combine(self.start, datetime.min.time())
        step = timedelta(minutes=self.interval_minutes)
        return [origin + i * step for i in range(self.days * self.intervals_per_day)]

    def index_of(self, moment: datetime) -> int:
        """Interval index of `moment` (may be negative or past the end); must be on the grid."""
        origin = datetime.combine(self.start, datetime.min.time())
        minutes, rest = divmod(int((moment - origin).total_seconds()), 60)
        if rest or minutes % self.interval_minutes:
            raise ValueError(
                f"{moment:%Y-%m-%d %H:%M} is not on the {self.interval_minutes}-minute grid"
            )
        return minutes // self.interval_minutes

    def weekends(self) -> list[list[date]]:
        """Saturday/Sunday groups inside the period (a partial weekend counts)."""
        groups: dict[date, list[date]] = defaultdict(list)
        for day in self.dates():
            if day.weekday() >= 5:
                groups[day - timedelta(days=day.weekday() - 5)].append(day)
        return [groups[k] for k in sorted(groups)]


class Requirement(DomainModel):
    """Agents needed on a queue in the interval starting at `start`.

    `agents` is on the queue (before shrinkage); the service levels with one agent fewer
    and one more let the roster weigh a shortfall by what it costs in service.
    """

    start: datetime
    queue: Identifier
    agents: int = Field(ge=0)
    service_level: float | None = Field(default=None, ge=0, le=1)
    service_level_minus_one: float | None = Field(default=None, ge=0, le=1)
    service_level_plus_one: float | None = Field(default=None, ge=0, le=1)


class Break(DomainModel):
    """An unpaid break inside a shift, [start, end)."""

    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _order(self) -> Break:
        if self.end <= self.start:
            raise ValueError(f"break end {self.end:%H:%M} is not after start {self.start:%H:%M}")
        return self


class Segment(DomainModel):
    """Part of a shift spent on one queue, [start, end)."""

    start: datetime
    end: datetime
    queue: Identifier

    @model_validator(mode="after")
    def _order(self) -> Segment:
        if self.end <= self.start:
            raise ValueError(f"segment end {self.end:%H:%M} is not after start {self.start:%H:%M}")
        return self


class Shift(DomainModel):
    """One agent's working block on one day: [start, end) with breaks and queue segments.

    `queue` is the main queue; `segments` (optional) say which queue is served when, and
    together with the breaks they tile the shift.
    """

    agent_id: Identifier
    date: dt.date
    start: datetime
    end: datetime
    template: Identifier | None = None
    queue: Identifier | None = None
    breaks: list[Break] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _inside(self) -> Shift:
        if self.end <= self.start:
            raise ValueError(
                f"shift of {self.agent_id} on {self.date}: end {self.end:%Y-%m-%d %H:%M} is not "
                f"after start {self.start:%Y-%m-%d %H:%M}"
            )
        if self.start.date() != self.date:
            raise ValueError(
                f"shift of {self.agent_id} dated {self.date} starts on {self.start.date()}"
            )
        parts: list[Break | Segment] = [*self.breaks, *self.segments]
        for part in parts:
            if part.start < self.start or part.end > self.end:
                raise ValueError(
                    f"shift of {self.agent_id} on {self.date}: {part.start:%H:%M}-{part.end:%H:%M} "
                    f"lies outside the shift {self.start:%H:%M}-{self.end:%H:%M}"
                )
        return self

    @property
    def minutes(self) -> int:
        """Length including breaks."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def paid_minutes(self) -> int:
        """Working minutes: the length less the breaks."""
        unpaid = sum(int((b.end - b.start).total_seconds() // 60) for b in self.breaks)
        return self.minutes - unpaid

    def queue_at(self, moment: datetime) -> str | None:
        """The queue served at `moment`, or None during a break or outside the shift."""
        if not self.start <= moment < self.end:
            return None
        if any(b.start <= moment < b.end for b in self.breaks):
            return None
        for segment in self.segments:
            if segment.start <= moment < segment.end:
                return segment.queue
        return self.queue


class Roster(DomainModel):
    """All shifts of a team over a planning period; `version` increases on every change."""

    team: Identifier
    period: PlanningPeriod
    version: int = Field(default=1, ge=1)
    shifts: list[Shift] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_shift_per_day(self) -> Roster:
        seen: set[tuple[str, date]] = set()
        for shift in self.shifts:
            key = (shift.agent_id, shift.date)
            if key in seen:
                raise ValueError(f"{shift.agent_id} has more than one shift on {shift.date}")
            seen.add(key)
        by_agent: dict[str, list[Shift]] = defaultdict(list)
        for shift in self.shifts:
            by_agent[shift.agent_id].append(shift)
        for agent_id, shifts in by_agent.items():
            shifts.sort(key=lambda s: s.start)
            for first, second in itertools.pairwise(shifts):
                if second.start < first.end:
                    raise ValueError(
                        f"{agent_id}: shift on {second.date} starts before the shift on "
                        f"{first.date} ends"
                    )
        return self

    def shift_of(self, agent_id: str, day: date) -> Shift | None:
        """The agent's shift on `day`, if any."""
        for shift in self.shifts:
            if shift.agent_id == agent_id and shift.date == day:
                return shift
        return None
