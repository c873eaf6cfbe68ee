"""Write the whole sample scenario folder: team, leave, preferences, history and events."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from roster.sampledata.demand import generate_demand
from roster.sampledata.team import sample_team
from roster.scenario_files import Scenario, load_scenario, write_scenario

DEFAULT_SEED = 20261122
DEFAULT_WEEK_START = date(2026, 11, 23)
"""The sample's "today" is Sunday 2026-11-22; the week to plan starts the next day."""


def build_sample(week_start: date = DEFAULT_WEEK_START, seed: int = DEFAULT_SEED) -> Scenario:
    """The sample scenario: history runs two years up to the day before `week_start`'s eve."""
    team = sample_team(week_start, seed)
    today = pd.Timestamp(datetime.combine(week_start, time()) - pd.Timedelta(days=1))
    history, events = generate_demand(end=today, seed=seed)
    return Scenario(team=team, history=history, events=events)


def write_sample(folder: Path, week_start: date = DEFAULT_WEEK_START,
                 seed: int = DEFAULT_SEED) -> Scenario:
    """Write the sample into `folder` (replacing it only once the new one validates)."""
    scenario = build_sample(week_start, seed)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        staged = Path(tmp) / "scenario"
        write_scenario(scenario, staged)
        load_scenario(staged)
        if folder.exists():
            shutil.rmtree(folder)
        shutil.move(str(staged), folder)
    return scenario
