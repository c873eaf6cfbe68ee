"""`roster whatif SPEC.toml`: runs base + variants, writes the table; bad specs name the field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from roster.cli.main import app
from tests.scenarios.small import WEEK

SPEC = """
base = "{base}"
start = "{start}"
[budget]
agent_time = 0.2
steps = 2
step_time = 0.3
[[scenario]]
name = "strict aftersale"
[[scenario.changes]]
kind = "change_target"
queue = "aftersale"
answer_within_seconds = 30
"""


def _spec(tmp_path: Path, folder: Path, text: str = SPEC) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text.format(base=folder, start=WEEK.isoformat()), encoding="utf-8")
    return path


def test_whatif_writes_one_row_per_scenario(small_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(app, ["whatif", str(_spec(tmp_path, small_folder)), "--out",
                                      str(out), "--backend", "serial", "--html",
                                      str(tmp_path / "f.html")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table["scenario"]) == ["base", "strict aftersale"]
    assert table.loc[1, "required_hours"] > table.loc[0, "required_hours"]
    assert (tmp_path / "f.html").is_file()


def test_whatif_bad_change_names_scenario_and_field(small_folder: Path, tmp_path: Path) -> None:
    bad = SPEC.replace("answer_within_seconds = 30", "answer_within_seconds = -5")
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(app, ["whatif", str(_spec(tmp_path, small_folder, bad)),
                                      "--out", str(out)])
    assert result.exit_code == 2
    assert ("spec.toml: scenario[0].changes[0].change_target.answer_within_seconds: expected "
            "greater than 0, got -5") in result.output
    assert not out.exists()


def test_whatif_impossible_change_fails_cleanly(small_folder: Path, tmp_path: Path) -> None:
    bad = SPEC.replace('kind = "change_target"\nqueue = "aftersale"\nanswer_within_seconds = 30',
                       'kind = "remove_agents"\ncontract = "temporary"\ncount = 5')
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(app, ["whatif", str(_spec(tmp_path, small_folder, bad)),
                                      "--out", str(out), "--backend", "serial"])
    assert result.exit_code == 2
    assert "remove_agents).count: expected at most 2" in result.output
    assert not out.exists()
