"""Approvals decided together in one transaction (`approve_batch`, group commit): each on the
version the previous one published, each answered on its own, none spoiling the others."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError

from api.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from api.services import approval
from api.services.approval import Approval, approve_batch
from api.services.approval_queue import ApprovalQueue
from tests.api.conftest import World
from tests.api.test_swaps import MON, audit_actions, pending_supervisor

TUE, WED = 1, 2


def give_away(w: World, requester: str, day: int) -> int:
    """`requester`'s shift on `day` given to a3, accepted by a3."""
    return pending_supervisor(w, {"requester_date": w.day(day), "peer_id": "a3"},
                              requester=f"u_{requester}")


def roster(w: World, roster_id: int) -> dict[str, Any]:
    return w.get("plan", f"/rosters/{roster_id}").json()


def days_of(w: World, roster_id: int, agent: str) -> list[str]:
    return sorted(s["date"] for s in roster(w, roster_id)["roster"]["shifts"]
                  if s["agent_id"] == agent)


def test_a_batch_applies_in_order_and_refuses_the_conflicting_one(world: World) -> None:
    first = give_away(world, "a1", MON)
    conflicting = give_away(world, "a1", MON)  # the same shift, to the same colleague
    independent = give_away(world, "a2", TUE)
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, first, "one"),
                                                   Approval(sup, conflicting, "two"),
                                                   Approval(sup, independent, "three")])
    assert isinstance(out[0], dict) and out[0]["status"] == "approved"
    assert isinstance(out[1], Conflict) and "a1 has no shift on" in out[1].message
    assert isinstance(out[2], dict) and out[2]["status"] == "approved"
    v2 = roster(world, out[0]["applied_roster_id"])
    v3 = roster(world, out[2]["applied_roster_id"])
    assert (v2["version"], v2["based_on_id"], v2["status"]) == (2, world.roster_id,
                                                                "superseded")
    assert (v3["version"], v3["based_on_id"], v3["status"]) == (3, v2["id"], "published")
    assert days_of(world, v3["id"], "a3") == sorted(
        [world.day(MON), world.day(TUE), world.day(5), world.day(6)])
    refused = world.get("sup", f"/swaps/{conflicting}").json()
    assert refused["status"] == "pending_supervisor"
    assert refused["check"]["ok"] is False and refused["check"]["version"] == 2
    assert audit_actions(world, first)[-1] == "swap.approve"
    assert audit_actions(world, conflicting)[-1] == "swap.accept"  # a refusal is no change
    rows = world.get("sup", "/audit", params={"entity": "swap",
                                              "entity_id": str(independent)}).json()
    assert rows[0]["before"]["published_roster_id"] == v2["id"]
    assert rows[0]["after"]["published_roster_id"] == v3["id"]
    assert rows[0]["after"]["comment"] == "three"


def test_the_same_swap_twice_in_a_batch_is_applied_once(world: World) -> None:
    swap_id = give_away(world, "a1", MON)
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, swap_id, ""),
                                                   Approval(sup, swap_id, "")])
    assert isinstance(out[0], dict)
    assert isinstance(out[1], Conflict) and "is approved" in out[1].message
    versions = world.get("plan", "/teams/t1/rosters").json()
    assert [v["version"] for v in versions] == [1, 2]


def test_not_allowed_or_missing_approvals_get_their_error_and_others_go_on(
        world: World) -> None:
    swap_id = give_away(world, "a1", MON)
    out = approve_batch(world.app.state.sessions, [
        Approval(world.users["sup2"], swap_id, ""),  # supervises t2 only
        Approval(world.users["sup"], 999_999, ""),
        Approval(world.users["sup"], swap_id, "")])
    assert isinstance(out[0], Forbidden)
    assert isinstance(out[1], NotFound) and out[1].field == "swap_id"
    assert isinstance(out[2], dict) and out[2]["status"] == "approved"


def test_an_unexpected_failure_is_retried_alone_and_spoils_nothing(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = give_away(world, "a1", MON)
    broken = give_away(world, "a2", TUE)
    last = give_away(world, "a4", WED)
    real = approval._apply

    def failing(session: Any, who: Any, one: Approval, decision: Any) -> Any:
        if one.swap_id == broken:
            raise RuntimeError("disk full")
        return real(session, who, one, decision)

    monkeypatch.setattr(approval, "_apply", failing)
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, first, ""),
                                                   Approval(sup, broken, ""),
                                                   Approval(sup, last, "")])
    assert isinstance(out[1], RuntimeError)
    assert [o["status"] for o in (out[0], out[2]) if isinstance(o, dict)] == ["approved"] * 2
    versions = world.get("plan", "/teams/t1/rosters").json()
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert world.get("sup", f"/swaps/{broken}").json()["status"] == "pending_supervisor"
    assert days_of(world, versions[-1]["id"], "a2") == days_of(world, world.roster_id, "a2")


def test_a_dead_connection_is_tried_once_more_on_a_fresh_one(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = give_away(world, "a1", MON)
    second = give_away(world, "a2", TUE)
    real = approval._locked_swaps
    calls: list[int] = []

    def dropped(rows: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 1:  # as psycopg reports a server gone away, pool invalidated
            raise DBAPIError("SELECT", {}, RuntimeError("server closed the connection"),
                             connection_invalidated=True)
        return real(rows)

    monkeypatch.setattr(approval, "_locked_swaps", dropped)
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, first, ""),
                                                   Approval(sup, second, "")])
    assert calls == [2, 2]  # the whole batch again, not one by one
    assert [o["status"] for o in out if isinstance(o, dict)] == ["approved"] * 2
    assert [v["version"] for v in world.get("plan", "/teams/t1/rosters").json()] == [1, 2, 3]


def test_approvals_go_on_after_the_database_drops_every_connection(world: World) -> None:
    engine = world.app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop connections")
    first = give_away(world, "a1", MON)
    second = give_away(world, "a2", TUE)
    with engine.connect() as one, engine.connect() as two, engine.connect() as three:
        for connection in (one, two, three):  # the pool keeps three open connections
            connection.exec_driver_sql("SELECT 1")
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as admin:  # as a server restart would
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s", (engine.url.database,)).fetchone()
    assert killed is not None and killed[0] >= 1
    sup = world.users["sup"]
    # alone: a batch of one is not retried one by one, the dead connection is found on the
    # first read and the rollback's failure tells SQLAlchemy to drop the pool
    out = approve_batch(world.app.state.sessions, [Approval(sup, first, "")])
    assert isinstance(out[0], dict) and out[0]["status"] == "approved"
    out = approve_batch(world.app.state.sessions, [Approval(sup, second, "")])
    assert isinstance(out[0], dict) and out[0]["status"] == "approved"
    assert [v["version"] for v in world.get("plan", "/teams/t1/rosters").json()] == [1, 2, 3]


def test_a_connection_dead_twice_answers_each_approval_with_the_error(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    only = give_away(world, "a1", MON)

    def dropped(rows: Any) -> Any:
        raise DBAPIError("SELECT", {}, RuntimeError("server closed the connection"),
                         connection_invalidated=True)

    monkeypatch.setattr(approval, "_locked_swaps", dropped)
    out = approve_batch(world.app.state.sessions, [Approval(world.users["sup"], only, "")])
    assert len(out) == 1 and isinstance(out[0], DBAPIError)
    assert world.get("sup", f"/swaps/{only}").json()["status"] == "pending_supervisor"


def test_the_queue_answers_each_waiting_request(world: World) -> None:
    first = give_away(world, "a1", MON)
    conflicting = give_away(world, "a1", MON)
    independent = give_away(world, "a2", TUE)
    approvals = ApprovalQueue(world.app.state.sessions)
    sup = world.users["sup"]

    async def all_at_once() -> list[Any]:
        return await asyncio.gather(*(approvals.approve(Approval(sup, swap_id, ""))
                                      for swap_id in (first, conflicting, independent)),
                                    return_exceptions=True)
    try:
        results = asyncio.run(all_at_once())
    finally:
        approvals.shutdown()
    assert isinstance(results[0], dict) and results[0]["status"] == "approved"
    assert isinstance(results[1], Conflict)
    assert isinstance(results[2], dict) and results[2]["status"] == "approved"


def test_each_approval_in_a_batch_is_checked_against_its_own_parties_leave(
        world: World) -> None:
    to_a3 = give_away(world, "a1", MON)
    to_a4 = pending_supervisor(world, {"requester_date": world.day(TUE), "peer_id": "a4"},
                               requester="u_a2", peer="u_a4")
    leave_id = world.post("u_a4", "/teams/t1/leave", {
        "start": f"{world.day(TUE)} 00:00", "end": f"{world.day(WED)} 00:00",
        "type": "sick"}).json()["id"]
    assert world.post("sup", f"/leave/{leave_id}/approve").status_code == 200
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, to_a4, ""),
                                                   Approval(sup, to_a3, "")])
    assert isinstance(out[0], Conflict)
    assert out[0].extra["reasons"] and all(r.startswith("a4 ") for r in out[0].extra["reasons"])
    assert isinstance(out[1], dict) and out[1]["status"] == "approved"


def test_the_batch_reads_its_users_at_once_and_answers_an_unknown_one_alone(
        world: World) -> None:
    first = give_away(world, "a1", MON)
    second = give_away(world, "a2", TUE)
    sup = world.users["sup"]
    out = approve_batch(world.app.state.sessions, [Approval(sup, first, ""),
                                                   Approval(10_000, second, ""),
                                                   Approval(sup, second, "")])
    assert isinstance(out[0], dict) and out[0]["status"] == "approved"
    assert isinstance(out[1], NotAuthenticated) and out[1].field == "Authorization"
    assert isinstance(out[2], dict) and out[2]["status"] == "approved"
    assert [v["version"] for v in world.get("plan", "/teams/t1/rosters").json()] == [1, 2, 3]
