"""`roster staff` and `roster simulate`: the ARCHITECTURE.md contract, and clear errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roster.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
ISSUE_EXAMPLE = ["--volume", "100", "--interval-minutes", "30", "--aht", "180", "--sl", "0.8",
                 "--within", "20", "--shrinkage", "0.3", "--json"]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_staff_single_interval_json_through_the_console_script():
    result = subprocess.run([sys.executable, "-m", "roster", "staff", *ISSUE_EXAMPLE],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["agents"] == 14 and answer["scheduled"] == 20
    assert round(answer["service_level"], 4) == 0.8884
    assert round(answer["wait_probability"], 4) == 0.1741
    assert round(answer["occupancy"], 4) == 0.7143
    assert answer["asa_seconds"] > 0
    assert "abandon_probability" not in answer


def test_staff_evaluates_given_agents_and_reports_abandonment_with_patience():
    result = run("staff", *ISSUE_EXAMPLE, "--agents", "13", "--patience", "120")
    answer = json.loads(result.output)
    assert answer["agents"] == 13 and answer["model"] == "erlang_a"
    assert 0 < answer["abandon_probability"] < 0.1


def test_staff_series_form_writes_the_contract_columns(tmp_path: Path):
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("timestamp,forecast,p10,p50,p90\n2025-11-10 20:00,200,150,200,260\n"
                        "2025-11-10 21:00,0,0,0,0\n", encoding="utf-8")
    out = tmp_path / "requirements.csv"
    result = run("staff", "--forecast", str(forecast), "--aht", "180", "--sl", "0.8",
                 "--within", "20", "--interval-minutes", "30", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:6] == ["timestamp", "volume", "agents", "scheduled", "service_level",
                                 "asa_seconds"]
    assert [r["timestamp"] for r in rows] == ["2025-11-10 20:00", "2025-11-10 20:30",
                                              "2025-11-10 21:00", "2025-11-10 21:30"]
    assert [r["agents"] for r in rows] == ["14", "14", "0", "0"]
    assert [r["scheduled"] for r in rows] == ["20", "20", "0", "0"]


def test_staff_series_keeps_the_queue_column(tmp_path: Path):
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("timestamp,forecast,p10,p50,p90,queue\n"
                        "2025-11-10 20:00,200,150,200,260,presale\n"
                        "2025-11-10 20:00,50,40,50,60,aftersale\n", encoding="utf-8")
    out = tmp_path / "requirements.csv"
    result = run("staff", "--forecast", str(forecast), "--aht", "180", "--sl", "0.8",
                 "--within", "20", "--patience", "60", "--out", str(out), "--quantile", "p90")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:3] == ["timestamp", "queue", "volume"]
    assert {r["queue"]: r["volume"] for r in rows} == {"aftersale": "60", "presale": "260"}
    assert "abandon_probability" in rows[0]


@pytest.mark.parametrize(("args", "message"), [
    (["--volume", "-3"], "--volume: expected a number of contacts >= 0, got -3.0"),
    (["--volume", "10", "--sl", "1.5"], "--sl: input should be less than 1, got 1.5"),
    (["--volume", "10", "--sl", "0"], "--sl: input should be greater than 0, got 0.0"),
    (["--volume", "10", "--aht", "0"], "--aht: input should be greater than 0, got 0.0"),
    (["--volume", "10", "--interval-minutes", "45"],
     "--interval-minutes: expected 15, 30 or 60 minutes, got 45"),
    (["--volume", "10", "--agents", "-1"], "--agents: expected a whole number of agents >= 0"),
    ([], "--volume: expected the contacts in one interval"),
])
def test_staff_bad_flags_exit_2_with_a_clear_message(args, message):
    base = {"--aht": "180", "--sl": "0.8", "--within": "20"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    result = run("staff", *flat, "--json")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_staff_bad_forecast_names_file_row_and_column_and_writes_nothing(tmp_path: Path):
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("timestamp,forecast,p10,p50,p90\n2025-11-10 20:00,1,1,1,1\n"
                        "2025-11-10 21:00,1,1,x,1\n", encoding="utf-8")
    out = tmp_path / "requirements.csv"
    result = run("staff", "--forecast", str(forecast), "--aht", "180", "--sl", "0.8",
                 "--within", "20", "--out", str(out))
    assert result.exit_code == 2
    assert "forecast.csv:3: p50: expected a number of contacts >= 0, got 'x'" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [forecast]


def test_simulate_json_reports_cis_and_the_analytic_value():
    result = run("simulate", "--volume", "100", "--agents", "14", "--interval-minutes", "30",
                 "--aht", "180", "--within", "20", "--hours", "2", "--replications", "5",
                 "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    level = report["service_level"]
    assert level["low"] <= level["mean"] <= level["high"]
    assert round(report["analytic"]["service_level"], 4) == 0.8884
    assert report["contacts"] > 1000


def test_simulate_a_requirements_file(tmp_path: Path):
    plan = tmp_path / "requirements.csv"
    plan.write_text("timestamp,volume,agents\n2025-11-10 20:00,100,14\n2025-11-10 20:30,100,14\n",
                    encoding="utf-8")
    result = run("simulate", "--requirements", str(plan), "--interval-minutes", "30", "--aht",
                 "180", "--within", "20", "--replications", "4", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replications"] == 4
    gap = plan.read_text().replace("20:30", "21:30")
    plan.write_text(gap, encoding="utf-8")
    result = run("simulate", "--requirements", str(plan), "--interval-minutes", "30", "--aht",
                 "180", "--within", "20", "--json")
    assert result.exit_code == 2
    assert "expected consecutive 30-minute intervals" in result.output
