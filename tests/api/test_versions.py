"""Roster versions in memory: a version carried forward through a change equals the same
roster built and counted from scratch, in every process that carries it."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.models import RosterRow
from api.services import versions
from api.services.coverage import headcount
from api.services.versions import Version, apply_record, change_record, key_of
from roster.domain import Roster, Shift
from tests.api import factories
from tests.api.conftest import World
from tests.api.test_swaps import MON, SAT, pending_supervisor

START = date(2030, 1, 7)


def fresh(roster: Roster) -> Version:
    """A version built the slow way: parsed from JSON, every cache computed from scratch."""
    return Version(Roster.model_validate_json(roster.model_dump_json()))


def assert_same(carried: Version, roster: Roster) -> None:
    assert carried.roster == roster
    assert carried.to_json() == roster.model_dump_json()
    assert carried.counts == headcount(roster.shifts, roster.period)
    assert list(carried.shifts) == [key_of(s) for s in roster.shifts]
    for agent in sorted({s.agent_id for s in roster.shifts}):  # the per-agent index too
        assert carried.shifts_of([agent]) == [s for s in roster.shifts if s.agent_id == agent]


def test_changed_equals_the_exchanged_roster_rebuilt() -> None:
    roster = factories.roster(START)
    base = fresh(roster)
    base.to_json(), base.counts, base.shifts_of(["a1"])  # fill the caches `changed` carries
    mine = base.shift_of("a1", START)
    theirs = base.shift_of("a3", date(2030, 1, 12))
    assert mine is not None and theirs is not None
    added = [mine.model_copy(update={"agent_id": "a3"}),
             theirs.model_copy(update={"agent_id": "a1"})]
    carried = base.changed([key_of(mine), key_of(theirs)], added, 2)
    gone = {key_of(mine), key_of(theirs)}
    expected = roster.model_copy(update={"version": 2, "shifts": [
        s for s in roster.shifts if key_of(s) not in gone] + added})
    assert_same(carried, expected)
    assert carried.number == 2 and base.number == 1
    assert len(base.roster.shifts) == 15  # the base is left as it was
    assert carried.counts[(8, "presale")] == base.counts[(8, "presale")]  # Mon 08:00 still 1


def test_change_record_round_trips() -> None:
    base = fresh(factories.roster(START))
    gone = base.shift_of("a2", START)
    assert gone is not None
    moved = gone.model_copy(update={"agent_id": "a3"})
    record = change_record([key_of(gone)], [moved])
    assert record == {"removed": [["a2", "2030-01-07"]],
                      "added": [moved.model_dump(mode="json")]}
    assert apply_record(base, record, 5).to_json() == base.changed(
        [key_of(gone)], [moved], 5).to_json()


@st.composite
def moves(draw: st.DrawFn) -> list[tuple[int, str]]:
    """A few give-aways: (index of a shift in the current roster, agent who takes it)."""
    return draw(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["a1", "a2", "a3",
                                                                          "a4"])),
                         min_size=1, max_size=8))


@settings(max_examples=40, deadline=None)
@given(moves())
def test_a_chain_of_changes_equals_the_roster_rebuilt(steps: list[tuple[int, str]]) -> None:
    roster = factories.roster(START)
    carried = fresh(roster)
    carried.to_json(), carried.counts, carried.shifts_of(["a1"])
    for number, (index, taker) in enumerate(steps, start=2):
        shift = roster.shifts[index % len(roster.shifts)]
        if any(s.agent_id == taker and s.date == shift.date for s in roster.shifts):
            continue
        moved = shift.model_copy(update={"agent_id": taker})
        roster = roster.model_copy(update={"version": number, "shifts": [
            s for s in roster.shifts if s is not shift] + [moved]})
        carried = apply_record(carried, change_record([key_of(shift)], [moved]), number)
        assert_same(carried, roster)


def _stored(world: World, roster_id: int) -> RosterRow:
    with world.app.state.sessions() as session:
        row = session.scalar(select(RosterRow).where(RosterRow.id == roster_id))
        assert row is not None
        session.expunge(row)
        return row


def test_an_approval_records_its_change_and_other_processes_carry_it(world: World) -> None:
    swap_id = pending_supervisor(world)
    applied = world.post("sup", f"/swaps/{swap_id}/approve").json()["applied_roster_id"]
    row = _stored(world, applied)
    assert row.based_on_id == world.roster_id and row.source == "swap"
    assert row.change is not None
    assert row.change["removed"] == [["a1", world.day(MON)], ["a3", world.day(SAT)]]
    assert [(s["agent_id"], s["date"], s["queue"]) for s in row.change["added"]] == [
        ("a3", world.day(MON), "presale"), ("a1", world.day(SAT), "aftersale")]
    assert row.data is None  # version 2 stores its change only
    base_row = _stored(world, world.roster_id)
    assert base_row.data is not None
    stored = Roster.model_validate_json(base_row.data)
    gone = {("a1", date.fromisoformat(world.day(MON))), ("a3", date.fromisoformat(world.day(SAT)))}
    expected = stored.model_copy(update={"version": 2, "shifts": [
        s for s in stored.shifts if key_of(s) not in gone] + [
        Shift.model_validate(s) for s in row.change["added"]]})
    # another process holds only the base version: it carries the change forward
    with world.app.state.sessions() as session:
        base = versions.version_of(session, world.roster_id)
        versions.clear()
        versions.remember(session, world.roster_id, base)
        carried = versions.version_of(session, applied)
    assert_same(carried, expected)
    # a process holding nothing parses the base's JSON and applies the change
    versions.clear()
    with world.app.state.sessions() as session:
        assert versions.version_of(session, applied).roster == expected


def test_version_of_unknown_id_is_404(world: World) -> None:
    import pytest

    from api.errors import NotFound
    with world.app.state.sessions() as session, pytest.raises(NotFound):
        versions.version_of(session, 999_999)


def test_shift_keys_follow_roster_order() -> None:
    roster = factories.roster(START)
    version = fresh(roster)
    assert version.shifts_of(["a4", "a3"]) == (
        [s for s in roster.shifts if s.agent_id == "a4"]
        + [s for s in roster.shifts if s.agent_id == "a3"])
    assert version.shift_of("a4", date(2030, 1, 8)) is None
    assert isinstance(version.shift_of("a4", date(2030, 1, 9)), Shift)


def test_versions_stored_as_changes_are_rebuilt_from_the_nearest_whole_one(
        world: World) -> None:
    """A chain of 40 give-aways stored the way approvals store them (the whole roster only in
    every SNAPSHOT_EVERY-th): each version read by a process holding nothing, or holding
    only some other version, equals the roster rebuilt by hand."""
    base_row = _stored(world, world.roster_id)
    assert base_row.data is not None
    roster = Roster.model_validate_json(base_row.data)
    expected: dict[int, Roster] = {}
    ids = [world.roster_id]
    with world.app.state.sessions() as session, session.begin():
        for number in range(2, 42):  # a1's Monday moves to a3 and back, again and again
            holder, taker = ("a1", "a3") if number % 2 == 0 else ("a3", "a1")
            shift = next(s for s in roster.shifts if s.agent_id == holder
                         and s.date.isoformat() == world.day(MON))
            moved = shift.model_copy(update={"agent_id": taker})
            roster = roster.model_copy(update={"version": number, "shifts": [
                s for s in roster.shifts if s is not shift] + [moved]})
            row = RosterRow(series_id=base_row.series_id, team_id="t1", version=number,
                            status="superseded", source="swap", based_on_id=ids[-1],
                            data=(roster.model_dump_json() if versions.stores_whole(number)
                                  else None),
                            change=change_record([key_of(shift)], [moved]))
            session.add(row)
            session.flush()
            ids.append(row.id)
            expected[row.id] = roster
    stored_whole = [i for i, n in zip(ids[1:], range(2, 42), strict=True)
                    if versions.stores_whole(n)]
    assert len(stored_whole) == 2  # versions 16 and 32
    for roster_id, wanted in expected.items():
        versions.clear()
        with world.app.state.sessions() as session:
            assert_same(versions.version_of(session, roster_id), wanted)
    versions.clear()
    with world.app.state.sessions() as session:
        versions.version_of(session, ids[20])  # holds version 21 (and what it was built from)
        for roster_id in ids[21:]:
            assert_same(versions.version_of(session, roster_id), expected[roster_id])
    assert world.get("plan", f"/rosters/{ids[-1]}").json()["roster"] == json.loads(
        expected[ids[-1]].model_dump_json())
