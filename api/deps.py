"""What routes ask for: a database session, the signed-in user, the settings."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
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


_PRINCIPAL_COLUMNS = (User.id, User.username, User.role, User.team_id, User.agent_id,
                      User.active, SupervisorTeam.team_id.label("supervised"))
_PRINCIPAL = (select(*_PRINCIPAL_COLUMNS)
              .outerjoin(SupervisorTeam, SupervisorTeam.user_id == User.id)
              .where(User.id == bindparam("user_id")))
_PRINCIPALS = (select(*_PRINCIPAL_COLUMNS)
               .outerjoin(SupervisorTeam, SupervisorTeam.user_id == User.id)
               .where(User.id.in_(bindparam("user_ids", expanding=True))))


def _principal_of(user_id: int, rows: Sequence[Any]) -> Principal:
    """The principal of a user's rows of `_PRINCIPAL` (one per supervised team)."""
    if not rows or not rows[0].active:
        raise NotAuthenticated("the token's user no longer exists or is disabled",
                               field="Authorization")
    first = rows[0]
    teams = frozenset(r.supervised for r in rows if r.supervised is not None
                      and first.role == "supervisor")
    return Principal(id=user_id, username=first.username, role=first.role,
                     team_id=first.team_id, agent_id=first.agent_id, teams=teams)


def principal_in(session: Session, user_id: int) -> Principal:
    """The active user `user_id` with their teams, read in one query inside the caller's
    transaction; NotAuthenticated when they no longer exist or are disabled."""
    return _principal_of(user_id, session.connection().execute(
        _PRINCIPAL, {"user_id": user_id}).all())


def principals_in(session: Session, user_ids: Collection[int]
                  ) -> dict[int, Principal | NotAuthenticated]:
    """`principal_in` of several users in one query: each user's principal, or the
    NotAuthenticated that `principal_in` would raise for them."""
    found = session.connection().execute(_PRINCIPALS, {"user_ids": list(user_ids)}
                                         ).all() if user_ids else []
    return principals_of_rows(user_ids, found)


def principals_of_rows(user_ids: Collection[int], found: Iterable[Any]
                       ) -> dict[int, Principal | NotAuthenticated]:
    """`principals_in` from the rows its query returned (`found`, with attributes `id`,
    `username`, `role`, `team_id`, `agent_id`, `active` and `supervised`)."""
    rows: dict[int, list[Any]] = {user_id: [] for user_id in user_ids}
    for row in found:
        rows[row.id].append(row)
    found_principals: dict[int, Principal | NotAuthenticated] = {}
    for user_id, mine in rows.items():
        try:
            found_principals[user_id] = _principal_of(user_id, mine)
        except NotAuthenticated as err:
            found_principals[user_id] = err
    return found_principals


async def get_token_user_id(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> int:
    """The user id a valid bearer token names (whether the user is still active is checked
    by `principal_in`, in the request's own transaction). Async because it only computes:
    FastAPI then runs it on the event loop instead of handing it to a worker thread."""
    if not token:
        raise NotAuthenticated("expected a bearer token in the Authorization header, got none",
                               field="Authorization")
    settings: Settings = request.app.state.settings
    user_id = token_user_id(token, settings.secret_key)
    if user_id is None:
        raise NotAuthenticated("expected a valid, unexpired bearer token; sign in again at "
                               "/auth/token", field="Authorization")
    return user_id


def get_current_user(request: Request, user_id: Annotated[int, Depends(get_token_user_id)]
                     ) -> Principal:
    with request.app.state.readers() as session, session.begin():
        return principal_in(session, user_id)


CurrentUser = Annotated[Principal, Depends(get_current_user)]
TokenUserId = Annotated[int, Depends(get_token_user_id)]
"""For routes that look the user up inside their own transaction (`principal_in`)."""
