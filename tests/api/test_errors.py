"""Bad input is a 4xx whose message names the field, never a 500."""

from __future__ import annotations

from tests.api.conftest import World


def test_bad_date_names_field(world: World) -> None:
    r = world.propose("u_a1", {"requester_date": "2026-13-45", "peer_id": "a3"})
    assert r.status_code == 422
    assert r.json()["field"] == "body.requester_date"
    assert "2026-13-45" in r.json()["detail"]


def test_missing_field_and_unknown_field(world: World) -> None:
    r = world.propose("u_a1", {"peer_id": "a3", "colour": "red"})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"body.requester_date", "body.colour"}


def test_out_of_range_ids_and_unknown_rows(world: World) -> None:
    assert world.get("plan", "/swaps/99999999999999999999").status_code == 422
    r = world.get("plan", "/swaps/12345")
    assert r.status_code == 404 and r.json()["field"] == "swap_id"
    assert world.get("plan", "/teams/nope").status_code == 404


def test_zone_aware_leave_time_is_refused(world: World) -> None:
    body = {"start": f"{world.day(1)}T00:00:00+08:00", "end": f"{world.day(2)} 00:00",
            "type": "annual"}
    r = world.post("u_a2", "/teams/t1/leave", body)
    assert r.status_code == 422 and r.json()["field"] == "body.start"


def test_unknown_queue_in_requirements_names_row(world: World) -> None:
    body = {"start": world.day(7), "requirements": [
        {"start": f"{world.day(7)} 09:00", "queue": "refunds", "agents": 1}]}
    r = world.post("plan", "/teams/t1/rosters", body)
    assert r.status_code == 422 and r.json()["field"] == "requirements.0.queue"
