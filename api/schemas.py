"""Request bodies and shared field types: bounded, so bad input is a 422 naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from roster.domain import LeaveType, Roster, Team

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def _no_control(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValueError("expected text without control characters, got one")
    return value


def _in_range(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"expected a date between {FIRST_DAY} and {LAST_DAY}, got {day}")
    return value


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise ValueError(f"expected local wall-clock time YYYY-MM-DD HH:MM without a zone, got "
                         f"{value.isoformat()}")
    return value


Text = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_control)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                        pattern=r"^[^\s,;:\x00-\x1f]+$")]
PlanDate = Annotated[date, AfterValidator(_in_range)]
LocalTime = Annotated[datetime, AfterValidator(_naive), AfterValidator(_in_range)]

RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="numeric id")]
TeamId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\s,;:\x00-\x1f]+$")]
AgentId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\s,;:\x00-\x1f]+$")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserIn(Body):
    username: Name
    password: Annotated[str, StringConstraints(min_length=8, max_length=200)]
    role: Literal["agent", "supervisor", "planner"]
    team_id: Name | None = Field(default=None, description="an agent's team")
    agent_id: Name | None = Field(default=None, description="the agent this login belongs to")
    teams: list[Name] = Field(default_factory=list, max_length=100,
                              description="teams a supervisor supervises")


class ImportIn(Body):
    folder: Annotated[str, StringConstraints(min_length=1, max_length=1000),
                      AfterValidator(_no_control)] = Field(
        description="a scenario folder on the server (settings.toml, agents.csv, ...)")


class TeamIn(Body):
    team: Team


class TeamPatch(Body):
    auto_approve_swaps: bool


class RequirementIn(Body):
    start: LocalTime
    queue: Name
    agents: int = Field(ge=0, le=100_000)
    scheduled: int | None = Field(default=None, ge=0, le=100_000)
    volume: float | None = Field(default=None, ge=0, le=1e7)
    service_level: float | None = Field(default=None, ge=0, le=1)
    service_level_minus_one: float | None = Field(default=None, ge=0, le=1)
    service_level_plus_one: float | None = Field(default=None, ge=0, le=1)


class SolveIn(Body):
    start: PlanDate
    days: int | None = Field(default=None, ge=1, le=62, description="default: the team's")
    requirements: list[RequirementIn] = Field(max_length=200_000)
    time_limit_seconds: float | None = Field(default=None, gt=0, le=3600)


class UploadIn(Body):
    roster: Roster
    requirements: list[RequirementIn] | None = Field(default=None, max_length=200_000)


class PublishIn(Body):
    replaces_roster_id: int | None = Field(
        default=None, ge=1, le=2_147_483_647,
        description="the published roster you mean to replace (default: the one published "
                    "when the draft was made)")


class SwapIn(Body):
    requester_id: Name | None = Field(default=None, description="default: yourself")
    requester_date: PlanDate
    peer_id: Name
    peer_date: PlanDate | None = Field(default=None, description="empty: give the shift away")
    note: Text = ""


class CommentIn(Body):
    comment: Text = ""


class LeaveIn(Body):
    agent_id: Name | None = Field(default=None, description="default: yourself")
    start: LocalTime
    end: LocalTime
    type: LeaveType
    note: Text = ""


class LeaveDecision(Body):
    comment: Text = ""
    repair: bool = Field(default=False, description="start a minimal-change repair job")
    time_limit_seconds: float | None = Field(default=None, gt=0, le=3600)


def dump(rows: list[Any]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json", exclude_none=True) for r in rows]
