"""Database tables (SQLAlchemy 2). Alembic migrations in `api/migrations` create them.

Rosters are stored one row per version with the whole domain `Roster` as JSON text: a
version is an immutable snapshot that is always read, checked and exported as a whole, so
applying a swap is one insert plus one compare-and-set on the series row, and a version
never changes after it is written (which also makes it safe to cache by id). A version made
by a swap also records the change from its base, which lets every server process carry its
in-memory copy forward instead of parsing the whole roster again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from api.clock import utc_now


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    agent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class SupervisorTeam(Base):
    __tablename__ = "supervisor_teams"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    preferences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    auto_approve_swaps: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AgentRow(Base):
    __tablename__ = "agents"

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                         primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class LeaveRow(Base):
    __tablename__ = "leave_requests"
    __table_args__ = (ForeignKeyConstraint(["team_id", "agent_id"],
                                           ["agents.team_id", "agents.id"]),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    coverage: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    repair_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class SeriesRow(Base):
    """The versions of one team's roster for one planning period, and which is published.

    `published_roster_id` is the optimistic lock: every change of the published version is a
    compare-and-set `UPDATE ... WHERE published_roster_id = <the one the change was built on>`.
    """

    __tablename__ = "roster_series"
    __table_args__ = (UniqueConstraint("team_id", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_days: Mapped[int] = mapped_column(Integer)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    published_roster_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_version: Mapped[int] = mapped_column(Integer, default=0)
    requirements: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True,
                                                           deferred=True)
    requirements_rev: Mapped[int] = mapped_column(Integer, default=0)
    """Increases whenever `requirements` is replaced (the cache key of their index)."""


class RosterRow(Base):
    __tablename__ = "rosters"
    __table_args__ = (UniqueConstraint("series_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("roster_series.id", ondelete="CASCADE"),
                                           index=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    based_on_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The whole roster as JSON; NULL for a version stored as its `change` only (read it
    through `api.services.versions`, which rebuilds it from the nearest stored roster)."""
    change: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """For a version made from `based_on_id` by a small change (a swap): the shifts removed
    (`[agent_id, date]` pairs) and added, so a process that holds the base version in memory
    builds this one without parsing `data`. Swaps store the whole roster only in every
    `versions.SNAPSHOT_EVERY`-th version, so no version is more changes than that away from
    a whole one."""
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    roster_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class SwapRow(Base):
    __tablename__ = "swaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("roster_series.id", ondelete="CASCADE"))
    requester_id: Mapped[str] = mapped_column(String(64))
    requester_date: Mapped[date] = mapped_column(Date)
    peer_id: Mapped[str] = mapped_column(String(64))
    peer_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    requester_shift: Mapped[dict[str, Any]] = mapped_column(JSON)
    peer_shift: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    peer_decision: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    last_check: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    applied_roster_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AuditRow(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
