"""The writes of a batch of swap approvals, gathered while it decides and sent at its end.

Whatever the batch's size they take a fixed number of statements: the new versions (ids
reserved up front, so each approval builds on the one before it), one compare-and-set of
the published pointer per series (from the version the batch found to the one it leaves),
the replaced versions marked superseded, the approved swaps, the refused swaps' stored
checks and the audit rows. On PostgreSQL they go out in one pipeline (one round trip, raw
psycopg: each round trip is also a wait for the interpreter lock when the HTTP side holds
it); on SQLite, in-process, through SQLAlchemy (executemany).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from api.clock import utc_now
from api.errors import Conflict
from api.models import RosterRow, SeriesRow, SwapRow
from api.services.audit import insert_many

_SWAPS = cast(Table, SwapRow.__table__)
_SERIES = cast(Table, SeriesRow.__table__)
_ROSTERS = cast(Table, RosterRow.__table__)

_NEW_VERSIONS = insert(_ROSTERS).values(
    id=bindparam("r_id"), series_id=bindparam("r_series_id"), team_id=bindparam("r_team_id"),
    version=bindparam("r_version"), status=bindparam("r_status"), source="swap",
    based_on_id=bindparam("r_based_on_id"), data=bindparam("r_data"),
    change=bindparam("r_change"), created_by=bindparam("r_created_by"),
    created_at=bindparam("r_created_at"))
"""The versions a batch made, with ids reserved beforehand (executemany: one statement)."""
_MOVE_PUBLISHED = update(_SERIES).where(
    _SERIES.c.id == bindparam("b_series"),
    _SERIES.c.published_roster_id == bindparam("checked_id")).values(
    published_roster_id=bindparam("new_id"), last_version=bindparam("number"))
_SUPERSEDE = update(_ROSTERS).where(
    _ROSTERS.c.id.in_(bindparam("checked_ids", expanding=True))).values(status="superseded")
_STORE_CHECK = update(_SWAPS).where(_SWAPS.c.id == bindparam("swap_id")).values(
    last_check=bindparam("b_check"), updated_at=bindparam("b_at"))
_APPROVED = update(_SWAPS).where(_SWAPS.c.id == bindparam("swap_id")).values(
    status="approved", decided_by=bindparam("b_by"), comment=bindparam("b_comment"),
    applied_roster_id=bindparam("new_id"), last_check=bindparam("b_check"),
    updated_at=bindparam("b_at"))
_PG_VERSIONS = (
    "INSERT INTO rosters (id, series_id, team_id, version, status, source, based_on_id, data,"
    " change, created_by, created_at) VALUES (%(r_id)s, %(r_series_id)s, %(r_team_id)s,"
    " %(r_version)s, %(r_status)s, 'swap', %(r_based_on_id)s, %(r_data)s, %(r_change)s,"
    " %(r_created_by)s, %(r_created_at)s)")
_PG_MOVE = (
    "UPDATE roster_series SET published_roster_id = %(new_id)s, last_version = %(number)s"
    " WHERE id = %(b_series)s AND published_roster_id = %(checked_id)s RETURNING id")
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
        """Send everything gathered; raise Conflict if a series' published version moved
        (cannot happen while its row is locked; never apply blindly)."""
        if self.versions:
            last_of = {v["r_series_id"]: v["r_id"] for v in self.versions}
            for v in self.versions:  # only the last of each series stays published
                v["r_status"] = ("published" if last_of[v["r_series_id"]] == v["r_id"]
                                 else "superseded")
        if self.db.dialect.name == "postgresql":
            self._flush_pipeline()
            return
        db = self.db
        if self.versions:
            db.execute(_NEW_VERSIONS, self.versions)
            for move in self.moves.values():
                if db.execute(_MOVE_PUBLISHED, move).rowcount != 1:
                    raise Conflict("the published roster changed during the check; try "
                                   "again", field="swap_id")
            db.execute(_SUPERSEDE, {"checked_ids": [m["checked_id"]
                                                    for m in self.moves.values()]})
            db.execute(_APPROVED, self.approved)
        if self.refused:
            db.execute(_STORE_CHECK, self.refused)
        if self.audit:
            insert_many(self.session, self.audit)

    def _flush_pipeline(self) -> None:
        """PostgreSQL: every write in one pipeline, inside the session's transaction."""
        from psycopg.types.json import Json

        def jsonb(values: dict[str, Any], *names: str) -> dict[str, Any]:
            return {**values, **{n: None if values[n] is None else Json(values[n])
                                 for n in names}}

        pg: Any = self.db.connection.dbapi_connection
        at = utc_now()
        moved = []
        with pg.pipeline(), pg.cursor() as cursor:
            if self.versions:
                cursor.executemany(_PG_VERSIONS,
                                   [jsonb(v, "r_change") for v in self.versions])
                for move in self.moves.values():
                    one = pg.cursor()
                    one.execute(_PG_MOVE, move)
                    moved.append(one)
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
        for one in moved:
            rows = one.fetchall()
            one.close()
            if len(rows) != 1:
                raise Conflict("the published roster changed during the check; try again",
                               field="swap_id")


