"""`roster validate` and `roster generate-data` through the real console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def roster(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "roster", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_validate_prints_the_sample_summary() -> None:
    result = roster("validate", "data/sample")
    assert result.returncode == 0, result.stderr
    assert "天猫旗舰店客服组" in result.stdout
    assert "60 agents by contract and skill" in result.stdout
    assert "35,023 hourly rows" in result.stdout


def test_validate_reports_problems_without_traceback(scenario_dir: Path) -> None:
    agents = scenario_dir / "agents.csv"
    agents.write_text(agents.read_text(encoding="utf-8-sig").replace("aftersale:4", "x"),
                      encoding="utf-8")
    result = roster("validate", str(scenario_dir))
    assert result.returncode == 2
    assert result.stderr == ("error: agents.csv:3: skills: expected queue:level pairs such as "
                             "presale:3;aftersale:1, got 'x'\n")
    assert "Traceback" not in result.stderr


def test_generate_data_is_reproducible_and_writes_nothing_on_bad_input(tmp_path: Path) -> None:
    bad = roster("generate-data", "--out", str(tmp_path / "s"), "--week-start", "23/11/2026")
    assert bad.returncode == 2
    assert bad.stderr == "error: --week-start: expected a date YYYY-MM-DD, got '23/11/2026'\n"
    assert not (tmp_path / "s").exists()
    first = roster("generate-data", "--out", str(tmp_path / "s"))
    assert first.returncode == 0, first.stderr
    for name in ("settings.toml", "agents.csv", "leave.csv", "preferences.csv", "history.csv",
                 "events.csv"):
        assert (tmp_path / "s" / name).read_bytes() == (ROOT / "data" / "sample" / name
                                                        ).read_bytes()
