"""Rosters: solve jobs, uploads, versions, publishing and downloads (JSON, CSV, iCalendar)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from api.deps import CurrentUser, Principal, SessionDep
from api.errors import BadRequest, Forbidden, NotFound
from api.models import RosterRow, SeriesRow
from api.schemas import AgentId, PlanDate, PublishIn, RowId, SolveIn, TeamId, UploadIn
from api.services import exports, jobs
from api.services import rosters as store
from api.services.audit import record
from api.services.checks import all_violations, violation_out
from api.services.teams import load_team, team_row

router = APIRouter(tags=["rosters"])


def _visible(session: SessionDep, who: Principal, roster_id: int) -> RosterRow:
    row = store.roster_row(session, roster_id)
    who.require_team(row.team_id)
    if who.role == "agent" and row.status == "draft":
        raise Forbidden(f"roster {roster_id} is a draft; agents see published rosters only",
                        field="roster_id")
    return row


@router.post("/teams/{team_id}/rosters", status_code=202)
def start_solve(team_id: TeamId, body: SolveIn, request: Request, who: CurrentUser,
                session: SessionDep) -> dict[str, Any]:
    """Start a solve job for the period; poll `GET /jobs/{id}` for status and progress."""
    who.require_planner()
    team = team_row(session, team_id)
    days = body.days or team.settings["period_days"]
    interval = team.settings["interval_minutes"]
    series = store.series_for(session, team_id, body.start, days, interval)
    requirements = [r.model_dump(mode="json", exclude_none=True) for r in body.requirements]
    _check_requirements(team.settings, requirements)
    store.set_requirements(series, requirements)
    cap = request.app.state.settings.solve_time_limit_seconds
    limit = min(body.time_limit_seconds or cap, cap)
    job = jobs.create_job(session, who, team_id, "solve", series,
                          {"start": body.start.isoformat(), "days": days,
                           "time_limit_seconds": limit})
    session.commit()
    request.app.state.jobs.submit(job.id)
    return jobs.job_out(job)


def _check_requirements(settings: dict[str, Any], requirements: list[dict[str, Any]]) -> None:
    queues = set(settings["queues"])
    for i, item in enumerate(requirements):
        if item["queue"] not in queues:
            raise BadRequest(f"expected a queue among {sorted(queues)}, got {item['queue']!r}",
                             field=f"requirements.{i}.queue")


@router.post("/teams/{team_id}/rosters/upload", status_code=201)
def upload(team_id: TeamId, body: UploadIn, who: CurrentUser,
           session: SessionDep) -> dict[str, Any]:
    """Store a roster made elsewhere (a notebook, a file) as a draft, with its rule check."""
    who.require_planner()
    team = load_team(session, team_id)
    roster = body.roster
    if roster.team != team_id:
        raise BadRequest(f"expected roster.team {team_id!r}, got {roster.team!r}",
                         field="roster.team")
    if roster.period.interval_minutes != team.settings.interval_minutes:
        raise BadRequest(f"expected roster.period.interval_minutes "
                         f"{team.settings.interval_minutes}, got {roster.period.interval_minutes}",
                         field="roster.period.interval_minutes")
    series = store.series_for(session, team_id, roster.period.start, roster.period.days,
                              roster.period.interval_minutes)
    if body.requirements is not None:
        requirements = [r.model_dump(mode="json", exclude_none=True) for r in body.requirements]
        _check_requirements(team.settings.model_dump(), requirements)
        store.set_requirements(series, requirements)
    violations = [violation_out(v) for v in all_violations(team, roster)]
    row = store.add_version(session, series, roster, "draft", "upload", who,
                            stats={"hard_violations": len(violations)},
                            based_on_id=series.published_roster_id)
    record(session, who, "roster.upload", "roster", row.id, team_id, None,
           {"version": row.version, "shifts": len(roster.shifts),
            "hard_violations": len(violations)})
    session.commit()
    return {**store.roster_summary(row), "violations": violations}


@router.get("/teams/{team_id}/rosters")
def list_rosters(team_id: TeamId, who: CurrentUser, session: SessionDep,
                 start: Annotated[PlanDate | None, Query()] = None) -> list[dict[str, Any]]:
    """Every version of the team's rosters (agents: published and superseded only)."""
    who.require_team(team_id)
    team_row(session, team_id)
    query = select(RosterRow).join(SeriesRow, SeriesRow.id == RosterRow.series_id).where(
        RosterRow.team_id == team_id).order_by(SeriesRow.period_start, RosterRow.version)
    if start is not None:
        query = query.where(SeriesRow.period_start == start)
    if who.role == "agent":
        query = query.where(RosterRow.status != "draft")
    return [store.roster_summary(r) for r in session.scalars(query)]


@router.get("/teams/{team_id}/rosters/published")
def published(team_id: TeamId, start: Annotated[PlanDate, Query()], who: CurrentUser,
              session: SessionDep) -> dict[str, Any]:
    """The published roster of the period starting `start`, as JSON."""
    who.require_team(team_id)
    team_row(session, team_id)
    series = session.scalars(select(SeriesRow).where(SeriesRow.team_id == team_id,
                                                     SeriesRow.period_start == start)).first()
    if series is None or series.published_roster_id is None:
        raise NotFound(f"team {team_id!r} has no published roster starting {start}",
                       field="start")
    row = store.roster_row(session, series.published_roster_id)
    return {**store.roster_summary(row),
            "roster": store.roster_of(row).model_dump(mode="json")}


@router.get("/rosters/{roster_id}")
def get_roster(roster_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    row = _visible(session, who, roster_id)
    return {**store.roster_summary(row), "roster": store.roster_of(row).model_dump(mode="json")}


@router.get("/rosters/{roster_id}/roster.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def get_roster_csv(roster_id: RowId, who: CurrentUser, session: SessionDep) -> Response:
    """`roster.csv`: one row per shift (UTF-8 with a BOM for Excel)."""
    row = _visible(session, who, roster_id)
    body = exports.roster_csv(load_team(session, row.team_id), store.roster_of(row))
    name = f"{row.team_id}-v{row.version}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/rosters/{roster_id}/agents/{agent_id}.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}})
def get_agent_ics(roster_id: RowId, agent_id: AgentId, who: CurrentUser,
                  session: SessionDep) -> Response:
    """One agent's shifts as iCalendar (agents: their own calendar only)."""
    row = _visible(session, who, roster_id)
    if who.role == "agent" and who.agent_id != agent_id:
        raise Forbidden(f"agent {who.agent_id!r} may download only their own calendar",
                        field="agent_id")
    team = load_team(session, row.team_id)
    agent = next((a for a in team.agents if a.id == agent_id), None)
    if agent is None:
        raise NotFound(f"no agent {agent_id!r} in team {row.team_id!r}", field="agent_id")
    return Response(exports.agent_ics(team, store.roster_of(row), agent),
                    media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{agent_id}.ics"'})


@router.post("/rosters/{roster_id}/publish")
def publish(roster_id: RowId, who: CurrentUser, session: SessionDep,
            body: PublishIn | None = None) -> dict[str, Any]:
    """Make a draft the published version of its period (409 if the published one moved)."""
    row = store.roster_row(session, roster_id)
    who.require_supervisor(row.team_id)
    store.publish(session, row, who, body.replaces_roster_id if body else None)
    session.commit()
    return store.roster_summary(row)


@router.get("/jobs/{job_id}", tags=["jobs"])
def get_job(job_id: RowId, who: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """A job's status (queued, running, succeeded, failed), progress 0-1 and message."""
    return jobs.job_out(jobs.job_row(session, who, job_id))
