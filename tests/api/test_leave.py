"""The leave lifecycle, its coverage effect, repair jobs, and who may do what."""

from __future__ import annotations

from tests.api.conftest import World
from tests.api.test_rosters import wait_job


def tuesday(w: World) -> dict:
    return {"start": f"{w.day(1)} 00:00", "end": f"{w.day(2)} 00:00", "type": "annual",
            "note": "wedding"}


def test_request_shows_coverage_effect(world: World) -> None:
    r = world.post("u_a2", "/teams/t1/leave", tuesday(world))
    assert r.status_code == 201, r.text
    leave = r.json()
    assert (leave["status"], leave["agent_id"]) == ("requested", "a2")
    effect = leave["coverage"]["rosters"][0]
    assert effect["roster_id"] == world.roster_id
    assert [s["date"] for s in effect["shifts_lost"]] == [world.day(1)]
    intervals = effect["coverage"]["intervals"]
    assert len(intervals) == 8 and all(i["change"] == -1 for i in intervals)
    assert effect["coverage"]["worse"] is True


def test_approve_blocks_the_agent_in_swap_checks(world: World) -> None:
    leave_id = world.post("u_a3", "/teams/t1/leave", {
        "start": f"{world.day(0)} 00:00", "end": f"{world.day(1)} 00:00",
        "type": "sick"}).json()["id"]
    r = world.post("sup", f"/leave/{leave_id}/approve", {"comment": "get well"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    swap = world.propose("u_a1", {"requester_date": world.day(0), "peer_id": "a3"}).json()
    assert any(v["agent_id"] == "a3" for v in swap["check"]["violations"])
    audit = world.get("sup", "/audit", params={"entity": "leave"}).json()
    assert [a["action"] for a in audit] == ["leave.approve", "leave.request"]
    assert audit[0]["before"]["status"] == "requested"
    assert audit[0]["after"]["status"] == "approved"


def test_reject(world: World) -> None:
    leave_id = world.post("u_a2", "/teams/t1/leave", tuesday(world)).json()["id"]
    r = world.post("sup", f"/leave/{leave_id}/reject", {"comment": "promo week"})
    assert r.json()["status"] == "rejected"
    assert world.post("sup", f"/leave/{leave_id}/approve").status_code == 409


def test_agent_cancels_own_request(world: World) -> None:
    leave_id = world.post("u_a2", "/teams/t1/leave", tuesday(world)).json()["id"]
    assert world.post("u_a1", f"/leave/{leave_id}/cancel").status_code == 403
    assert world.post("u_a2", f"/leave/{leave_id}/cancel").json()["status"] == "cancelled"


def test_overlapping_request_is_409(world: World) -> None:
    world.post("u_a2", "/teams/t1/leave", tuesday(world))
    r = world.post("u_a2", "/teams/t1/leave", tuesday(world))
    assert r.status_code == 409 and r.json()["field"] == "start"


def test_end_before_start_is_422_naming_end(world: World) -> None:
    body = {**tuesday(world), "end": f"{world.day(0)} 00:00"}
    r = world.post("u_a2", "/teams/t1/leave", body)
    assert r.status_code == 422 and r.json()["field"] == "end"


def test_agent_cannot_request_for_colleague_or_decide(world: World) -> None:
    assert world.post("u_a1", "/teams/t1/leave",
                      {**tuesday(world), "agent_id": "a2"}).status_code == 403
    leave_id = world.post("u_a2", "/teams/t1/leave", tuesday(world)).json()["id"]
    assert world.post("u_a2", f"/leave/{leave_id}/approve").status_code == 403
    assert world.post("sup2", f"/leave/{leave_id}/approve").status_code == 403
    assert world.get("u_a1", f"/leave/{leave_id}").status_code == 403


def test_approve_with_repair_starts_a_repair_job(world: World) -> None:
    leave_id = world.post("u_a2", "/teams/t1/leave", tuesday(world)).json()["id"]
    r = world.post("sup", f"/leave/{leave_id}/approve",
                   {"repair": True, "time_limit_seconds": 3})
    assert r.status_code == 200, r.text
    [job_id] = r.json()["repair_job_ids"]
    job = wait_job(world, job_id)
    assert job["kind"] == "repair" and job["status"] == "succeeded", job
    draft = world.get("sup", f"/rosters/{job['roster_id']}").json()
    assert draft["source"] == "repair" and draft["status"] == "draft"
    assert not any(s["agent_id"] == "a2" and s["date"] == world.day(1)
                   for s in draft["roster"]["shifts"])
