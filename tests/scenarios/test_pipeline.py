"""The planning chain (`roster.pipeline`) and `roster solve` calling it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roster.cli.main import app
from roster.pipeline import (
    PlanOptions,
    plan,
    planning_period,
    requirements_for,
)
from roster.scenario_files import Scenario
from tests.scenarios.small import WEEK


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


def test_cli_solve_integer_bound_flag_reaches_the_engine(
        small_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import roster.pipeline as pipeline
    seen: list[bool] = []
    real = pipeline.RosterSolver

    def recording(problem, options, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(options.integer_bound)
        return real(problem, options, *args, **kwargs)

    monkeypatch.setattr(pipeline, "RosterSolver", recording)
    for flags in ([], ["--no-integer-bound"]):
        result = CliRunner().invoke(app, ["solve", str(small_folder), "--start",
                                          WEEK.isoformat(), "--time-limit", "3", "--workers",
                                          "1", "--quiet", "--out", str(tmp_path / "out"),
                                          *flags])
        assert result.exit_code == 0, result.output
    assert seen == [True, False]
