"""`roster staff`: agents needed for one interval (JSON) or for every interval of a forecast."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from pydantic import ValidationError

from forecasting.validation import DataError, InputError, Problem, format_timestamp, read_csv_text
from roster.cli.common import user_errors
from roster.domain import Queue
from roster.staffing import evaluate, offered_load, required_agents, requirements
from roster.staffing.inputs import check_agents, check_interval, check_volume
from roster.staffing.marginal import service_level_either_side
from roster.staffing.targets import meets_targets

FLAGS = {
    "aht_seconds": "--aht", "service_level": "--sl", "answer_within_seconds": "--within",
    "patience_seconds": "--patience", "concurrency": "--concurrency",
    "max_occupancy": "--max-occupancy", "shrinkage": "--shrinkage", "max_asa_seconds": "--max-asa",
    "max_abandon": "--max-abandon", "promo_load_factor": "--promo-factor", "channel": "--channel",
    "name": "--queue",
}
"""Queue field -> the flag that sets it, for error messages."""

FORECAST_COLUMNS = ("timestamp", "forecast", "p10", "p50", "p90", "queue", "promo")


def queue_from_flags(**fields: Any) -> Queue:
    """A Queue from command-line values; a bad value raises InputError naming its flag."""
    try:
        return Queue(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        flag = FLAGS.get(field, "--channel/--concurrency")
        value = first.get("input") if field else None
        got = "" if not field else f", got {value!r}"
        raise InputError(f"{flag}: {first['msg'].lower()}{got}") from None


@user_errors
def staff(
    aht: Annotated[float, typer.Option(help="average handling time, seconds")],
    sl: Annotated[float, typer.Option(help="service level target, share in (0, 1)")],
    within: Annotated[float, typer.Option(help="service level threshold, seconds")],
    volume: Annotated[float | None, typer.Option(help="contacts arriving in one interval")] = None,
    forecast: Annotated[Path | None, typer.Option(
        help="FORECAST.csv (timestamp,forecast,p10,p50,p90[,queue][,promo]); needs --out")] = None,
    out: Annotated[Path | None, typer.Option(
        help="REQUIREMENTS.csv to write (series form)")] = None,
    patience: Annotated[float | None, typer.Option(
        help="mean patience, seconds (Erlang A); without it Erlang C")] = None,
    concurrency: Annotated[float, typer.Option(help="chats one agent carries at once")] = 1.0,
    max_occupancy: Annotated[float | None, typer.Option(help="occupancy ceiling in (0, 1]")] = None,
    max_asa: Annotated[float | None, typer.Option(help="ASA ceiling, seconds")] = None,
    max_abandon: Annotated[float | None, typer.Option(
        help="abandonment ceiling in (0, 1) (with --patience)")] = None,
    shrinkage: Annotated[float, typer.Option(help="share of paid time off the queue")] = 0.3,
    interval_minutes: Annotated[int, typer.Option(help="interval length: 60, 30 or 15")] = 60,
    agents: Annotated[int | None, typer.Option(help="evaluate this many agents instead")] = None,
    promo: Annotated[bool, typer.Option(
        help="single interval inside a promotion (applies --promo-factor)")] = False,
    promo_factor: Annotated[float, typer.Option(
        help="extra load an agent may carry during promotions (1.3 = 30% more)")] = 1.0,
    channel: Annotated[str, typer.Option(help="chat or voice")] = "chat",
    quantile: Annotated[str, typer.Option(
        help="forecast column to staff to: p50, p90, ...")] = "p50",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON (single interval)")] = False,
) -> None:
    """Agents needed on a queue (Erlang C, or Erlang A with --patience) and after shrinkage."""
    check_interval(interval_minutes, "--interval-minutes")
    queue = queue_from_flags(
        name="queue", channel=channel, aht_seconds=aht, service_level=sl,
        answer_within_seconds=within, patience_seconds=patience, concurrency=concurrency,
        max_occupancy=max_occupancy, max_asa_seconds=max_asa, max_abandon=max_abandon,
        shrinkage=shrinkage, promo_load_factor=promo_factor,
    )
    if forecast is not None:
        if volume is not None or agents is not None:
            raise InputError("--forecast: expected without --volume/--agents, got both")
        if out is None:
            raise InputError("--out: expected a REQUIREMENTS.csv path with --forecast, got none")
        _series(queue, forecast, out, interval_minutes, quantile)
        return
    if volume is None:
        raise InputError("--volume: expected the contacts in one interval (or --forecast), "
                         "got none")
    check_volume(volume, "--volume")
    if agents is not None:
        check_agents(agents, "--agents")
    typer.echo(json.dumps(single_interval(queue, volume, interval_minutes, agents, promo)))


def single_interval(queue: Queue, volume: float, interval_minutes: int, agents: int | None,
                    promo: bool) -> dict[str, Any]:
    """The JSON object of the single-interval form."""
    if agents is None:
        projection = required_agents(queue, volume, interval_minutes, promo)
    else:
        projection = evaluate(queue, volume, interval_minutes, agents, promo)
    load = offered_load(queue, [volume], interval_minutes)
    fewer, more = service_level_either_side(queue, load, [projection.agents], [promo])
    result: dict[str, Any] = asdict(projection)
    if queue.patience_seconds is None:
        result.pop("abandon_probability")
    result.update(
        volume=volume,
        interval_minutes=interval_minutes,
        offered_load_erlangs=float(load[0]),
        meets_targets=bool(meets_targets(queue, load, [projection.agents], [promo])[0]),
        service_level_minus_one=float(fewer[0]),
        service_level_plus_one=float(more[0]),
        model="erlang_a" if queue.patience_seconds is not None else "erlang_c",
    )
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in result.items()}


def read_forecast(path: Path) -> pd.DataFrame:
    """FORECAST.csv as strings, indexed by spreadsheet row number."""
    frame = read_csv_text(path)
    if "timestamp" not in frame.columns:
        raise DataError([Problem(path.name, 1, "timestamp",
                                 f"expected a column 'timestamp', got columns "
                                 f"{list(frame.columns)}")])
    if frame.empty:
        raise DataError([Problem(path.name, None, None, "expected hourly rows, got none")])
    return frame


def _series(queue: Queue, path: Path, out: Path, interval_minutes: int, quantile: str) -> None:
    frame = read_forecast(path)
    has_queue = "queue" in frame.columns
    names = sorted(set(frame["queue"])) if has_queue else ["queue"]
    queues = {name: queue.model_copy(update={"name": name}) for name in names}
    table = requirements(frame, queues, interval_minutes, quantile, label=path.name)
    table = table.rename(columns={"start": "timestamp"})
    table["timestamp"] = [format_timestamp(t) for t in table["timestamp"]]
    if not has_queue:
        table = table.drop(columns="queue")
    if queue.patience_seconds is None:
        table = table.drop(columns="abandon_probability")
    _write_atomically(table, out)
    typer.echo(f"wrote {out}: {len(table):,} intervals, peak {table['agents'].max()} agents on "
               f"the queue, {table['scheduled'].max()} scheduled")


def _write_atomically(table: pd.DataFrame, out: Path) -> None:
    """Write via a temporary file in the same folder, so a failure leaves nothing behind."""
    if out.parent and not out.parent.exists():
        raise InputError(f"--out: expected an existing folder, got {out.parent}")
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            table.to_csv(stream, index=False, float_format="%.6g")
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
