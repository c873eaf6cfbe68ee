"""User accounts (planners only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import CurrentUser, SessionDep
from api.models import User
from api.schemas import UserIn
from api.services.users import add_user, user_out

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=201)
def create(body: UserIn, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    who.require_planner()
    user = add_user(session, body, who)
    session.commit()
    return user_out(session, user)


@router.get("")
def list_users(who: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    who.require_planner()
    return [user_out(session, u) for u in session.scalars(select(User).order_by(User.id))]
