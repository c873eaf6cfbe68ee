"""The KPI summary the CLI prints after a solve or repair: rich tables."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from roster.results.kpis import Kpis


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def kpi_summary(kpis: Kpis) -> Group:
    """Coverage and service per queue, preferences, fairness, hours, cost and solver."""
    queues = Table(title=f"roster {kpis.team} from {kpis.period_start}, {kpis.days} days, "
                         f"{kpis.shifts} shifts, {kpis.agents_working}/{kpis.agents} agents")
    for column in ("queue", "required h", "scheduled h", "short h", "over h", "coverage",
                   "service", "target", "below target", "ASA s"):
        queues.add_column(column, justify="left" if column == "queue" else "right")
    for q in [*kpis.queues, kpis.total]:
        queues.add_row(q.queue, f"{q.required_hours:g}", f"{q.scheduled_hours:g}",
                       f"{q.shortfall_hours:g}", f"{q.overstaffing_hours:g}", _share(q.coverage),
                       _share(q.projected_service_level), _share(q.target_service_level),
                       "-" if q.intervals_below_target is None else str(q.intervals_below_target),
                       _seconds(q.projected_asa_seconds))

    prefs = Table(title="preferences honoured (judged per day)")
    for column in ("kind", "honoured", "judged", "share", "weighted share"):
        prefs.add_column(column, justify="left" if column == "kind" else "right")
    for p in kpis.preferences:
        if p.judged or p.kind == "all":
            prefs.add_row(p.kind, str(p.honoured), str(p.judged), _share(p.share),
                          _share(p.weighted_share))

    fairness = Table(title="fairness across agents")
    for column in ("measure", "min", "max", "spread", "std"):
        fairness.add_column(column, justify="left" if column == "measure" else "right")
    for f in kpis.fairness:
        fairness.add_row(f.measure, f"{f.minimum:g}", f"{f.maximum:g}", f"{f.spread:g}",
                         f"{f.std:.2f}")

    other = Table(show_header=False, title="hours, cost and solver")
    hours = kpis.hours
    other.add_row("hours within contract", f"{hours.within_contract}/{hours.agent_weeks} "
                  f"agent-weeks (under {hours.under_minutes} min, over {hours.over_minutes} min)")
    cost = kpis.cost
    other.add_row("labour cost", f"{cost.total_cost:,.2f} for {cost.paid_hours:g} paid h "
                  f"(overtime {cost.overtime_hours:g} h, {cost.overtime_cost:,.2f})")
    if kpis.solver is not None:
        s = kpis.solver
        other.add_row("solver", f"{s.status}, objective {s.objective}, bound {s.best_bound}, "
                      f"gap {_share(s.gap)}, {_seconds(s.seconds)} s")
    return Group(queues, prefs, fairness, other)
