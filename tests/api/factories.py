"""Small hand-built teams and rosters for the API tests.

Team `t1` (60-minute grid), contract: at most 5 days and 5 in a row, 11 h rest, 2400 min/week.

| agent | skills | shifts (week from `week_start`) |
|---|---|---|
| a1 | presale 3, aftersale 3 | early 08-16 Mon-Fri, presale |
| a2 | presale 3 | late 14-22 Mon-Fri, presale |
| a3 | aftersale 3, presale 2 | early Sat, Sun, aftersale |
| a4 | aftersale 4 | late Mon, Wed, Fri, aftersale |
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from roster.domain import (
    Agent,
    Contract,
    ContractKind,
    PlanningPeriod,
    Queue,
    Roster,
    Shift,
    ShiftTemplate,
    Team,
    TeamSettings,
)


def week_start(weeks_ahead: int = 2) -> date:
    """A Monday at least a week in the future, so no shift has started."""
    today = date.today()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def settings(name: str = "t1") -> TeamSettings:
    queue = {"aht_seconds": 300, "service_level": 0.8, "answer_within_seconds": 30,
             "shrinkage": 0.0}
    return TeamSettings(
        name=name, display_name=f"team {name}", interval_minutes=60, period_days=7,
        queues={"presale": Queue(name="presale", **queue),
                "aftersale": Queue(name="aftersale", **queue)},
        contracts={"full": Contract(name="full", kind=ContractKind.FULL_TIME,
                                    min_minutes_per_week=0, max_minutes_per_week=2400,
                                    max_days_per_week=5, max_consecutive_days=5,
                                    min_rest_hours=11, max_weekends=2)},
        templates={"early": ShiftTemplate(name="early", earliest_start=time(8),
                                          latest_start=time(8), length_minutes=480),
                   "late": ShiftTemplate(name="late", earliest_start=time(14),
                                         latest_start=time(14), length_minutes=480)})


SKILLS = {"a1": {"presale": 3, "aftersale": 3}, "a2": {"presale": 3},
          "a3": {"aftersale": 3, "presale": 2}, "a4": {"aftersale": 4}}


def team(name: str = "t1", prefix: str = "") -> Team:
    agents = [Agent(id=f"{prefix}{a}", name=f"Agent {prefix}{a}", team=name, contract="full",
                    skills=skills) for a, skills in SKILLS.items()]
    return Team(settings=settings(name), agents=agents)


def shift(agent: str, day: date, template: str, queue: str) -> Shift:
    hour = 8 if template == "early" else 14
    start = datetime.combine(day, time(hour))
    return Shift(agent_id=agent, date=day, start=start, end=start + timedelta(hours=8),
                 template=template, queue=queue)


def roster(start: date, name: str = "t1", prefix: str = "") -> Roster:
    days = [start + timedelta(days=d) for d in range(7)]
    shifts = [shift(f"{prefix}a1", d, "early", "presale") for d in days[:5]]
    shifts += [shift(f"{prefix}a2", d, "late", "presale") for d in days[:5]]
    shifts += [shift(f"{prefix}a3", d, "early", "aftersale") for d in days[5:]]
    shifts += [shift(f"{prefix}a4", days[i], "late", "aftersale") for i in (0, 2, 4)]
    return Roster(team=name, period=PlanningPeriod(start=start, days=7, interval_minutes=60),
                  shifts=shifts)


def requirements(start: date) -> list[dict[str, Any]]:
    """One agent needed on each queue in every hour 08-22, 40 chats an hour on presale."""
    rows = []
    for d in range(7):
        for hour in range(8, 22):
            moment = datetime.combine(start + timedelta(days=d), time(hour))
            for queue, volume in (("presale", 4.0), ("aftersale", 2.0)):
                rows.append({"start": moment.strftime("%Y-%m-%d %H:%M"), "queue": queue,
                             "agents": 1, "volume": volume})
    return rows
