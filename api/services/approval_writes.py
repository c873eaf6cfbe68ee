"""The writes of a batch of swap approvals, gathered while it decides and sent at its end.

Whatever the batch's size they take a fixed number of statements: the new versions (ids
reserved up front, so each approval builds on the one before it), one compare-and-set of
the published pointer per series (from the version the batch found to the one it leaves),
the replaced versions marked superseded, the approved swaps, the refused swaps' stored
checks and the audit rows. They go to the driver directly, in the session's transaction:
on PostgreSQL in one pipeline (one round trip, psycopg: each round trip is also a wait for
the interpreter lock when the HTTP side holds it), on SQLite through `sqlite3`'s
executemany, with the values converted by the columns' own SQLAlchemy bind processors (so
the rows are those SQLAlchemy would write, without its per-statement and per-row work).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, cast

from sqlalchemy import Dialect, Table, func, select, text
from sqlalchemy.orm import Session

from api.clock import utc_now
from api.errors import Conflict
from api.models import RosterRow, SeriesRow, SwapRow

_SWAPS = cast(Table, SwapRow.__table__)
_SERIES = cast(Table, SeriesRow.__table__)
_ROSTERS = cast(Table, RosterRow.__table__)

_PG_VERSIONS = (
    "INSERT INTO rosters (id, series_id, team_id, version, status, source, based_on_id, data,"
    " change, created_by, created_at) VALUES (%(r_id)s, %(r_series_id)s, %(r_team_id)s,"
    " %(r_version)s, %(r_status)s, 'swap', %(r_based_on_id)s, %(r_data)s, %(r_change)s,"
    " %(r_created_by)s, %(r_created_at)s)")
_MOVE = (
    "UPDATE roster_series SET published_roster_id = %(new_id)s, last_version = %(number)s"
    " WHERE id = %(b_series)s AND published_roster_id = %(checked_id)s")
_PG_MOVE = f"WITH moved AS ({_MOVE} RETURNING id) SELECT 1 / count(*) FROM moved"
"""The compare-and-set, failing inside the transaction when it moves nothing (division by
zero): the COMMIT that follows it in the pipeline then never runs."""
_PG_SUPERSEDE = "UPDATE rosters SET status = 'superseded' WHERE id = ANY(%(checked_ids)s)"
_PG_APPROVED = (
    "UPDATE swaps SET status = 'approved', decided_by = %(b_by)s, comment = %(b_comment)s,"
    " applied_roster_id = %(new_id)s, last_check = %(b_check)s, updated_at = %(b_at)s"
    " WHERE id = %(swap_id)s")
_PG_STORE_CHECK = ("UPDATE swaps SET last_check = %(b_check)s, updated_at = %(b_at)s"
                   " WHERE id = %(swap_id)s")
_PG_AUDIT = (
    "INSERT INTO audit (at, user_id, username, team_id, action, entity, entity_id, before,"
    " after) VALUES (%(at)s, %(user_id)s, %(username)s, %(team_id)s, %(action)s,"
    " %(entity)s, %(entity_id)s, %(before)s, %(after)s)")
_PG_IDS = text("SELECT nextval(pg_get_serial_sequence('rosters', 'id')) "
               "FROM generate_series(1, :n)")
_LAST_ID = select(func.coalesce(func.max(_ROSTERS.c.id), 0))


def _for_sqlite(statement: str) -> str:
    """A statement above with `sqlite3`'s named parameters (`:name` for `%(name)s`)."""
    return re.sub(r"%\((\w+)\)s", r":\1", statement)


_LITE_VERSIONS = _for_sqlite(_PG_VERSIONS)
_LITE_MOVE = _for_sqlite(_MOVE)
_LITE_SUPERSEDE = "UPDATE rosters SET status = 'superseded' WHERE id = :checked_id"
_LITE_APPROVED = _for_sqlite(_PG_APPROVED)
_LITE_STORE_CHECK = _for_sqlite(_PG_STORE_CHECK)
_LITE_AUDIT = _for_sqlite(_PG_AUDIT)

Convert = Callable[[Any], Any]


@cache
def _sqlite_binds(dialect: Dialect) -> tuple[Convert, Convert]:
    """How SQLAlchemy stores a JSON value and an aware datetime on SQLite (the bind
    processors of the columns written here: all JSON, all `DateTime(timezone=True)`)."""
    def processor(column: Any) -> Convert:
        found = column.type.dialect_impl(dialect).bind_processor(dialect)
        return found if found is not None else (lambda value: value)

    return processor(_SWAPS.c.last_check), processor(_SWAPS.c.updated_at)


class BatchWrites:
    """What a batch writes, gathered while it decides and sent at its end in a few
    statements whatever the batch's size: the new versions (one executemany; each gets an
    id reserved up front, so the next approval can build on it), one compare-and-set of
    the published pointer per series (from the version the batch found to the one it
    leaves), the versions it replaced marked superseded (one statement), the approved swaps
    and the refused swaps' stored checks (one executemany each), and the audit rows."""

    def __init__(self, session: Session, most: int, reserved: list[int] | None = None):
        self.session = session
        self.db = session.connection()
        self.most = most
        self._ids = list(reversed(reserved or []))
        self.versions: list[dict[str, Any]] = []
        self.approved: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.moves: dict[int, dict[str, Any]] = {}
        """Per series: the compare-and-set from the version found to the one left."""

    def new_id(self) -> int:
        """An unused roster id: from those reserved with the locking read (PostgreSQL), else
        the first call reserves as many as the batch may need (on PostgreSQL from the
        table's sequence; on SQLite, whose write lock this transaction holds from its start,
        after the highest id)."""
        if not self._ids:
            if self.db.dialect.name == "postgresql":
                self._ids = list(self.db.execute(_PG_IDS, {"n": self.most}).scalars())
            else:
                last = int(self.db.execute(_LAST_ID).scalar_one())
                self._ids = list(range(last + 1, last + 1 + self.most))
            self._ids.reverse()
        return self._ids.pop()

    def flush(self) -> None:
        """Send everything gathered (on PostgreSQL with the COMMIT: call it last in the
        transaction); raise Conflict if a series' published version moved (cannot happen
        while its row is locked; never apply blindly)."""
        if self.versions:
            last_of = {v["r_series_id"]: v["r_id"] for v in self.versions}
            for v in self.versions:  # only the last of each series stays published
                v["r_status"] = ("published" if last_of[v["r_series_id"]] == v["r_id"]
                                 else "superseded")
        if self.db.dialect.name == "postgresql":
            self._flush_pipeline()
        else:
            self._flush_sqlite()

    def _flush_sqlite(self) -> None:
        """SQLite: every write through `sqlite3`, inside the session's transaction."""
        json, when = _sqlite_binds(self.db.dialect)
        cursor = self.db.connection.dbapi_connection.cursor()
        try:
            if self.versions:
                cursor.executemany(_LITE_VERSIONS, [
                    {**v, "r_change": json(v["r_change"]),
                     "r_created_at": when(v["r_created_at"])} for v in self.versions])
                for move in self.moves.values():
                    cursor.execute(_LITE_MOVE, move)
                    if cursor.rowcount != 1:
                        raise Conflict("the published roster changed during the check; try "
                                       "again", field="swap_id")
                cursor.executemany(_LITE_SUPERSEDE, list(self.moves.values()))
                cursor.executemany(_LITE_APPROVED, [
                    {**a, "b_check": json(a["b_check"]), "b_at": when(a["b_at"])}
                    for a in self.approved])
            if self.refused:
                cursor.executemany(_LITE_STORE_CHECK, [
                    {**r, "b_check": json(r["b_check"]), "b_at": when(r["b_at"])}
                    for r in self.refused])
            if self.audit:
                at = when(utc_now())
                cursor.executemany(_LITE_AUDIT, [
                    {**e, "at": at, "before": json(e["before"]), "after": json(e["after"])}
                    for e in self.audit])
        finally:
            cursor.close()

    def _flush_pipeline(self) -> None:
        """PostgreSQL: every write and the COMMIT in one pipeline (one round trip). A
        compare-and-set that moves nothing fails the transaction before the COMMIT, and
        raises Conflict here (the session then rolls back); otherwise the session's own
        commit that follows finds the transaction committed and sends nothing."""
        from psycopg.errors import DivisionByZero
        from psycopg.types.json import Json

        def jsonb(values: dict[str, Any], *names: str) -> dict[str, Any]:
            return {**values, **{n: None if values[n] is None else Json(values[n])
                                 for n in names}}

        pg: Any = self.db.connection.dbapi_connection
        at = utc_now()
        try:
            with pg.pipeline(), pg.cursor() as cursor:
                if self.versions:
                    cursor.executemany(_PG_VERSIONS,
                                       [jsonb(v, "r_change") for v in self.versions])
                    for move in self.moves.values():
                        cursor.execute(_PG_MOVE, move)
                    cursor.execute(_PG_SUPERSEDE, {"checked_ids": [
                        m["checked_id"] for m in self.moves.values()]})
                    cursor.executemany(_PG_APPROVED,
                                       [jsonb(a, "b_check") for a in self.approved])
                if self.refused:
                    cursor.executemany(_PG_STORE_CHECK,
                                       [jsonb(r, "b_check") for r in self.refused])
                if self.audit:
                    cursor.executemany(_PG_AUDIT, [jsonb({**e, "at": at}, "before", "after")
                                                   for e in self.audit])
                cursor.execute("COMMIT")
        except DivisionByZero as err:
            raise Conflict("the published roster changed during the check; try again",
                           field="swap_id") from err
