"""Instance1 solved end to end by the engine, and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roster.bench.run import solve_instance
from roster.cli.main import app

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"
needs_files = pytest.mark.skipif(not BENCH.is_dir(),
                                 reason=f"benchmark files not present at {BENCH}")


@needs_files
def test_instance1_is_solved_to_its_optimum_607() -> None:
    result = solve_instance(BENCH / "Instance1.txt", time_limit=50, workers=2)
    assert result.objective == 607
    assert result.solver_objective == 607
    assert result.hard_violations == 0 and result.violations == []
    assert result.status == "OPTIMAL" and result.bound == 607
    assert result.gap_percent == 0


@needs_files
def test_cli_prints_one_json_object_with_the_contract_keys() -> None:
    out = CliRunner().invoke(app, ["bench", "curtois", str(BENCH / "Instance1.txt"),
                                   "--time-limit", "50", "--workers", "2", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    for key in ("instance", "objective", "solver_objective", "bound", "status", "seconds",
                "hard_violations", "first_solution_seconds", "gap_percent", "best_known"):
        assert key in payload
    assert (payload["instance"], payload["objective"], payload["hard_violations"]) == (
        "Instance1", 607, 0)


@pytest.mark.parametrize(("args", "message"), [
    (["--time-limit", "0"], "--time-limit: expected seconds > 0, got 0"),
    (["--workers", "0"], "--workers: expected at least 1, got 0"),
])
def test_cli_rejects_bad_flags(args: list[str], message: str, tmp_path: Path) -> None:
    instance = tmp_path / "Instance1.txt"
    instance.write_text("SECTION_HORIZON\n7\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["bench", "curtois", str(instance), *args, "--json"])
    assert out.exit_code == 2
    assert out.stderr.strip() == f"error: {message}"
    assert out.stdout == ""


def test_cli_names_the_bad_line_of_a_broken_instance(tmp_path: Path) -> None:
    instance = tmp_path / "Broken.txt"
    instance.write_text("SECTION_HORIZON\nseven\nSECTION_SHIFTS\nE,480,\nSECTION_STAFF\n"
                        "A,E=5,3000,0,5,1,1,1\nSECTION_COVER\n0,E,1,100,1\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["bench", "curtois", str(instance), "--json"])
    assert out.exit_code == 2
    assert out.stderr.strip() == ("error: Broken.txt:2: SECTION_HORIZON: days: expected a whole "
                                  "number >= 1, got 'seven'")
