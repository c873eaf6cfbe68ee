"""The swap lifecycle, its checks and who may do what (one test per transition and rule)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.api.conftest import World

MON, TUE, SAT = 0, 1, 5


def ok_swap(w: World) -> dict:
    """a1's Monday early for a3's Saturday early: breaks no rule, coverage unchanged."""
    return {"requester_date": w.day(MON), "peer_id": "a3", "peer_date": w.day(SAT),
            "note": "family visit"}


def pending_supervisor(w: World, body: dict | None = None, requester: str = "u_a1",
                       peer: str = "u_a3") -> int:
    r = w.propose(requester, body or ok_swap(w))
    assert r.status_code == 201, r.text
    swap_id = r.json()["id"]
    r = w.post(peer, f"/swaps/{swap_id}/accept")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending_supervisor"
    return swap_id


def audit_actions(w: World, swap_id: int) -> list[str]:
    rows = w.get("sup", "/audit", params={"entity": "swap", "entity_id": str(swap_id)}).json()
    return [r["action"] for r in reversed(rows)]


# ---- transitions -----------------------------------------------------------------------


def test_propose_creates_pending_peer_with_check(world: World) -> None:
    r = world.propose("u_a1", ok_swap(world))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "pending_peer"
    assert body["requester_id"] == "a1" and body["peer_id"] == "a3"
    assert body["requester_shift"]["start"].endswith("08:00")
    assert body["check"]["stage"] == "creation"
    assert body["check"]["ok"] is True and body["check"]["violations"] == []
    assert body["check"]["coverage"] == {"intervals": [], "worse": False,
                                         "service_levels": False}
    assert audit_actions(world, body["id"]) == ["swap.propose"]


def test_accept_moves_to_supervisor_and_checks_again(world: World) -> None:
    swap_id = pending_supervisor(world)
    swap = world.get("sup", f"/swaps/{swap_id}").json()
    assert swap["peer_decision"] == "accepted"
    assert swap["check"]["stage"] == "acceptance"
    assert audit_actions(world, swap_id) == ["swap.propose", "swap.accept"]


def test_decline_ends_the_request(world: World) -> None:
    swap_id = world.propose("u_a1", ok_swap(world)).json()["id"]
    r = world.post("u_a3", f"/swaps/{swap_id}/decline", {"comment": "busy"})
    assert r.status_code == 200
    assert r.json()["status"] == "declined"
    assert world.post("u_a3", f"/swaps/{swap_id}/accept").status_code == 409


def test_approve_applies_swap_in_new_published_version(world: World) -> None:
    swap_id = pending_supervisor(world)
    r = world.post("sup", f"/swaps/{swap_id}/approve", {"comment": "fine"})
    assert r.status_code == 200, r.text
    swap = r.json()
    assert swap["status"] == "approved"
    new = world.get("u_a1", f"/rosters/{swap['applied_roster_id']}").json()
    assert new["version"] == 2 and new["status"] == "published"
    assert new["based_on_id"] == world.roster_id
    shifts = {(s["agent_id"], s["date"]): s for s in new["roster"]["shifts"]}
    assert (("a1", world.day(MON)) not in shifts) and (("a3", world.day(SAT)) not in shifts)
    assert shifts["a3", world.day(MON)]["queue"] == "presale"
    assert shifts["a1", world.day(SAT)]["queue"] == "aftersale"
    assert len(new["roster"]["shifts"]) == 15
    old = world.get("sup", f"/rosters/{world.roster_id}").json()
    assert old["status"] == "superseded"
    published = world.get("u_a2", f"/teams/t1/rosters/published?start={world.day(0)}").json()
    assert published["id"] == swap["applied_roster_id"]
    entry = world.get("sup", "/audit", params={"entity": "swap",
                                               "entity_id": str(swap_id)}).json()[0]
    assert entry["action"] == "swap.approve" and entry["username"] == "sup"
    assert entry["before"]["status"] == "pending_supervisor"
    assert entry["after"]["status"] == "approved" and entry["after"]["version"] == 2


def test_reject_keeps_roster(world: World) -> None:
    swap_id = pending_supervisor(world)
    r = world.post("sup", f"/swaps/{swap_id}/reject", {"comment": "peak day"})
    assert r.status_code == 200
    assert r.json()["status"] == "rejected" and r.json()["comment"] == "peak day"
    assert world.get("sup", f"/rosters/{world.roster_id}").json()["status"] == "published"
    assert world.post("sup", f"/swaps/{swap_id}/approve").status_code == 409


def test_requester_cancels_before_peer_answers(world: World) -> None:
    swap_id = world.propose("u_a1", ok_swap(world)).json()["id"]
    r = world.post("u_a1", f"/swaps/{swap_id}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_peer_cancels_before_supervisor_decides(world: World) -> None:
    swap_id = pending_supervisor(world)
    r = world.post("u_a3", f"/swaps/{swap_id}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_cancel_after_decision_is_409(world: World) -> None:
    swap_id = pending_supervisor(world)
    assert world.post("sup", f"/swaps/{swap_id}/approve").status_code == 200
    r = world.post("u_a1", f"/swaps/{swap_id}/cancel")
    assert r.status_code == 409
    assert "approved" in r.json()["detail"]


def test_request_expires_when_shift_starts(world: World,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    swap_id = world.propose("u_a1", ok_swap(world)).json()["id"]
    monday_8 = datetime.fromisoformat(world.day(MON)) + timedelta(hours=8)
    monkeypatch.setattr("api.services.swaps.local_now", lambda _zone: monday_8)
    assert world.get("u_a1", f"/swaps/{swap_id}").json()["status"] == "expired"
    r = world.post("u_a3", f"/swaps/{swap_id}/accept")
    assert r.status_code == 409
    assert "expired" in r.json()["detail"]
    assert "swap.expire" in audit_actions(world, swap_id)


def test_give_away_moves_the_shift(world: World) -> None:
    body = {"requester_date": world.day(MON), "peer_id": "a3"}
    swap_id = pending_supervisor(world, body)
    swap = world.post("sup", f"/swaps/{swap_id}/approve").json()
    assert swap["give_away"] is True
    roster = world.get("sup", f"/rosters/{swap['applied_roster_id']}").json()["roster"]
    mine = [s for s in roster["shifts"] if s["date"] == world.day(MON) and s["agent_id"]
            in ("a1", "a3")]
    assert [s["agent_id"] for s in mine] == ["a3"]


# ---- checks ----------------------------------------------------------------------------


def test_rest_violation_blocks_approval_with_reasons(world: World) -> None:
    # a1 takes a2's Monday late (ends 22:00) and still works Tuesday 08:00: 10 h rest < 11 h
    body = {"requester_date": world.day(MON), "peer_id": "a2", "peer_date": world.day(MON)}
    created = world.propose("u_a1", body).json()
    rules = {(v["agent_id"], v["rule"]) for v in created["check"]["violations"]}
    assert ("a1", "min_rest") in rules or any(r[0] == "a1" for r in rules)
    assert created["check"]["ok"] is False
    swap_id = created["id"]
    assert world.post("u_a2", f"/swaps/{swap_id}/accept").status_code == 200
    r = world.post("sup", f"/swaps/{swap_id}/approve")
    assert r.status_code == 409
    assert any("a1" in reason and "rest" in reason.lower() for reason in r.json()["reasons"])
    assert world.get("sup", f"/swaps/{swap_id}").json()["status"] == "pending_supervisor"
    assert world.get("sup", f"/rosters/{world.roster_id}").json()["status"] == "published"


def test_taking_a_shift_without_its_skill_moves_coverage_between_queues(world: World) -> None:
    # a4 (aftersale only) takes a2's Tuesday late presale shift and serves aftersale instead
    body = {"requester_date": world.day(TUE), "peer_id": "a4"}
    created = world.propose("u_a2", body).json()
    effect = created["check"]["coverage"]
    assert effect["worse"] is True
    changes = {(i["start"][11:], i["queue"]): i["change"] for i in effect["intervals"]}
    assert len(changes) == 16
    assert changes["14:00", "presale"] == -1 and changes["21:00", "aftersale"] == 1
    by_key = {(i["start"][11:], i["queue"]): i for i in effect["intervals"]}
    assert (by_key["14:00", "presale"]["agents_before"],
            by_key["14:00", "presale"]["agents_after"]) == (2, 1)  # a1's early still there
    presale = by_key["16:00", "presale"]
    assert presale["agents_before"] == 1 and presale["agents_after"] == 0
    assert presale["required"] == 1
    if effect["service_levels"]:
        assert presale["service_level_after"] < presale["service_level_before"]


def test_same_day_clash_is_refused_at_creation(world: World) -> None:
    # a4 already works Monday late, so cannot take a1's Monday early
    r = world.propose("u_a1", {"requester_date": world.day(MON), "peer_id": "a4"})
    assert r.status_code == 422
    assert "a4 already works" in r.json()["detail"]


def test_no_shift_that_day_is_422_naming_field(world: World) -> None:
    r = world.propose("u_a3", {"requester_date": world.day(MON), "peer_id": "a1"})
    assert r.status_code == 422
    assert r.json()["field"] == "requester_date"
    assert "a3 has no shift" in r.json()["detail"]


def test_auto_approval_applies_clean_swap(world: World) -> None:
    assert world.patch("sup", "/teams/t1", {"auto_approve_swaps": True}).status_code == 200
    r = world.propose("u_a1", ok_swap(world))
    swap_id = r.json()["id"]
    accepted = world.post("u_a3", f"/swaps/{swap_id}/accept").json()
    assert accepted["status"] == "approved"
    assert audit_actions(world, swap_id)[-1] == "swap.auto_approve"


def test_auto_approval_leaves_worse_coverage_to_supervisor(world: World) -> None:
    world.patch("sup", "/teams/t1", {"auto_approve_swaps": True})
    body = {"requester_date": world.day(TUE), "peer_id": "a4"}
    swap_id = world.propose("u_a2", body).json()["id"]
    assert world.post("u_a4", f"/swaps/{swap_id}/accept").json()["status"] == (
        "pending_supervisor")


# ---- concurrency -----------------------------------------------------------------------


def test_conflicting_approvals_second_gets_409(world: World) -> None:
    first = pending_supervisor(world)
    second = pending_supervisor(world, {"requester_date": world.day(MON), "peer_id": "a3"})
    assert world.post("sup", f"/swaps/{first}/approve").status_code == 200
    r = world.post("sup", f"/swaps/{second}/approve")
    assert r.status_code == 409
    assert "a1 has no shift on" in r.json()["detail"]
    versions = world.get("plan", "/teams/t1/rosters").json()
    assert [v["version"] for v in versions] == [1, 2]


def test_swap_after_a_publish_that_changed_its_shift_is_409(world: World) -> None:
    from tests.api import factories
    swap_id = pending_supervisor(world)
    changed = factories.roster(world.start)
    changed = changed.model_copy(update={"shifts": [
        s for s in changed.shifts if not (s.agent_id == "a1" and s.date.isoformat()
                                          == world.day(MON))]})
    draft = world.post("plan", "/teams/t1/rosters/upload",
                       {"roster": changed.model_dump(mode="json")}).json()
    assert world.post("plan", f"/rosters/{draft['id']}/publish").status_code == 200
    r = world.post("sup", f"/swaps/{swap_id}/approve")
    assert r.status_code == 409
    assert "a1 has no shift" in r.json()["detail"]


def test_publishing_a_draft_after_a_swap_is_409_until_told_to_replace(world: World) -> None:
    from tests.api import factories
    draft = world.post("plan", "/teams/t1/rosters/upload",
                       {"roster": factories.roster(world.start).model_dump(mode="json")}).json()
    swap_id = pending_supervisor(world)
    applied = world.post("sup", f"/swaps/{swap_id}/approve").json()["applied_roster_id"]
    r = world.post("plan", f"/rosters/{draft['id']}/publish")
    assert r.status_code == 409
    assert r.json()["field"] == "replaces_roster_id"
    assert f"replaces_roster_id={applied}" in r.json()["detail"]
    r = world.post("plan", f"/rosters/{draft['id']}/publish", {"replaces_roster_id": applied})
    assert r.status_code == 200


# ---- permissions -----------------------------------------------------------------------


def test_agent_cannot_offer_a_colleagues_shift(world: World) -> None:
    body = {**ok_swap(world), "requester_id": "a2"}
    r = world.propose("u_a1", body)
    assert r.status_code == 403 and r.json()["field"] == "requester_id"


def test_agent_of_other_team_cannot_propose(world: World) -> None:
    assert world.propose("u_ba1", ok_swap(world)).status_code == 403


def test_supervisor_cannot_propose(world: World) -> None:
    assert world.propose("sup", {**ok_swap(world), "requester_id": "a1"}).status_code == 403


def test_only_the_peer_accepts(world: World) -> None:
    swap_id = world.propose("u_a1", ok_swap(world)).json()["id"]
    assert world.post("u_a1", f"/swaps/{swap_id}/accept").status_code == 403
    assert world.post("u_a2", f"/swaps/{swap_id}/accept").status_code == 403
    assert world.post("sup", f"/swaps/{swap_id}/accept").status_code == 403


def test_disabled_supervisor_cannot_approve(world: World) -> None:
    from sqlalchemy import update

    from api.models import User
    swap_id = pending_supervisor(world)
    with world.app.state.sessions() as session, session.begin():
        session.execute(update(User).where(User.id == world.users["sup"]).values(active=False))
    r = world.post("sup", f"/swaps/{swap_id}/approve")
    assert r.status_code == 401
    assert r.json()["field"] == "Authorization"
    assert world.get("plan", f"/swaps/{swap_id}").json()["status"] == "pending_supervisor"


def test_agent_cannot_approve(world: World) -> None:
    swap_id = pending_supervisor(world)
    assert world.post("u_a3", f"/swaps/{swap_id}/approve").status_code == 403
    assert world.post("u_a1", f"/swaps/{swap_id}/reject").status_code == 403


def test_supervisor_of_other_team_cannot_decide_or_see(world: World) -> None:
    swap_id = pending_supervisor(world)
    assert world.post("sup2", f"/swaps/{swap_id}/approve").status_code == 403
    assert world.get("sup2", f"/swaps/{swap_id}").status_code == 403
    assert world.get("sup2", "/swaps").json() == []


def test_uninvolved_agent_cannot_see_or_cancel(world: World) -> None:
    swap_id = world.propose("u_a1", ok_swap(world)).json()["id"]
    assert world.get("u_a2", f"/swaps/{swap_id}").status_code == 403
    assert world.post("u_a2", f"/swaps/{swap_id}/cancel").status_code == 403
    assert world.get("u_a2", "/swaps").json() == []
    assert [s["id"] for s in world.get("u_a3", "/swaps").json()] == [swap_id]


def test_supervisor_lists_pending_swaps(world: World) -> None:
    swap_id = pending_supervisor(world)
    world.propose("u_a2", {"requester_date": world.day(TUE), "peer_id": "a4"})
    rows = world.get("sup", "/swaps", params={"status": "pending_supervisor"}).json()
    assert [r["id"] for r in rows] == [swap_id]
