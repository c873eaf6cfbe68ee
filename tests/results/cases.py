"""A tiny hand-built team and roster: 3 agents, one Saturday, 60-minute grid.

- A1 王伟 (full time, presale): early 08:00-17:00, break 12:00-13:00, presale.
- A2 李娜 (full time, presale + aftersale): late 14:00-23:00, break 18:00-19:00,
  presale 14:00-18:00 then aftersale 19:00-23:00.
- A3 张敏 (part time, aftersale): day off.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from roster.domain import (
    Agent,
    Break,
    Contract,
    ContractKind,
    MealBreak,
    PlanningPeriod,
    Preference,
    PreferenceKind,
    Queue,
    Roster,
    Segment,
    Shift,
    ShiftTemplate,
    Team,
    TeamSettings,
)

SATURDAY = date(2026, 11, 28)


def at(hour: int, minute: int = 0, day: date = SATURDAY) -> datetime:
    return datetime.combine(day, time(hour, minute))


def settings() -> TeamSettings:
    meal = MealBreak(applies_over_minutes=360, length_minutes=60, earliest_after_minutes=180,
                     latest_after_minutes=300)
    return TeamSettings(
        name="shop", display_name="旗舰店客服", timezone="Asia/Shanghai", interval_minutes=60,
        period_days=1,
        queues={
            "presale": Queue(name="presale", aht_seconds=240, service_level=0.8,
                             answer_within_seconds=30, shrinkage=0.3),
            "aftersale": Queue(name="aftersale", aht_seconds=480, service_level=0.9,
                               answer_within_seconds=300, shrinkage=0.3),
        },
        contracts={
            "full_time": Contract(
                name="full_time", kind=ContractKind.FULL_TIME, min_minutes_per_week=2160,
                max_minutes_per_week=2400, max_days_per_week=5, max_consecutive_days=6,
                min_rest_hours=11, max_weekends=1, hourly_cost=40, overtime_after_minutes=420,
                overtime_multiplier=1.5),
            "part_time": Contract(
                name="part_time", kind=ContractKind.PART_TIME, min_minutes_per_week=0,
                max_minutes_per_week=1200, max_days_per_week=5, max_consecutive_days=5,
                min_rest_hours=11, max_weekends=1, hourly_cost=30),
        },
        templates={
            "early": ShiftTemplate(name="early", earliest_start=time(8), latest_start=time(8),
                                   length_minutes=540, meal_break=meal),
            "late": ShiftTemplate(name="late", earliest_start=time(14), latest_start=time(14),
                                  length_minutes=540, meal_break=meal),
            "short": ShiftTemplate(name="short", earliest_start=time(9), latest_start=time(9),
                                   length_minutes=240),
        },
    )


PREFERENCES = [
    # judged on A1's one worked day, honoured
    Preference(agent_id="A1", kind=PreferenceKind.PREFER_SHIFT, template="early", weight=2),
    # A1 works 08:00-17:00: honoured
    Preference(agent_id="A1", kind=PreferenceKind.AVOID_TIME, start_time=time(20),
               end_time=time(0), weight=1),
    # outside the period: not judged
    Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF, date=date(2026, 12, 1), weight=9),
    # A2 works: unmet
    Preference(agent_id="A2", kind=PreferenceKind.DAY_OFF, date=SATURDAY, weight=3),
    # A2 works late: unmet
    Preference(agent_id="A2", kind=PreferenceKind.AVOID_SHIFT, template="late", date=SATURDAY,
               weight=1),
    # A2 works until 23:00: unmet
    Preference(agent_id="A2", kind=PreferenceKind.AVOID_TIME, date=SATURDAY,
               start_time=time(22), end_time=time(0), weight=1),
    # A3 does not work: no day to judge
    Preference(agent_id="A3", kind=PreferenceKind.PREFER_TIME, start_time=time(9),
               end_time=time(13), weight=1),
    # A3 is off: honoured
    Preference(agent_id="A3", kind=PreferenceKind.DAY_OFF, date=SATURDAY, weight=4),
]


def team() -> Team:
    return Team(
        settings=settings(),
        agents=[
            Agent(id="A1", name="王伟", team="shop", contract="full_time", skills={"presale": 3}),
            Agent(id="A2", name="李娜", team="shop", contract="full_time",
                  skills={"presale": 2, "aftersale": 4}),
            Agent(id="A3", name="张敏", team="shop", contract="part_time",
                  skills={"aftersale": 2}),
        ],
        preferences=PREFERENCES,
    )


def period() -> PlanningPeriod:
    return PlanningPeriod(start=SATURDAY, days=1, interval_minutes=60)


def roster() -> Roster:
    return Roster(team="shop", period=period(), shifts=[
        Shift(agent_id="A1", date=SATURDAY, start=at(8), end=at(17), template="early",
              queue="presale", breaks=[Break(start=at(12), end=at(13))]),
        Shift(agent_id="A2", date=SATURDAY, start=at(14), end=at(23), template="late",
              queue="presale", breaks=[Break(start=at(18), end=at(19))],
              segments=[Segment(start=at(14), end=at(18), queue="presale"),
                        Segment(start=at(19), end=at(23), queue="aftersale")]),
    ])


def requirements() -> pd.DataFrame:
    """Presale: 1 agent 08:00-22:00, 2 at 14:00 and 15:00. Aftersale: 1 at 10:00, 19-22."""
    rows = [(at(h), "presale", 2 if h in (14, 15) else 1) for h in range(8, 22)]
    rows += [(at(h), "aftersale", 1) for h in (10, 19, 20, 21)]
    return pd.DataFrame(rows, columns=["start", "queue", "agents"])
