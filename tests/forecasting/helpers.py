"""Small hand-built histories and calendars for the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONDAY = pd.Timestamp("2026-01-05 00:00")


def daily_shape() -> np.ndarray:
    """A plain day: quiet night, busy day and evening (24 values, peak 20)."""
    return np.array([2, 1, 1, 1, 1, 2, 4, 8, 12, 15, 16, 16,
                     14, 15, 16, 16, 15, 14, 15, 17, 20, 19, 14, 6], dtype=float)


def weekly_volume(weeks: int, queue: str = "chat", scale: float = 1.0,
                  start: pd.Timestamp = MONDAY) -> pd.DataFrame:
    """`weeks` weeks of a noise-free weekly pattern (weekends at 60%)."""
    hours = pd.date_range(start, periods=weeks * 168, freq="h")
    weekend = np.where(hours.dayofweek >= 5, 0.6, 1.0)
    volume = scale * daily_shape()[hours.hour] * weekend
    return pd.DataFrame({"timestamp": hours, "queue": queue, "volume": volume})


def events_frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """(name, kind, start, end, queue) tuples as an events frame."""
    frame = pd.DataFrame(rows, columns=["name", "kind", "start", "end", "queue"])
    frame["start"] = pd.to_datetime(frame["start"], format="ISO8601")
    frame["end"] = pd.to_datetime(frame["end"], format="ISO8601")
    return frame
