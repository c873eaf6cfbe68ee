"""Solve and repair jobs: queued in the database, run on a background thread.

A job's status and progress live in the `jobs` table, so any request (or a restarted
server) sees them. At start-up, jobs left `queued` or `running` by a server that died are
marked failed; the published roster is never touched by a job (a job only adds a draft).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from api.clock import utc_now
from api.deps import Principal
from api.errors import Forbidden, NotFound
from api.models import JobRow, SeriesRow
from api.services import engine
from api.services import rosters as store
from api.services.audit import record
from api.services.teams import load_team
from roster.domain import PlanningPeriod

log = logging.getLogger(__name__)

ORPHAN_MESSAGE = "the server stopped while this job was running; start it again"


def job_out(row: JobRow) -> dict[str, Any]:
    return {"id": row.id, "team_id": row.team_id, "kind": row.kind, "status": row.status,
            "progress": row.progress, "message": row.message, "roster_id": row.roster_id,
            "params": {k: v for k, v in row.params.items() if k != "requirements"},
            "created_at": row.created_at, "updated_at": row.updated_at}


def job_row(session: Session, who: Principal, job_id: int) -> JobRow:
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFound(f"no job {job_id}", field="job_id")
    if not who.supervises(row.team_id):
        raise Forbidden(f"user {who.username!r} may not see jobs of team {row.team_id!r}",
                        field="job_id")
    return row


def fail_orphans(sessions: sessionmaker[Session]) -> list[int]:
    """Mark jobs a dead server left queued or running as failed; return their ids.

    Every worker process of a restarted server runs this at start-up: the update is
    conditional on the status, so each job is marked (and audited) by exactly one of them.
    """
    with sessions() as session, session.begin():
        rows = session.execute(
            update(JobRow.__table__).where(JobRow.status.in_(["queued", "running"]))
            .values(status="failed", message=ORPHAN_MESSAGE, updated_at=utc_now())
            .returning(JobRow.id)).all()
        ids = sorted(row.id for row in rows)
        for job_id in ids:
            record(session, None, "job.fail", "job", job_id, None,
                   {"status": "running"}, {"status": "failed", "message": ORPHAN_MESSAGE})
    return ids


class JobRunner:
    """Runs jobs on a small thread pool; every state change is written to the database."""

    def __init__(self, sessions: sessionmaker[Session], workers: int):
        self.sessions = sessions
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="roster-job")

    def submit(self, job_id: int) -> None:
        self.pool.submit(self.run, job_id)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, job_id: int, **values: Any) -> None:
        with self.sessions() as session, session.begin():
            session.execute(update(JobRow).where(JobRow.id == job_id)
                            .values(updated_at=utc_now(), **values))

    def run(self, job_id: int) -> None:
        try:
            self._run(job_id)
        except engine.NoRoster as err:
            self._finish(job_id, "failed", str(err))
        except Exception as err:  # a job's failure is reported on the job, never lost
            log.exception("job %s failed", job_id)
            self._finish(job_id, "failed", f"{type(err).__name__}: {err}")

    def _finish(self, job_id: int, status: str, message: str,
                roster_id: int | None = None) -> None:
        with self.sessions() as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is None:
                return
            before = {"status": row.status}
            row.status, row.message, row.updated_at = status, message, utc_now()
            if status == "succeeded":
                row.progress, row.roster_id = 1.0, roster_id
            record(session, None, f"job.{'succeed' if status == 'succeeded' else 'fail'}",
                   "job", job_id, row.team_id, before,
                   {"status": status, "message": message, "roster_id": roster_id})

    def _run(self, job_id: int) -> None:
        with self.sessions() as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is None or row.status != "queued":
                return
            row.status, row.updated_at = "running", utc_now()
            params, team_id, kind = dict(row.params), row.team_id, row.kind
            team = load_team(session, team_id)
            series = session.get(SeriesRow, params["series_id"])
            assert series is not None
            published_id = series.published_roster_id
            published = (store.roster_of(store.roster_row(session, published_id))
                         if published_id else None)
            requirements = params.get("requirements") or series.requirements or []
        last = [0.0]

        def progress(share: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                self._set(job_id, progress=max(0.0, min(share, 0.99)), message=message)

        limit = float(params.get("time_limit_seconds", 60))
        if kind == "repair":
            if published is None:
                raise RuntimeError("there is no published roster to repair")
            outcome = engine.repair(team, published, requirements, limit, progress)
            source = "repair"
        else:
            period = PlanningPeriod(start=date.fromisoformat(params["start"]),
                                    days=params["days"],
                                    interval_minutes=team.settings.interval_minutes)
            outcome = engine.solve(team, period, requirements, limit, progress)
            source = "solve"
        with self.sessions() as session, session.begin():
            series = session.get(SeriesRow, params["series_id"])
            assert series is not None
            roster = outcome.roster.model_copy(update={"team": team_id})
            new = store.add_version(session, series, roster, "draft", source, None,
                                    stats=outcome.stats, job_id=job_id,
                                    based_on_id=series.published_roster_id)
            roster_id = new.id
        self._finish(job_id, "succeeded", f"draft roster {roster_id} ready to publish",
                     roster_id)


def create_job(session: Session, who: Principal, team_id: str, kind: str, series: SeriesRow,
               params: dict[str, Any]) -> JobRow:
    row = JobRow(team_id=team_id, kind=kind, status="queued", progress=0.0,
                 message="waiting for a worker", params={**params, "series_id": series.id},
                 created_by=who.id)
    session.add(row)
    session.flush()
    record(session, who, f"job.{kind}", "job", row.id, team_id, None,
           {"status": "queued", "kind": kind, "series_id": series.id})
    return row
