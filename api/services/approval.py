"""Approving swaps: one transaction checks each on the published version and applies it.

Approvals of one server process queue on `api.db.write_gate` (and on SQLite the server
processes also queue on its lock file), so one transaction at a time per process holds the
database locks: on SQLite from the start of the transaction, on PostgreSQL from the row
locks on (taken with the reads of the users and the leave, in the transaction's first
round trip). The transaction locks before it reads what it changes: on SQLite the
database's write lock (`BEGIN IMMEDIATE`), on PostgreSQL the swap row and its series row in
one `SELECT ... FOR UPDATE`. So each check runs on the very
version it replaces, nothing else moves the published pointer in between, and a second
approval of the same swap, or of one that conflicts with it, sees the new state and gets
409 with the reasons. The compare-and-set on `published_roster_id` stays as the guard of
last resort.

One transaction may decide several approvals in turn (`approve_batch`, fed by
`api.services.approval_queue`): each is checked on the version the previous one published,
and the lot shares one lock and one commit.

Per transaction: each user (one query), the parties' leave (one query), the swaps with
their series (one query, locking them; on PostgreSQL the three sent with BEGIN in one round
trip, `approval_reads`); per approval the check on the two agents' shifts and
on the headcount of the intervals their shifts touch, from the version held in memory. The
writes wait for the end of the batch (`BatchWrites`) and go out in a fixed number of statements
whatever its size: the new versions (their change, and in every
`versions.SNAPSHOT_EVERY`-th their JSON too, joined from cached shift texts; ids reserved in
one query), the published pointer per series, the replaced version's status, the swaps and
the audit rows (on PostgreSQL with the COMMIT, in one round trip: a batch takes two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from api.clock import utc_now
from api.db import write_gate
from api.deps import Principal, principals_in, principals_of_rows
from api.errors import ApiError, Conflict, Forbidden, NotFound
from api.models import LeaveRow, SeriesRow, SwapRow
from api.services import rosters as store
from api.services import versions
from api.services.approval_reads import read_pipelined
from api.services.approval_writes import BatchWrites
from api.services.audit import entry
from api.services.swaps import (
    PENDING,
    Context,
    Exchange,
    can_see,
    check,
    local_time,
    reasons_of,
    require_status,
    swap_out,
    swap_out_brief,
)
from api.services.teams import CURRENT_LEAVE, leave_of_row, team_with

_SWAPS = cast(Table, SwapRow.__table__)
_SERIES = cast(Table, SeriesRow.__table__)

# Built once: each approval only binds values (no statement building or cache-key work).
_IDS: BindParameter[list[int]] = bindparam("swap_ids", expanding=True)
_LEAVE_OF_SWAPS = CURRENT_LEAVE.add_columns(LeaveRow.team_id).where(
    LeaveRow.team_id.in_(select(_SWAPS.c.team_id).where(_SWAPS.c.id.in_(_IDS))),
    LeaveRow.agent_id.in_(select(_SWAPS.c.requester_id).where(_SWAPS.c.id.in_(_IDS)).union(
        select(_SWAPS.c.peer_id).where(_SWAPS.c.id.in_(_IDS)))))
"""The current leave of every party to the swaps (with its team), in one round trip."""
_SWAP_COLUMNS = [c for c in _SWAPS.c if c.name != "last_check"]
"""What a decision reads of a swap: all but its stored check (the approval writes a new one,
so the old one is not parsed)."""
_SWAPS_AND_SERIES = (
    select(*_SWAP_COLUMNS, _SERIES.c.published_roster_id.label("series_published_id"),
           _SERIES.c.last_version.label("series_last_version"),
           _SERIES.c.requirements_rev.label("series_requirements_rev"),
           _SERIES.c.period_start.label("series_period_start"))
    .join(_SERIES, _SERIES.c.id == _SWAPS.c.series_id)
    .where(_SWAPS.c.id.in_(_IDS)).order_by(_SWAPS.c.id).with_for_update())
"""The swaps and their series, all locked (SQLite: the transaction holds the write lock
already; PostgreSQL reads them with `approval_reads`)."""
@dataclass(frozen=True)
class Approval:
    """One approval to make: who (a user id, looked up in the transaction, or a principal),
    which swap, the supervisor's comment, and whether the team's auto-approval makes it."""

    who: Principal | int
    swap_id: int
    comment: str
    auto: bool = False


Outcome = dict[str, Any] | Exception
"""The swap as `swap_out` shows it, or the error that answers the approval."""


@dataclass
class _Series:
    """A locked series as this transaction leaves it (its published version moves with each
    approval applied)."""

    published_id: int | None
    last_version: int
    requirements_rev: int
    period_start: date


@dataclass
class _Decision:
    swap: SwapRow
    roster_id: int = 0
    version: versions.Version | None = None
    refusal: Conflict | None = None
    exchange: Exchange | None = None
    series: _Series | None = None


def approve(sessions: sessionmaker[Session], who: Principal | int, swap_id: int,
            comment: str, auto: bool = False) -> dict[str, Any]:
    """Check swap `swap_id` on the current published roster and apply it in a new version;
    return the swap as `swap_out` shows it.

    `who` is the signed-in user's id (looked up inside the transaction) or a principal.
    Raises Conflict (409) with the reasons when a rule or a changed shift blocks it (the
    check is stored on the swap), Forbidden, NotFound or NotAuthenticated otherwise.
    """
    outcome = approve_batch(sessions, [Approval(who, swap_id, comment, auto)])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def approve_batch(sessions: sessionmaker[Session], batch: Sequence[Approval]) -> list[Outcome]:
    """Decide the approvals in one transaction, in order, each on the version the ones
    before it left published (group commit: one lock, one commit for the lot).

    An approval refused or not allowed gets its error and changes nothing but its stored
    check; the others go on. Anything unexpected rolls the whole transaction back and each
    approval is then made in a transaction of its own, so one cannot spoil the others. A
    connection found dead (the pool does not ping before each use: the database restarted,
    say) is tried once more on a fresh one.
    """
    for attempt in (1, 2):
        try:
            return _in_one_transaction(sessions, batch)
        except DBAPIError as err:
            if err.connection_invalidated and attempt == 1:
                continue  # the pool dropped its connections: once more on a new one
            if len(batch) == 1:
                return [err]
            break
        except Exception as err:
            if len(batch) == 1:
                return [err]
            break
    return [approve_batch(sessions, [one])[0] for one in batch]


def _in_one_transaction(sessions: sessionmaker[Session], batch: Sequence[Approval]
                        ) -> list[Outcome]:
    engine = sessions.kw["bind"]
    locks_at_begin = engine.dialect.name == "sqlite"  # BEGIN IMMEDIATE takes the lock
    outcomes: list[Outcome | SwapRow] = []  # rows become `swap_out` once committed
    made: dict[int, versions.Version] = {}
    with ExitStack() as queued:
        if locks_at_begin:
            queued.enter_context(write_gate(engine))
        with sessions() as session:
            with session.begin():
                user_ids = {one.who for one in batch if not isinstance(one.who, Principal)}
                ids = sorted({one.swap_id for one in batch})
                if locks_at_begin:
                    users = principals_in(session, user_ids)
                    db = session.connection()
                    leave: Sequence[Any] = db.execute(_LEAVE_OF_SWAPS, {"swap_ids": ids}).all()
                    rows: Sequence[Mapping[str, Any]] = [
                        r._mapping for r in db.execute(_SWAPS_AND_SERIES, {"swap_ids": ids})]
                else:  # PostgreSQL: BEGIN and the reads in one round trip, locking at once
                    queued.enter_context(write_gate(engine))
                    read = read_pipelined(session, _SWAP_COLUMNS, user_ids, ids, len(batch))
                    users = principals_of_rows(user_ids, read.users)
                    leave, rows = read.leave, read.locked
                whos = [one.who if isinstance(one.who, Principal) else users[one.who]
                        for one in batch]
                locked, reserved = _locked_swaps(rows)
                writes = BatchWrites(session, len(batch), reserved)
                for one, who in zip(batch, whos, strict=True):
                    if isinstance(who, ApiError):
                        outcomes.append(who)
                        continue
                    try:
                        decision = _decide(session, who, one.swap_id, locked, leave, made,
                                           writes)
                    except ApiError as err:  # raised before any write of this approval
                        outcomes.append(err)
                        continue
                    if decision.refusal is not None:
                        outcomes.append(decision.refusal)
                        continue
                    writes.audit.append(_apply(writes, who, one, decision))
                    made[decision.roster_id] = cast(versions.Version, decision.version)
                    outcomes.append(decision.swap)
                writes.flush()
            for roster_id, version in made.items():  # committed: other requests may use them
                versions.remember(session, roster_id, version)
    return [x if isinstance(x, Exception) else swap_out(cast(SwapRow, x)) for x in outcomes]


def _locked_swaps(rows: Iterable[Mapping[str, Any]]
                  ) -> tuple[dict[int, tuple[SwapRow, _Series]], list[int]]:
    """The locked swaps (as plain objects, without their stored check: writes go through
    UPDATE) with their series, from the rows of the locking read; swaps of one series share
    its `_Series`. Also the roster ids reserved with them (PostgreSQL; else none:
    `BatchWrites` finds them)."""
    series: dict[int, _Series] = {}
    found = {}
    reserved: list[int] = []
    for values in rows:
        if not reserved and values.get("reserved_ids"):
            reserved = list(values["reserved_ids"])
        # A plain object, not an ORM instance: only read and assigned here, written by UPDATE.
        row = cast(SwapRow, SimpleNamespace(
            **{c.name: values[c.name] for c in _SWAP_COLUMNS}, last_check=None))
        if row.series_id not in series:
            series[row.series_id] = _Series(values["series_published_id"],
                                            values["series_last_version"],
                                            values["series_requirements_rev"] or 0,
                                            values["series_period_start"])
        found[row.id] = (row, series[row.series_id])
    return found, reserved


def _decide(session: Session, who: Principal, swap_id: int,
            locked: dict[int, tuple[SwapRow, _Series]], leave: Sequence[Any],
            made: dict[int, versions.Version], writes: BatchWrites) -> _Decision:
    """Check the swap on its series' published version (`made` holds the versions this
    transaction made, `leave` the parties' leave rows); raise ApiError before writing
    anything, or return a refusal (its check goes to `writes`), or the new version to
    apply."""
    if swap_id not in locked:
        raise NotFound(f"no swap request {swap_id}", field="swap_id")
    row, series = locked[swap_id]
    if not can_see(who, row):
        raise Forbidden(f"user {who.username!r} may not see swap {swap_id}", field="swap_id")
    who.require_supervisor(row.team_id)
    now = local_time(session, row.team_id)
    if row.status in PENDING and now >= row.expires_at:
        raise Conflict(f"swap {swap_id} expired at {row.expires_at}", field="status")
    require_status(row, "pending_supervisor")
    if series.published_id is None:
        raise Conflict("the swap's period no longer has a published roster", field="swap_id")
    checked_id = series.published_id
    parties = {row.requester_id, row.peer_id}
    base = made.get(checked_id) or versions.version_of(session, checked_id)
    ctx = Context(team_with(session, row.team_id, parties,
                            [leave_of_row(x) for x in leave
                             if x.team_id == row.team_id and x.agent_id in parties]),
                  row.series_id, series.period_start, checked_id, base,
                  store.needs_for(session, row.series_id, series.requirements_rev))
    result, exchange = check(ctx, row.requester_id, row.requester_date, row.peer_id,
                             row.peer_date, (row.requester_shift, row.peer_shift), now,
                             "approval")
    if not result["ok"] or exchange is None:
        writes.refused.append({"swap_id": swap_id, "b_check": result, "b_at": utc_now()})
        reasons = reasons_of(result)
        return _Decision(row, refusal=Conflict(
            f"swap {swap_id} cannot be approved: " + "; ".join(reasons), field="swap_id",
            reasons=reasons, check=result))
    number = series.last_version + 1
    row.last_check = result
    return _Decision(row, checked_id, ctx.version.changed(*exchange, number),
                     exchange=exchange, series=series)


def _apply(writes: BatchWrites, who: Principal, one: Approval, decision: _Decision
           ) -> dict[str, Any]:
    """Add to `writes` the new version, the move of the published pointer, the checked
    version's supersession and the swap's approval; `decision.roster_id` becomes the new
    version's (reserved) id. Returns the audit row to insert (before the commit)."""
    row, checked_id = decision.swap, decision.roster_id
    version = cast(versions.Version, decision.version)
    number = version.number
    exchange = cast(Exchange, decision.exchange)
    before = swap_out_brief(row)
    row.status, row.decided_by, row.comment = "approved", who.id, one.comment
    row.updated_at = utc_now()
    new_id = writes.new_id()
    writes.versions.append({
        "r_id": new_id, "r_series_id": row.series_id, "r_team_id": row.team_id,
        "r_version": number, "r_based_on_id": checked_id,
        "r_data": version.to_json() if versions.stores_whole(number) else None,
        "r_change": versions.change_record(*exchange), "r_created_by": who.id,
        "r_created_at": row.updated_at})
    move = writes.moves.setdefault(row.series_id, {"b_series": row.series_id,
                                                   "checked_id": checked_id})
    move.update(new_id=new_id, number=number)
    writes.approved.append({"swap_id": one.swap_id, "b_by": who.id, "b_comment": one.comment,
                            "new_id": new_id, "b_check": row.last_check,
                            "b_at": row.updated_at})
    row.applied_roster_id = new_id
    decision.roster_id = new_id
    series = cast(_Series, decision.series)
    series.published_id, series.last_version = new_id, number
    return entry(who, "swap.auto_approve" if one.auto else "swap.approve", "swap",
                 one.swap_id, row.team_id, {**before, "published_roster_id": checked_id},
                 {**swap_out_brief(row), "published_roster_id": new_id, "version": number,
                  "comment": one.comment})
