"""The leave lifecycle: an agent requests, a supervisor approves or rejects.

Approval shows the coverage effect on each published roster the leave touches (the agent's
overlapping shifts removed) and may start a minimal-change repair job.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import utc_now
from api.deps import Principal
from api.errors import BadRequest, Conflict, Forbidden, NotFound
from api.models import LeaveRow, SeriesRow
from api.services import rosters as store
from api.services.audit import record
from api.services.coverage import coverage_effect
from api.services.teams import agent_row, team_row
from roster.domain import Leave, LeaveType, TeamSettings


def leave_out(row: LeaveRow) -> dict[str, Any]:
    return {"id": row.id, "team_id": row.team_id, "agent_id": row.agent_id,
            "start": row.start, "end": row.end, "type": row.type, "status": row.status,
            "note": row.note, "comment": row.comment, "coverage": row.coverage,
            "repair_job_id": row.repair_job_id, "created_at": row.created_at,
            "updated_at": row.updated_at}


def _brief(row: LeaveRow) -> dict[str, Any]:
    return {"agent_id": row.agent_id, "start": row.start.isoformat(),
            "end": row.end.isoformat(), "type": row.type, "status": row.status}


def leave_row(session: Session, leave_id: int) -> LeaveRow:
    row = session.get(LeaveRow, leave_id)
    if row is None:
        raise NotFound(f"no leave request {leave_id}", field="leave_id")
    return row


def visible(session: Session, who: Principal, leave_id: int) -> LeaveRow:
    row = leave_row(session, leave_id)
    allowed = (who.supervises(row.team_id) if who.role != "agent"
               else who.team_id == row.team_id and who.agent_id == row.agent_id)
    if not allowed:
        raise Forbidden(f"user {who.username!r} may not see leave request {leave_id}",
                        field="leave_id")
    return row


def request(session: Session, who: Principal, team_id: str, agent_id: str | None,
            start: datetime, end: datetime, kind: LeaveType, note: str) -> LeaveRow:
    """Ask for leave over [start, end); an agent asks for themselves."""
    team_row(session, team_id)
    if who.role == "agent":
        if who.team_id != team_id or agent_id not in (None, who.agent_id):
            raise Forbidden(f"agent {who.agent_id!r} may only request their own leave",
                            field="agent_id")
        agent_id = who.agent_id
    else:
        who.require_supervisor(team_id)
    if agent_id is None:
        raise BadRequest("expected agent_id, got nothing", field="agent_id")
    agent_row(session, team_id, agent_id)
    if end <= start:
        raise BadRequest(f"expected end after start {start:%Y-%m-%d %H:%M}, got "
                         f"{end:%Y-%m-%d %H:%M}", field="end")
    Leave(agent_id=agent_id, start=start, end=end, type=kind)  # the domain's own checks
    clash = session.scalars(select(LeaveRow).where(
        LeaveRow.team_id == team_id, LeaveRow.agent_id == agent_id,
        LeaveRow.status.in_(["requested", "approved"]), LeaveRow.start < end,
        LeaveRow.end > start)).first()
    if clash is not None:
        raise Conflict(f"{agent_id} already has {clash.status} leave {clash.start:%Y-%m-%d %H:%M}"
                       f" to {clash.end:%Y-%m-%d %H:%M} (request {clash.id}) overlapping it",
                       field="start")
    row = LeaveRow(team_id=team_id, agent_id=agent_id, start=start, end=end, type=kind.value,
                   status="requested", note=note, created_by=who.id)
    session.add(row)
    session.flush()
    row.coverage = effect(session, row)
    record(session, who, "leave.request", "leave", row.id, team_id, None, _brief(row))
    return row


def effect(session: Session, row: LeaveRow) -> dict[str, Any]:
    """Per published roster the leave touches: the shifts it removes and their coverage effect."""
    settings = TeamSettings.model_validate(team_row(session, row.team_id).settings)
    results = []
    for series in session.scalars(select(SeriesRow).where(
            SeriesRow.team_id == row.team_id, SeriesRow.published_roster_id.is_not(None))):
        end = datetime.combine(series.period_start + timedelta(days=series.period_days),
                               datetime.min.time())
        if datetime.combine(series.period_start, datetime.min.time()) >= row.end or (
                end <= row.start):
            continue
        roster_row = store.roster_row(session, series.published_roster_id)
        roster = store.roster_of(roster_row)
        lost = [s for s in roster.shifts if s.agent_id == row.agent_id
                and s.start < row.end and row.start < s.end]
        results.append({
            "roster_id": roster_row.id, "version": roster.version,
            "shifts_lost": [{"date": s.date.isoformat(), "start": f"{s.start:%Y-%m-%d %H:%M}",
                             "end": f"{s.end:%Y-%m-%d %H:%M}", "queue": s.queue} for s in lost],
            "coverage": coverage_effect(settings, roster, lost, [],
                                        store.needs_of(session, series))})
    return {"rosters": results, "checked_at": utc_now().isoformat()}


def decide(session: Session, who: Principal, row: LeaveRow, approve: bool,
           comment: str) -> LeaveRow:
    who.require_supervisor(row.team_id)
    if row.status != "requested":
        raise Conflict(f"leave request {row.id} is {row.status}; expected it to be requested",
                       field="status")
    before = _brief(row)
    row.coverage = effect(session, row)
    row.status = "approved" if approve else "rejected"
    row.comment, row.decided_by, row.updated_at = comment, who.id, utc_now()
    record(session, who, "leave.approve" if approve else "leave.reject", "leave", row.id,
           row.team_id, before, {**_brief(row), "comment": comment})
    return row


def cancel(session: Session, who: Principal, row: LeaveRow) -> LeaveRow:
    if not (who.role == "agent" and who.agent_id == row.agent_id) and not who.supervises(
            row.team_id):
        raise Forbidden(f"only {row.agent_id!r} or a supervisor may cancel leave request "
                        f"{row.id}", field="leave_id")
    if row.status != "requested":
        raise Conflict(f"leave request {row.id} is {row.status}; only a pending request can "
                       "be cancelled", field="status")
    before = _brief(row)
    row.status, row.updated_at = "cancelled", utc_now()
    record(session, who, "leave.cancel", "leave", row.id, row.team_id, before, _brief(row))
    return row


def list_leave(session: Session, who: Principal, team_id: str, status: str | None,
               limit: int, offset: int) -> list[LeaveRow]:
    who.require_team(team_id)
    query = select(LeaveRow).where(LeaveRow.team_id == team_id).order_by(LeaveRow.id.desc())
    if who.role == "agent":
        query = query.where(LeaveRow.agent_id == who.agent_id)
    if status is not None:
        query = query.where(LeaveRow.status == status)
    return list(session.scalars(query.limit(limit).offset(offset)))
