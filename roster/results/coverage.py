"""Agents on each queue per interval, set against the requirement.

An agent counts on a queue in an interval when `Shift.queue_at` names that queue at the
interval's start (so breaks and queue segments are honoured). Intervals with no requirement
row need 0 agents.

Requirement frames come from `roster.staffing.requirements` (columns `start, queue, volume,
agents, scheduled, ...`). The roster must supply the `scheduled` headcount (after shrinkage)
when the frame has that column, else `agents`; see `required_column`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from forecasting.validation import InputError
from roster.domain import Requirement, Roster, Shift

COVERAGE_COLUMNS = ["start", "queue", "required", "scheduled", "shortfall", "overstaffing"]
CARRIED_COLUMNS = ["volume", "promo"]
"""Requirement columns kept in the coverage frame, for projecting service levels."""
QUEUE_HOURS_COLUMNS = ["queue", "required_hours", "scheduled_hours", "shortfall_hours",
                       "overstaffing_hours"]


def required_column(requirements: pd.DataFrame) -> str:
    """`scheduled` (headcount after shrinkage) when the frame has it, else `agents`."""
    if "scheduled" in requirements.columns:
        return "scheduled"
    if "agents" in requirements.columns:
        return "agents"
    raise InputError(f"requirements: expected a column 'scheduled' or 'agents', got columns "
                     f"{list(requirements.columns)}")


def requirements_frame(requirements: pd.DataFrame | Sequence[Requirement]) -> pd.DataFrame:
    """A requirement frame with a `start` column, from a frame or `Requirement` models.

    A frame may name its time column `timestamp` (the `roster staff` file) instead of `start`.
    """
    if isinstance(requirements, pd.DataFrame):
        frame = requirements.copy()
        if "start" not in frame.columns and "timestamp" in frame.columns:
            frame = frame.rename(columns={"timestamp": "start"})
    else:
        frame = pd.DataFrame([r.model_dump() for r in requirements],
                             columns=list(Requirement.model_fields))
    for column in ("start", "queue"):
        if column not in frame.columns:
            raise InputError(f"requirements: expected a column {column!r}, got columns "
                             f"{list(frame.columns)}")
    required_column(frame)
    frame["start"] = pd.to_datetime(frame["start"])
    return frame


def worked_intervals(shift: Shift, origin: datetime, step: timedelta) -> Iterable[tuple[int, str]]:
    """(interval index from `origin`, queue) for each grid point where the shift serves a queue."""
    offset = shift.start - origin
    index = -(-offset // step)  # first grid point at or after the shift start
    moment = origin + index * step
    while moment < shift.end:
        queue = shift.queue_at(moment)
        if queue is not None:
            yield index, queue
        index += 1
        moment += step


def scheduled_counts(roster: Roster) -> Counter[tuple[int, str]]:
    """Agents serving each queue, keyed by (interval index in the period, queue)."""
    period = roster.period
    origin = datetime.combine(period.start, datetime.min.time())
    step = timedelta(minutes=period.interval_minutes)
    total = period.days * period.intervals_per_day
    counts: Counter[tuple[int, str]] = Counter()
    for shift in roster.shifts:
        for index, queue in worked_intervals(shift, origin, step):
            if 0 <= index < total:
                counts[index, queue] += 1
    return counts


def coverage_frame(roster: Roster, requirements: pd.DataFrame | Sequence[Requirement],
                   queues: Sequence[str] = ()) -> pd.DataFrame:
    """One row per interval of the period and queue: required, scheduled, shortfall, over.

    Queues are `queues` plus any named by the requirements or served in the roster. The
    requirement's `volume` and `promo` columns, when present, are kept for projection.
    Requirement rows outside the period are ignored; rows off the interval grid are an error.
    """
    frame = requirements_frame(requirements)
    need = required_column(frame)
    period = roster.period
    origin = pd.Timestamp(period.start)
    step = pd.Timedelta(minutes=period.interval_minutes)
    total = period.days * period.intervals_per_day
    inside = frame[(frame["start"] >= origin) & (frame["start"] < origin + total * step)].copy()
    off_grid = inside[(inside["start"] - origin) % step != pd.Timedelta(0)]
    if len(off_grid):
        first = off_grid["start"].iloc[0]
        raise InputError(f"requirements: expected starts on the {period.interval_minutes}-minute "
                         f"grid, got {first:%Y-%m-%d %H:%M}")
    duplicated = inside.duplicated(["start", "queue"])
    if duplicated.any():
        row = inside[duplicated].iloc[0]
        raise InputError(f"requirements: expected one row per interval and queue, got "
                         f"{row['queue']} at {row['start']:%Y-%m-%d %H:%M} twice")
    counts = scheduled_counts(roster)
    names = list(dict.fromkeys([*queues, *inside["queue"].astype(str),
                                *sorted({q for _, q in counts})]))
    starts = pd.date_range(origin, periods=total, freq=step)
    grid = pd.DataFrame({
        "start": starts.repeat(len(names)),
        "queue": names * total,
    })
    carried = [c for c in CARRIED_COLUMNS if c in inside.columns]
    inside = inside.rename(columns={need: "required"})[["start", "queue", "required", *carried]]
    merged = grid.merge(inside, on=["start", "queue"], how="left")
    merged["required"] = np.ceil(merged["required"].astype(float).fillna(0)).astype(int)
    index = ((merged["start"] - origin) // step).astype(int)
    merged["scheduled"] = [counts.get((i, q), 0) for i, q in zip(index, merged["queue"],
                                                                    strict=True)]
    merged["shortfall"] = (merged["required"] - merged["scheduled"]).clip(lower=0)
    merged["overstaffing"] = (merged["scheduled"] - merged["required"]).clip(lower=0)
    if "volume" in merged.columns:
        merged["volume"] = merged["volume"].astype(float).fillna(0.0)
    if "promo" in merged.columns:
        merged["promo"] = merged["promo"].astype("boolean").fillna(False).astype(bool)
    return merged[[*COVERAGE_COLUMNS, *carried]]


def agent_hours_by_queue(coverage: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Required, scheduled, shortfall and overstaffing agent-hours per queue."""
    hours = interval_minutes / 60
    grouped = coverage.groupby("queue", sort=False)[
        ["required", "scheduled", "shortfall", "overstaffing"]].sum() * hours
    grouped.columns = QUEUE_HOURS_COLUMNS[1:]
    return grouped.reset_index()[QUEUE_HOURS_COLUMNS]
