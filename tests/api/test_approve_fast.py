"""The approval route answered before FastAPI's dependency solving (`api.routes.approve_fast`)
answers exactly as the FastAPI route does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes.approve_fast import ApproveRoute, answer, parse
from tests.api.conftest import World
from tests.api.test_swaps import ok_swap, pending_supervisor


def test_parse_takes_well_formed_requests_only() -> None:
    assert parse("12", None, b"") == (12, "")
    assert parse("12", "text/plain", b"") == (12, "")
    assert parse("12", "application/json", b'{"comment": "fine"}') == (12, "fine")
    assert parse("12", "application/json", b"{}") == (12, "")
    assert parse("2147483647", None, b"") == (2_147_483_647, "")
    for swap_id in ("0", "-3", "2147483648", "abc", "1.5", ""):
        assert parse(swap_id, None, b"") is None, swap_id
    for content_type, body in (
            ("text/plain", b'{"comment": "fine"}'),
            (None, b'{"comment": "fine"}'),
            ("application/json", b'{"comment": "fine"'),
            ("application/json", b"null"),
            ("application/json", b'["fine"]'),
            ("application/json", b'{"comment": 5}'),
            ("application/json", b'{"comment": "fine", "other": 1}'),
            ("application/json", json.dumps({"comment": "x" * 2001}).encode()),
            ("application/json", b'{"comment": "bad\\u0000"}')):
        assert parse("12", content_type, body) is None, (content_type, body)


def test_answer_is_fastapis_serialisation_of_a_dict() -> None:
    value = {"id": 3, "day": date(2026, 12, 14), "at": datetime(2026, 12, 14, 8, 30, 5),
             "none": None, "ok": True, "ratio": 0.1, "big": 1e16, "text": "Zoë \u00e9",
             "nested": {"list": [1, "a", {"b": None}]}}
    plain = FastAPI()

    @plain.get("/x")
    def route() -> dict[str, Any]:
        return value

    expected = TestClient(plain).get("/x")
    got = answer(value)
    assert got.body == expected.content
    assert got.status_code == 200
    assert got.headers["content-type"] == expected.headers["content-type"]


@contextmanager
def without_fast_route(app: FastAPI) -> Iterator[None]:
    routes = app.router.routes
    fast = [r for r in routes if isinstance(r, ApproveRoute)]
    assert len(fast) == 1
    routes.remove(fast[0])
    try:
        yield
    finally:
        routes.insert(0, fast[0])


def test_every_answer_equals_the_fastapi_routes(world: World) -> None:
    good = {"Authorization": world.headers("sup")["Authorization"]}
    approvable = pending_supervisor(world)
    waiting_peer = world.propose("u_a1", ok_swap(world)).json()["id"]
    requests: list[tuple[str, dict[str, str], Any]] = [
        ("/swaps/abc/approve", good, None),
        ("/swaps/0/approve", good, None),
        ("/swaps/99999999999/approve", good, None),
        (f"/swaps/{approvable}/approve", {}, None),
        (f"/swaps/{approvable}/approve", {"Authorization": "Bearer not-a-token"}, None),
        (f"/swaps/{approvable}/approve", {"Authorization": "Basic abc"}, None),
        ("/swaps/abc/approve", {}, None),
        (f"/swaps/{approvable}/approve", {**good, "Content-Type": "application/json"},
         b'{"comment": '),
        (f"/swaps/{approvable}/approve", {**good, "Content-Type": "application/json"},
         b'{"comment": 5}'),
        (f"/swaps/{approvable}/approve", {**good, "Content-Type": "application/json"},
         b'{"comment": "ok", "extra": 1}'),
        (f"/swaps/{approvable}/approve", {**good, "Content-Type": "application/json"},
         b"[1]"),
        (f"/swaps/{approvable}/approve", {**good, "Content-Type": "text/plain"},
         b'{"comment": "ok"}'),
        ("/swaps/424242/approve", good, None),
        (f"/swaps/{approvable}/approve", world.headers("u_a3"), None),
        (f"/swaps/{approvable}/approve", world.headers("sup2"), None),
        (f"/swaps/{waiting_peer}/approve", good, None),
        (f"/swaps/{waiting_peer}/approve", {**good, "Content-Type": "application/json"},
         b'{"comment": "fine"}'),
    ]

    def answers() -> list[tuple[int, bytes, str | None, str | None]]:
        got = []
        for url, headers, body in requests:
            r = world.client.post(url, headers=headers, content=body)
            got.append((r.status_code, r.content, r.headers.get("content-type"),
                        r.headers.get("www-authenticate")))
        return got

    fast = answers()
    with without_fast_route(world.app):
        declared = answers()
    assert [a[0] for a in fast] == [422, 422, 422, 401, 401, 401, 401, 422, 422, 422, 422,
                                    422, 404, 403, 403, 409, 409]
    assert fast == declared

    approved = world.post("sup", f"/swaps/{approvable}/approve", {"comment": "fine"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["comment"] == "fine"
    again = world.post("sup", f"/swaps/{approvable}/approve")
    with without_fast_route(world.app):
        declared_again = world.post("sup", f"/swaps/{approvable}/approve")
    assert again.status_code == declared_again.status_code == 409
    assert again.content == declared_again.content
