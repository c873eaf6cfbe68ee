"""What agents ask for: leave, preferences and shift swaps."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from roster.domain.base import Clock, DomainModel, Identifier, Weight, parse_clock


class LeaveType(StrEnum):
    """Kinds of absence. All but `unavailable` lower the contract's minimums pro rata."""

    ANNUAL = "annual"
    SICK = "sick"
    PERSONAL = "personal"
    TRAINING = "training"
    UNAVAILABLE = "unavailable"


class LeaveStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Leave(DomainModel):
    """Time off for one agent over [start, end), local wall-clock time."""

    agent_id: Identifier
    start: datetime
    end: datetime
    type: LeaveType
    status: LeaveStatus = LeaveStatus.APPROVED
    note: str = ""

    @model_validator(mode="after")
    def _order(self) -> Leave:
        if self.end <= self.start:
            raise ValueError(f"end: expected a time after start {self.start:%Y-%m-%d %H:%M}, "
                             f"got {self.end:%Y-%m-%d %H:%M}")
        return self

    @property
    def blocks_work(self) -> bool:
        """Approved leave keeps the agent off the roster."""
        return self.status == LeaveStatus.APPROVED

    @property
    def lowers_minimums(self) -> bool:
        """Approved absence (not a plain `unavailable` day) lowers weekly minimums pro rata."""
        return self.blocks_work and self.type != LeaveType.UNAVAILABLE

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether this leave intersects [start, end)."""
        return self.start < end and start < self.end


class PreferenceKind(StrEnum):
    PREFER_SHIFT = "prefer_shift"
    AVOID_SHIFT = "avoid_shift"
    DAY_OFF = "day_off"
    PREFER_TIME = "prefer_time"
    AVOID_TIME = "avoid_time"


class Preference(DomainModel):
    """A wish with a weight; the roster honours it when it can.

    - `prefer_shift` / `avoid_shift`: a shift template, on `date` or on every day if empty;
    - `day_off`: no work on `date` (required);
    - `prefer_time` / `avoid_time`: work inside / not in [start_time, end_time) of the day.
    """

    agent_id: Identifier
    kind: PreferenceKind
    date: dt.date | None = None
    template: Identifier | None = None
    start_time: Clock | None = None
    end_time: Clock | None = None
    weight: Weight = 1.0

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        return parse_clock(value) if isinstance(value, str) and value.strip() else value or None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Preference:
        kind = self.kind
        if kind in (PreferenceKind.PREFER_SHIFT, PreferenceKind.AVOID_SHIFT):
            if self.template is None:
                raise ValueError(f"template: expected a template for a {kind} preference, "
                                 "got none")
        elif kind == PreferenceKind.DAY_OFF:
            if self.date is None:
                raise ValueError("date: expected a date for a day_off preference, got none")
        else:
            if self.start_time is None or self.end_time is None:
                raise ValueError(f"start_time: expected start_time and end_time for a {kind} "
                                 "preference, got none")
            if self.end_time != time(0, 0) and self.end_time <= self.start_time:
                raise ValueError(
                    f"end_time: expected a time after start_time {self.start_time:%H:%M}, "
                    f"got {self.end_time:%H:%M}"
                )
        return self


class Decision(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SwapStatus(StrEnum):
    PENDING_PEER = "pending_peer"
    PENDING_SUPERVISOR = "pending_supervisor"
    APPROVED = "approved"
    REJECTED = "rejected"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class ShiftRef(DomainModel):
    """Points at one agent's shift on one day of a roster."""

    agent_id: Identifier
    date: dt.date


class SwapRequest(DomainModel):
    """An exchange of two shifts, or a give-away of one (`peer_shift` empty).

    The peer accepts or declines first; a supervisor then approves or rejects.
    """

    id: int | None = None
    requester_shift: ShiftRef
    peer_id: Identifier
    peer_shift: ShiftRef | None = None
    peer_decision: Decision = Decision.PENDING
    supervisor_id: str | None = None
    supervisor_approved: bool | None = None
    status: SwapStatus = SwapStatus.PENDING_PEER
    reasons: list[str] = Field(default_factory=list, description="why it was blocked or decided")
    comment: str = ""
    created_at: datetime | None = None

    @property
    def requester_id(self) -> str:
        return self.requester_shift.agent_id

    @property
    def is_give_away(self) -> bool:
        return self.peer_shift is None

    @model_validator(mode="after")
    def _parties(self) -> SwapRequest:
        if self.peer_id == self.requester_shift.agent_id:
            raise ValueError("an agent cannot swap with themselves")
        if self.peer_shift is not None and self.peer_shift.agent_id != self.peer_id:
            raise ValueError(
                f"peer_shift belongs to {self.peer_shift.agent_id}, not to peer {self.peer_id}"
            )
        return self
