"""Generated teams of any size for benchmarks and property tests.

Two queues, a 30-minute grid, meal breaks, and the full rule set: weekly minutes and days,
consecutive days (min and max), consecutive days off, weekends, per-template maxima, rest,
a forbidden succession, leave (full and partial days), availability windows and wishes.
The requirement follows an e-commerce day (quiet night, morning ramp, evening peak) sized
to about `load` of the team's capacity.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from roster.domain import (
    Agent,
    AvailabilityWindow,
    Contract,
    ContractKind,
    Leave,
    LeaveType,
    MealBreak,
    PlanningPeriod,
    Preference,
    PreferenceKind,
    Queue,
    ShiftTemplate,
    Team,
    TeamSettings,
)

TEAM = "synthetic"
HOURLY_SHAPE = [0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 0.55, 0.8, 0.95, 1.0, 0.95, 0.9,
                1.0, 1.0, 0.95, 0.9, 0.95, 1.1, 1.35, 1.5, 1.4, 0.7]
"""Relative demand by hour of day: quiet night, morning ramp, plateau, evening peak."""


def synthetic_settings() -> TeamSettings:
    meal = MealBreak(applies_over_minutes=360, length_minutes=60, earliest_after_minutes=180,
                     latest_after_minutes=300)
    templates = {
        "early": ShiftTemplate(name="early", earliest_start=time(7), latest_start=time(9),
                               length_minutes=540, meal_break=meal),
        "day": ShiftTemplate(name="day", earliest_start=time(10), latest_start=time(12),
                             length_minutes=540, meal_break=meal),
        "late": ShiftTemplate(name="late", earliest_start=time(14), latest_start=time(15),
                              length_minutes=540, meal_break=meal),
        "short_day": ShiftTemplate(name="short_day", earliest_start=time(9),
                                   latest_start=time(13), length_minutes=300),
        "short_evening": ShiftTemplate(name="short_evening", earliest_start=time(18),
                                       latest_start=time(19), length_minutes=300),
    }
    contracts = {
        "full_time": Contract(
            name="full_time", kind=ContractKind.FULL_TIME, min_minutes_per_week=1920,
            max_minutes_per_week=2400, min_days_per_week=4, max_days_per_week=5,
            min_consecutive_days=2, max_consecutive_days=5, min_consecutive_days_off=2,
            min_rest_hours=12, max_weekends=1, allowed_templates=["early", "day", "late"],
            max_per_template={"late": 3}, hourly_cost=40, overtime_after_minutes=2400),
        "part_time": Contract(
            name="part_time", kind=ContractKind.PART_TIME, min_minutes_per_week=600,
            max_minutes_per_week=1500, min_days_per_week=2, max_days_per_week=5,
            max_consecutive_days=4, min_rest_hours=11, max_weekends=1,
            allowed_templates=["short_day", "short_evening"], hourly_cost=35),
        "temporary": Contract(
            name="temporary", kind=ContractKind.TEMPORARY, min_minutes_per_week=0,
            max_minutes_per_week=2400, max_days_per_week=5, max_consecutive_days=5,
            min_rest_hours=11, max_weekends=1, allowed_templates=["day", "late", "short_evening"],
            hourly_cost=55, overtime_after_minutes=1920, overtime_multiplier=1.5),
    }
    queues = {
        "presale": Queue(name="presale", aht_seconds=240, service_level=0.8,
                         answer_within_seconds=30, concurrency=3),
        "aftersale": Queue(name="aftersale", aht_seconds=480, service_level=0.9,
                           answer_within_seconds=300, concurrency=2),
    }
    return TeamSettings(name=TEAM, interval_minutes=30, period_days=7, queues=queues,
                        contracts=contracts, templates=templates,
                        forbidden_successions=[("late", "early")])


def synthetic_team(size: int, start: date, seed: int = 0) -> Team:
    """A team of `size` agents (60% full-time, 25% part-time, 15% temporary) for the week."""
    rng = np.random.default_rng(seed)
    agents, leave, prefs = [], [], []
    kinds = ["full_time"] * round(size * 0.6) + ["part_time"] * round(size * 0.25)
    kinds += ["temporary"] * (size - len(kinds))
    for i, contract in enumerate(kinds[:size]):
        roll = rng.random()
        skills = ({"presale": 3} if roll < 0.45 else {"aftersale": 3} if roll < 0.7 else
                  {"presale": 3, "aftersale": 2})
        availability = []
        if contract == "part_time" and rng.random() < 0.5:
            availability = [AvailabilityWindow(weekdays=[0, 1, 2, 3, 4], start=time(17),
                                               end=time(0)),
                            AvailabilityWindow(weekdays=[5, 6], start=time(8), end=time(0))]
        agent_id = f"S{i + 1:04d}"
        agents.append(Agent(id=agent_id, name=f"Agent {i + 1}", team=TEAM, contract=contract,
                            skills=skills, availability=availability))
        day = lambda d, h=0: datetime.combine(start + timedelta(days=d), time(h))  # noqa: E731
        roll = rng.random()
        if roll < 0.04:
            first = int(rng.integers(0, 5))
            leave.append(Leave(agent_id=agent_id, start=day(first), end=day(first + 2),
                               type=LeaveType.ANNUAL))
        elif roll < 0.07:
            d = int(rng.integers(0, 7))
            leave.append(Leave(agent_id=agent_id, start=day(d, 9), end=day(d, 13),
                               type=LeaveType.TRAINING))
        roll = rng.random()
        weight = float(rng.integers(1, 6))
        if roll < 0.2:
            prefs.append(Preference(agent_id=agent_id, kind=PreferenceKind.DAY_OFF,
                                    date=start + timedelta(days=int(rng.integers(0, 7))),
                                    weight=weight))
        elif roll < 0.3 and contract == "full_time":
            prefs.append(Preference(agent_id=agent_id, kind=PreferenceKind.AVOID_SHIFT,
                                    template="late", weight=weight))
        elif roll < 0.35 and contract == "full_time":
            prefs.append(Preference(agent_id=agent_id, kind=PreferenceKind.PREFER_SHIFT,
                                    template="early", weight=weight))
        elif roll < 0.4:
            prefs.append(Preference(agent_id=agent_id, kind=PreferenceKind.AVOID_TIME,
                                    start_time=time(22), end_time=time(0), weight=weight))
    return Team(settings=synthetic_settings(), agents=agents, leave=leave, preferences=prefs)


def synthetic_requirements(team: Team, period: PlanningPeriod, seed: int = 0,
                           load: float = 0.9) -> pd.DataFrame:
    """Agents needed per interval and queue (`start,queue,agents,service_level,
    service_level_minus_one,volume`) sized to `load` x the team's paid capacity."""
    rng = np.random.default_rng(seed + 1)
    step = period.interval_minutes
    capacity = {q: 0.0 for q in team.settings.queues}
    for agent in team.agents:
        contract = team.contract_of(agent)
        minutes = (contract.min_minutes_per_week + contract.max_minutes_per_week) / 2
        for queue in agent.skills:
            capacity[queue] += minutes * period.days / 7 / len(agent.skills)
    rows = []
    starts = period.interval_starts()
    shape = np.array([HOURLY_SHAPE[s.hour] * (1.1 if s.weekday() >= 5 else 1.0) for s in starts])
    for queue, minutes in capacity.items():
        noise = rng.normal(1.0, 0.05, size=len(starts)).clip(0.8, 1.2)
        curve = shape * noise
        agents = curve / curve.sum() * minutes * load / step
        for moment, need in zip(starts, agents, strict=True):
            heads = max(0, round(float(need)))
            volume = need * step / 4
            level = 1 - math.exp(-0.8 * heads) if heads else 0.0
            minus = 1 - math.exp(-0.8 * (heads - 1)) if heads > 1 else 0.0
            rows.append({"start": pd.Timestamp(moment), "queue": queue, "agents": heads,
                         "service_level": round(level, 4),
                         "service_level_minus_one": round(minus, 4),
                         "volume": round(float(volume), 2)})
    return pd.DataFrame(rows)
