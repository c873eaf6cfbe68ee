"""Tiny hand-built teams for the engine tests: one queue, a 60-minute grid."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from roster.domain import (
    Agent,
    Contract,
    ContractKind,
    MealBreak,
    PlanningPeriod,
    Queue,
    RuleSetting,
    Shift,
    ShiftTemplate,
    Team,
    TeamSettings,
)
from roster.engine.demand import interval_demands
from roster.engine.model import RosterProblem
from roster.engine.solve import SolveOptions, solve_roster
from roster.engine.weights import WEIGHTS
from roster.sampledata.synthetic import synthetic_requirements, synthetic_team

MONDAY = date(2026, 11, 23)
PERIOD = PlanningPeriod(start=MONDAY, days=7, interval_minutes=60)


def contract(**changes: Any) -> Contract:
    fields: dict[str, Any] = dict(
        name="c", kind=ContractKind.FULL_TIME, min_minutes_per_week=0,
        max_minutes_per_week=7 * 24 * 60, max_days_per_week=7, max_consecutive_days=7,
        min_rest_hours=0, max_weekends=2, hourly_cost=10)
    fields.update(changes)
    return Contract(**fields)


def team(agents: int = 1, soft: tuple[str, ...] = (), forbidden: list[tuple[str, str]] = (),
         **contract_changes: Any) -> Team:
    """`agents` identical agents; only the soft rules in `soft` are on."""
    meal = MealBreak(applies_over_minutes=540, length_minutes=60, earliest_after_minutes=180,
                     latest_after_minutes=240)
    templates = {
        "day": ShiftTemplate(name="day", earliest_start=time(9), latest_start=time(9),
                             length_minutes=480),
        "late": ShiftTemplate(name="late", earliest_start=time(14), latest_start=time(14),
                              length_minutes=480, late=True),
        "long": ShiftTemplate(name="long", earliest_start=time(8), latest_start=time(8),
                              length_minutes=600, meal_break=meal),
    }
    rules = {name: RuleSetting(enabled=False) for name, row in WEIGHTS.items()
             if row.kind == "soft" and name not in soft}
    settings = TeamSettings(
        name="t", interval_minutes=60, queues={"chat": Queue(
            name="chat", aht_seconds=60, service_level=0.8, answer_within_seconds=30)},
        contracts={"c": contract(**contract_changes)}, templates=templates,
        forbidden_successions=list(forbidden), rules=rules)
    people = [Agent(id=f"A{i}", name=f"A{i}", team="t", contract="c", skills={"chat": 3})
              for i in range(1, agents + 1)]
    return Team(settings=settings, agents=people)


def at(day: int, hour: int) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour))


def shift(agent: str, day: int, template: str = "day") -> Shift:
    start = {"day": 9, "late": 14, "long": 8}[template]
    length = {"day": 8, "late": 8, "long": 10}[template]
    return Shift(agent_id=agent, date=MONDAY + timedelta(days=day), start=at(day, start),
                 end=at(day, start) + timedelta(hours=length), template=template, queue="chat")


EXACT = SolveOptions(time_limit=20, workers=1, lp_bound=False)
"""CP-SAT alone, with time to prove a tiny case optimal."""


def optimum(problem: RosterProblem) -> float:
    """The proven optimal objective of a tiny case (fails the test if not proven)."""
    result = solve_roster(problem, EXACT)
    assert result.status == "OPTIMAL" and result.objective is not None
    return result.objective


def generated_problem(size: int, seed: int) -> RosterProblem:
    """A generated team of `size` agents over 3 days on a 60-minute grid, with demand."""
    generated = synthetic_team(size, MONDAY, seed=seed)
    period = PlanningPeriod(start=MONDAY, days=3, interval_minutes=60)
    demands = interval_demands(synthetic_requirements(generated, period, seed=seed))
    return RosterProblem(generated, period, demands)


def generated_optimum(size: int, seed: int) -> tuple[RosterProblem, float] | None:
    """A generated team (`generated_problem`) and its proven optimal objective, or None
    when it has no roster (fails the test if CP-SAT cannot prove it in 60 s)."""
    problem = generated_problem(size, seed)
    result = solve_roster(problem, SolveOptions(time_limit=60, workers=2, lp_bound=False))
    if result.status == "INFEASIBLE":
        return None
    assert result.status == "OPTIMAL" and result.objective is not None
    return problem, result.objective
