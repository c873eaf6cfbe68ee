"""Rosters: solve jobs, versions, publishing, downloads and who may see them."""

from __future__ import annotations

import csv
import io
import time

from icalendar import Calendar
from sqlalchemy import select

from api.main import create_app
from api.models import JobRow, RosterRow
from api.services.jobs import ORPHAN_MESSAGE
from tests.api import factories
from tests.api.conftest import World


def wait_job(w: World, job_id: int, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = w.get("plan", f"/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {job}")


def test_solve_job_runs_in_background_and_yields_a_draft(world: World) -> None:
    start = factories.week_start(4)
    reqs = [r for r in factories.requirements(start) if r["start"][11:13] in ("09", "15")]
    r = world.post("plan", "/teams/t1/rosters", {"start": start.isoformat(),
                                                  "requirements": reqs,
                                                  "time_limit_seconds": 3})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running") and job["kind"] == "solve"
    done = wait_job(world, job["id"])
    assert done["status"] == "succeeded", done
    assert done["progress"] == 1.0
    draft = world.get("plan", f"/rosters/{done['roster_id']}").json()
    assert draft["status"] == "draft" and draft["source"] == "solve"
    assert draft["roster"]["period"]["start"] == start.isoformat()
    assert world.get("u_a1", f"/rosters/{done['roster_id']}").status_code == 403


def test_job_left_running_is_failed_at_start_up_and_published_roster_intact(
        world: World) -> None:
    with world.app.state.sessions() as session, session.begin():
        session.add(JobRow(team_id="t1", kind="solve", status="running", progress=0.4,
                           message="", params={"series_id": 1}))
    restarted = create_app(world.app.state.settings)
    try:
        with restarted.state.sessions() as session:
            job = session.scalars(select(JobRow)).one()
            assert (job.status, job.message) == ("failed", ORPHAN_MESSAGE)
            roster = session.get(RosterRow, world.roster_id)
            assert roster is not None and roster.status == "published"
    finally:
        restarted.state.jobs.shutdown()
        restarted.state.engine.dispose()


def test_roster_json_csv_and_ics(world: World) -> None:
    r = world.get("u_a1", f"/rosters/{world.roster_id}")
    assert r.status_code == 200 and len(r.json()["roster"]["shifts"]) == 15
    r = world.get("u_a1", f"/rosters/{world.roster_id}/roster.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 15
    assert rows[0]["agent_id"] == "a1" and rows[0]["start"].endswith("08:00")
    r = world.get("u_a1", f"/rosters/{world.roster_id}/agents/a1.ics")
    assert r.status_code == 200
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert len(events) == 5


def test_agent_gets_only_own_calendar(world: World) -> None:
    assert world.get("u_a1", f"/rosters/{world.roster_id}/agents/a2.ics").status_code == 403
    assert world.get("sup", f"/rosters/{world.roster_id}/agents/a2.ics").status_code == 200


def test_other_team_cannot_see_roster(world: World) -> None:
    assert world.get("u_ba1", f"/rosters/{world.roster_id}").status_code == 403
    assert world.get("sup2", f"/rosters/{world.roster_id}/roster.csv").status_code == 403
    assert world.get("u_ba1", "/teams/t1/rosters").status_code == 403


def test_publish_twice_and_versions(world: World) -> None:
    again = world.post("plan", f"/rosters/{world.roster_id}/publish")
    assert again.status_code == 409 and "only a draft" in again.json()["detail"]
    draft = world.post("plan", "/teams/t1/rosters/upload",
                       {"roster": factories.roster(world.start).model_dump(mode="json")}).json()
    assert draft["version"] == 2 and draft["based_on_id"] == world.roster_id
    assert world.post("sup2", f"/rosters/{draft['id']}/publish").status_code == 403
    assert world.post("sup", f"/rosters/{draft['id']}/publish").status_code == 200
    statuses = [(v["version"], v["status"]) for v in world.get("sup", "/teams/t1/rosters").json()]
    assert statuses == [(1, "superseded"), (2, "published")]


def test_upload_lists_hard_violations(world: World) -> None:
    bad = factories.roster(world.start)
    extra = factories.shift("a4", world.start, "early", "presale")  # a4 has no presale skill
    bad = bad.model_copy(update={"shifts": [s for s in bad.shifts if not (
        s.agent_id == "a4" and s.date == world.start)] + [extra]})
    r = world.post("plan", "/teams/t1/rosters/upload", {"roster": bad.model_dump(mode="json")})
    assert r.status_code == 201
    assert {(v["agent_id"], v["date"]) for v in r.json()["violations"]} >= {
        ("a4", world.start.isoformat())}


def test_only_planner_solves_or_uploads(world: World) -> None:
    body = {"start": world.day(7), "requirements": []}
    assert world.post("sup", "/teams/t1/rosters", body).status_code == 403
    upload = {"roster": factories.roster(world.start).model_dump(mode="json")}
    assert world.post("sup", "/teams/t1/rosters/upload", upload).status_code == 403
