"""Roster versions in memory: each stored version parsed once per process and indexed.

A `Version` holds the domain roster with its shifts keyed by (agent, day), the headcount per
interval and queue, and the JSON text of each shift. A swap changes two shifts, so the next
version is built from its base in a few operations (`Version.changed`) instead of parsing and
counting 300 shifts again; the stored row records that change (`RosterRow.change`), so a
process that did not make the version carries its own copy forward the same way. Such a
version stores its whole roster (`RosterRow.data`) only every `SNAPSHOT_EVERY` versions:
`version_of` rebuilds the others from the nearest whole one and the changes after it.

Versions never change after they are written, so the cache is keyed by database and roster
id. Only committed versions enter it (a rolled-back id may be used again).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date
from threading import Lock
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import NotFound
from api.models import RosterRow
from api.services.coverage import headcount, worked_in
from roster.domain import Roster, Shift

ShiftKey = tuple[str, date]
"""(agent id, day): an agent works at most one shift a day."""

_CACHE: OrderedDict[tuple[str, int], Version] = OrderedDict()
_LOCK = Lock()
_SIZE = 64
_CHAIN = 16
"""How many recorded changes a process follows from a version it holds before parsing."""
SNAPSHOT_EVERY = 16
"""A version made by a change stores its whole roster when its number is a multiple of
this (else its change only): at most this many changes from a stored whole roster."""


def key_of(shift: Shift) -> ShiftKey:
    return (shift.agent_id, shift.date)


class Version:
    """One roster version: shifts by (agent, day), headcount, and the JSON of each shift.

    `head` is the roster without its shifts (team, period, version number): what the checks
    read besides the shifts. The whole `roster` (a list of every shift) is built on first
    use only: a version made by a swap and checked by the next one never needs it."""

    def __init__(self, roster: Roster | None, shifts: dict[ShiftKey, Shift] | None = None,
                 parts: dict[ShiftKey, str] | None = None,
                 counts: Counter[tuple[int, str]] | None = None,
                 by_agent: dict[str, list[ShiftKey]] | None = None,
                 head: Roster | None = None):
        if roster is None and (shifts is None or head is None):
            raise ValueError("a Version needs its roster, or its shifts and head")
        self._roster = roster
        self.head = head if head is not None else cast(Roster, roster).model_copy(
            update={"shifts": []})
        self.shifts = shifts if shifts is not None else {
            key_of(s): s for s in cast(Roster, roster).shifts}
        self._parts = parts
        self._counts = counts
        self._by_agent = by_agent

    @property
    def roster(self) -> Roster:
        """The whole roster (built from the head and the shifts on first use)."""
        if self._roster is None:
            self._roster = self.head.model_copy(update={"shifts": list(self.shifts.values())})
        return self._roster

    @property
    def number(self) -> int:
        return self.head.version

    def shift_of(self, agent_id: str, day: date) -> Shift | None:
        return self.shifts.get((agent_id, day))

    def shifts_of(self, agent_ids: Iterable[str]) -> list[Shift]:
        """The shifts of these agents, agent by agent (in the order given), each agent's in
        roster order."""
        index = self._agent_index()
        return [self.shifts[key] for agent in dict.fromkeys(agent_ids)
                for key in index.get(agent, ())]

    def _agent_index(self) -> dict[str, list[ShiftKey]]:
        """Each agent's shift keys in roster order."""
        if self._by_agent is None:
            index: dict[str, list[ShiftKey]] = {}
            for key in self.shifts:
                index.setdefault(key[0], []).append(key)
            self._by_agent = index
        return self._by_agent

    @property
    def counts(self) -> Counter[tuple[int, str]]:
        """Agents serving each queue, keyed by (interval index in the period, queue)."""
        if self._counts is None:
            self._counts = headcount(self.shifts.values(), self.head.period)
        return self._counts

    def _json_parts(self) -> dict[ShiftKey, str]:
        if self._parts is None:
            self._parts = {k: s.model_dump_json() for k, s in self.shifts.items()}
        return self._parts

    def to_json(self) -> str:
        """The roster as `Roster.model_dump_json()` writes it, from the cached shift texts."""
        head, tail = self.head.model_dump_json().split('"shifts":[]', 1)
        return f'{head}"shifts":[{",".join(self._json_parts().values())}]{tail}'

    def changed(self, removed: Sequence[ShiftKey], added: Sequence[Shift],
                number: int) -> Version:
        """Version `number`: this one without the `removed` shifts, with `added` at the end
        (the same order `Roster` gets from `keep + added`)."""
        shifts = dict(self.shifts)
        for key in removed:
            del shifts[key]
        for shift in added:
            shifts[key_of(shift)] = shift
        parts = None
        if self._parts is not None:
            parts = dict(self._parts)
            for key in removed:
                del parts[key]
            for shift in added:
                parts[key_of(shift)] = shift.model_dump_json()
        counts = None
        if self._counts is not None:
            period = self.head.period
            counts = self._counts.copy()
            for key in removed:
                for interval in worked_in(self.shifts[key], period):
                    counts[interval] -= 1
            for shift in added:
                for interval in worked_in(shift, period):
                    counts[interval] += 1
        by_agent = None
        if self._by_agent is not None:
            by_agent = dict(self._by_agent)
            gone = set(removed)
            for agent in {key[0] for key in removed} | {s.agent_id for s in added}:
                by_agent[agent] = [k for k in by_agent.get(agent, ()) if k not in gone]
            for shift in added:
                if key_of(shift) not in by_agent[shift.agent_id]:  # as the dict keeps it
                    by_agent[shift.agent_id].append(key_of(shift))
        return Version(None, shifts, parts, counts, by_agent,
                       head=self.head.model_copy(update={"version": number}))


def change_record(removed: Sequence[ShiftKey], added: Sequence[Shift]) -> dict[str, Any]:
    """What `RosterRow.change` stores: the removed keys and the added shifts."""
    return {"removed": [[agent, day.isoformat()] for agent, day in removed],
            "added": [s.model_dump(mode="json") for s in added]}


def apply_record(base: Version, record: dict[str, Any], number: int) -> Version:
    removed = [(str(agent), date.fromisoformat(day)) for agent, day in record["removed"]]
    added = [Shift.model_validate(s) for s in record["added"]]
    return base.changed(removed, added, number)


def _database(session: Session) -> str:
    return str(session.get_bind().engine.url)


def cached(session: Session, roster_id: int) -> Version | None:
    key = (_database(session), roster_id)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def remember(session: Session, roster_id: int, version: Version) -> None:
    """Keep a committed version (never call it before the commit)."""
    with _LOCK:
        _CACHE[(_database(session), roster_id)] = version
        while len(_CACHE) > _SIZE:
            _CACHE.popitem(last=False)


def clear() -> None:
    with _LOCK:
        _CACHE.clear()


def version_of(session: Session, roster_id: int) -> Version:
    """The version with this id: from memory, carried forward along recorded changes from a
    version in memory (up to `_CHAIN` of them), or from the nearest version whose whole
    roster is stored (parsed from its JSON)."""
    found = cached(session, roster_id)
    if found is not None:
        return found
    steps: list[tuple[int, int, dict[str, Any]]] = []  # from this version back
    nearest: tuple[int, int] | None = None  # (steps after it, id) of the closest whole one
    current = roster_id
    base: Version | None = None
    while True:
        row = session.execute(select(RosterRow.based_on_id, RosterRow.change,
                                     RosterRow.version, RosterRow.data.is_not(None))
                              .where(RosterRow.id == current)).first()
        if row is None:
            raise NotFound(f"no roster {current}", field="roster_id")
        if row[3] and nearest is None:
            nearest = (len(steps), current)
        if row.change is None or row.based_on_id is None:
            break
        if nearest is not None and len(steps) >= _CHAIN:
            break
        steps.append((current, row.version, row.change))
        base = cached(session, row.based_on_id)
        if base is not None:
            break
        current = row.based_on_id
    if base is None:
        if nearest is None:
            raise NotFound(f"roster {roster_id} cannot be rebuilt: no stored roster before it",
                           field="roster_id")
        after, whole_id = nearest
        data = session.scalar(select(RosterRow.data).where(RosterRow.id == whole_id))
        base = Version(Roster.model_validate_json(cast(str, data)))
        remember(session, whole_id, base)
        steps = steps[:after]
    for step_id, number, record in reversed(steps):
        base = apply_record(base, record, number)
        remember(session, step_id, base)
    return base


def stores_whole(number: int) -> bool:
    """Whether a version made by a change stores its whole roster too (every
    `SNAPSHOT_EVERY`-th), besides the change."""
    return number % SNAPSHOT_EVERY == 0


def of_row(row: RosterRow, session: Session) -> Version:
    """The version of a loaded row (its JSON is parsed only when nothing is in memory)."""
    found = cached(session, row.id)
    if found is None:
        if row.data is None:
            return version_of(session, row.id)
        found = Version(Roster.model_validate_json(row.data))
        remember(session, row.id, found)
    return found
