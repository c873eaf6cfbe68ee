"""Compare what-if results: one table row per scenario, and plotly figures.

- `comparison_table(results)`: agents, agent-hours, shortfall, service, cost, preferences,
  fairness per scenario;
- `agent_hours_figure`, `cost_figure`, `shortfall_figure`, `preferences_figure`,
  `fairness_figure`: bars per scenario;
- `service_by_hour_figure`: projected service level by hour of the day, per queue;
  `shortfall_by_hour`: shortfall agent-hours by hour of the day and queue;
- `frontier_figure`: cost against projected service level, with the cost-efficient frontier.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from roster.results.kpis import Kpis
from roster.scenarios.run import Result

TABLE_COLUMNS = [
    "scenario", "status", "agents", "agents_working", "required_hours", "scheduled_hours",
    "shortfall_hours", "overstaffing_hours", "coverage", "service_level", "cost",
    "required_cost",
    "overtime_cost", "preferences_honoured", "weekends_spread", "late_shifts_spread",
    "unmet_preference_spread", "seconds",
]


def _spread(kpis: Kpis, measure: str) -> float | None:
    return next((f.spread for f in kpis.fairness if f.measure == measure), None)


def hourly_rate(result: Result) -> float:
    """Mean hourly cost of the team's agents (each at their contract's rate)."""
    contracts = result.team.settings.contracts
    rates = [contracts[a.contract].hourly_cost for a in result.team.agents]
    return sum(rates) / len(rates)


def comparison_table(results: Sequence[Result]) -> pd.DataFrame:
    """One row per result (columns `TABLE_COLUMNS` plus `service_level_<queue>` per queue).

    `service_level` is the volume-weighted projected service level over all queues;
    `cost` the roster's labour cost; `required_cost` the required agent-hours at the team's
    mean hourly rate (what the requirement would cost if fully staffed);
    `preferences_honoured` the share of preference weight honoured.
    """
    rows = []
    for result in results:
        row: dict[str, object] = {"scenario": result.name, "status": result.status,
                                  "seconds": round(result.seconds, 1)}
        kpis = result.kpis
        if kpis is not None:
            total = kpis.total
            row.update(
                agents=kpis.agents, agents_working=kpis.agents_working,
                required_hours=total.required_hours, scheduled_hours=total.scheduled_hours,
                shortfall_hours=total.shortfall_hours,
                overstaffing_hours=total.overstaffing_hours, coverage=total.coverage,
                service_level=total.projected_service_level, cost=kpis.cost.total_cost,
                required_cost=total.required_hours * hourly_rate(result),
                overtime_cost=kpis.cost.overtime_cost,
                preferences_honoured=kpis.preferences[0].weighted_share,
                weekends_spread=_spread(kpis, "weekends"),
                late_shifts_spread=_spread(kpis, "late_shifts"),
                unmet_preference_spread=_spread(kpis, "unmet_preference_weight"))
            for queue in kpis.queues:
                row[f"service_level_{queue.queue}"] = queue.projected_service_level
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in TABLE_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    extra = sorted(c for c in frame.columns if c not in TABLE_COLUMNS)
    return frame[[*TABLE_COLUMNS, *extra]]


def _bars(table: pd.DataFrame, columns: dict[str, str], title: str, axis: str) -> go.Figure:
    figure = go.Figure([go.Bar(x=table["scenario"], y=table[column], name=label)
                        for column, label in columns.items()])
    figure.update_layout(title=title, barmode="group", yaxis_title=axis,
                         xaxis_title="scenario")
    return figure


def agent_hours_figure(results: Sequence[Result]) -> go.Figure:
    """Required, scheduled and short agent-hours per scenario."""
    return _bars(comparison_table(results), {"required_hours": "required",
                                             "scheduled_hours": "scheduled",
                                             "shortfall_hours": "shortfall"},
                 "Agent-hours per scenario", "agent-hours")


def cost_figure(results: Sequence[Result]) -> go.Figure:
    """Labour cost per scenario, overtime premium shown apart."""
    table = comparison_table(results)
    figure = go.Figure([
        go.Bar(x=table["scenario"], y=table["cost"] - table["overtime_cost"], name="regular"),
        go.Bar(x=table["scenario"], y=table["overtime_cost"], name="overtime premium")])
    figure.update_layout(title="Labour cost per scenario", barmode="stack", yaxis_title="cost")
    return figure


def shortfall_figure(results: Sequence[Result]) -> go.Figure:
    """Shortfall agent-hours per scenario and queue."""
    rows = [{"scenario": r.name, "queue": q.queue, "shortfall_hours": q.shortfall_hours}
            for r in results if r.kpis is not None for q in r.kpis.queues]
    frame = pd.DataFrame(rows, columns=["scenario", "queue", "shortfall_hours"])
    figure = px.bar(frame, x="scenario", y="shortfall_hours", color="queue", barmode="group",
                    title="Shortfall per scenario and queue")
    figure.update_layout(yaxis_title="agent-hours short")
    return figure


def preferences_figure(results: Sequence[Result]) -> go.Figure:
    """Share of preference weight honoured per scenario."""
    figure = _bars(comparison_table(results), {"preferences_honoured": "honoured"},
                   "Preferences honoured (share of weight)", "share")
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return figure


def fairness_figure(results: Sequence[Result]) -> go.Figure:
    """Spread (max - min across agents) of weekends, late shifts and unmet preference weight."""
    return _bars(comparison_table(results), {"weekends_spread": "weekends",
                                             "late_shifts_spread": "late shifts",
                                             "unmet_preference_spread": "unmet preference weight"},
                 "Fairness: spread across agents (lower is fairer)", "max - min")


def service_by_hour(result: Result) -> pd.DataFrame:
    """Volume-weighted projected service level by queue and hour of the day."""
    if result.coverage is None:
        return pd.DataFrame(columns=["queue", "hour", "service_level"])
    frame = result.coverage.dropna(subset=["projected_service_level"])
    frame = frame[frame["volume"] > 0].assign(
        hour=lambda f: f["start"].dt.hour,
        weighted=lambda f: f["projected_service_level"] * f["volume"])
    grouped = frame.groupby(["queue", "hour"])[["weighted", "volume"]].sum()
    grouped["service_level"] = grouped["weighted"] / grouped["volume"]
    return grouped.reset_index()[["queue", "hour", "service_level"]]


def shortfall_by_hour(result: Result) -> pd.DataFrame:
    """Shortfall agent-hours by hour of the day (rows) and queue (columns) over the period."""
    if result.coverage is None:
        return pd.DataFrame()
    hours = result.period.interval_minutes / 60
    frame = result.coverage.assign(hour=result.coverage["start"].dt.hour)
    table = frame.pivot_table(index="hour", columns="queue", values="shortfall", aggfunc="sum")
    return (table * hours).reindex(range(24), fill_value=0)


def service_by_hour_figure(results: Sequence[Result]) -> go.Figure:
    """Projected service level by hour of the day (volume-weighted over the period), one
    panel per queue, one line per scenario, with each queue's target of the first scenario."""
    queues = sorted({q for r in results for q in r.team.settings.queues})
    figure = make_subplots(rows=len(queues), cols=1, shared_xaxes=True, subplot_titles=queues)
    palette = px.colors.qualitative.Plotly
    for i, result in enumerate(results):
        by_hour = service_by_hour(result)
        for row, queue in enumerate(queues, start=1):
            part = by_hour[by_hour["queue"] == queue]
            figure.add_trace(go.Scatter(x=part["hour"], y=part["service_level"],
                                        name=result.name, legendgroup=result.name,
                                        showlegend=row == 1,
                                        line={"color": palette[i % len(palette)]}),
                             row=row, col=1)
    if results:
        for row, queue in enumerate(queues, start=1):
            target = results[0].team.settings.queues.get(queue)
            if target is not None:
                figure.add_hline(y=target.service_level, line_dash="dash", row=row, col=1)
            figure.update_yaxes(tickformat=".0%", range=[0, 1.05], row=row, col=1)
    figure.update_xaxes(title_text="hour of the day", row=len(queues), col=1)
    figure.update_layout(title="Projected service level by hour", height=300 * len(queues) + 100)
    return figure


def frontier(table: pd.DataFrame, cost: str = "cost",
             service: str = "service_level") -> pd.DataFrame:
    """Rows no other row beats on both `cost` (lower) and `service` (higher), by cost."""
    known = table.dropna(subset=[cost, service]).sort_values(
        [cost, service], ascending=[True, False])
    keep, best = [], -1.0
    for index, row in known.iterrows():
        if row[service] > best:
            keep.append(index)
            best = row[service]
    return known.loc[keep]


def frontier_figure(results: Sequence[Result], cost: str = "cost",
                    service: str = "service_level") -> go.Figure:
    """`cost` (a table column: `cost` or `required_cost`) against `service` (e.g.
    `service_level` or `service_level_presale`) per scenario, with the efficient frontier."""
    table = comparison_table(results)
    edge = frontier(table, cost, service)
    figure = go.Figure([
        go.Scatter(x=table[service], y=table[cost], mode="markers+text",
                   text=table["scenario"], textposition="top center", name="scenario"),
        go.Scatter(x=edge[service], y=edge[cost], mode="lines", name="frontier",
                   line={"dash": "dash"}),
    ])
    label = "labour cost of the roster" if cost == "cost" else cost.replace("_", " ")
    measure = service.replace("_", " ")
    figure.update_layout(title=f"{label.capitalize()} against projected {measure}",
                         xaxis={"title": f"projected {measure} (volume-weighted)",
                                "tickformat": ".1%"},
                         yaxis_title=label)
    return figure
