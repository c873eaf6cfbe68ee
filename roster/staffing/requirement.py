"""From a forecast to requirements: agents needed per interval and queue.

`requirements` takes the FORECAST.csv columns `timestamp, forecast, p10, p50, p90`
(+ `queue`, + an optional boolean `promo`) and returns one row per interval and queue:

| column | meaning |
|---|---|
| start | interval start (datetime) |
| queue | queue name |
| volume | contacts expected in the interval (the chosen quantile, split evenly within the hour) |
| agents | fewest agents on the queue meeting every target |
| scheduled | agents to roster after shrinkage, ceil(agents / (1 - shrinkage)) |
| service_level, asa_seconds, occupancy, wait_probability | projected with `agents` |
| abandon_probability | projected with `agents` (NaN on a queue without patience) |
| service_level_minus_one, service_level_plus_one | with one agent fewer / one more |
| promo | whether the promotion load factor applied |
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.validation import InputError
from roster.domain import Queue
from roster.staffing.inputs import check_interval, check_volume
from roster.staffing.marginal import service_level_either_side
from roster.staffing.projection import (
    Projection,
    measures,
    offered_load,
    projection_at,
    scheduled_agents,
)
from roster.staffing.targets import required_agents_array

QUANTILES = ("forecast", "p10", "p50", "p90")

COLUMNS = [
    "start", "queue", "volume", "agents", "scheduled", "service_level", "asa_seconds",
    "occupancy", "abandon_probability", "service_level_minus_one", "service_level_plus_one",
    "wait_probability", "promo",
]


def required_agents(
    queue: Queue, volume: float, interval_minutes: int, promo: bool = False
) -> Projection:
    """The fewest agents on `queue` meeting every target for `volume` contacts in one interval."""
    check_volume(volume)
    check_interval(interval_minutes)
    load = offered_load(queue, [volume], interval_minutes)
    agents = required_agents_array(queue, load, [promo])
    result = measures(queue, load, agents, [promo])
    return projection_at(queue, result, 0, int(agents[0]))


def requirements(
    forecast: pd.DataFrame,
    queues: dict[str, Queue],
    interval_minutes: int = 60,
    quantile: str = "p50",
    label: str = "forecast",
) -> pd.DataFrame:
    """Requirements per interval and queue from an hourly forecast (columns: module docstring).

    Hourly volumes are split evenly over the 30- or 15-minute intervals of the hour.
    Raises InputError naming `label`, the row (the frame's index) and column of a bad value.
    """
    check_interval(interval_minutes)
    if quantile not in QUANTILES:
        raise InputError(f"quantile: expected one of {list(QUANTILES)}, got {quantile!r}")
    if not queues:
        raise InputError("queues: expected at least one queue, got none")
    intervals = split_hours(hourly_volumes(forecast, queues, quantile, label), interval_minutes)
    parts = [
        _queue_requirements(queues[name], group, interval_minutes)
        for name, group in intervals.groupby("queue", sort=True)
    ]
    if not parts:
        return pd.DataFrame({column: [] for column in COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["start", "queue"], kind="stable").reset_index(drop=True)[COLUMNS]


def hourly_volumes(
    forecast: pd.DataFrame, queues: dict[str, Queue], quantile: str, label: str = "forecast"
) -> pd.DataFrame:
    """Columns `start, queue, volume, promo` from the forecast, checked row by row."""
    for column in ("timestamp", quantile):
        if column not in forecast.columns:
            raise InputError(
                f"{label}: expected a column {column!r}, got columns {list(forecast.columns)}"
            )
    raw_starts = forecast["timestamp"]
    if pd.api.types.is_datetime64_any_dtype(raw_starts):
        starts = pd.Series(raw_starts)
    else:
        starts = pd.to_datetime(raw_starts.astype(str).str.strip(), errors="coerce",
                                format="ISO8601")
    missing = np.flatnonzero(starts.isna().to_numpy())
    if missing.size:
        row = int(missing[0])
        raise InputError(f"{label}:{_row(forecast, row)}: timestamp: expected "
                         f"YYYY-MM-DD HH:MM, got {_plain(forecast['timestamp'].iloc[row])!r}")
    off_hour = np.flatnonzero(((starts.dt.minute != 0) | (starts.dt.second != 0)).to_numpy())
    if off_hour.size:
        row = int(off_hour[0])
        raise InputError(f"{label}:{_row(forecast, row)}: timestamp: expected an hourly "
                         f"timestamp (HH:00), got {_plain(forecast['timestamp'].iloc[row])!r}")
    volume = pd.to_numeric(forecast[quantile], errors="coerce")
    bad = np.flatnonzero(~(np.isfinite(volume.to_numpy(float)) & (volume.to_numpy(float) >= 0)))
    if bad.size:
        row = int(bad[0])
        raise InputError(f"{label}:{_row(forecast, row)}: {quantile}: expected a number "
                         f"of contacts >= 0, got {_plain(forecast[quantile].iloc[row])!r}")
    names = _queue_names(forecast, queues, label)
    promo = _promo_flags(forecast, label)
    frame = pd.DataFrame({"start": starts.to_numpy(), "queue": names, "volume": volume.to_numpy(),
                          "promo": promo})
    dupes = frame.duplicated(["start", "queue"])
    if dupes.any():
        row = int(np.flatnonzero(dupes.to_numpy())[0])
        raise InputError(f"{label}:{_row(forecast, row)}: expected one row per hour and "
                         f"queue, got {frame['start'].iloc[row]:%Y-%m-%d %H:%M} for "
                         f"{frame['queue'].iloc[row]!r} again")
    return frame


def split_hours(hourly: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Each hour becomes 60 / interval_minutes intervals sharing its volume evenly."""
    parts = 60 // interval_minutes
    if parts == 1:
        return hourly.reset_index(drop=True)
    repeated = hourly.loc[hourly.index.repeat(parts)].reset_index(drop=True)
    offset = np.tile(np.arange(parts) * interval_minutes, len(hourly))
    repeated["start"] = repeated["start"] + pd.to_timedelta(offset, unit="m")
    repeated["volume"] = repeated["volume"] / parts
    return repeated


def _queue_requirements(queue: Queue, group: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    promo = group["promo"].to_numpy(bool)
    load = offered_load(queue, group["volume"].to_numpy(float), interval_minutes)
    agents = required_agents_array(queue, load, promo)
    result = measures(queue, load, agents, promo)
    fewer, more = service_level_either_side(queue, load, agents, promo)
    abandon = result.abandon_probability
    return pd.DataFrame({
        "start": group["start"].to_numpy(),
        "queue": group["queue"].to_numpy(),
        "volume": group["volume"].to_numpy(float),
        "agents": agents,
        "scheduled": scheduled_agents(queue, agents),
        "service_level": result.service_level,
        "asa_seconds": result.asa_seconds,
        "occupancy": result.occupancy,
        "abandon_probability": np.full(len(group), np.nan) if abandon is None else abandon,
        "service_level_minus_one": fewer,
        "service_level_plus_one": more,
        "wait_probability": result.wait_probability,
        "promo": promo,
    })


def _queue_names(forecast: pd.DataFrame, queues: dict[str, Queue], label: str) -> np.ndarray:
    if "queue" not in forecast.columns:
        if len(queues) != 1:
            raise InputError(f"{label}: expected a 'queue' column to tell {sorted(queues)} "
                             f"apart, got columns {list(forecast.columns)}")
        return np.full(len(forecast), next(iter(queues)), dtype=object)
    names = forecast["queue"].astype(str).to_numpy(dtype=object)
    unknown = np.flatnonzero(~np.isin(names, list(queues)))
    if unknown.size:
        row = int(unknown[0])
        raise InputError(f"{label}:{_row(forecast, row)}: queue: expected one of "
                         f"{sorted(queues)}, got {names[row]!r}")
    return names


def _promo_flags(forecast: pd.DataFrame, label: str) -> np.ndarray:
    if "promo" not in forecast.columns:
        return np.zeros(len(forecast), bool)
    flags = []
    for row, value in enumerate(forecast["promo"]):
        text = str(value).strip().lower()
        if isinstance(value, bool | np.bool_) or text in {"true", "false", "1", "0", ""}:
            flags.append(bool(value) if isinstance(value, bool | np.bool_) else text in {"true",
                                                                                         "1"})
        else:
            raise InputError(f"{label}:{_row(forecast, row)}: promo: expected true or "
                             f"false, got {value!r}")
    return np.array(flags, bool)


def _plain(value: object) -> object:
    """A numpy scalar as the plain Python value, so messages show `-1.0`, not `np.float64`."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _row(forecast: pd.DataFrame, position: int) -> object:
    """The row label a user sees: the CSV row number when the frame came from a file."""
    return forecast.index[position]
