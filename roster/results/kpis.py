"""The KPIs of a finished roster, however it was solved, as one pydantic model.

`compute_kpis` takes the team, the roster and the requirement frame (and the solver's stats
when there are any) and returns `Kpis`: coverage and shortfall agent-hours per queue,
projected service level and ASA, preferences honoured, fairness spread, hours against
contract, labour cost. The per-interval detail is the frame from `coverage_with_service`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from roster.domain import PreferenceKind, Requirement, Roster, Team
from roster.results.coverage import coverage_frame, required_column, requirements_frame
from roster.results.preferences import PreferenceOutcome, preference_outcomes
from roster.results.service import Evaluate, project_service, weighted_mean
from roster.results.workload import (
    agent_weeks,
    agents_outside_period_limits,
    fairness_counts,
)


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SolverStats(Result):
    """What the solver reports about its search (filled in by the engine)."""

    status: str = Field(description="OPTIMAL, FEASIBLE, ... or e.g. 'imported'")
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = Field(default=None, description="|objective - bound| / |objective|")
    seconds: float | None = Field(default=None, ge=0)
    first_solution_seconds: float | None = Field(default=None, ge=0)
    workers: int | None = None
    seed: int | None = None
    penalties: dict[str, float] = Field(default_factory=dict,
                                        description="objective points per soft rule")


class QueueKpis(Result):
    """Agent-hours and projected service of one queue (or `all` queues) over the period."""

    queue: str
    required_hours: float
    scheduled_hours: float
    shortfall_hours: float
    overstaffing_hours: float
    coverage: float | None = Field(description="share of required agent-hours scheduled")
    intervals_short: int = Field(description="intervals with fewer agents than required")
    target_service_level: float | None = None
    projected_service_level: float | None = Field(
        default=None, description="volume-weighted mean over the period")
    intervals_below_target: int | None = None
    projected_asa_seconds: float | None = Field(
        default=None, description="volume-weighted mean over intervals with a finite wait")
    unstaffed_intervals: int = Field(
        default=0, description="intervals with volume but nobody on the queue")


class PreferenceShare(Result):
    """Preferences of one kind (or `all`) judged per day, and the share honoured."""

    kind: str
    judged: int
    honoured: int
    weight: float
    honoured_weight: float
    share: float | None = Field(description="honoured / judged; None if nothing judged")
    weighted_share: float | None = Field(description="honoured weight / weight")


class Spread(Result):
    """How unevenly one burden falls across the team's agents."""

    measure: str
    minimum: float
    maximum: float
    spread: float = Field(description="maximum - minimum")
    std: float = Field(description="population standard deviation")
    mean: float


class AgentWeek(Result):
    agent_id: str
    contract: str
    week_start: date
    days: int
    paid_minutes: int
    min_minutes: int | None
    max_minutes: int
    status: str = Field(description="under, ok or over the weekly limits")
    overtime_minutes: int
    cost: float


class HoursKpis(Result):
    agent_weeks: int
    within_contract: int
    under_minutes: int = Field(description="minutes missing to weekly minima, summed")
    over_minutes: int = Field(description="minutes beyond weekly maxima, summed")
    outside_period_limits: list[str] = Field(
        default_factory=list, description="agents outside the contract's per-period minutes")
    weeks: list[AgentWeek]


class CostKpis(Result):
    paid_hours: float
    overtime_hours: float
    regular_cost: float
    overtime_cost: float
    total_cost: float
    by_contract: dict[str, float]


class Kpis(Result):
    """Everything `kpis.json` holds."""

    team: str
    period_start: date
    days: int
    interval_minutes: int
    roster_version: int
    shifts: int
    agents: int
    agents_working: int
    required_column: str = Field(description="requirement column the roster was set against")
    queues: list[QueueKpis]
    total: QueueKpis
    preferences: list[PreferenceShare]
    fairness: list[Spread]
    hours: HoursKpis
    cost: CostKpis
    solver: SolverStats | None = None


def coverage_with_service(team: Team, roster: Roster,
                          requirements: pd.DataFrame | Sequence[Requirement],
                          promo: bool = False, evaluate: Evaluate | None = None) -> pd.DataFrame:
    """Per interval and queue: required, scheduled, shortfall, overstaffing, projection."""
    frame = requirements_frame(requirements)
    coverage = coverage_frame(roster, frame, list(team.settings.queues))
    return project_service(coverage, team.settings.queues, roster.period.interval_minutes,
                           after_shrinkage=required_column(frame) == "scheduled", promo=promo,
                           evaluate=evaluate)


def queue_kpis(name: str, rows: pd.DataFrame, interval_minutes: int,
               target: float | None) -> QueueKpis:
    """Agent-hours and service of one queue from its coverage rows."""
    hours = interval_minutes / 60
    required = float(rows["required"].sum() * hours)
    shortfall = float(rows["shortfall"].sum() * hours)
    levels = rows["projected_service_level"]
    volume = rows["volume"] if "volume" in rows.columns else pd.Series(np.nan, index=rows.index)
    projected = weighted_mean(levels, volume)
    below = None
    if target is not None and levels.notna().any():
        below = int(((levels < target) & (volume > 0)).sum())
    return QueueKpis(
        queue=name, required_hours=required,
        scheduled_hours=float(rows["scheduled"].sum() * hours),
        shortfall_hours=shortfall,
        overstaffing_hours=float(rows["overstaffing"].sum() * hours),
        coverage=1 - shortfall / required if required > 0 else None,
        intervals_short=int((rows["shortfall"] > 0).sum()),
        target_service_level=target, projected_service_level=projected,
        intervals_below_target=below,
        projected_asa_seconds=weighted_mean(rows["projected_asa_seconds"], volume),
        unstaffed_intervals=int(((volume > 0) & (rows["scheduled"] == 0)).sum()))


def preference_shares(outcomes: list[PreferenceOutcome]) -> list[PreferenceShare]:
    """The share honoured over all preferences, then per kind (every kind listed)."""
    groups = [("all", outcomes)] + [
        (kind.value, [o for o in outcomes if o.kind == kind]) for kind in PreferenceKind]
    shares = []
    for kind, items in groups:
        honoured = [o for o in items if o.honoured]
        weight = sum(o.weight for o in items)
        honoured_weight = sum(o.weight for o in honoured)
        shares.append(PreferenceShare(
            kind=kind, judged=len(items), honoured=len(honoured), weight=weight,
            honoured_weight=honoured_weight,
            share=len(honoured) / len(items) if items else None,
            weighted_share=honoured_weight / weight if weight > 0 else None))
    return shares


def spread(measure: str, values: pd.Series) -> Spread:
    """Max - min and population standard deviation of one per-agent measure."""
    array = values.to_numpy(dtype=float)
    if not len(array):
        return Spread(measure=measure, minimum=0, maximum=0, spread=0, std=0, mean=0)
    return Spread(measure=measure, minimum=float(array.min()), maximum=float(array.max()),
                  spread=float(array.max() - array.min()), std=float(array.std()),
                  mean=float(array.mean()))


def hours_kpis(weeks: pd.DataFrame, outside_period: list[str]) -> HoursKpis:
    minima = pd.to_numeric(weeks["min_minutes"], errors="coerce").fillna(0)
    under = (minima - weeks["paid_minutes"]).clip(lower=0)
    over = (weeks["paid_minutes"] - weeks["max_minutes"]).clip(lower=0)
    records = weeks.drop(columns=["regular_minutes"]).to_dict("records")
    for record in records:
        if record["min_minutes"] is None or (isinstance(record["min_minutes"], float)
                                             and math.isnan(record["min_minutes"])):
            record["min_minutes"] = None
    return HoursKpis(agent_weeks=len(weeks), within_contract=int((weeks["status"] == "ok").sum()),
                     under_minutes=int(under.sum()), over_minutes=int(over.sum()),
                     outside_period_limits=outside_period,
                     weeks=[AgentWeek.model_validate(r) for r in records])


def cost_kpis(team: Team, weeks: pd.DataFrame) -> CostKpis:
    rates = {name: c.hourly_cost for name, c in team.settings.contracts.items()}
    hourly = weeks["contract"].map(rates)
    regular = float((weeks["regular_minutes"] * hourly).sum() / 60)
    total = float(weeks["cost"].sum())
    by_contract = weeks.groupby("contract")["cost"].sum()
    return CostKpis(paid_hours=float(weeks["paid_minutes"].sum() / 60),
                    overtime_hours=float(weeks["overtime_minutes"].sum() / 60),
                    regular_cost=regular, overtime_cost=total - regular, total_cost=total,
                    by_contract={str(k): float(v) for k, v in by_contract.items()})


def compute_kpis(team: Team, roster: Roster, requirements: pd.DataFrame | Sequence[Requirement],
                 solver: SolverStats | None = None, coverage: pd.DataFrame | None = None,
                 promo: bool = False, evaluate: Evaluate | None = None) -> Kpis:
    """All KPIs of `roster`; pass `coverage` from `coverage_with_service` to reuse it."""
    frame = requirements_frame(requirements)
    if coverage is None:
        coverage = coverage_with_service(team, roster, frame, promo=promo, evaluate=evaluate)
    grid = roster.period.interval_minutes
    queues = team.settings.queues
    per_queue = [queue_kpis(str(name), rows, grid,
                            queues[name].service_level if name in queues else None)
                 for name, rows in coverage.groupby("queue", sort=False)]
    total = queue_kpis("all", coverage, grid, None)
    outcomes = preference_outcomes(team, roster)
    fairness = fairness_counts(team, roster, outcomes)
    weeks = agent_weeks(team, roster)
    return Kpis(
        team=team.settings.name, period_start=roster.period.start, days=roster.period.days,
        interval_minutes=grid, roster_version=roster.version, shifts=len(roster.shifts),
        agents=len(team.agents), agents_working=len({s.agent_id for s in roster.shifts}),
        required_column=required_column(frame), queues=per_queue, total=total,
        preferences=preference_shares(outcomes),
        fairness=[spread(m, fairness[m]) for m in fairness.columns if m != "agent_id"],
        hours=hours_kpis(weeks, agents_outside_period_limits(team, roster)),
        cost=cost_kpis(team, weeks), solver=solver)
