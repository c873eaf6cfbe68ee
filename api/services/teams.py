"""Teams and agents in the database, and the domain `Team` built back from them."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.deps import Principal
from api.errors import Conflict, NotFound
from api.models import AgentRow, LeaveRow, TeamRow
from api.services.audit import record
from roster.domain import Agent, Leave, Preference, Team, TeamSettings
from roster.scenario_files import load_scenario


def read_scenario_team(folder: str) -> Team:
    """The team of a scenario folder on the server (DataError lists every problem)."""
    return load_scenario(Path(folder)).team


def import_team(session: Session, team: Team, who: Principal) -> TeamRow:
    """Store a validated team: settings, agents, leave and preferences."""
    name = team.settings.name
    if session.get(TeamRow, name) is not None:
        raise Conflict(f"team {name!r} exists already; import it under another [team] name",
                       field="settings.name")
    row = TeamRow(id=name, display_name=team.settings.display_name,
                  settings=team.settings.model_dump(mode="json"),
                  preferences=[p.model_dump(mode="json") for p in team.preferences],
                  auto_approve_swaps=False)
    session.add(row)
    session.flush()
    for agent in team.agents:
        session.add(AgentRow(team_id=name, id=agent.id, name=agent.name,
                             data=agent.model_dump(mode="json")))
    session.flush()
    for leave in team.leave:
        session.add(LeaveRow(team_id=name, agent_id=leave.agent_id, start=leave.start,
                             end=leave.end, type=leave.type.value, status=leave.status.value,
                             note=leave.note))
    record(session, who, "team.import", "team", name, name, None,
           {"agents": len(team.agents), "leave": len(team.leave),
            "preferences": len(team.preferences)})
    return row


def team_row(session: Session, team_id: str) -> TeamRow:
    row = session.get(TeamRow, team_id)
    if row is None:
        raise NotFound(f"no team {team_id!r}", field="team_id")
    return row


_TEAMS: dict[tuple[str, str], tuple[TeamSettings, list[Agent], list[Preference]]] = {}
_TEAMS_LOCK = Lock()


def clear_cache() -> None:
    with _TEAMS_LOCK:
        _TEAMS.clear()


def _static_parts(session: Session, team_id: str
                  ) -> tuple[TeamSettings, list[Agent], list[Preference]]:
    """Settings, agents and preferences: written once at import, so cached per database."""
    key = (str(session.get_bind().engine.url), team_id)
    with _TEAMS_LOCK:
        found = _TEAMS.get(key)
    if found is not None:
        return found
    row = team_row(session, team_id)
    agents = [Agent.model_validate(a.data) for a in session.scalars(
        select(AgentRow).where(AgentRow.team_id == team_id).order_by(AgentRow.id))]
    found = (TeamSettings.model_validate(row.settings), agents,
             [Preference.model_validate(p) for p in row.preferences])
    with _TEAMS_LOCK:
        _TEAMS[key] = found
    return found


def load_team(session: Session, team_id: str) -> Team:
    """The domain team with its current leave (approved and requested)."""
    settings, agents, preferences = _static_parts(session, team_id)
    leave = [leave_model(x) for x in session.scalars(
        select(LeaveRow).where(LeaveRow.team_id == team_id,
                               LeaveRow.status.in_(["approved", "requested"])))]
    return Team.model_construct(settings=settings, agents=list(agents), leave=leave,
                                preferences=list(preferences))


_LEAVE = LeaveRow.__table__
CURRENT_LEAVE = select(_LEAVE.c.agent_id, _LEAVE.c.start, _LEAVE.c.end, _LEAVE.c.type,
                       _LEAVE.c.status, _LEAVE.c.note).where(
    _LEAVE.c.status.in_(["approved", "requested"]))
"""Approved and requested leave (what the checks count), to narrow down with `.where`."""
_LEAVE_OF = CURRENT_LEAVE.where(
    _LEAVE.c.team_id == bindparam("team_id"),
    _LEAVE.c.agent_id.in_(bindparam("agent_ids", expanding=True)))


def load_team_for(session: Session, team_id: str, agent_ids: Collection[str]) -> Team:
    """The domain team with only these agents and their current leave (what a check of
    their shifts needs)."""
    rows = session.connection().execute(_LEAVE_OF, {"team_id": team_id,
                                                    "agent_ids": sorted(set(agent_ids))})
    return team_with(session, team_id, agent_ids, [leave_of_row(r) for r in rows])


def team_with(session: Session, team_id: str, agent_ids: Collection[str],
              leave: list[Leave]) -> Team:
    """The domain team with only these agents and the given leave."""
    settings, agents, preferences = _static_parts(session, team_id)
    wanted = set(agent_ids)
    return Team.model_construct(settings=settings,
                                agents=[a for a in agents if a.id in wanted], leave=leave,
                                preferences=list(preferences))


def leave_of_row(row: Any) -> Leave:
    """A `Leave` from a row with the leave table's columns (ORM object or Core row)."""
    return Leave(agent_id=row.agent_id, start=row.start, end=row.end, type=row.type,
                 status=row.status, note=row.note)


def team_settings(session: Session, team_id: str) -> TeamSettings:
    """The team's settings (cached: written once at import)."""
    return _static_parts(session, team_id)[0]


def leave_model(row: LeaveRow) -> Leave:
    return leave_of_row(row)


def agent_row(session: Session, team_id: str, agent_id: str) -> AgentRow:
    row = session.get(AgentRow, (team_id, agent_id))
    if row is None:
        raise NotFound(f"no agent {agent_id!r} in team {team_id!r}", field="agent_id")
    return row


def team_out(row: TeamRow, agents: int) -> dict[str, Any]:
    settings = row.settings
    return {"id": row.id, "display_name": row.display_name, "timezone": settings["timezone"],
            "interval_minutes": settings["interval_minutes"],
            "queues": sorted(settings["queues"]), "agents": agents,
            "auto_approve_swaps": row.auto_approve_swaps}


def visible_team_ids(session: Session, who: Principal) -> list[str]:
    ids = list(session.scalars(select(TeamRow.id).order_by(TeamRow.id)))
    return [team_id for team_id in ids if who.sees_team(team_id)]
