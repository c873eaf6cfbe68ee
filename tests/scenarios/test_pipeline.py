"""The planning chain (`roster.pipeline`) and `roster solve` calling it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from roster.cli.main import app
from roster.pipeline import (
    PlanOptions,
    plan,
    planning_period,
    requirements_for,
    waive_minimums_on_leave,
)
from roster.scenario_files import Scenario
from tests.scenarios.small import WEEK


def test_leave_waives_the_minimums_of_agents_on_leave_only(small: Scenario) -> None:
    period = planning_period(small.team.settings, WEEK)
    team = waive_minimums_on_leave(small.team, period)
    assert team.agent("F4").contract == "full_time~F4"
    waived = team.settings.contracts["full_time~F4"]
    assert (waived.min_minutes_per_week, waived.min_days_per_week) == (0, 0)
    assert waived.max_minutes_per_week == 2640
    assert team.agent("F1").contract == "full_time"


def test_leave_outside_the_period_waives_nothing(small: Scenario) -> None:
    later = planning_period(small.team.settings, datetime(2026, 12, 7).date())
    assert waive_minimums_on_leave(small.team, later) == small.team


def test_plan_runs_forecast_staffing_roster_and_kpis(small: Scenario) -> None:
    period = planning_period(small.team.settings, WEEK)
    outcome = plan(small, period, PlanOptions(time_limit=3, workers=1))
    assert outcome.forecast is not None and len(outcome.forecast) == 7 * 24 * 2
    assert outcome.roster is not None and outcome.kpis is not None
    frame = requirements_for(small, period)
    assert outcome.requirements.equals(frame)
    hours = outcome.kpis.total.required_hours
    assert hours == frame["scheduled"].sum()  # 60-minute grid: one row is one agent-hour
    assert outcome.kpis.solver is not None and outcome.kpis.solver.workers == 1


def test_cli_solve_writes_the_plan_of_the_pipeline(small_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(small_folder), "--start", WEEK.isoformat(),
                                      "--time-limit", "3", "--workers", "1", "--quiet",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["period_start"] == WEEK.isoformat()
    assert kpis["solver"]["workers"] == 1
