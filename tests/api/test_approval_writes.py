"""A batch's writes: on SQLite through `sqlite3` they leave the very rows SQLAlchemy wrote;
on PostgreSQL they commit in their pipeline, and a compare-and-set that moves nothing
commits nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from api.db import make_engine, migrate
from api.errors import Conflict
from api.models import AuditRow, RosterRow, SeriesRow, SwapRow, TeamRow
from api.services import approval_writes
from api.services.approval_writes import BatchWrites
from tests.api.conftest import _pg_database, _pg_drop

AT = datetime(2026, 11, 30, 14, 0, 1, 123456, tzinfo=UTC)
DECIDED = datetime(2026, 11, 30, 14, 0, 0, 654321, tzinfo=UTC)
TABLES = ("rosters", "roster_series", "swaps", "audit")

_ROSTERS = cast(Table, RosterRow.__table__)
_SERIES = cast(Table, SeriesRow.__table__)
_SWAPS = cast(Table, SwapRow.__table__)
# The statements SQLAlchemy executed before the writes went to `sqlite3` (the reference).
_OLD_VERSIONS = insert(_ROSTERS).values(
    id=bindparam("r_id"), series_id=bindparam("r_series_id"), team_id=bindparam("r_team_id"),
    version=bindparam("r_version"), status=bindparam("r_status"), source="swap",
    based_on_id=bindparam("r_based_on_id"), data=bindparam("r_data"),
    change=bindparam("r_change"), created_by=bindparam("r_created_by"),
    created_at=bindparam("r_created_at"))
_OLD_MOVE = update(_SERIES).where(
    _SERIES.c.id == bindparam("b_series"),
    _SERIES.c.published_roster_id == bindparam("checked_id")).values(
    published_roster_id=bindparam("new_id"), last_version=bindparam("number"))
_OLD_SUPERSEDE = update(_ROSTERS).where(
    _ROSTERS.c.id.in_(bindparam("checked_ids", expanding=True))).values(status="superseded")
_OLD_STORE_CHECK = update(_SWAPS).where(_SWAPS.c.id == bindparam("swap_id")).values(
    last_check=bindparam("b_check"), updated_at=bindparam("b_at"))
_OLD_APPROVED = update(_SWAPS).where(_SWAPS.c.id == bindparam("swap_id")).values(
    status="approved", decided_by=bindparam("b_by"), comment=bindparam("b_comment"),
    applied_roster_id=bindparam("new_id"), last_check=bindparam("b_check"),
    updated_at=bindparam("b_at"))


def _database(path: Path | str) -> Engine:
    """A team, its series with published version 10, and swaps 1 and 2 waiting (a SQLite
    file, or a database URL)."""
    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as db:
        db.execute(insert(TeamRow), {"id": "t1", "settings": {"name": "t1"}})
        db.execute(insert(SeriesRow), {"id": 1, "team_id": "t1",
                                       "period_start": date(2026, 12, 14), "period_days": 7,
                                       "interval_minutes": 30, "published_roster_id": 10,
                                       "last_version": 1})
        db.execute(insert(RosterRow), {"id": 10, "series_id": 1, "team_id": "t1", "version": 1,
                                       "status": "published", "source": "upload",
                                       "data": "{}", "created_at": DECIDED})
        for swap_id in (1, 2):
            db.execute(insert(SwapRow), {
                "id": swap_id, "team_id": "t1", "series_id": 1, "requester_id": "a1",
                "requester_date": date(2026, 12, 14), "peer_id": "a3",
                "peer_date": date(2026, 12, 19), "requester_shift": {"start": "08:00"},
                "peer_shift": None, "status": "pending_supervisor",
                "expires_at": datetime(2026, 12, 14, 8, 0), "created_at": DECIDED,
                "updated_at": DECIDED})
    return engine


def _gathered(writes: BatchWrites) -> None:
    """Swap 1 approved into version 11, swap 2 refused, one audit row."""
    writes.versions.append({
        "r_id": 11, "r_series_id": 1, "r_team_id": "t1", "r_version": 2, "r_based_on_id": 10,
        "r_data": None, "r_change": {"removed": [["a1", "2026-12-14"]],
                                     "added": [{"agent_id": "a3", "start": 8.5}]},
        "r_created_by": 5, "r_created_at": DECIDED})
    writes.moves[1] = {"b_series": 1, "checked_id": 10, "new_id": 11, "number": 2}
    writes.approved.append({"swap_id": 1, "b_by": 5, "b_comment": "fine \u2713",
                            "new_id": 11, "b_check": {"ok": True, "sl": [0.8125, None, "é"]},
                            "b_at": DECIDED})
    writes.refused.append({"swap_id": 2, "b_check": {"ok": False, "reasons": ["rest"]},
                           "b_at": DECIDED})
    writes.audit.append({"user_id": 5, "username": "sup", "team_id": "t1",
                         "action": "swap.approve", "entity": "swap", "entity_id": "1",
                         "before": {"status": "pending_supervisor"},
                         "after": {"status": "approved", "version": 2}})


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


def test_sqlite_writes_leave_the_rows_sqlalchemy_wrote(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(approval_writes, "utc_now", lambda: AT)
    new, old = _database(tmp_path / "new.db"), _database(tmp_path / "old.db")
    with Session(new) as session, session.begin():
        writes = BatchWrites(session, 2, [11])
        _gathered(writes)
        writes.flush()
    with Session(old) as session, session.begin():
        reference = BatchWrites(session, 2, [11])
        _gathered(reference)
        db = session.connection()
        versions = [{**v, "r_status": "published"} for v in reference.versions]
        db.execute(_OLD_VERSIONS, versions)
        assert db.execute(_OLD_MOVE, reference.moves[1]).rowcount == 1
        db.execute(_OLD_SUPERSEDE, {"checked_ids": [10]})
        db.execute(_OLD_APPROVED, reference.approved)
        db.execute(_OLD_STORE_CHECK, reference.refused)
        db.execute(insert(cast(Table, AuditRow.__table__)),
                   [{**e, "at": AT} for e in reference.audit])
    got = _rows(tmp_path / "new.db")
    assert got == _rows(tmp_path / "old.db")
    assert [(r[0], r[4]) for r in got["rosters"]] == [(10, "superseded"), (11, "published")]
    assert got["roster_series"][0][5:7] == (11, 2)
    swaps = {r[0]: r for r in got["swaps"]}
    assert swaps[1][9:12] == ("approved", "pending", "")
    assert swaps[1][12] == "fine \u2713"
    assert swaps[1][13] == '{"ok": true, "sl": [0.8125, null, "\\u00e9"]}'
    assert swaps[2][13] == '{"ok": false, "reasons": ["rest"]}'
    assert swaps[2][9] == "pending_supervisor"
    assert got["audit"][0][1] == "2026-11-30 14:00:01.123456"
    new.dispose()
    old.dispose()


@pytest.fixture
def pg_database() -> Any:
    url, reason = _pg_database()
    if url is None:
        pytest.skip(reason)
    yield url
    _pg_drop(url)


def test_postgres_writes_commit_in_their_pipeline(pg_database: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(approval_writes, "utc_now", lambda: AT)
    engine = _database(pg_database)
    with Session(engine) as session:
        session.begin()
        writes = BatchWrites(session, 2, [11])
        _gathered(writes)
        writes.flush()
        with engine.connect() as other:  # committed before the session's own commit
            assert other.execute(select(_SERIES.c.published_roster_id)).scalar_one() == 11
        session.commit()
    with engine.connect() as db:
        assert db.execute(select(_ROSTERS.c.id, _ROSTERS.c.status).order_by(_ROSTERS.c.id)
                          ).all() == [(10, "superseded"), (11, "published")]
        assert db.execute(select(_SWAPS.c.id, _SWAPS.c.status, _SWAPS.c.last_check)
                          .order_by(_SWAPS.c.id)).all() == [
            (1, "approved", {"ok": True, "sl": [0.8125, None, "é"]}),
            (2, "pending_supervisor", {"ok": False, "reasons": ["rest"]})]
        assert db.execute(select(AuditRow.at, AuditRow.after)).all() == [
            (AT, {"status": "approved", "version": 2})]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A SQLite file, then a PostgreSQL database (skipped where there is none)."""
    if request.param == "sqlite":
        yield tmp_path / "moved.db"
        return
    yield request.getfixturevalue("pg_database")


def test_writes_refuse_a_moved_published_version(any_database: Path | str) -> None:
    engine = _database(any_database)
    # as in the service: the Conflict leaves the transaction, which rolls back
    with pytest.raises(Conflict, match="published roster changed"), \
            Session(engine) as session, session.begin():
        writes = BatchWrites(session, 2, [11])
        _gathered(writes)
        writes.moves[1]["checked_id"] = 9
        writes.flush()
    with engine.connect() as db:  # nothing of the batch stayed
        assert db.execute(select(_ROSTERS.c.id, _ROSTERS.c.status)).all() == [
            (10, "published")]
        assert db.execute(select(_SERIES.c.published_roster_id)).scalar_one() == 10
        assert db.execute(select(_SWAPS.c.status).order_by(_SWAPS.c.id)).scalars().all() == [
            "pending_supervisor", "pending_supervisor"]
        assert db.execute(select(AuditRow.id)).all() == []
    engine.dispose()
