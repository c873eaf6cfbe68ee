"""The KPI summary the CLI prints."""

from __future__ import annotations

from rich.console import Console

from roster.results.kpis import SolverStats, compute_kpis
from roster.results.summary import kpi_summary
from tests.results import cases


def render() -> str:
    kpis = compute_kpis(cases.team(), cases.roster(), cases.requirements(),
                        solver=SolverStats(status="OPTIMAL", objective=12.5, best_bound=12.5,
                                           gap=0.0, seconds=0.3))
    console = Console(record=True, width=160)
    console.print(kpi_summary(kpis))
    return console.export_text()


def test_summary_shows_queues_preferences_fairness_cost_and_solver() -> None:
    text = render()
    presale = next(line for line in text.splitlines() if "presale" in line)
    assert [cell.strip() for cell in presale.split("│")[1:6]] == ["presale", "16", "12", "5", "1"]
    assert "68.8%" in presale  # coverage 11/16
    assert "58.3%" in text  # weighted share of preferences honoured, 7/12
    assert "unmet_preference_weight" in text
    assert "680.00 for 16 paid h (overtime 2 h, 120.00)" in text
    assert "OPTIMAL, objective 12.5, bound 12.5, gap 0.0%, 0.3 s" in text
