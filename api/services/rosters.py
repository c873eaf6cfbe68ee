"""Roster versions: storing them, reading them back, and moving the published pointer.

Each (team, period start) has one `roster_series` row. Its `published_roster_id` is the
optimistic lock: publishing or applying a swap is a compare-and-set on it inside the
transaction that inserts the new version, so two changes built on the same version cannot
both commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from threading import Lock
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from api.deps import Principal
from api.errors import BadRequest, Conflict, NotFound
from api.models import RosterRow, SeriesRow
from api.services import versions
from api.services.audit import record
from api.services.coverage import Needs, requirement_index
from roster.domain import Roster

_NEEDS: dict[tuple[str, int, int], Needs] = {}
_NEEDS_LOCK = Lock()


def clear_cache() -> None:
    versions.clear()
    with _NEEDS_LOCK:
        _NEEDS.clear()


def roster_of(row: RosterRow) -> Roster:
    """The domain roster of a stored version (versions never change, so they are cached)."""
    session = object_session(row)
    if session is None and row.data is not None:
        return Roster.model_validate_json(row.data)
    if session is None:
        raise RuntimeError(f"roster {row.id} is stored as a change only: read it in a session")
    return versions.of_row(row, session).roster


def set_requirements(series: SeriesRow, requirements: list[dict[str, Any]]) -> None:
    """Replace the demand a series' coverage effects are measured against."""
    series.requirements = requirements
    series.requirements_rev = (series.requirements_rev or 0) + 1


def needs_of(session: Session, series: SeriesRow) -> Needs:
    """The series' requirements indexed by interval and queue (cached per revision)."""
    return needs_for(session, series.id, series.requirements_rev or 0)


def needs_for(session: Session, series_id: int, revision: int) -> Needs:
    """`needs_of` by id and requirements revision (reads the requirements only on a miss)."""
    key = (str(session.get_bind().engine.url), series_id, revision)
    with _NEEDS_LOCK:
        found = _NEEDS.get(key)
    if found is None:
        requirements = session.scalar(select(SeriesRow.requirements)
                                      .where(SeriesRow.id == series_id))
        found = requirement_index(requirements)
        with _NEEDS_LOCK:
            if len(_NEEDS) > 64:
                _NEEDS.clear()
            _NEEDS[key] = found
    return found


def roster_row(session: Session, roster_id: int) -> RosterRow:
    row = session.get(RosterRow, roster_id)
    if row is None:
        raise NotFound(f"no roster {roster_id}", field="roster_id")
    return row


def series_for(session: Session, team_id: str, start: date, days: int, interval: int,
               create: bool = True) -> SeriesRow:
    """The series of the team's period starting on `start` (created when asked)."""
    row = session.scalars(select(SeriesRow).where(
        SeriesRow.team_id == team_id, SeriesRow.period_start == start)).first()
    if row is not None:
        if row.period_days != days or row.interval_minutes != interval:
            raise BadRequest(
                f"team {team_id!r} already plans the period starting {start} as {row.period_days}"
                f" days of {row.interval_minutes}-minute intervals, got {days} days of "
                f"{interval} minutes", field="period")
        return row
    if not create:
        raise NotFound(f"no roster for team {team_id!r} starting {start}", field="start")
    row = SeriesRow(team_id=team_id, period_start=start, period_days=days,
                    interval_minutes=interval, last_version=0)
    session.add(row)
    session.flush()
    return row


def series_covering(session: Session, team_id: str, day: date) -> SeriesRow | None:
    """The series with a published roster whose period contains `day`."""
    for row in session.scalars(select(SeriesRow).where(
            SeriesRow.team_id == team_id, SeriesRow.period_start <= day,
            SeriesRow.published_roster_id.is_not(None))):
        if day < row.period_start + timedelta(days=row.period_days):
            return row
    return None


def next_version(session: Session, series_id: int) -> int:
    """Take the next version number of a series (the update locks the series row)."""
    session.execute(update(SeriesRow).where(SeriesRow.id == series_id)
                    .values(last_version=SeriesRow.last_version + 1))
    return int(session.scalar(select(SeriesRow.last_version).where(SeriesRow.id == series_id)))


def add_version(session: Session, series: SeriesRow, roster: Roster, status: str, source: str,
                who: Principal | None, stats: dict[str, Any] | None = None,
                job_id: int | None = None, based_on_id: int | None = None) -> RosterRow:
    """Insert `roster` as the next version of `series` (its `version` field set to match)."""
    version = next_version(session, series.id)
    roster = roster.model_copy(update={"version": version})
    row = RosterRow(series_id=series.id, team_id=series.team_id, version=version, status=status,
                    source=source, data=roster.model_dump_json(), stats=stats, job_id=job_id,
                    based_on_id=based_on_id, created_by=who.id if who else None)
    session.add(row)
    session.flush()
    return row


def swing_published(session: Session, series_id: int, expected: int | None, new_id: int) -> bool:
    """Compare-and-set the published version; False when someone changed it first."""
    condition = (SeriesRow.published_roster_id.is_(None) if expected is None
                 else SeriesRow.published_roster_id == expected)
    result = session.execute(update(SeriesRow).where(SeriesRow.id == series_id, condition)
                             .values(published_roster_id=new_id))
    return result.rowcount == 1


def mark_superseded(session: Session, roster_id: int | None) -> None:
    if roster_id is not None:
        session.execute(update(RosterRow).where(RosterRow.id == roster_id)
                        .values(status="superseded"))


def version_label(session: Session, roster_id: int | None) -> str:
    if roster_id is None:
        return "none"
    row = session.get(RosterRow, roster_id)
    if row is None:
        return f"roster {roster_id}"
    return f"version {row.version} (roster {row.id}, {row.source})"


def publish(session: Session, row: RosterRow, who: Principal,
            replaces_roster_id: int | None) -> RosterRow:
    """Make a draft the published version of its period.

    `replaces_roster_id` is the published roster the caller means to replace; by default the
    one that was published when the draft was made. If the published roster has changed
    since (a swap was applied, another draft was published) the call is refused with 409.
    """
    if row.status != "draft":
        raise Conflict(f"roster {row.id} is {row.status}; only a draft can be published",
                       field="roster_id")
    series = session.get(SeriesRow, row.series_id)
    assert series is not None
    expected = replaces_roster_id if replaces_roster_id is not None else row.based_on_id
    if not swing_published(session, series.id, expected, row.id):
        session.rollback()
        current = session.get(SeriesRow, series.id)
        now = current.published_roster_id if current else None
        raise Conflict(
            f"the published roster changed since this draft was made: expected "
            f"{version_label(session, expected)} to be published, found "
            f"{version_label(session, now)}; pass replaces_roster_id={now} to replace it",
            field="replaces_roster_id")
    mark_superseded(session, expected)
    before = {"published_roster_id": expected}
    row.status = "published"
    record(session, who, "roster.publish", "roster", row.id, row.team_id, before,
           {"published_roster_id": row.id, "version": row.version})
    return row


def roster_summary(row: RosterRow) -> dict[str, Any]:
    return {"id": row.id, "team_id": row.team_id, "version": row.version, "status": row.status,
            "source": row.source, "based_on_id": row.based_on_id, "job_id": row.job_id,
            "created_at": row.created_at, "stats": row.stats}
