"""The forecast chart: recent history, forecast, 80% band and shaded events per queue."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

KIND_COLOURS = {
    "presale": "rgba(255,165,0,0.18)",
    "major_promo": "rgba(220,20,60,0.18)",
    "after_sales": "rgba(138,43,226,0.15)",
    "holiday": "rgba(46,139,87,0.15)",
    "closure": "rgba(80,80,80,0.25)",
    "outage": "rgba(139,69,19,0.2)",
}
OTHER_COLOUR = "rgba(70,130,180,0.15)"


def forecast_figure(history: pd.DataFrame, forecast: pd.DataFrame,
                    events: pd.DataFrame | None = None, history_days: int = 28) -> go.Figure:
    """One panel per queue: the last `history_days` of history, the forecast mean, the
    p10-p90 band, and every event overlapping the shown period as a shaded span."""
    queues = sorted(forecast["queue"].unique().tolist())
    fig = make_subplots(rows=len(queues), cols=1, shared_xaxes=True,
                        subplot_titles=[f"queue {q}" for q in queues], vertical_spacing=0.08)
    begin = forecast["timestamp"].min() - pd.Timedelta(days=history_days)
    end = forecast["timestamp"].max() + pd.Timedelta(hours=1)
    for row, queue in enumerate(queues, start=1):
        past = history[(history["queue"] == queue) & (history["timestamp"] >= begin)]
        past = past.set_index("timestamp")["volume"].asfreq("h") if len(past) else past
        ahead = forecast[forecast["queue"] == queue]
        first = row == 1
        if len(past):
            fig.add_trace(go.Scatter(x=past.index, y=past.to_numpy(), name="history",
                                     line={"color": "black", "width": 1},
                                     legendgroup="history", showlegend=first), row=row, col=1)
        fig.add_trace(go.Scatter(x=ahead["timestamp"], y=ahead["p90"], line={"width": 0},
                                 hoverinfo="skip", legendgroup="band", showlegend=False),
                      row=row, col=1)
        fig.add_trace(go.Scatter(x=ahead["timestamp"], y=ahead["p10"], fill="tonexty",
                                 fillcolor="rgba(31,119,180,0.25)", line={"width": 0},
                                 name="80% band (p10-p90)", legendgroup="band",
                                 showlegend=first), row=row, col=1)
        fig.add_trace(go.Scatter(x=ahead["timestamp"], y=ahead["forecast"], name="forecast",
                                 line={"color": "rgb(31,119,180)", "width": 2},
                                 legendgroup="forecast", showlegend=first), row=row, col=1)
        for _, event in _events_shown(events, queue, begin, end).iterrows():
            fig.add_vrect(x0=max(event["start"], begin), x1=min(event["end"], end),
                          fillcolor=KIND_COLOURS.get(event["kind"], OTHER_COLOUR),
                          line_width=0, layer="below", row=row, col=1,
                          annotation_text=event["kind"], annotation_position="top left",
                          annotation_font_size=9)
        fig.update_yaxes(title_text="inquiries per hour", rangemode="tozero", row=row, col=1)
    fig.update_layout(title="Hourly inquiry forecast", hovermode="x unified",
                      height=320 * len(queues) + 120, template="plotly_white")
    return fig


def _events_shown(events: pd.DataFrame | None, queue: str, begin: pd.Timestamp,
                  end: pd.Timestamp) -> pd.DataFrame:
    if events is None or events.empty:
        return pd.DataFrame(columns=["name", "kind", "start", "end", "queue"])
    mine = events["queue"].fillna("").isin(["", queue]) if "queue" in events else True
    return events[mine & (events["end"] > begin) & (events["start"] < end)]


def write_figure_html(fig: go.Figure, path: str) -> None:
    """Write the figure as one self-contained HTML file (plotly.js included)."""
    fig.write_html(path, include_plotlyjs=True, full_html=True)
