"""Everything computed from a finished roster: coverage, KPIs, exports and the report.

The engine calls `compute_kpis` (with its `SolverStats`) and then `write_outputs`; the CLI
prints `kpi_summary(kpis)`; `roster repair` reads a published roster with `read_roster_csv`.
"""

from roster.results.coverage import agent_hours_by_queue, coverage_frame, scheduled_counts
from roster.results.exports import read_roster_csv, write_outputs
from roster.results.kpis import Kpis, SolverStats, compute_kpis, coverage_with_service
from roster.results.preferences import PreferenceOutcome, preference_outcomes
from roster.results.report import report_figures, write_report
from roster.results.summary import kpi_summary

__all__ = [
    "Kpis", "PreferenceOutcome", "SolverStats", "agent_hours_by_queue", "compute_kpis",
    "coverage_frame", "coverage_with_service", "kpi_summary", "preference_outcomes",
    "read_roster_csv", "report_figures", "scheduled_counts", "write_outputs", "write_report",
]
