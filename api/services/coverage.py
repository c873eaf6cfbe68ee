"""The coverage effect of a change: agents and projected service level per interval and queue.

Counting uses `roster.results.coverage` (an agent counts on a queue in an interval when the
shift serves it at the interval start); service levels use `roster.results.service`, which
applies the staffing models (`roster.staffing.evaluate`) to the interval's volume.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from roster.domain import PlanningPeriod, Queue, Roster, Shift, TeamSettings
from roster.results.coverage import worked_intervals
from roster.results.service import agents_on_queue


def headcount(shifts: Iterable[Shift], period: PlanningPeriod) -> Counter[tuple[int, str]]:
    """Agents serving each queue, keyed by (interval index in the period, queue)."""
    counts: Counter[tuple[int, str]] = Counter()
    for shift in shifts:
        counts.update(worked_in(shift, period))
    return counts


_BY_SHIFT: dict[tuple[Any, ...], tuple[Shift, tuple[tuple[int, str], ...]]] = {}
_BY_SHAPE: dict[tuple[Any, ...], tuple[tuple[int, str], ...]] = {}


def worked_in(shift: Shift, period: PlanningPeriod) -> tuple[tuple[int, str], ...]:
    """(interval index in the period, queue) where the shift serves a queue
    (`worked_intervals` inside the period). Remembered per shift object (a roster version
    hands its shifts on to the next) and, for a new object, by what the intervals depend on:
    the shift's times, breaks, segments and queue (a swap hands a shift over unchanged)."""
    grid = (period.start, period.days, period.interval_minutes)
    key = (id(shift), grid)
    found = _BY_SHIFT.get(key)
    if found is not None and found[0] is shift:  # the value keeps the shift (and its id) alive
        return found[1]
    shape = (shift.start, shift.end, shift.queue,
             tuple((b.start, b.end) for b in shift.breaks),
             tuple((x.start, x.end, x.queue) for x in shift.segments), grid)
    intervals = _BY_SHAPE.get(shape)
    if intervals is None:
        origin = datetime.combine(period.start, datetime.min.time())
        step = timedelta(minutes=period.interval_minutes)
        total = period.days * period.intervals_per_day
        intervals = tuple((index, queue) for index, queue in worked_intervals(shift, origin, step)
                          if 0 <= index < total)
        if len(_BY_SHAPE) > 50_000:
            _BY_SHAPE.clear()
        _BY_SHAPE[shape] = intervals
    if len(_BY_SHIFT) > 50_000:
        _BY_SHIFT.clear()
    _BY_SHIFT[key] = (shift, intervals)
    return intervals


Needs = tuple[dict[tuple[str, str], dict[str, Any]], str | None]
"""Requirement rows by ("YYYY-MM-DD HH:MM", queue), and the headcount column they use."""

_PROJECTED: dict[tuple[str, int, bool, float, int], float | None] = {}


def requirement_index(requirements: Sequence[dict[str, Any]] | None) -> Needs:
    """Index requirement rows for lookups by interval start and queue."""
    if not requirements:
        return {}, None
    column = "scheduled" if all(r.get("scheduled") is not None for r in requirements) else "agents"
    index = {(str(r["start"])[:16].replace("T", " "), str(r["queue"])): r for r in requirements}
    return index, column


def coverage_effect(settings: TeamSettings, before: Roster, removed: Sequence[Shift],
                    added: Sequence[Shift], needs: Needs,
                    counts: Mapping[tuple[int, str], int] | None = None) -> dict[str, Any]:
    """Per interval and queue where the headcount changes: agents before and after, and the
    projected service level before and after when the requirements carry volumes.

    `counts` is the headcount of `before` when the caller has it (see `headcount`);
    otherwise the shifts around the changed intervals are counted.
    `worse` is true when some interval loses agents below its requirement (or, without
    requirements, loses agents at all) or its projected service level drops.
    """
    period = before.period
    minus = headcount(removed, period)
    plus = headcount(added, period)
    keys = sorted(set(minus) | set(plus))
    changed = [k for k in keys if plus.get(k, 0) != minus.get(k, 0)]
    if not changed:
        return {"intervals": [], "worse": False, "service_levels": False}
    all_counts = counts if counts is not None else _base_counts(before, changed)
    origin = datetime.combine(period.start, datetime.min.time())
    step = timedelta(minutes=period.interval_minutes)
    needs_by_key, column = needs
    rows = []
    for index, queue in changed:
        start = (origin + index * step).strftime("%Y-%m-%d %H:%M")
        agents_before = all_counts.get((index, queue), 0)
        agents_after = agents_before - minus.get((index, queue), 0) + plus.get((index, queue), 0)
        need = needs_by_key.get((start, queue))
        rows.append({"start": start, "queue": queue, "agents_before": agents_before,
                     "agents_after": agents_after, "change": agents_after - agents_before,
                     "required": None if need is None or column is None else int(need[column]),
                     "volume": None if need is None else need.get("volume")})
    _project(rows, settings, period.interval_minutes, column == "scheduled")
    worse = any(_is_worse(row, bool(needs_by_key)) for row in rows)
    return {"intervals": rows, "worse": worse,
            "service_levels": any(row["service_level_after"] is not None for row in rows)}


def _base_counts(roster: Roster, keys: list[tuple[int, str]]) -> Counter[tuple[int, str]]:
    wanted = set(keys)
    period = roster.period
    origin = datetime.combine(period.start, datetime.min.time())
    step = timedelta(minutes=period.interval_minutes)
    counts: Counter[tuple[int, str]] = Counter()
    first = min(k[0] for k in keys)
    last = max(k[0] for k in keys)
    window_start = origin + first * step
    window_end = origin + (last + 1) * step
    for shift in roster.shifts:
        if shift.end <= window_start or shift.start >= window_end:
            continue
        for key in worked_intervals(shift, origin, step):
            if key in wanted:
                counts[key] += 1
    return counts


def _project(rows: list[dict[str, Any]], settings: TeamSettings, interval: int,
             after_shrinkage: bool) -> None:
    """Projected service levels before and after, memoised per queue, volume and headcount;
    what the memo lacks is computed per queue in one vectorised call of the staffing models
    (`roster.staffing.projection.measures`, as `evaluate` does for one interval)."""
    for row in rows:
        row["service_level_before"] = row["service_level_after"] = None
    wanted: list[tuple[dict[str, Any], str, tuple[Any, ...]]] = []  # not in the memo yet
    missing: dict[tuple[Any, ...], Queue] = {}
    for row in rows:
        queue = settings.queues.get(row["queue"])
        if row["volume"] is None or queue is None or not math.isfinite(float(row["volume"])):
            continue
        described = _described(queue)
        for which in ("before", "after"):
            key = (described, interval, after_shrinkage, float(row["volume"]),
                   int(row[f"agents_{which}"]))
            if key in _PROJECTED:
                row[f"service_level_{which}"] = _PROJECTED[key]
            else:
                wanted.append((row, f"service_level_{which}", key))
                missing[key] = queue
    if missing:
        computed = _compute(missing)
        for row, column, key in wanted:
            row[column] = computed[key]


def _compute(missing: dict[tuple[Any, ...], Queue]) -> dict[tuple[Any, ...], float | None]:
    """Service levels of the memo keys (queue JSON, interval, after shrinkage, volume,
    rostered agents), one call of the staffing models per queue and interval; also
    remembered."""
    from roster.staffing.inputs import check_agents, check_interval, check_volume
    from roster.staffing.projection import measures, offered_load

    computed: dict[tuple[Any, ...], float | None] = {}
    groups: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for key in missing:
        groups.setdefault((key[0], key[1]), []).append(key)
    if len(_PROJECTED) + len(missing) > 100_000:
        _PROJECTED.clear()
    for (_, interval), keys in groups.items():
        queue = missing[keys[0]]
        volumes = [key[3] for key in keys]
        agents = [agents_on_queue(key[4], queue, key[2]) for key in keys]
        check_interval(interval)
        for volume, count in zip(volumes, agents, strict=True):
            check_volume(volume)
            check_agents(count)
        result = measures(queue, offered_load(queue, volumes, interval), agents,
                          [False] * len(keys))
        for key, level in zip(keys, result.service_level, strict=True):
            computed[key] = _PROJECTED[key] = _number(level)
    return computed


_DESCRIBED: dict[int, tuple[Queue, str]] = {}


def _described(queue: Queue) -> str:
    """The queue's parameters as JSON (part of the projection memo's key), remembered per
    queue object (the value keeps it alive, so its id stays its own)."""
    found = _DESCRIBED.get(id(queue))
    if found is None or found[0] is not queue:
        if len(_DESCRIBED) > 1000:
            _DESCRIBED.clear()
        found = _DESCRIBED[id(queue)] = (queue, queue.model_dump_json())
    return found[1]


def _number(value: Any) -> float | None:
    number = float(value)
    return round(number, 4) if math.isfinite(number) else None


def _is_worse(row: dict[str, Any], has_requirements: bool) -> bool:
    before, after = row["service_level_before"], row["service_level_after"]
    if before is not None and after is not None and after < before - 1e-9:
        return True
    if row["change"] >= 0:
        return False
    if not has_requirements:
        return True
    required = row["required"] or 0
    return row["agents_after"] < required

