"""Creating users, shared by `POST /users` and `roster user add`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import Principal
from api.errors import BadRequest, Conflict
from api.models import AgentRow, SupervisorTeam, TeamRow, User
from api.schemas import UserIn
from api.security import hash_password
from api.services.audit import record


def add_user(session: Session, body: UserIn, who: Principal | None) -> User:
    """Create a user after checking the role's links (agent -> agent, supervisor -> teams)."""
    if session.scalars(select(User).where(User.username == body.username)).first():
        raise Conflict(f"a user named {body.username!r} exists already", field="username")
    team_id = body.team_id
    if body.role == "agent":
        if not body.agent_id:
            raise BadRequest("an agent user needs agent_id (the agent it signs in as)",
                             field="agent_id")
        matches = list(session.scalars(select(AgentRow).where(AgentRow.id == body.agent_id)))
        if team_id is not None:
            matches = [a for a in matches if a.team_id == team_id]
        if len(matches) != 1:
            where = f" in team {team_id!r}" if team_id else ""
            problem = "no" if not matches else "more than one (give team_id)"
            raise BadRequest(f"expected one agent {body.agent_id!r}{where}, found {problem}",
                             field="agent_id")
        team_id = matches[0].team_id
    elif body.agent_id or body.team_id:
        raise BadRequest(f"only agent users link to an agent or team, got role {body.role!r}",
                         field="agent_id" if body.agent_id else "team_id")
    if body.role == "supervisor":
        if not body.teams:
            raise BadRequest("a supervisor needs at least one team in teams", field="teams")
        for name in body.teams:
            if session.get(TeamRow, name) is None:
                raise BadRequest(f"expected known team ids in teams, got {name!r}",
                                 field="teams")
    elif body.teams:
        raise BadRequest(f"only supervisors have teams, got role {body.role!r}", field="teams")
    user = User(username=body.username, password_hash=hash_password(body.password),
                role=body.role, team_id=team_id if body.role == "agent" else None,
                agent_id=body.agent_id, active=True)
    session.add(user)
    session.flush()
    for name in sorted(set(body.teams)):
        session.add(SupervisorTeam(user_id=user.id, team_id=name))
    record(session, who, "user.add", "user", user.id, team_id, None,
           {"username": user.username, "role": user.role, "agent_id": user.agent_id,
            "teams": sorted(set(body.teams))})
    return user


def user_out(session: Session, user: User) -> dict[str, Any]:
    teams = sorted(session.scalars(select(SupervisorTeam.team_id).where(
        SupervisorTeam.user_id == user.id)))
    return {"id": user.id, "username": user.username, "role": user.role,
            "team_id": user.team_id, "agent_id": user.agent_id, "teams": teams,
            "active": user.active}
