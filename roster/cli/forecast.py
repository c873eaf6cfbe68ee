"""`roster forecast` and `roster backtest`: hourly demand forecasts and their track record."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from forecasting.backtest import backtest, summarize
from forecasting.data import has_queue_column, load_events, load_history
from forecasting.model import EventProfileForecaster
from forecasting.output import write_forecast
from forecasting.validation import InputError, parse_timestamp
from roster.cli.common import user_errors

MAX_HOURS = 24 * 366
HistoryOption = Annotated[Path, typer.Option("--history",
                                             help="HISTORY.csv: timestamp,volume[,queue]")]
EventsOption = Annotated[Path | None, typer.Option(
    "--events", help="EVENTS.csv: name,kind,start,end[,queue]")]


@user_errors
def forecast(
    history: HistoryOption,
    start: Annotated[str, typer.Option("--start", help='first hour, "YYYY-MM-DD HH:MM"')],
    hours: Annotated[int, typer.Option("--hours", help="number of hours to forecast")],
    out: Annotated[Path, typer.Option("--out", help="FORECAST.csv to write")],
    events: EventsOption = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="also write a chart as self-contained HTML")] = None,
) -> None:
    """Forecast hourly inquiries per queue with a p10-p90 band; warnings go to stderr."""
    first = _start(start)
    if not 1 <= hours <= MAX_HOURS:
        raise InputError(f"--hours: expected a whole number from 1 to {MAX_HOURS}, got {hours}")
    for flag, path in (("--out", out), ("--plot", plot)):
        if path is not None and not path.resolve().parent.is_dir():
            raise InputError(f"{flag}: expected an existing folder for {path}, found none")
    frame = load_history(history)
    calendar = load_events(events) if events is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = EventProfileForecaster().fit(frame, calendar)
        result = model.predict(first, hours, calendar)
    figure = None
    if plot is not None:
        from forecasting.plot import forecast_figure

        figure = forecast_figure(frame, result, calendar)
    for message in dict.fromkeys(str(w.message) for w in caught):
        sys.stderr.write(f"warning: {message}\n")
    write_forecast(result, out, with_queue=has_queue_column(history))
    if figure is not None and plot is not None:
        from forecasting.plot import write_figure_html

        write_figure_html(figure, str(plot))
    queues = result["queue"].nunique()
    typer.echo(f"wrote {out}: {hours} hours x {queues} queue(s) from {first:%Y-%m-%d %H:%M}"
               + (f"; chart {plot}" if plot is not None else ""))


@user_errors
def backtest_command(
    history: HistoryOption,
    events: EventsOption = None,
    horizon: Annotated[int, typer.Option("--horizon", help="hours per fold")] = 672,
    folds: Annotated[int, typer.Option(
        "--folds", help="back-to-back folds ending with the history")] = 4,
    out: Annotated[Path | None, typer.Option(
        "--out", help="also write every fold's scores as CSV")] = None,
) -> None:
    """Rolling-origin backtest of the forecaster and the baselines on the same folds.

    Prints WAPE, MASE (season 168), bias and 80%-band coverage per model.
    """
    if horizon < 1 or folds < 1:
        raise InputError(f"--horizon and --folds: expected whole numbers >= 1, got {horizon} "
                         f"and {folds}")
    if out is not None and not out.resolve().parent.is_dir():
        raise InputError(f"--out: expected an existing folder for {out}, found none")
    frame = load_history(history)
    calendar = load_events(events) if events is not None else None
    results, messages = backtest(frame, calendar, horizon, folds)
    for message in messages:
        sys.stderr.write(f"warning: {message}\n")
    console = Console(width=110)
    console.print(_table(results, horizon, folds))
    if out is not None:
        results.assign(origin=results["origin"].dt.strftime("%Y-%m-%d %H:%M")).round(4).to_csv(
            out, index=False)


def _start(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(parse_timestamp(text))
    except ValueError as err:
        raise InputError(f"--start: {err}") from None


def _table(results: pd.DataFrame, horizon: int, folds: int) -> Table:
    table = Table(title=f"Backtest: {folds} fold(s) x {horizon} h, mean over folds")
    for column in ("model", "WAPE", "MASE", "bias", "coverage p10-p90", "seconds/fold"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for _, row in summarize(results).iterrows():
        table.add_row(row["model"], f"{row['wape']:.3f}", f"{row['mase']:.3f}",
                      f"{row['bias']:+.3f}", f"{row['coverage']:.3f}", f"{row['seconds']:.2f}")
    return table
