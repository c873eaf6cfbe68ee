"""A planner's one-screen summary of a scenario."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table

from roster.domain import LeaveStatus
from roster.scenario_files import Scenario


def scenario_summary(scenario: Scenario) -> Group:
    """Agents by contract and skill, leave, preferences, history span and events."""
    team = scenario.team
    settings = team.settings
    title = f"{settings.display_name or settings.name} ({settings.name})"
    head = Table(title=title, show_header=False)
    head.add_row("time zone", settings.timezone)
    head.add_row("interval", f"{settings.interval_minutes} min, {settings.period_days}-day period")
    head.add_row("queues", ", ".join(
        f"{q.name}: {q.service_level:.0%} in {q.answer_within_seconds:g} s, AHT "
        f"{q.aht_seconds:g} s, {q.concurrency:g} at once" for q in settings.queues.values()))
    head.add_row("templates", ", ".join(settings.templates))

    agents = Table(title=f"{len(team.agents)} agents by contract and skill")
    agents.add_column("contract")
    queue_names = list(settings.queues)
    for queue in queue_names:
        agents.add_column(f"{queue} only", justify="right")
    agents.add_column("several queues", justify="right")
    agents.add_column("total", justify="right")
    for contract in settings.contracts:
        members = [a for a in team.agents if a.contract == contract]
        single = Counter(next(iter(a.skills)) for a in members if len(a.skills) == 1)
        multi = sum(len(a.skills) > 1 for a in members)
        agents.add_row(contract, *[str(single[q]) for q in queue_names], str(multi),
                       str(len(members)))

    leave = Table(title="leave")
    leave.add_column("type")
    leave.add_column("status")
    leave.add_column("records", justify="right")
    leave.add_column("days", justify="right")
    totals: Counter[tuple[str, str]] = Counter()
    days: Counter[tuple[str, str]] = Counter()
    for record in team.leave:
        key = (record.type.value, record.status.value)
        totals[key] += 1
        days[key] += (record.end - record.start).total_seconds() / 86_400
    for key in sorted(totals):
        leave.add_row(*key, str(totals[key]), f"{days[key]:.1f}")
    approved = sum(v for (_, s), v in days.items() if s == LeaveStatus.APPROVED.value)

    data = Table(title="demand data", show_header=False)
    data.add_row("preferences", f"{len(team.preferences)} wishes from "
                 f"{len({p.agent_id for p in team.preferences})} agents")
    data.add_row("approved leave", f"{approved:.1f} agent-days")
    history = scenario.history
    if history is not None:
        first, last = history["timestamp"].min(), history["timestamp"].max()
        span = f"{first:%Y-%m-%d %H:%M} .. {last:%Y-%m-%d %H:%M}"
        data.add_row("history", f"{len(history):,} hourly rows, {span}, queues "
                     f"{', '.join(sorted(history['queue'].unique()))}")
    else:
        data.add_row("history", "none")
    events = scenario.events
    if events is not None and len(events):
        kinds = Counter(events["kind"])
        by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        data.add_row("events", f"{len(events)} ({by_kind}), "
                     f"{events['start'].min():%Y-%m-%d} .. {events['end'].max():%Y-%m-%d}")
    else:
        data.add_row("events", "none")
    return Group(head, agents, leave, data)
