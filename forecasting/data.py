"""Loading and validating demand history and events calendars (the file contracts).

- history: `timestamp,volume[,queue]`, hourly; a missing hour is missing data, 0 is a zero.
- events: `name,kind,start,end[,queue]`, start inclusive, end exclusive; empty queue = all.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from forecasting.validation import DataError, Problem, check_columns, parse_timestamp, read_csv_text

ALL_QUEUES = "all"
"""Queue name given to a history without a `queue` column."""


def load_history(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read a history file into columns `timestamp` (datetime64), `queue` (str), `volume` (float).

    Sorted by queue then timestamp. Without a `queue` column every row gets queue `all`.
    Raises DataError listing every problem found.
    """
    name = label or path.name
    frame = read_csv_text(path, name)
    problems = check_columns(frame, name, ["timestamp", "volume"], ["queue"])
    if problems:
        raise DataError(problems)
    if frame.empty:
        raise DataError([Problem(name, None, None, "expected hourly rows, got none")])
    has_queue = "queue" in frame.columns
    stamps, volumes, queues = [], [], []
    for row, record in frame.iterrows():
        stamp = _timestamp(record["timestamp"], name, int(row), "timestamp", problems)
        if stamp is not None and (stamp.minute or stamp.second):
            problems.append(Problem(name, int(row), "timestamp",
                                    f"expected an hourly timestamp (HH:00), got "
                                    f"{record['timestamp']!r}"))
        volume = _volume(record["volume"], name, int(row), problems)
        queue = record["queue"] if has_queue else ALL_QUEUES
        if has_queue and not queue:
            problems.append(Problem(name, int(row), "queue", "expected a queue name, got ''"))
        stamps.append(stamp)
        volumes.append(volume)
        queues.append(queue)
    if not problems:
        result = pd.DataFrame({"timestamp": pd.to_datetime(stamps), "queue": queues,
                               "volume": volumes}, index=frame.index)
        dupes = result[result.duplicated(["timestamp", "queue"], keep="first")]
        for row, record in dupes.iterrows():
            problems.append(Problem(name, int(row), "timestamp",
                                    f"expected one row per hour and queue, got "
                                    f"{record['timestamp']:%Y-%m-%d %H:%M} for "
                                    f"{record['queue']!r} again"))
    if problems:
        raise DataError(problems)
    return result.sort_values(["queue", "timestamp"]).reset_index(drop=True)


def load_events(path: Path, label: str | None = None) -> pd.DataFrame:
    """Read an events calendar into `name,kind,start,end,queue` (queue '' = all queues)."""
    name = label or path.name
    frame = read_csv_text(path, name)
    problems = check_columns(frame, name, ["name", "kind", "start", "end"], ["queue"])
    if problems:
        raise DataError(problems)
    records = []
    for row, record in frame.iterrows():
        number = int(row)
        for column in ("name", "kind"):
            if not record[column]:
                problems.append(Problem(name, number, column, f"expected a {column}, got ''"))
        start = _timestamp(record["start"], name, number, "start", problems)
        end = _timestamp(record["end"], name, number, "end", problems)
        if start is not None and end is not None and end <= start:
            problems.append(Problem(name, number, "end",
                                    f"expected a time after start {record['start']!r}, "
                                    f"got {record['end']!r}"))
        records.append({"name": record["name"], "kind": record["kind"].lower(), "start": start,
                        "end": end, "queue": record.get("queue", "") or ""})
    if problems:
        raise DataError(problems)
    events = pd.DataFrame(records, columns=["name", "kind", "start", "end", "queue"])
    events["start"] = pd.to_datetime(events["start"])
    events["end"] = pd.to_datetime(events["end"])
    return events.sort_values(["start", "name"]).reset_index(drop=True)


def _timestamp(value: str, name: str, row: int, column: str, problems: list[Problem]):
    try:
        return parse_timestamp(value)
    except ValueError as err:
        problems.append(Problem(name, row, column, str(err)))
        return None


def _volume(value: str, name: str, row: int, problems: list[Problem]) -> float:
    try:
        volume = float(value)
    except ValueError:
        problems.append(Problem(name, row, "volume",
                                f"expected a non-negative number, got {value!r}"))
        return math.nan
    if not math.isfinite(volume) or volume < 0:
        problems.append(Problem(name, row, "volume",
                                f"expected a non-negative number, got {value!r}"))
    return volume


def has_queue_column(path: Path) -> bool:
    """Whether a history file has a `queue` column (its header names one)."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return "queue" in [name.strip() for name in header]
