"""The roster report: plotly figures, and one self-contained `report.html` holding them.

Each figure is a function returning a plotly Figure, so a notebook can show any of them.
"""

from __future__ import annotations

import html
import itertools
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from roster.domain import Roster, Shift, Team
from roster.results.kpis import Kpis
from roster.results.preferences import preference_outcomes
from roster.results.workload import agent_weeks

TITLES = {
    "coverage": "Required vs scheduled agents per queue",
    "service_level": "Projected service level per queue",
    "shifts": "Shifts and breaks per agent",
    "hours": "Paid hours per agent against contract",
    "preferences": "Preferences honoured per agent",
}
BREAK = "break"


def _queues(team: Team, coverage: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys([*team.settings.queues, *coverage["queue"].astype(str)]))


def coverage_figure(team: Team, coverage: pd.DataFrame) -> go.Figure:
    """Per queue, the required and the scheduled agents in each interval (step lines)."""
    queues = _queues(team, coverage)
    figure = make_subplots(rows=len(queues), cols=1, shared_xaxes=True,
                           subplot_titles=queues, vertical_spacing=0.08)
    for row, queue in enumerate(queues, start=1):
        rows = coverage[coverage["queue"] == queue]
        for column, color in (("required", "#d62728"), ("scheduled", "#1f77b4")):
            figure.add_trace(go.Scatter(
                x=rows["start"], y=rows[column], name=column, line_shape="hv",
                line={"color": color}, legendgroup=column, showlegend=row == 1), row=row, col=1)
        figure.update_yaxes(title_text="agents", row=row, col=1)
    figure.update_layout(title=TITLES["coverage"], height=260 * len(queues) + 120,
                         hovermode="x unified")
    return figure


def service_level_figure(team: Team, coverage: pd.DataFrame) -> go.Figure:
    """Projected service level per queue and interval, with each queue's target."""
    figure = go.Figure()
    palette = px.colors.qualitative.Plotly
    has_values = "projected_service_level" in coverage.columns and (
        coverage["projected_service_level"].notna().any())
    for i, queue in enumerate(_queues(team, coverage)):
        color = palette[i % len(palette)]
        rows = coverage[coverage["queue"] == queue]
        if has_values:
            figure.add_trace(go.Scatter(x=rows["start"], y=rows["projected_service_level"],
                                        name=queue, line={"color": color}, line_shape="hv"))
        target = team.settings.queues.get(queue)
        if target is not None:
            figure.add_hline(y=target.service_level, line_dash="dash", line_color=color,
                             annotation_text=f"{queue} target {target.service_level:.0%}")
    if not has_values:
        figure.add_annotation(text="no projection: the requirements have no volume column",
                              showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    figure.update_layout(title=TITLES["service_level"], yaxis={"title": "service level",
                                                                "tickformat": ".0%",
                                                                "range": [0, 1.05]})
    return figure


def shift_pieces(shift: Shift) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    """The shift cut where its queue changes or a break starts: (start, end, queue or break)."""
    cuts = {shift.start, shift.end}
    cuts.update(moment for b in shift.breaks for moment in (b.start, b.end))
    cuts.update(moment for s in shift.segments for moment in (s.start, s.end))
    ordered = sorted(cuts)
    pieces: list[tuple[datetime, datetime, str]] = []
    for first, last in itertools.pairwise(ordered):
        what = shift.queue_at(first) or BREAK
        if pieces and pieces[-1][2] == what and pieces[-1][1] == first:
            pieces[-1] = (pieces[-1][0], last, what)
        else:
            pieces.append((first, last, what))
    return [(pd.Timestamp(a), pd.Timestamp(b), w) for a, b, w in pieces]


def shifts_figure(team: Team, roster: Roster) -> go.Figure:
    """A timeline of every agent's shifts, coloured by queue, breaks in grey."""
    names = {a.id: f"{a.id} {a.name}" for a in team.agents}
    rows = [{"agent": names.get(s.agent_id, s.agent_id), "start": a, "end": b, "what": w,
             "template": s.template or ""}
            for s in roster.shifts for a, b, w in shift_pieces(s)]
    frame = pd.DataFrame(rows, columns=["agent", "start", "end", "what", "template"])
    order = [names[a.id] for a in team.agents]
    colors = {q: c for q, c in zip(team.settings.queues, px.colors.qualitative.Plotly,
                                   strict=False)}
    colors[BREAK] = "#bbbbbb"
    figure = px.timeline(frame, x_start="start", x_end="end", y="agent", color="what",
                         hover_data=["template"], color_discrete_map=colors,
                         category_orders={"agent": order})
    start = pd.Timestamp(roster.period.start)
    figure.update_xaxes(range=[start, start + timedelta(days=roster.period.days)])
    figure.update_yaxes(autorange="reversed", title_text="")
    figure.update_layout(title=TITLES["shifts"], height=max(300, 18 * len(order) + 150),
                         legend_title_text="queue")
    return figure


def hours_figure(team: Team, roster: Roster) -> go.Figure:
    """Paid hours of each agent over the period, with the contract's range for the period."""
    weeks = agent_weeks(team, roster)
    minima = pd.to_numeric(weeks["min_minutes"], errors="coerce").fillna(0)
    per_agent = weeks.assign(min_minutes=minima).groupby("agent_id", sort=False)[
        ["paid_minutes", "min_minutes", "max_minutes"]].sum() / 60
    figure = go.Figure()
    figure.add_trace(go.Bar(x=per_agent.index, y=per_agent["paid_minutes"], name="paid hours"))
    figure.add_trace(go.Scatter(x=per_agent.index, y=per_agent["min_minutes"], mode="markers",
                                marker={"symbol": "triangle-up", "color": "#d62728"},
                                name="contract minimum"))
    figure.add_trace(go.Scatter(x=per_agent.index, y=per_agent["max_minutes"], mode="markers",
                                marker={"symbol": "triangle-down", "color": "#2ca02c"},
                                name="contract maximum"))
    figure.update_layout(title=TITLES["hours"], yaxis_title="hours", xaxis_title="agent")
    return figure


def preferences_figure(team: Team, roster: Roster) -> go.Figure:
    """Honoured and unmet preference weight of each agent who has preferences."""
    honoured: dict[str, float] = defaultdict(float)
    unmet: dict[str, float] = defaultdict(float)
    for outcome in preference_outcomes(team, roster):
        (honoured if outcome.honoured else unmet)[outcome.agent_id] += outcome.weight
    agents = [a.id for a in team.agents if a.id in honoured or a.id in unmet]
    figure = go.Figure([
        go.Bar(x=agents, y=[honoured[a] for a in agents], name="honoured",
               marker_color="#2ca02c"),
        go.Bar(x=agents, y=[unmet[a] for a in agents], name="unmet", marker_color="#d62728"),
    ])
    figure.update_layout(title=TITLES["preferences"], barmode="stack",
                         yaxis_title="preference weight (per day judged)", xaxis_title="agent")
    return figure


def report_figures(team: Team, roster: Roster, coverage: pd.DataFrame) -> dict[str, go.Figure]:
    """Every figure of the report, keyed as in `TITLES`."""
    return {
        "coverage": coverage_figure(team, coverage),
        "service_level": service_level_figure(team, coverage),
        "shifts": shifts_figure(team, roster),
        "hours": hours_figure(team, roster),
        "preferences": preferences_figure(team, roster),
    }


def _kpi_rows(kpis: Kpis) -> list[tuple[str, str]]:
    rows = []
    for q in [*kpis.queues, kpis.total]:
        level = "-" if q.projected_service_level is None else f"{q.projected_service_level:.1%}"
        cover = "-" if q.coverage is None else f"{q.coverage:.1%}"
        rows.append((f"queue {q.queue}",
                     f"coverage {cover}, shortfall {q.shortfall_hours:g} agent-h, "
                     f"overstaffing {q.overstaffing_hours:g} agent-h, projected service {level}"))
    share = kpis.preferences[0]
    if share.weighted_share is not None:
        rows.append(("preferences honoured",
                     f"{share.weighted_share:.1%} of weight ({share.honoured}/{share.judged})"))
    rows += [(f"fairness: {f.measure}", f"spread {f.spread:g}, std {f.std:.2f}")
             for f in kpis.fairness]
    rows.append(("hours within contract", f"{kpis.hours.within_contract}/{kpis.hours.agent_weeks}"
                                          " agent-weeks"))
    rows.append(("labour cost", f"{kpis.cost.total_cost:,.2f} "
                                f"(overtime {kpis.cost.overtime_cost:,.2f})"))
    if kpis.solver is not None:
        s = kpis.solver
        gap = "-" if s.gap is None else f"{s.gap:.2%}"
        rows.append(("solver", f"{s.status}, objective {s.objective}, bound {s.best_bound}, "
                               f"gap {gap}, {s.seconds or 0:.1f} s"))
    return rows


def write_report(path: Path, team: Team, roster: Roster, coverage: pd.DataFrame,
                 kpis: Kpis) -> Path:
    """Write `report.html`: a KPI table and every figure, plotly.js embedded once."""
    settings = team.settings
    title = (f"Roster {settings.display_name or settings.name}, {roster.period.start} "
             f"({roster.period.days} days, version {roster.version})")
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
             "</title><style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}"
             "</style></head><body>", f"<h1>{html.escape(title)}</h1>", "<table>"]
    parts += [f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
              for k, v in _kpi_rows(kpis)]
    parts.append("</table>")
    for i, figure in enumerate(report_figures(team, roster, coverage).values()):
        parts.append(figure.to_html(full_html=False, include_plotlyjs=i == 0))
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
