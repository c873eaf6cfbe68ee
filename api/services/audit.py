"""The audit trail: one row per state change, with who, when, what, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.deps import Principal
from api.models import AuditRow


def entry(who: Principal | None, action: str, entity: str, entity_id: object,
          team_id: str | None, before: dict[str, Any] | None,
          after: dict[str, Any] | None) -> dict[str, Any]:
    """The column values of one audit row."""
    return {"user_id": who.id if who else None, "username": who.username if who else "system",
            "team_id": team_id, "action": action, "entity": entity,
            "entity_id": str(entity_id), "before": before, "after": after}


def record(session: Session, who: Principal | None, action: str, entity: str,
           entity_id: object, team_id: str | None, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    """Add an audit row to the session's transaction (it commits or rolls back with it)."""
    session.add(AuditRow(**entry(who, action, entity, entity_id, team_id, before, after)))

