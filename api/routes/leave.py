"""Leave requests: an agent asks, a supervisor sees the coverage effect and decides."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import CurrentUser, SessionDep
from api.errors import Conflict
from api.models import SeriesRow
from api.schemas import CommentIn, LeaveDecision, LeaveIn, Limit, Offset, RowId, TeamId
from api.services import jobs
from api.services import leave as service

router = APIRouter(tags=["leave"])

Status = Literal["requested", "approved", "rejected", "cancelled"]


@router.post("/teams/{team_id}/leave", status_code=201)
def request_leave(team_id: TeamId, body: LeaveIn, who: CurrentUser,
                  session: SessionDep) -> dict[str, Any]:
    """Ask for leave over [start, end); the response shows its coverage effect."""
    row = service.request(session, who, team_id, body.agent_id, body.start, body.end,
                          body.type, body.note)
    session.commit()
    return service.leave_out(row)


@router.get("/teams/{team_id}/leave")
def list_leave(team_id: TeamId, who: CurrentUser, session: SessionDep,
               status: Annotated[Status | None, Query()] = None, limit: Limit = 100,
               offset: Offset = 0) -> list[dict[str, Any]]:
    return [service.leave_out(r)
            for r in service.list_leave(session, who, team_id, status, limit, offset)]


@router.get("/leave/{leave_id}")
def get_leave(leave_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = service.visible(session, who, leave_id)
    out = service.leave_out(row)
    if row.status == "requested":
        out["coverage"] = service.effect(session, row)
    return out


@router.post("/leave/{leave_id}/approve")
def approve(leave_id: RowId, request: Request, who: CurrentUser, session: SessionDep,
            body: LeaveDecision | None = None) -> dict[str, Any]:
    """Approve; with `repair: true` also start a minimal-change repair job of each published
    roster the leave touches."""
    body = body or LeaveDecision()
    row = service.visible(session, who, leave_id)
    service.decide(session, who, row, True, body.comment)
    job_ids = []
    if body.repair:
        touched = [r["roster_id"] for r in (row.coverage or {}).get("rosters", [])]
        if not touched:
            raise Conflict(f"leave request {leave_id} touches no published roster; nothing to "
                           "repair (approve it without repair)", field="repair")
        cap = request.app.state.settings.solve_time_limit_seconds
        limit = min(body.time_limit_seconds or cap, cap)
        for roster_id in touched:
            series = session.get(SeriesRow, service.store.roster_row(session, roster_id)
                                 .series_id)
            assert series is not None
            job = jobs.create_job(session, who, row.team_id, "repair", series,
                                  {"time_limit_seconds": limit, "leave_id": row.id})
            job_ids.append(job.id)
        row.repair_job_id = job_ids[0]
    session.commit()
    for job_id in job_ids:
        request.app.state.jobs.submit(job_id)
    return {**service.leave_out(row), "repair_job_ids": job_ids}


@router.post("/leave/{leave_id}/reject")
def reject(leave_id: RowId, who: CurrentUser, session: SessionDep,
           body: CommentIn | None = None) -> dict[str, Any]:
    row = service.visible(session, who, leave_id)
    service.decide(session, who, row, False, body.comment if body else "")
    session.commit()
    return service.leave_out(row)


@router.post("/leave/{leave_id}/cancel")
def cancel(leave_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = service.visible(session, who, leave_id)
    service.cancel(session, who, row)
    session.commit()
    return service.leave_out(row)
