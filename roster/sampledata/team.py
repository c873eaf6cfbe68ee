"""A realistic 60-agent e-commerce customer-service team for one planning week."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from roster.domain import (
    Agent,
    AvailabilityWindow,
    Contract,
    ContractKind,
    Leave,
    LeaveStatus,
    LeaveType,
    MealBreak,
    Preference,
    PreferenceKind,
    Queue,
    ShiftTemplate,
    Team,
    TeamSettings,
)

TEAM = "tmall_flagship"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
    "鹏辉俊宇欣怡子涵梓轩雨婷浩然思琪佳慧晨"
)


def sample_settings() -> TeamSettings:
    """Queues, targets, contracts and shift templates of the sample team."""
    meal = MealBreak(applies_over_minutes=360, length_minutes=60, earliest_after_minutes=180,
                     latest_after_minutes=300)
    templates = {
        "early": ShiftTemplate(name="early", earliest_start=time(8), latest_start=time(9),
                               length_minutes=540, meal_break=meal),
        "day": ShiftTemplate(name="day", earliest_start=time(10), latest_start=time(11),
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
            name="full_time", kind=ContractKind.FULL_TIME, min_minutes_per_week=2160,
            max_minutes_per_week=2640, min_days_per_week=4, max_days_per_week=5,
            max_consecutive_days=6, min_consecutive_days_off=1, min_rest_hours=11,
            max_weekends=1, allowed_templates=["early", "day", "late"],
            max_per_template={"late": 4}, hourly_cost=40, overtime_after_minutes=2400),
        "part_time": Contract(
            name="part_time", kind=ContractKind.PART_TIME, min_minutes_per_week=900,
            max_minutes_per_week=1500, min_days_per_week=3, max_days_per_week=5,
            max_consecutive_days=5, min_rest_hours=11, max_weekends=1,
            allowed_templates=["short_day", "short_evening"], hourly_cost=35),
        "temporary": Contract(
            name="temporary", kind=ContractKind.TEMPORARY, min_minutes_per_week=0,
            max_minutes_per_week=2880, max_days_per_week=6, max_consecutive_days=6,
            min_rest_hours=10, max_weekends=1, hourly_cost=55),
    }
    queues = {
        "presale": Queue(name="presale", aht_seconds=240, service_level=0.8,
                         answer_within_seconds=30, max_asa_seconds=30, max_occupancy=0.85,
                         patience_seconds=180, concurrency=3, promo_load_factor=1.3,
                         shrinkage=0.3),
        "aftersale": Queue(name="aftersale", aht_seconds=480, service_level=0.95,
                           answer_within_seconds=300, max_occupancy=0.85, patience_seconds=900,
                           concurrency=2, promo_load_factor=1.3, shrinkage=0.3),
    }
    return TeamSettings(name=TEAM, display_name="天猫旗舰店客服组", timezone="Asia/Shanghai",
                        interval_minutes=30, period_days=7, queues=queues, contracts=contracts,
                        templates=templates, forbidden_successions=[("late", "early")])


def _names(rng: np.random.Generator, count: int) -> list[str]:
    names: set[str] = set()
    ordered = []
    while len(ordered) < count:
        given = "".join(rng.choice(list(GIVEN), size=int(rng.integers(1, 3))))
        name = str(rng.choice(list(SURNAMES))) + given
        if name not in names:
            names.add(name)
            ordered.append(name)
    return ordered


def sample_agents(rng: np.random.Generator, week_start: date) -> list[Agent]:
    """36 full-time, 14 part-time and 10 temporary agents with overlapping skills.

    A few seniors (level 5, may refund) and a few new hires (level 1, presale only, one
    starting mid-week).
    """
    kinds = ["full_time"] * 36 + ["part_time"] * 14 + ["temporary"] * 10
    names = _names(rng, len(kinds))
    agents = []
    for i, (contract, name) in enumerate(zip(kinds, names, strict=True)):
        roll = rng.random()
        if roll < 0.4:
            skills = {"presale": int(rng.integers(2, 5))}
        elif roll < 0.65:
            skills = {"aftersale": int(rng.integers(2, 5))}
        else:
            skills = {"presale": int(rng.integers(2, 5)), "aftersale": int(rng.integers(2, 5))}
        start_date = None
        if i in (0, 1, 2):  # seniors
            skills = {"presale": 5, "aftersale": 5}
        if i in (33, 34, 35):  # new hires: basic presale work only
            skills = {"presale": 1}
            start_date = week_start - timedelta(days=14) if i != 35 else week_start + timedelta(2)
        if contract == "temporary":
            skills = {"presale": int(rng.integers(1, 3))} if rng.random() < 0.7 else {
                "aftersale": 2}
            start_date = week_start - timedelta(days=int(rng.integers(7, 40)))
        availability: list[AvailabilityWindow] = []
        if contract == "part_time":
            if i % 2:
                availability = [AvailabilityWindow(weekdays=[0, 1, 2, 3, 4], start=time(17),
                                                   end=time(0)),
                                AvailabilityWindow(weekdays=[5, 6], start=time(9), end=time(0))]
            else:
                availability = [AvailabilityWindow(weekdays=[0, 1, 2, 3, 4, 5, 6], start=time(9),
                                                   end=time(18))]
        agents.append(Agent(id=f"A{i + 1:03d}", name=name, team=TEAM, contract=contract,
                            skills=skills, availability=availability, start_date=start_date))
    return agents


def sample_leave(rng: np.random.Generator, agents: list[Agent], week_start: date) -> list[Leave]:
    """Annual, sick, personal and training leave in the week, mostly approved."""
    day = lambda d, h=0: datetime.combine(week_start + timedelta(days=d), time(h))  # noqa: E731
    staff = [a.id for a in agents]
    picks = list(rng.choice(staff[3:33], size=8, replace=False))
    return [
        Leave(agent_id=picks[0], start=day(0), end=day(3), type=LeaveType.ANNUAL,
              note="年假 回老家"),
        Leave(agent_id=picks[1], start=day(2), end=day(3), type=LeaveType.SICK, note="病假"),
        Leave(agent_id=picks[2], start=day(4), end=day(5), type=LeaveType.PERSONAL, note="事假"),
        Leave(agent_id=picks[3], start=day(1, 9), end=day(1, 13), type=LeaveType.TRAINING,
              note="季度培训 (quarterly training)"),
        Leave(agent_id=picks[4], start=day(1, 9), end=day(1, 13), type=LeaveType.TRAINING,
              note="季度培训 (quarterly training)"),
        Leave(agent_id=picks[5], start=day(5), end=day(7), type=LeaveType.ANNUAL),
        Leave(agent_id=picks[6], start=day(3), end=day(4), type=LeaveType.PERSONAL,
              status=LeaveStatus.REQUESTED, note="待审批"),
        Leave(agent_id=picks[7], start=day(6), end=day(7), type=LeaveType.ANNUAL,
              status=LeaveStatus.REJECTED, note="双12 前夕不批"),
    ]


def sample_preferences(rng: np.random.Generator, agents: list[Agent],
                       week_start: date) -> list[Preference]:
    """Days off, avoided late shifts, preferred early shifts and no work after 22:00."""
    prefs = []
    for agent in agents:
        roll = rng.random()
        weight = float(rng.integers(1, 11))
        if roll < 0.25:
            prefs.append(Preference(agent_id=agent.id, kind=PreferenceKind.DAY_OFF,
                                    date=week_start + timedelta(days=int(rng.integers(0, 7))),
                                    weight=weight))
        elif roll < 0.4 and agent.contract == "full_time":
            prefs.append(Preference(agent_id=agent.id, kind=PreferenceKind.AVOID_SHIFT,
                                    template="late", weight=weight))
        elif roll < 0.5 and agent.contract == "full_time":
            prefs.append(Preference(agent_id=agent.id, kind=PreferenceKind.PREFER_SHIFT,
                                    template="early", weight=weight))
        elif roll < 0.6:
            prefs.append(Preference(agent_id=agent.id, kind=PreferenceKind.AVOID_TIME,
                                    start_time=time(22), end_time=time(0), weight=weight))
    return prefs


def sample_team(week_start: date, seed: int) -> Team:
    """The whole sample team for the week starting `week_start`."""
    rng = np.random.default_rng(seed)
    agents = sample_agents(rng, week_start)
    return Team(settings=sample_settings(), agents=agents,
                leave=sample_leave(rng, agents, week_start),
                preferences=sample_preferences(rng, agents, week_start))
