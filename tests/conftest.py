"""Shared fixtures: a tiny hand-built team and its scenario folder."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from roster.domain import (
    Agent,
    Contract,
    ContractKind,
    Leave,
    LeaveType,
    MealBreak,
    Preference,
    PreferenceKind,
    Queue,
    ShiftTemplate,
    Team,
    TeamSettings,
)
from roster.scenario_files import Scenario, write_scenario

ROOT = Path(__file__).resolve().parents[1]
MONDAY = date(2026, 11, 23)


def tiny_settings(**team: object) -> TeamSettings:
    """Two queues, one contract, a long template with a meal break and a short one."""
    meal = MealBreak(applies_over_minutes=360, length_minutes=60, earliest_after_minutes=180,
                     latest_after_minutes=300)
    fields: dict[str, object] = dict(
        name="t1",
        display_name="测试组",
        interval_minutes=60,
        queues={
            "presale": Queue(name="presale", aht_seconds=240, service_level=0.8,
                             answer_within_seconds=30, concurrency=2),
            "aftersale": Queue(name="aftersale", aht_seconds=480, service_level=0.95,
                               answer_within_seconds=300),
        },
        contracts={
            "full_time": Contract(
                name="full_time", kind=ContractKind.FULL_TIME, min_minutes_per_week=960,
                max_minutes_per_week=2400, max_days_per_week=5, max_consecutive_days=4,
                min_consecutive_days_off=2, min_rest_hours=11, max_weekends=1,
                max_per_template={"late": 2}),
        },
        templates={
            "early": ShiftTemplate(name="early", earliest_start=time(8), latest_start=time(9),
                                   length_minutes=540, meal_break=meal),
            "late": ShiftTemplate(name="late", earliest_start=time(14), latest_start=time(15),
                                  length_minutes=540, meal_break=meal),
            "short": ShiftTemplate(name="short", earliest_start=time(18), latest_start=time(18),
                                   length_minutes=240),
        },
        forbidden_successions=[("late", "early")],
    )
    return TeamSettings.model_validate({**fields, **team})


def tiny_team() -> Team:
    """Three agents (one with Chinese name and limited availability), leave and wishes."""
    return Team(
        settings=tiny_settings(),
        agents=[
            Agent(id="A1", name="王芳", team="t1", contract="full_time",
                  skills={"presale": 3, "aftersale": 2}),
            Agent(id="A2", name="李强", team="t1", contract="full_time", skills={"aftersale": 4}),
            Agent(id="A3", name="Zhang Wei", team="t1", contract="full_time",
                  skills={"presale": 1}, start_date=date(2026, 11, 25)),
        ],
        leave=[Leave(agent_id="A2", start=datetime(2026, 11, 24), end=datetime(2026, 11, 25),
                     type=LeaveType.SICK, note="病假")],
        preferences=[
            Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF, date=date(2026, 11, 28),
                       weight=5),
            Preference(agent_id="A2", kind=PreferenceKind.AVOID_SHIFT, template="late"),
            Preference(agent_id="A3", kind=PreferenceKind.AVOID_TIME, start_time=time(22),
                       end_time=time(0), weight=2.5),
        ],
    )


@pytest.fixture
def team() -> Team:
    return tiny_team()


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A valid scenario folder for the tiny team (no history or events)."""
    folder = tmp_path / "scenario"
    write_scenario(Scenario(team=tiny_team()), folder)
    return folder
