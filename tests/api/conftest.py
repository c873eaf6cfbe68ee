"""API test fixtures: one app per database backend, emptied before each test.

SQLite always; PostgreSQL when a server answers on 127.0.0.1:5432 (a throwaway database is
created for the run and dropped after it), otherwise those tests skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from api.models import Base, SupervisorTeam, User
from api.security import create_token, hash_password
from api.services import rosters as roster_store
from api.services import teams as team_store
from api.settings import Settings
from tests.api import factories

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once, reuse for every user

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_database() -> tuple[str | None, str]:
    """Create a throwaway PostgreSQL database; (url, "") or (None, reason)."""
    try:
        import psycopg
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                             connect_timeout=2, autocommit=True) as conn:
            name = f"roster_api_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as err:
        return None, f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(err).__name__}: {err})"
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", ""


def _pg_drop(url: str) -> None:
    import psycopg
    name = url.rsplit("/", 1)[1]
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url, reason = _pg_database()
    if url is None:
        print(f"skipping PostgreSQL API tests: {reason}")
        pytest.skip(reason)
    yield url
    _pg_drop(url)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend_app(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("api")) / "api.db"
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
    app = create_app(Settings(database_url=url, secret_key=SECRET, solve_time_limit_seconds=5))
    yield app
    app.state.jobs.shutdown()
    app.state.engine.dispose()


def empty(app: FastAPI) -> None:
    """Delete every row (children first) and forget cached rosters."""
    with app.state.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                        f" WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))
    roster_store.clear_cache()
    team_store.clear_cache()


@dataclass
class World:
    """A client plus the people and rosters of the hand-built teams."""

    client: TestClient
    app: FastAPI
    users: dict[str, int] = field(default_factory=dict)
    start: Any = None
    roster_id: int = 0

    def headers(self, username: str) -> dict[str, str]:
        token = create_token(self.users[username], SECRET, 60)
        return {"Authorization": f"Bearer {token}"}

    def get(self, username: str, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(username), **kw)

    def post(self, username: str, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers(username), json=json, **kw)

    def patch(self, username: str, url: str, json: Any = None) -> Any:
        return self.client.patch(url, headers=self.headers(username), json=json)

    def add_user(self, username: str, role: str, team_id: str | None = None,
                 agent_id: str | None = None, teams: tuple[str, ...] = ()) -> int:
        with self.app.state.sessions() as session, session.begin():
            user = User(username=username, password_hash=_HASH, role=role, team_id=team_id,
                        agent_id=agent_id, active=True)
            session.add(user)
            session.flush()
            for name in teams:
                session.add(SupervisorTeam(user_id=user.id, team_id=name))
            self.users[username] = user.id
        return self.users[username]

    def propose(self, username: str, json: dict[str, Any], team: str = "t1") -> Any:
        return self.post(username, f"/teams/{team}/swaps", json)

    def day(self, offset: int) -> str:
        from datetime import timedelta
        return (self.start + timedelta(days=offset)).isoformat()


@pytest.fixture
def app(backend_app: FastAPI) -> FastAPI:
    empty(backend_app)
    return backend_app


@pytest.fixture
def world(app: FastAPI) -> World:
    """Teams t1 and t2, a planner, supervisors of each, agents, and t1's published roster."""
    client = TestClient(app)
    w = World(client=client, app=app, start=factories.week_start())
    w.add_user("plan", "planner")
    for name, prefix in (("t1", ""), ("t2", "b")):
        body = {"team": factories.team(name, prefix).model_dump(mode="json")}
        assert w.post("plan", "/teams", body).status_code == 201
    w.add_user("sup", "supervisor", teams=("t1",))
    w.add_user("sup2", "supervisor", teams=("t2",))
    for agent in ("a1", "a2", "a3", "a4"):
        w.add_user(f"u_{agent}", "agent", team_id="t1", agent_id=agent)
    w.add_user("u_ba1", "agent", team_id="t2", agent_id="ba1")
    upload = w.post("plan", "/teams/t1/rosters/upload", {
        "roster": factories.roster(w.start).model_dump(mode="json"),
        "requirements": factories.requirements(w.start)})
    assert upload.status_code == 201, upload.text
    assert upload.json()["violations"] == []
    w.roster_id = upload.json()["id"]
    published = w.post("plan", f"/rosters/{w.roster_id}/publish")
    assert published.status_code == 200, published.text
    return w
