"""Sign-in, tokens, users, settings and the audit log's readers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import DEFAULT_SECRET, Settings
from tests.api.conftest import PASSWORD, World


def test_password_flow_issues_working_token(world: World) -> None:
    r = world.client.post("/auth/token", data={"username": "sup", "password": PASSWORD})
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    me = world.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["username"], me["role"], me["teams"]) == ("sup", "supervisor", ["t1"])


def test_wrong_password_is_401(world: World) -> None:
    r = world.client.post("/auth/token", data={"username": "sup", "password": "nope-nope"})
    assert r.status_code == 401 and r.json()["field"] == "username"


def test_missing_or_forged_token_is_401(world: World) -> None:
    assert world.client.get("/teams").status_code == 401
    r = world.client.get("/teams", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401 and r.json()["field"] == "Authorization"


def test_agent_sees_only_own_team(world: World) -> None:
    assert [t["id"] for t in world.get("u_a1", "/teams").json()] == ["t1"]
    assert world.get("u_a1", "/teams/t2").status_code == 403
    assert world.get("u_a1", "/teams/t2/agents").status_code == 403


def test_planner_creates_users_others_cannot(world: World) -> None:
    body = {"username": "new_agent", "password": "long enough", "role": "agent",
            "agent_id": "a4"}
    assert world.post("sup", "/users", body).status_code == 403
    r = world.post("plan", "/users", body)
    assert r.status_code == 201 and r.json()["team_id"] == "t1"
    assert world.post("plan", "/users", body).status_code == 409
    bad = {**body, "username": "ghost", "agent_id": "nobody"}
    r = world.post("plan", "/users", bad)
    assert r.status_code == 422 and r.json()["field"] == "agent_id"


def test_audit_is_for_supervisors_of_the_team_and_planners(world: World) -> None:
    assert world.get("u_a1", "/audit").status_code == 403
    assert world.get("sup2", "/audit", params={"team_id": "t1"}).status_code == 403
    assert all(row["team_id"] == "t2" for row in world.get("sup2", "/audit").json())
    actions = [row["action"] for row in world.get("plan", "/audit").json()]
    assert {"team.import", "roster.upload", "roster.publish"} <= set(actions)


def test_only_planner_imports_teams(world: World) -> None:
    assert world.post("sup", "/teams/import", {"folder": "data/sample"}).status_code == 403


def test_import_of_bad_folder_lists_the_problem(world: World) -> None:
    r = world.post("plan", "/teams/import", {"folder": "/no/such/folder"})
    assert r.status_code == 422
    assert "expected a scenario folder" in r.json()["detail"]


def test_production_refuses_default_secret() -> None:
    with pytest.raises(ValidationError, match="ROSTER_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET)
    assert Settings(environment="production", secret_key="s" * 40).environment == "production"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_TOKEN_MINUTES", "15")
    monkeypatch.setenv("ROSTER_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="ROSTER_TIMEZONE"):
        Settings()
    monkeypatch.setenv("ROSTER_TIMEZONE", "Asia/Shanghai")
    assert Settings().token_minutes == 15
