"""Against a real uvicorn on loopback: concurrent conflicting approvals, one winner, with one
server process and with two (which share nothing but the database)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.api import factories
from tests.api.conftest import SECRET, World, _pg_database, _pg_drop

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str) -> World:
    """Build the hand-made world in the database through an in-process app."""
    app = create_app(Settings(database_url=url, secret_key=SECRET))
    w = World(client=TestClient(app), app=app, start=factories.week_start())
    w.add_user("plan", "planner")
    assert w.post("plan", "/teams", {"team": factories.team().model_dump(mode="json")}
                  ).status_code == 201
    w.add_user("sup", "supervisor", teams=("t1",))
    w.add_user("sup_b", "supervisor", teams=("t1",))
    for agent in ("a1", "a2", "a3"):
        w.add_user(f"u_{agent}", "agent", team_id="t1", agent_id=agent)
    roster_id = w.post("plan", "/teams/t1/rosters/upload", {
        "roster": factories.roster(w.start).model_dump(mode="json")}).json()["id"]
    assert w.post("plan", f"/rosters/{roster_id}/publish").status_code == 200
    w.roster_id = roster_id
    return w


def accepted_swap(w: World, requester: str, body: dict) -> int:
    r = w.propose(requester, body)
    assert r.status_code == 201, r.text
    swap_id = r.json()["id"]
    assert w.post("u_a3", f"/swaps/{swap_id}/accept").status_code == 200
    return swap_id


@pytest.fixture(params=[
    pytest.param(("sqlite", 1), id="sqlite-1-worker"),
    pytest.param(("sqlite", 2), id="sqlite-2-workers", marks=pytest.mark.slow),
    pytest.param(("postgres", 2), id="postgres-2-workers", marks=pytest.mark.slow)])
def live(request: pytest.FixtureRequest, tmp_path: Path):
    backend, workers = request.param
    drop = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        url, reason = _pg_database()
        if url is None:
            pytest.skip(reason)
        drop = url
    world = seed(url)
    port = free_port()
    env = {**os.environ, "ROSTER_DATABASE_URL": url, "ROSTER_SECRET_KEY": SECRET}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--workers", str(workers)],
        cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("uvicorn did not start within 60 s")
        yield world, base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        world.app.state.jobs.shutdown()
        world.app.state.engine.dispose()
        if drop is not None:
            _pg_drop(drop)


def test_concurrent_conflicting_approvals_over_http(live) -> None:
    world, base = live
    give_away = {"requester_date": world.day(0), "peer_id": "a3"}
    conflicting = [accepted_swap(world, "u_a1", give_away) for _ in range(8)]
    independent = accepted_swap(world, "u_a2", {"requester_date": world.day(1),
                                                "peer_id": "a3"})
    jobs = [(sid, "sup" if i % 2 else "sup_b") for i, sid in enumerate(conflicting)]
    jobs.append((independent, "sup"))

    def approve(job: tuple[int, str]) -> tuple[int, int, str]:
        swap_id, who = job
        r = httpx.post(f"{base}/swaps/{swap_id}/approve", headers=world.headers(who),
                       json={"comment": "ok"}, timeout=60)
        return swap_id, r.status_code, r.json().get("detail", "")

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(approve, jobs))
    codes = {sid: code for sid, code, _ in results}
    assert sorted(codes[s] for s in conflicting) == [200] + [409] * 7
    assert codes[independent] == 200
    reasons = [d for sid, code, d in results if code == 409]
    assert all("a1 has no shift on" in d or "in the meantime" in d for d in reasons), reasons
    headers = world.headers("plan")
    versions = httpx.get(f"{base}/teams/t1/rosters", headers=headers).json()
    assert [v["status"] for v in versions] == ["superseded", "superseded", "published"]
    current = httpx.get(f"{base}/rosters/{versions[-1]['id']}", headers=headers).json()
    a3_days = sorted(s["date"] for s in current["roster"]["shifts"] if s["agent_id"] == "a3")
    assert a3_days == sorted([world.day(0), world.day(1), world.day(5), world.day(6)])
    assert len(current["roster"]["shifts"]) == 15
