"""The audit trail, for supervisors (their teams) and planners (everything)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.deps import CurrentUser, SessionDep
from api.errors import Forbidden
from api.models import AuditRow
from api.schemas import Limit, Offset

router = APIRouter(prefix="/audit", tags=["audit"])


def audit_out(row: AuditRow) -> dict[str, Any]:
    return {"id": row.id, "at": row.at, "user_id": row.user_id, "username": row.username,
            "team_id": row.team_id, "action": row.action, "entity": row.entity,
            "entity_id": row.entity_id, "before": row.before, "after": row.after}


@router.get("")
def list_audit(
    who: CurrentUser, session: SessionDep,
    team_id: Annotated[str | None, Query(max_length=64, pattern=r"^[^\s,;:\x00-\x1f]+$")] = None,
    entity: Annotated[str | None, Query(max_length=24, pattern=r"^[a-z_]+$")] = None,
    entity_id: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9A-Za-z_.-]+$")] = None,
    limit: Limit = 100, offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Newest first: who did what, when, with the record before and after."""
    if who.role == "agent":
        raise Forbidden("the audit log is for supervisors and planners")
    query = select(AuditRow).order_by(AuditRow.id.desc())
    if team_id is not None:
        who.require_supervisor(team_id)
        query = query.where(AuditRow.team_id == team_id)
    elif not who.is_planner:
        query = query.where(AuditRow.team_id.in_(sorted(who.teams)))
    if entity is not None:
        query = query.where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    return [audit_out(r) for r in session.scalars(query.limit(limit).offset(offset))]
