"""A team's planning inputs and the cross-reference rules that tie them together."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from roster.domain.base import DomainModel, Identifier, check_time_zone
from roster.domain.requests import Leave, LeaveStatus, Preference
from roster.domain.schedule import IntervalMinutes
from roster.domain.team import Agent, Contract, Queue, ShiftTemplate


class RuleSetting(DomainModel):
    """Switch a roster rule on or off and override its weight."""

    enabled: bool = True
    weight: float | None = Field(default=None, ge=0)


class TeamSettings(DomainModel):
    """Everything in a scenario's `settings.toml`."""

    name: Identifier
    display_name: str = ""
    timezone: str = "Asia/Shanghai"
    interval_minutes: IntervalMinutes = 60
    period_days: int = Field(default=7, ge=1, le=62)
    forecast_quantile: Literal["forecast", "p10", "p50", "p90"] = "p50"
    max_queue_changes_per_shift: int = Field(default=1, ge=0)
    queues: dict[str, Queue] = Field(min_length=1)
    contracts: dict[str, Contract] = Field(min_length=1)
    templates: dict[str, ShiftTemplate] = Field(min_length=1)
    forbidden_successions: list[tuple[Identifier, Identifier]] = Field(
        default_factory=list, description="(template on day d, template on day d+1) pairs"
    )
    rules: dict[str, RuleSetting] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_time_zone(value)

    @model_validator(mode="after")
    def _references(self) -> TeamSettings:
        problems = settings_problems(self)
        if problems:
            raise ValueError("; ".join(f"{p.field}: {p.message}" for p in problems))
        return self


@dataclass(frozen=True)
class Reference:
    """A broken rule found across records: where (`kind`, `index`, `field`) and what."""

    kind: Literal["settings", "agents", "leave", "preferences"]
    index: int | None
    field: str
    message: str


def settings_problems(settings: TeamSettings) -> list[Reference]:
    """Keys that disagree with names, and references to unknown templates."""
    problems: list[Reference] = []
    for section in ("queues", "contracts", "templates"):
        for key, item in getattr(settings, section).items():
            if item.name != key:
                problems.append(Reference("settings", None, f"{section}.{key}.name",
                                          f"expected the name {key!r}, got {item.name!r}"))
    known = set(settings.templates)
    for name, contract in settings.contracts.items():
        for template in contract.allowed_templates:
            if template not in known:
                problems.append(Reference(
                    "settings", None, f"contracts.{name}.allowed_templates",
                    f"expected a template among {sorted(known)}, got {template!r}"))
        for template in contract.max_per_template:
            if template not in known:
                problems.append(Reference(
                    "settings", None, f"contracts.{name}.max_per_template",
                    f"expected a template among {sorted(known)}, got {template!r}"))
    for pair in settings.forbidden_successions:
        for template in pair:
            if template not in known:
                problems.append(Reference(
                    "settings", None, "forbidden_successions",
                    f"expected a template among {sorted(known)}, got {template!r}"))
    return problems


class Team(DomainModel):
    """A team's settings, agents, leave and preferences, checked against each other."""

    settings: TeamSettings
    agents: list[Agent] = Field(min_length=1)
    leave: list[Leave] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Team:
        problems = team_problems(self)
        if problems:
            raise ValueError("; ".join(f"{p.kind}[{p.index}].{p.field}: {p.message}"
                                       for p in problems))
        return self

    def agent(self, agent_id: str) -> Agent:
        """The agent with this id; KeyError naming it otherwise."""
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(f"unknown agent {agent_id!r}")

    def contract_of(self, agent: Agent) -> Contract:
        return self.settings.contracts[agent.contract]

    def templates_of(self, agent: Agent) -> list[ShiftTemplate]:
        """Templates the agent's contract allows (all when it lists none)."""
        allowed = self.contract_of(agent).allowed_templates
        return [t for name, t in self.settings.templates.items() if not allowed or name in allowed]


def absent_days(team: Team, agent: Agent, days: list[date]) -> int:
    """Days of `days` the agent is away all day: approved paid leave or outside employment."""
    away = [x for x in team.leave if x.agent_id == agent.id and x.lowers_minimums]
    absent = 0
    for day in days:
        outside = (agent.start_date is not None and day < agent.start_date) or (
            agent.end_date is not None and day > agent.end_date)
        if not outside and away:
            start = datetime.combine(day, time())
            end = start + timedelta(days=1)
            outside = any(x.start <= start and x.end >= end for x in away)
        absent += outside
    return absent


def prorated_minimum(minimum: int, days: int, absent: int) -> int:
    """A minimum over `days` days lowered for `absent` of them: floor(min x present / days)."""
    return minimum * (days - absent) // days if days else 0


def team_problems(team: Team) -> list[Reference]:
    """Every cross-reference rule between agents, leave, preferences and settings."""
    settings = team.settings
    problems: list[Reference] = []
    seen: dict[str, int] = {}
    for i, agent in enumerate(team.agents):
        if agent.id in seen:
            problems.append(Reference("agents", i, "id",
                                      f"expected a unique id, got {agent.id!r} again "
                                      f"(first at record {seen[agent.id] + 1})"))
        seen.setdefault(agent.id, i)
        if agent.team != settings.name:
            problems.append(Reference("agents", i, "team",
                                      f"expected the scenario's team {settings.name!r}, "
                                      f"got {agent.team!r}"))
        if agent.contract not in settings.contracts:
            problems.append(Reference("agents", i, "contract",
                                      f"expected one of {sorted(settings.contracts)}, "
                                      f"got {agent.contract!r}"))
        for queue in agent.skills:
            if queue not in settings.queues:
                problems.append(Reference("agents", i, "skills",
                                          f"expected queues among {sorted(settings.queues)}, "
                                          f"got {queue!r}"))
    for i, leave in enumerate(team.leave):
        if leave.agent_id not in seen:
            problems.append(Reference("leave", i, "agent_id",
                                      f"expected a known agent id, got {leave.agent_id!r}"))
    by_agent: dict[str, list[tuple[int, Leave]]] = defaultdict(list)
    for i, leave in enumerate(team.leave):
        if leave.status in (LeaveStatus.APPROVED, LeaveStatus.REQUESTED):
            by_agent[leave.agent_id].append((i, leave))
    for records in by_agent.values():
        records.sort(key=lambda r: r[1].start)
        for (i, first), (j, second) in itertools.pairwise(records):
            if second.start < first.end:
                problems.append(Reference(
                    "leave", j, "start",
                    f"expected no overlap with the leave of record {i + 1} "
                    f"(until {first.end:%Y-%m-%d %H:%M}), got {second.start:%Y-%m-%d %H:%M}"))
    for i, pref in enumerate(team.preferences):
        if pref.agent_id not in seen:
            problems.append(Reference("preferences", i, "agent_id",
                                      f"expected a known agent id, got {pref.agent_id!r}"))
        if pref.template is not None and pref.template not in settings.templates:
            problems.append(Reference("preferences", i, "template",
                                      f"expected a template among {sorted(settings.templates)}, "
                                      f"got {pref.template!r}"))
    return problems
