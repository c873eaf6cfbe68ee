"""A small scenario folder for the what-if tests: the sample's settings on a 60-minute grid,
8 agents, five weeks of low hourly volume with one major promotion day, and a plan week."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from roster.domain import Agent, Leave, LeaveType, Team
from roster.sampledata.team import TEAM, sample_settings
from roster.scenario_files import Scenario, write_scenario

WEEK = date(2026, 11, 23)
"""The planned week (Monday); the history ends the day before."""
PROMO_DAY = "2026-11-25"


def small_team() -> Team:
    settings = sample_settings().model_copy(update={"interval_minutes": 60})
    skills = [{"presale": 3, "aftersale": 3}, {"presale": 3}, {"aftersale": 3},
              {"presale": 3, "aftersale": 3}]
    agents = [Agent(id=f"F{i}", name=f"F{i}", team=TEAM, contract="full_time",
                    skills=skills[i % 4]) for i in range(1, 5)]
    agents += [Agent(id=f"P{i}", name=f"P{i}", team=TEAM, contract="part_time",
                     skills={"presale": 2, "aftersale": 2}) for i in range(1, 3)]
    agents += [Agent(id=f"T{i}", name=f"T{i}", team=TEAM, contract="temporary",
                     skills={"presale": 1}) for i in range(1, 3)]
    leave = [Leave(agent_id="F4", start=pd.Timestamp("2026-11-23").to_pydatetime(),
                   end=pd.Timestamp("2026-11-24").to_pydatetime(), type=LeaveType.ANNUAL)]
    return Team(settings=settings, agents=agents, leave=leave)


def small_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    hours = pd.date_range(pd.Timestamp(WEEK) - pd.Timedelta(weeks=5), pd.Timestamp(WEEK),
                          freq="h", inclusive="left")
    wave = np.clip(np.sin((hours.hour.to_numpy() - 7) / 16 * np.pi), 0, None)
    rows = []
    for queue, scale in (("presale", 8.0), ("aftersale", 4.0)):
        volume = np.round(scale * wave)
        rows.append(pd.DataFrame({"timestamp": hours, "queue": queue, "volume": volume}))
    history = pd.concat(rows, ignore_index=True)
    promo_days = ["2026-10-28", "2026-11-04", "2026-11-11", "2026-11-18"]
    inside = history["timestamp"].dt.strftime("%Y-%m-%d").isin(promo_days)
    history.loc[inside, "volume"] = history.loc[inside, "volume"] * 2
    events = pd.DataFrame({
        "name": [f"promo {d}" for d in [*promo_days, PROMO_DAY]],
        "kind": "major_promo",
        "start": pd.to_datetime([*promo_days, PROMO_DAY]),
        "end": pd.to_datetime([*promo_days, PROMO_DAY]) + pd.Timedelta(days=1),
        "queue": "",
    })
    return history, events


def write_small(folder: Path) -> Path:
    """Write the small scenario folder and return it."""
    history, events = small_history()
    write_scenario(Scenario(team=small_team(), history=history, events=events), folder)
    return folder
