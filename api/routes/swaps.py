"""Swap requests: propose, accept/decline, approve/reject, cancel, and the live check."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import CurrentUser, Principal, SessionDep, TokenUserId
from api.errors import Conflict
from api.schemas import CommentIn, Limit, Offset, RowId, SwapIn, TeamId
from api.services import approval
from api.services import swaps as service
from api.services.teams import team_row

router = APIRouter(tags=["swaps"])

Status = Literal["pending_peer", "pending_supervisor", "approved", "rejected", "declined",
                 "cancelled", "expired"]
AUTO = Principal(id=0, username="auto-approval", role="planner")


@router.post("/teams/{team_id}/swaps", status_code=201)
def propose(team_id: TeamId, body: SwapIn, who: CurrentUser,
            session: SessionDep) -> dict[str, Any]:
    """Offer one of your shifts to a colleague in exchange for theirs (or give it away)."""
    row = service.propose(session, who, team_id, body.requester_id, body.requester_date,
                          body.peer_id, body.peer_date, body.note)
    session.commit()
    return service.swap_out(row)


@router.get("/swaps")
def list_swaps(who: CurrentUser, session: SessionDep,
               team_id: Annotated[str | None, Query(max_length=64,
                                                    pattern=r"^[^\s,;:\x00-\x1f]+$")] = None,
               status: Status | None = None, limit: Limit = 100,
               offset: Offset = 0) -> list[dict[str, Any]]:
    """Swaps you may see: agents theirs, supervisors their teams', planners all."""
    rows = service.list_swaps(session, who, team_id, status, limit, offset)
    session.commit()
    return [service.swap_out(r) for r in rows if status is None or r.status == status]


@router.get("/swaps/{swap_id}")
def get_swap(swap_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = service.visible(session, who, swap_id)
    service.expire_due(session, row)
    session.commit()
    return service.swap_out(row)


@router.get("/swaps/{swap_id}/check")
def check_now(swap_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Check the swap against the current published roster now: the rule violations for both
    agents and the coverage effect per interval and queue (nothing is changed)."""
    row = service.visible(session, who, swap_id)
    ctx = service.context_for(session, row)
    result, _ = service.check(ctx, row.requester_id, row.requester_date, row.peer_id,
                              row.peer_date, (row.requester_shift, row.peer_shift),
                              service.local_time(session, row.team_id), "preview")
    return result


@router.post("/swaps/{swap_id}/accept")
def accept(swap_id: RowId, request: Request, who: CurrentUser, session: SessionDep,
           body: CommentIn | None = None) -> dict[str, Any]:
    """The colleague agrees; the swap goes to the supervisor (or is auto-approved)."""
    row = service.visible(session, who, swap_id)
    result = service.respond(session, who, row, True, body.comment if body else "")
    auto = team_row(session, row.team_id).auto_approve_swaps
    session.commit()  # releases the write lock before the approval's own transactions
    if row.status == "expired":
        raise Conflict(f"swap {swap_id} expired at {row.expires_at}", field="status")
    coverage = (result or {}).get("coverage") or {}
    if auto and result and result["ok"] and not coverage.get("worse"):
        state = request.app.state
        with contextlib.suppress(Conflict):  # else it stays with the supervisor
            approval.approve(state.sessions, AUTO, swap_id,
                             "auto-approved: no rule broken, coverage no worse", auto=True)
    session.expire_all()
    row = service.swap_row(session, swap_id)
    session.commit()
    return service.swap_out(row)


@router.post("/swaps/{swap_id}/decline")
def decline(swap_id: RowId, who: CurrentUser, session: SessionDep,
            body: CommentIn | None = None) -> dict[str, Any]:
    row = service.visible(session, who, swap_id)
    service.respond(session, who, row, False, body.comment if body else "")
    session.commit()
    if row.status == "expired":
        raise Conflict(f"swap {swap_id} expired at {row.expires_at}", field="status")
    return service.swap_out(row)


@router.post("/swaps/{swap_id}/approve")
async def approve(swap_id: RowId, request: Request, user_id: TokenUserId,
                  body: CommentIn | None = None) -> dict[str, Any]:
    """Apply the swap in a new published version; 409 with the reasons when it is blocked
    or when a concurrent change made it no longer fit."""
    return await request.app.state.approvals.approve(
        approval.Approval(user_id, swap_id, body.comment if body else ""))


@router.post("/swaps/{swap_id}/reject")
def reject(swap_id: RowId, who: CurrentUser, session: SessionDep,
           body: CommentIn | None = None) -> dict[str, Any]:
    row = service.visible(session, who, swap_id)
    service.reject(session, who, row, body.comment if body else "")
    session.commit()
    return service.swap_out(row)


@router.post("/swaps/{swap_id}/cancel")
def cancel(swap_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = service.visible(session, who, swap_id)
    service.cancel(session, who, row)
    session.commit()
    return service.swap_out(row)
