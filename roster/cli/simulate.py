"""`roster simulate`: check a staffing by discrete-event simulation (SimPy), with 95% CIs."""

from __future__ import annotations

import itertools
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from forecasting.validation import DataError, InputError, Problem, parse_timestamp, read_csv_text
from roster.cli.common import user_errors
from roster.cli.staff import queue_from_flags
from roster.staffing import offered_load
from roster.staffing.inputs import check_agents, check_interval, check_volume
from roster.staffing.projection import measures
from roster.staffing.simulation import Estimate, Setup, simulate


@user_errors
def simulate_command(
    aht: Annotated[float, typer.Option(help="average handling time, seconds")],
    within: Annotated[float, typer.Option(help="service level threshold, seconds")],
    volume: Annotated[float | None, typer.Option(help="contacts per interval (constant)")] = None,
    agents: Annotated[int | None, typer.Option(help="agents on the queue (constant)")] = None,
    requirements: Annotated[Path | None, typer.Option(
        help="REQUIREMENTS.csv from `roster staff --out` (timestamp,[queue,]volume,agents)"),
    ] = None,
    queue: Annotated[str | None, typer.Option(help="queue to simulate from --requirements")] = None,
    day: Annotated[str | None, typer.Option(
        help="only this day of --requirements, YYYY-MM-DD")] = None,
    patience: Annotated[float | None, typer.Option(help="mean patience, seconds")] = None,
    interval_minutes: Annotated[int, typer.Option(help="interval length: 60, 30 or 15")] = 60,
    hours: Annotated[float, typer.Option(help="measured hours (constant form)")] = 8.0,
    warmup_hours: Annotated[int, typer.Option(help="unmeasured hours first (constant form)")] = 1,
    service: Annotated[str, typer.Option(help="handling time: exponential or lognormal")] = (
        "exponential"),
    cv: Annotated[float, typer.Option(help="coefficient of variation of lognormal handling")] = 1.0,
    concurrency: Annotated[int, typer.Option(help="chats one agent carries at once")] = 1,
    slowdown: Annotated[float, typer.Option(
        help="chat: extra handling time per other chat carried (0 = slot model)")] = 0.0,
    replications: Annotated[int, typer.Option(help="independent replications")] = 20,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Simulate a queue with Poisson arrivals and report service level, ASA and abandonment."""
    check_interval(interval_minutes, "--interval-minutes")
    model = queue_from_flags(name="queue", aht_seconds=aht, service_level=0.5,
                             answer_within_seconds=within, patience_seconds=patience,
                             concurrency=concurrency)
    if service not in ("exponential", "lognormal"):
        raise InputError(f"--service: expected exponential or lognormal, got {service!r}")
    if not cv > 0 or not math.isfinite(cv):
        raise InputError(f"--cv: expected a number > 0, got {cv}")
    if slowdown < 0 or not math.isfinite(slowdown):
        raise InputError(f"--slowdown: expected a number >= 0, got {slowdown}")
    if replications < 2:
        raise InputError(f"--replications: expected at least 2, got {replications}")
    if requirements is not None:
        if volume is not None or agents is not None:
            raise InputError("--requirements: expected without --volume/--agents, got both")
        volumes, staffing = read_staffing(requirements, queue, day, interval_minutes)
        warmup = 0
    else:
        if volume is None or agents is None:
            raise InputError("--volume and --agents: expected both (or --requirements), got "
                             f"--volume {volume} --agents {agents}")
        check_volume(volume, "--volume")
        check_agents(agents, "--agents")
        if not 0 < hours <= 24 * 7 or warmup_hours < 0:
            raise InputError(f"--hours/--warmup-hours: expected 0 < hours <= 168 and warm-up >= 0,"
                             f" got {hours} and {warmup_hours}")
        per_hour = 60 // interval_minutes
        count = math.ceil((hours + warmup_hours) * per_hour)
        volumes, staffing = [volume] * count, [agents] * count
        warmup = warmup_hours * per_hour
    setup = Setup(interval_minutes=interval_minutes, volumes=volumes, agents=staffing,
                  aht_seconds=aht, within_seconds=within, patience_seconds=patience,
                  service=service, service_cv=cv, concurrency=concurrency, slowdown=slowdown,
                  warmup_intervals=warmup)  # type: ignore[arg-type]
    result = simulate(setup, replications=replications, seed=seed)
    load = offered_load(model, volumes[warmup:], interval_minutes)
    analytic = measures(model, load, staffing[warmup:])
    weights = np.asarray(volumes[warmup:], float)
    report: dict[str, Any] = {
        "service_level": _ci(result.service_level),
        "asa_seconds": _ci(result.asa_seconds),
        "abandon_probability": _ci(result.abandon_probability),
        "contacts": result.contacts,
        "replications": replications,
        "seed": seed,
        "analytic": {
            "model": "erlang_a" if patience is not None else "erlang_c",
            "service_level": _weighted(analytic.service_level, weights),
            "abandon_probability": (None if analytic.abandon_probability is None
                                    else _weighted(analytic.abandon_probability, weights)),
        },
    }
    if as_json:
        typer.echo(json.dumps(report))
        return
    sl = result.service_level
    typer.echo(f"service level {sl.mean:.4f} (95% CI {sl.low:.4f}-{sl.high:.4f}), analytic "
               f"{report['analytic']['service_level']}; {result.contacts:,} contacts simulated")


def _ci(estimate: Estimate) -> dict[str, float | None]:
    return {k: (None if not math.isfinite(v) else v)
            for k, v in (("mean", estimate.mean), ("low", estimate.low), ("high", estimate.high))}


def _weighted(values: np.ndarray, weights: np.ndarray) -> float | None:
    if weights.sum() <= 0:
        return None
    return float(np.sum(values * weights) / weights.sum())


def read_staffing(path: Path, queue: str | None, day: str | None,
                  interval_minutes: int) -> tuple[list[float], list[int]]:
    """Volumes and agents per interval from REQUIREMENTS.csv, on a gap-free interval grid."""
    frame = read_csv_text(path)
    name = path.name
    for column in ("timestamp", "volume", "agents"):
        if column not in frame.columns:
            raise DataError([Problem(name, 1, column, f"expected a column {column!r}, got "
                                                      f"columns {list(frame.columns)}")])
    if "queue" in frame.columns:
        queues = sorted(set(frame["queue"]))
        if queue is None and len(queues) > 1:
            raise InputError(f"--queue: expected one of {queues} for {name}, got none")
        if queue is not None and queue not in queues:
            raise InputError(f"--queue: expected one of {queues}, got {queue!r}")
        frame = frame[frame["queue"] == (queue or queues[0])]
    rows: list[tuple[datetime, float, int]] = []
    for row, record in frame.iterrows():
        try:
            stamp = parse_timestamp(record["timestamp"])
        except ValueError as err:
            raise DataError([Problem(name, int(row), "timestamp", str(err))]) from None
        try:
            volume = float(record["volume"])
            check_volume(volume)
        except (ValueError, InputError):
            raise DataError([Problem(name, int(row), "volume", f"expected a number >= 0, got "
                                                               f"{record['volume']!r}")]) from None
        try:
            agents = int(record["agents"])
            check_agents(agents)
        except (ValueError, InputError):
            raise DataError([Problem(name, int(row), "agents", f"expected a whole number >= 0, "
                                                               f"got {record['agents']!r}")]
                            ) from None
        rows.append((stamp, volume, agents))
    if day is not None:
        try:
            wanted = datetime.strptime(day, "%Y-%m-%d").date()
        except ValueError:
            raise InputError(f"--day: expected a date YYYY-MM-DD, got {day!r}") from None
        rows = [r for r in rows if r[0].date() == wanted]
    if not rows:
        raise InputError(f"{name}: expected intervals to simulate, got none"
                         + (f" on {day}" if day else ""))
    rows.sort()
    step = timedelta(minutes=interval_minutes)
    for before, after in itertools.pairwise(rows):
        if after[0] - before[0] != step:
            raise InputError(f"{name}: expected consecutive {interval_minutes}-minute intervals, "
                             f"got {before[0]:%Y-%m-%d %H:%M} then {after[0]:%Y-%m-%d %H:%M}")
    return [r[1] for r in rows], [r[2] for r in rows]
