"""What a batch of swap approvals reads first, on PostgreSQL in one round trip.

The users (with their supervised teams), the current leave of every party to the swaps, and
the swaps with their series, locked, with roster ids reserved for the versions the batch
may make: three queries sent with the transaction's `BEGIN` in one psycopg pipeline (raw
psycopg in the session's transaction), instead of a round trip each. Each round trip is
also a wait for the interpreter lock once the answer is in, while the HTTP side holds it.
The queries are those of `api.deps.principals_in`, `api.services.approval._LEAVE_OF_SWAPS`
and `api.services.approval._SWAPS_SERIES_AND_IDS`, written for PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column
from sqlalchemy.orm import Session

_USERS = (
    "SELECT u.id, u.username, u.role, u.team_id, u.agent_id, u.active,"
    " s.team_id AS supervised FROM users AS u"
    " LEFT OUTER JOIN supervisor_teams AS s ON s.user_id = u.id"
    " WHERE u.id = ANY(%(user_ids)s)")
_LEAVE = (
    'SELECT l.agent_id, l.start, l."end", l.type, l.status, l.note, l.team_id'
    " FROM leave_requests AS l WHERE l.status IN ('approved', 'requested')"
    " AND l.team_id IN (SELECT team_id FROM swaps WHERE id = ANY(%(swap_ids)s))"
    " AND l.agent_id IN (SELECT requester_id FROM swaps WHERE id = ANY(%(swap_ids)s)"
    " UNION SELECT peer_id FROM swaps WHERE id = ANY(%(swap_ids)s))")


def _locking(swap_columns: Sequence[Column[Any]]) -> str:
    columns = ", ".join(f'w."{c.name}"' for c in swap_columns)
    return (
        f"SELECT {columns}, r.published_roster_id AS series_published_id,"
        " r.last_version AS series_last_version,"
        " r.requirements_rev AS series_requirements_rev,"
        " r.period_start AS series_period_start,"
        " (SELECT array_agg(nextval(pg_get_serial_sequence('rosters', 'id')))"
        " FROM generate_series(1, %(n)s)) AS reserved_ids"
        " FROM swaps AS w JOIN roster_series AS r ON r.id = w.series_id"
        " WHERE w.id = ANY(%(swap_ids)s) ORDER BY w.id FOR UPDATE")


@dataclass
class BatchReads:
    """The rows a batch starts from: users (attribute access), leave (attribute access) and
    locked swaps with their series (mappings by column name)."""

    users: list[Any]
    leave: list[Any]
    locked: list[dict[str, Any]]


def read_pipelined(session: Session, swap_columns: Sequence[Column[Any]],
                   user_ids: Collection[int], swap_ids: list[int], most: int) -> BatchReads:
    """Begin the session's transaction and read the batch's rows in one round trip
    (PostgreSQL only); `most` roster ids are reserved with the locked rows."""
    from psycopg.rows import dict_row, namedtuple_row

    pg: Any = session.connection().connection.dbapi_connection
    with pg.pipeline():
        users = pg.cursor(row_factory=namedtuple_row)
        if user_ids:
            users.execute(_USERS, {"user_ids": list(user_ids)})
        leave = pg.cursor(row_factory=namedtuple_row)
        leave.execute(_LEAVE, {"swap_ids": swap_ids})
        locked = pg.cursor(row_factory=dict_row)
        locked.execute(_locking(swap_columns), {"swap_ids": swap_ids, "n": most})
    try:
        return BatchReads(users.fetchall() if user_ids else [], leave.fetchall(),
                          locked.fetchall())
    finally:
        for cursor in (users, leave, locked):
            cursor.close()
