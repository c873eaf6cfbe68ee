"""Coverage demand in two kinds: agents per interval and queue, or per day and shift template.

`IntervalDemand` comes from staffing (agents needed per interval and queue); its `value`
says what one missing agent costs in service there. `ShiftDemand` states cover the way the
Curtois & Qu benchmark and many hospital rosters do: so many shifts of a template on a day,
with a weight per agent under and over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from forecasting.validation import (
    DataError,
    Problem,
    check_columns,
    parse_timestamp,
    read_csv_text,
)
from roster.domain import PlanningPeriod, TeamSettings

MIN_VALUE = 0.05
"""A shortfall is never free: the service value of an interval is at least this."""


@dataclass(frozen=True)
class IntervalDemand:
    """`agents` needed on `queue` in the interval starting at `start`.

    `value` multiplies the shortfall weight of one missing agent (mean 1 over the period).
    """

    start: datetime
    queue: str
    agents: int
    value: float = 1.0


@dataclass(frozen=True)
class ShiftDemand:
    """`required` shifts of `template` on `day`; weights per agent under and over."""

    day: date
    template: str
    required: int
    under_weight: float = 1.0
    over_weight: float = 0.0


Demand = IntervalDemand | ShiftDemand

REQUIREMENT_COLUMNS = ["start", "queue", "agents"]
OPTIONAL_COLUMNS = ["service_level", "service_level_minus_one", "service_level_plus_one",
                    "volume", "scheduled", "asa_seconds", "value"]


def interval_demands(frame: pd.DataFrame) -> list[IntervalDemand]:
    """Requirements (`start, queue, agents` and optional service levels) to demand records.

    Heads to roster are `scheduled` (after shrinkage) when the frame has it, else `agents`.

    The value of an interval is the service lost by one missing agent: the drop from
    `service_level` (or, without it, `service_level_plus_one`) to `service_level_minus_one`,
    times the contacts it concerns (`volume`, else `agents` as a proxy for load), scaled
    so the mean over intervals with demand is 1. A `value` column overrides all this;
    without service levels every interval is worth 1.
    """
    heads = frame["scheduled"] if "scheduled" in frame.columns else frame["agents"]
    heads = [0 if pd.isna(h) else math.ceil(float(h) - 1e-9) for h in heads]
    if "value" in frame.columns:
        raw = [float(v) for v in frame["value"]]
    elif "service_level_minus_one" in frame.columns:
        here = frame["service_level"] if "service_level" in frame.columns else (
            frame["service_level_plus_one"] if "service_level_plus_one" in frame.columns else None)
        load = frame["volume"] if "volume" in frame.columns else frame["agents"]
        raw = []
        for i in range(len(frame)):
            drop = 1.0 if here is None else float(here.iloc[i]) - float(
                frame["service_level_minus_one"].iloc[i])
            raw.append(max(drop, 0.0) * float(load.iloc[i]) if math.isfinite(drop) else 1.0)
        positive = [r for r, h in zip(raw, heads, strict=True) if h > 0]
        mean = sum(positive) / len(positive) if positive and sum(positive) > 0 else 1.0
        raw = [r / mean for r in raw]
    else:
        raw = [1.0] * len(frame)
    return [
        IntervalDemand(start=pd.Timestamp(s).to_pydatetime(), queue=str(q), agents=int(a),
                       value=max(MIN_VALUE, v) if math.isfinite(v) else 1.0)
        for s, q, a, v in zip(frame["start"], frame["queue"], heads, raw, strict=True)
    ]

def read_requirements(path: Path, settings: TeamSettings,
                      period: PlanningPeriod | None = None) -> pd.DataFrame:
    """Read a requirements CSV (`start,queue,agents[,service_level_minus_one,...]`).

    Timestamps must lie on the team's interval grid; queues must be the team's. With a
    period, rows outside it are dropped. Raises DataError naming row and column.
    """
    name = path.name
    frame = read_csv_text(path)
    problems = check_columns(frame, name, REQUIREMENT_COLUMNS, [*OPTIONAL_COLUMNS, "timestamp"])
    if "start" not in frame.columns and "timestamp" in frame.columns:
        frame = frame.rename(columns={"timestamp": "start"})
        problems = [p for p in problems if p.column not in ("start", "timestamp")]
    if problems:
        raise DataError(problems)
    rows: dict[str, list[object]] = {c: [] for c in frame.columns}
    step = settings.interval_minutes
    for number, record in frame.iterrows():
        for column, text in record.items():
            column = str(column)
            try:
                rows[column].append(_cell(column, str(text), settings, step))
            except ValueError as err:
                problems.append(Problem(name, int(number), column, str(err)))
    if problems:
        raise DataError(problems)
    out = pd.DataFrame(rows)
    if period is not None and len(out):
        first = pd.Timestamp(period.start)
        last = pd.Timestamp(period.end)
        out = out[(out["start"] >= first) & (out["start"] < last)]
    return out.reset_index(drop=True)


def _cell(column: str, text: str, settings: TeamSettings, step: int) -> object:
    if column == "start":
        moment = parse_timestamp(text)
        if (moment.hour * 60 + moment.minute) % step:
            raise ValueError(f"expected a time on the {step}-minute grid, got {text!r}")
        return pd.Timestamp(moment)
    if column == "queue":
        if text not in settings.queues:
            raise ValueError(f"expected a queue among {sorted(settings.queues)}, got {text!r}")
        return text
    if column == "agents":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"expected a whole number of agents >= 0, got {text!r}") from None
        if value < 0 or not value.is_integer():
            raise ValueError(f"expected a whole number of agents >= 0, got {text!r}")
        return int(value)
    if not text:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
