"""The output folder: every file, the report's figures, and nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster.results import exports
from roster.results.exports import write_outputs
from roster.results.kpis import Kpis, SolverStats, compute_kpis
from roster.results.report import TITLES, report_figures
from tests.results import cases


@pytest.fixture
def kpis() -> Kpis:
    return compute_kpis(cases.team(), cases.roster(), cases.requirements(),
                        solver=SolverStats(status="FEASIBLE", objective=10, best_bound=9,
                                           gap=0.1, seconds=1.5))


def write(out: Path, kpis: Kpis, **options: object) -> list[Path]:
    return write_outputs(out, cases.team(), cases.roster(), cases.requirements(), kpis,
                         **options)


def test_every_output_is_written(tmp_path: Path, kpis: Kpis) -> None:
    out = tmp_path / "week48"
    written = write(out, kpis, extra_files={"changes.csv": "agent_id,date\n"})
    assert sorted(p.name for p in written) == ["calendars", "changes.csv", "coverage.csv",
                                               "kpis.json", "report.html", "roster.csv"]
    assert sorted(p.name for p in (out / "calendars").iterdir()) == ["A1.ics", "A2.ics",
                                                                      "A3.ics"]
    assert Kpis.model_validate(json.loads((out / "kpis.json").read_text())) == kpis
    coverage = (out / "coverage.csv").read_text(encoding="utf-8").splitlines()
    assert coverage[0] == ("start,queue,required,scheduled,shortfall,overstaffing,"
                           "projected_service_level,projected_asa_seconds")
    assert "2026-11-28 12:00,presale,1,0,1,0,," in coverage
    assert len(coverage) == 1 + 48
    assert [p.name for p in tmp_path.iterdir()] == ["week48"]  # no staging folder left


def test_report_holds_every_figure_and_plotly_once(tmp_path: Path, kpis: Kpis) -> None:
    write(tmp_path / "out", kpis)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for title in TITLES.values():
        assert title in html
    assert html.count("plotly.js v") == 1
    assert "旗舰店客服" in html
    assert "王伟" in html or json.dumps("王伟")[1:-1] in html  # plotly escapes its JSON
    assert "FEASIBLE" in html


def test_figures_are_plotly_figures_with_their_titles() -> None:
    from roster.results.kpis import coverage_with_service
    coverage = coverage_with_service(cases.team(), cases.roster(), cases.requirements())
    figures = report_figures(cases.team(), cases.roster(), coverage)
    assert {k: f.layout.title.text for k, f in figures.items()} == TITLES
    timeline = figures["shifts"]
    kinds = {trace.name for trace in timeline.data}
    assert kinds == {"presale", "aftersale", "break"}
    breaks = next(t for t in timeline.data if t.name == "break")
    assert len(breaks.x) == 2  # one per shift


def test_nothing_is_written_when_a_step_fails(tmp_path: Path, kpis: Kpis,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_report", broken)
    out = tmp_path / "new" / "week48"
    with pytest.raises(RuntimeError, match="disk full"):
        write(out, kpis)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rewrite_keeps_the_previous_outputs(tmp_path: Path, kpis: Kpis,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write(out, kpis)
    before = (out / "roster.csv").read_bytes()
    monkeypatch.setattr(exports, "write_calendars", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write(out, kpis.model_copy(update={"roster_version": 2}))
    assert (out / "roster.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_rewriting_replaces_outputs_and_keeps_other_files(tmp_path: Path, kpis: Kpis) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "calendars").mkdir()
    (out / "calendars" / "GONE.ics").write_text("old agent")
    (out / "kpis.json").write_text("{}")
    write(out, kpis)
    assert (out / "notes.txt").read_text() == "mine"
    assert not (out / "calendars" / "GONE.ics").exists()
    assert json.loads((out / "kpis.json").read_text())["team"] == "shop"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_out_must_not_be_a_file(tmp_path: Path, kpis: Kpis) -> None:
    from forecasting.validation import InputError
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(InputError, match="--out: expected a folder, got the file"):
        write(target, kpis)


@pytest.mark.parametrize("name", ["roster.csv", "calendars", "../x.txt", "sub/x.txt", ".hidden"])
def test_extra_files_cannot_clash_or_escape(tmp_path: Path, kpis: Kpis, name: str) -> None:
    from forecasting.validation import InputError
    with pytest.raises(InputError, match="extra output file: expected a plain file name"):
        write(tmp_path / "out", kpis, extra_files={name: "x"})
    assert list(tmp_path.iterdir()) == []


def test_coverage_csv_carries_volume_and_promo(tmp_path: Path) -> None:
    requirements = cases.requirements().assign(volume=12.5, promo=True)
    kpis = compute_kpis(cases.team(), cases.roster(), requirements)
    write_outputs(tmp_path / "out", cases.team(), cases.roster(), requirements, kpis,
                  report=False)
    lines = (tmp_path / "out" / "coverage.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",projected_asa_seconds,volume,promo")
    assert lines[1] == "2026-11-28 00:00,presale,0,0,0,0,1,0,0,false"
    row = next(line for line in lines if line.startswith("2026-11-28 12:00,presale"))
    assert row == "2026-11-28 12:00,presale,1,0,1,0,0,,12.5,true"
    assert not (tmp_path / "out" / "report.html").exists()
