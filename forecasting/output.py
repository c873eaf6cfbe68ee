"""Writing FORECAST.csv: `timestamp,[queue,]forecast,p10,p50,p90,promo`, one row per hour
(and queue), sorted by timestamp then queue."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from forecasting.validation import InputError, format_timestamp

VALUE_COLUMNS = ["forecast", "p10", "p50", "p90"]


def forecast_table(forecast: pd.DataFrame, with_queue: bool = True) -> pd.DataFrame:
    """The FORECAST.csv layout of a `predict` frame: timestamps as `YYYY-MM-DD HH:MM`,
    volumes rounded to 3 decimals, `queue` dropped when `with_queue` is False."""
    columns = ["timestamp", *(["queue"] if with_queue else []), *VALUE_COLUMNS]
    if "promo" in forecast.columns:
        columns.append("promo")
    table = forecast.sort_values(["timestamp", "queue"], kind="stable")[columns].copy()
    table["timestamp"] = table["timestamp"].map(format_timestamp)
    table[VALUE_COLUMNS] = table[VALUE_COLUMNS].clip(lower=0.0).round(3)
    if "promo" in table.columns:
        table["promo"] = table["promo"].map({True: "true", False: "false"})
    return table.reset_index(drop=True)


def write_forecast(forecast: pd.DataFrame, path: Path, with_queue: bool = True) -> None:
    """Write FORECAST.csv atomically (a failed write leaves no file behind)."""
    table = forecast_table(forecast, with_queue)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError(f"--out: expected an existing folder for {path}, found none")
    handle, temporary = tempfile.mkstemp(prefix=".forecast-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            table.to_csv(stream, index=False, lineterminator="\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
