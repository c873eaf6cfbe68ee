"""What routes ask for: a database session, the signed-in user, the settings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import Forbidden, NotAuthenticated
from api.models import SupervisorTeam, User
from api.security import token_user_id
from api.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)

ROLES = ("agent", "supervisor", "planner")


@dataclass(frozen=True)
class Principal:
    """The signed-in user and what they may touch."""

    id: int
    username: str
    role: str
    team_id: str | None = None
    agent_id: str | None = None
    teams: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_planner(self) -> bool:
        return self.role == "planner"

    def sees_team(self, team_id: str) -> bool:
        """Planners see every team, supervisors theirs, agents their own."""
        if self.is_planner:
            return True
        if self.role == "supervisor":
            return team_id in self.teams
        return team_id == self.team_id

    def supervises(self, team_id: str) -> bool:
        return self.is_planner or (self.role == "supervisor" and team_id in self.teams)

    def require_team(self, team_id: str) -> None:
        if not self.sees_team(team_id):
            raise Forbidden(f"user {self.username!r} ({self.role}) may not see team {team_id!r}",
                            field="team_id")

    def require_supervisor(self, team_id: str) -> None:
        if not self.supervises(team_id):
            raise Forbidden(f"user {self.username!r} ({self.role}) does not supervise team "
                            f"{team_id!r}", field="team_id")

    def require_planner(self) -> None:
        if not self.is_planner:
            raise Forbidden(f"user {self.username!r} ({self.role}) is not a planner")

    def as_record(self) -> dict[str, object]:
        return {"id": self.id, "username": self.username, "role": self.role}


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def principal_of(session: Session, user: User) -> Principal:
    teams: frozenset[str] = frozenset()
    if user.role == "supervisor":
        teams = frozenset(session.scalars(
            select(SupervisorTeam.team_id).where(SupervisorTeam.user_id == user.id)))
    return Principal(id=user.id, username=user.username, role=user.role, team_id=user.team_id,
                     agent_id=user.agent_id, teams=teams)


def get_current_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise NotAuthenticated("expected a bearer token in the Authorization header, got none",
                               field="Authorization")
    settings: Settings = request.app.state.settings
    user_id = token_user_id(token, settings.secret_key)
    if user_id is None:
        raise NotAuthenticated("expected a valid, unexpired bearer token; sign in again at "
                               "/auth/token", field="Authorization")
    with request.app.state.readers() as session, session.begin():
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotAuthenticated("the token's user no longer exists or is disabled",
                                   field="Authorization")
        return principal_of(session, user)


CurrentUser = Annotated[Principal, Depends(get_current_user)]
