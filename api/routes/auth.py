"""Sign in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import NotAuthenticated
from api.models import User
from api.security import create_token, verify_password

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
          settings: SettingsDep) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    user = session.scalars(select(User).where(User.username == form.username)).first()
    if user is None or not user.active or not verify_password(form.password, user.password_hash):
        raise NotAuthenticated("expected a known username and its password, got a wrong pair",
                               field="username")
    return {"access_token": create_token(user.id, settings.secret_key, settings.token_minutes),
            "token_type": "bearer", "expires_in": settings.token_minutes * 60}


@router.get("/me")
def me(who: CurrentUser) -> dict[str, Any]:
    return {"id": who.id, "username": who.username, "role": who.role, "team_id": who.team_id,
            "agent_id": who.agent_id, "teams": sorted(who.teams)}
