"""Teams and their agents: import a scenario, read, switch swap auto-approval."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from api.deps import CurrentUser, SessionDep
from api.models import AgentRow
from api.schemas import AgentId, ImportIn, TeamId, TeamIn, TeamPatch
from api.services import teams as service
from api.services.audit import record

router = APIRouter(prefix="/teams", tags=["teams"])


def _agents(session: SessionDep, team_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(AgentRow)
                              .where(AgentRow.team_id == team_id)) or 0)


@router.get("")
def list_teams(who: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """The teams you may see."""
    return [service.team_out(service.team_row(session, t), _agents(session, t))
            for t in service.visible_team_ids(session, who)]


@router.post("", status_code=201)
def create_team(body: TeamIn, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Create a team from a domain `Team` document (planners)."""
    who.require_planner()
    row = service.import_team(session, body.team, who)
    session.commit()
    return service.team_out(row, len(body.team.agents))


@router.post("/import", status_code=201)
def import_folder(body: ImportIn, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Import a scenario folder on the server (planners); every file problem is listed."""
    who.require_planner()
    team = service.read_scenario_team(body.folder)
    row = service.import_team(session, team, who)
    session.commit()
    return service.team_out(row, len(team.agents))


@router.get("/{team_id}")
def get_team(team_id: TeamId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    who.require_team(team_id)
    row = service.team_row(session, team_id)
    return {**service.team_out(row, _agents(session, team_id)), "settings": row.settings}


@router.patch("/{team_id}")
def patch_team(team_id: TeamId, body: TeamPatch, who: CurrentUser,
               session: SessionDep) -> dict[str, Any]:
    """Switch auto-approval of swaps that break no rule and leave coverage no worse."""
    who.require_supervisor(team_id)
    row = service.team_row(session, team_id)
    before = {"auto_approve_swaps": row.auto_approve_swaps}
    row.auto_approve_swaps = body.auto_approve_swaps
    record(session, who, "team.update", "team", team_id, team_id, before,
           {"auto_approve_swaps": body.auto_approve_swaps})
    session.commit()
    return service.team_out(row, _agents(session, team_id))


@router.get("/{team_id}/agents")
def list_agents(team_id: TeamId, who: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    who.require_team(team_id)
    service.team_row(session, team_id)
    return [row.data for row in session.scalars(
        select(AgentRow).where(AgentRow.team_id == team_id).order_by(AgentRow.id))]


@router.get("/{team_id}/agents/{agent_id}")
def get_agent(team_id: TeamId, agent_id: AgentId, who: CurrentUser,
              session: SessionDep) -> dict[str, Any]:
    who.require_team(team_id)
    return service.agent_row(session, team_id, agent_id).data
