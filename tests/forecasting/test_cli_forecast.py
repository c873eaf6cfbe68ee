"""`roster forecast` and `roster backtest` against the file contracts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from roster.cli.main import app
from tests.forecasting.helpers import weekly_volume

runner = CliRunner()


def write_history(path: Path, with_queue: bool = True, weeks: int = 5) -> Path:
    frame = pd.concat([weekly_volume(weeks, "presale"), weekly_volume(weeks, "aftersale", 0.5)])
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M")
    if not with_queue:
        frame = frame[frame["queue"] == "presale"].drop(columns="queue")
    frame.to_csv(path, index=False)
    return path


def test_forecast_writes_the_contract_columns(tmp_path):
    history = write_history(tmp_path / "history.csv")
    events = tmp_path / "events.csv"
    events.write_text("name,kind,start,end\nmeeting,closure,2026-02-09 14:00,2026-02-09 16:00\n")
    out = tmp_path / "forecast.csv"
    result = runner.invoke(app, ["forecast", "--history", str(history), "--events", str(events),
                                 "--start", "2026-02-09 00:00", "--hours", "48",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["timestamp", "queue", "forecast", "p10", "p50", "p90", "promo"]
    assert len(table) == 96
    assert table["timestamp"].iloc[0] == "2026-02-09 00:00"
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()
    assert (table[["forecast", "p10", "p50", "p90"]] >= 0).all().all()
    closed = table[table["timestamp"].isin(["2026-02-09 14:00", "2026-02-09 15:00"])]
    assert (closed[["forecast", "p10", "p50", "p90"]] == 0).all().all()


def test_forecast_without_queue_column_writes_none(tmp_path):
    history = write_history(tmp_path / "history.csv", with_queue=False)
    out = tmp_path / "forecast.csv"
    result = runner.invoke(app, ["forecast", "--history", str(history), "--start",
                                 "2026-02-09 00:00", "--hours", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out).columns.tolist() == ["timestamp", "forecast", "p10", "p50", "p90",
                                                 "promo"]


def test_bad_history_row_gives_file_row_column_message_and_writes_nothing(tmp_path):
    history = write_history(tmp_path / "history.csv")
    lines = history.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",many"
    history.write_text("\n".join(lines) + "\n")
    out = tmp_path / "forecast.csv"
    result = runner.invoke(app, ["forecast", "--history", str(history), "--start",
                                 "2026-02-09 00:00", "--hours", "5", "--out", str(out)])
    assert result.exit_code == 2
    assert "history.csv:4: volume: expected a non-negative number, got 'many'" in result.output
    assert not out.exists()


def test_bad_start_flag_is_reported(tmp_path):
    history = write_history(tmp_path / "history.csv")
    out = tmp_path / "forecast.csv"
    result = runner.invoke(app, ["forecast", "--history", str(history), "--start", "tomorrow",
                                 "--hours", "5", "--out", str(out)])
    assert result.exit_code == 2
    assert "--start: expected a timestamp YYYY-MM-DD HH:MM, got 'tomorrow'" in result.output
    assert not out.exists()


def test_too_short_history_is_an_error_and_short_history_warns(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text("timestamp,volume\n2026-01-05 00:00,3\n2026-01-06 00:00,4\n")
    out = tmp_path / "forecast.csv"
    result = runner.invoke(app, ["forecast", "--history", str(short), "--start",
                                 "2026-02-09 00:00", "--hours", "5", "--out", str(out)])
    assert result.exit_code == 2 and "at least one week" in result.output
    assert not out.exists()
    history = write_history(tmp_path / "history.csv", weeks=2)
    result = runner.invoke(app, ["forecast", "--history", str(history), "--start",
                                 "2026-01-19 00:00", "--hours", "5", "--out", str(out)])
    assert result.exit_code == 0 and "warning:" in result.output and out.exists()


def test_plot_writes_self_contained_html(tmp_path):
    history = write_history(tmp_path / "history.csv")
    events = tmp_path / "events.csv"
    events.write_text("name,kind,start,end\nsale,major_promo,2026-02-10 00:00,2026-02-11 00:00\n")
    out, chart = tmp_path / "forecast.csv", tmp_path / "chart.html"
    result = runner.invoke(app, ["forecast", "--history", str(history), "--events", str(events),
                                 "--start", "2026-02-09 00:00", "--hours", "72", "--out",
                                 str(out), "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    html = chart.read_text()
    assert 'src="https://cdn.plot.ly' not in html and len(html) > 1_000_000
    assert "major_promo" in html and "80% band" in html


def test_backtest_prints_every_model(tmp_path):
    history = write_history(tmp_path / "history.csv", weeks=6)
    result = runner.invoke(app, ["backtest", "--history", str(history), "--horizon", "168",
                                 "--folds", "2"])
    assert result.exit_code == 0, result.output
    for name in ("event-profile", "seasonal naive", "4-week seasonal", "MSTL", "WAPE", "MASE"):
        assert name in result.output
