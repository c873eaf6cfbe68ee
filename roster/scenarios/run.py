"""One what-if scenario: a base scenario folder, a week and a list of changes; `run` plans it.

`run(whatif, hint=None, cache_dir=None) -> Result` is a pure function of its inputs: the
forecaster and the staffing are deterministic and the roster comes from the reproducible
search (`roster.scenarios.search`), so the same inputs give the same KPIs. Results are
cached on disk under `cache_dir` by `inputs_key`: a hash of the scenario, the base folder's
files, the hint roster and the package's cache version.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from forecasting.validation import InputError
from roster.domain import PlanningPeriod, Roster, Team
from roster.pipeline import Plan, PlanOptions, StopSignal, plan, planning_period
from roster.results.kpis import Kpis
from roster.scenario_files import Scenario, load_scenario
from roster.scenarios.changes import (
    Change,
    apply_forecast_changes,
    apply_team_changes,
    check_event_kinds,
    uplift_changes,
)
from roster.scenarios.search import SearchBudget, reproducible_search

if TYPE_CHECKING:
    from forecasting.model import EventProfileForecaster

CACHE_VERSION = "whatif-3"
"""Bump when a change to the chain makes cached results stale."""
BASE_FILES = ["settings.toml", "agents.csv", "leave.csv", "preferences.csv", "history.csv",
              "events.csv"]


class Budget(BaseModel):
    """Deterministic solver work per run (see `roster.scenarios.search.SearchBudget`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent_time: float = Field(default=0.3, gt=0, le=60)
    steps: int = Field(default=6, ge=0, le=1000)
    step_time: float = Field(default=1.0, gt=0, le=600)
    seed: int = 0
    time_limit: float = Field(default=900.0, gt=0)


class WhatIf(BaseModel):
    """A what-if scenario: the base folder, the period and the changes, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    base: Path
    start: date
    days: int | None = Field(default=None, ge=1, le=62)
    changes: list[Change] = Field(default_factory=list)
    budget: Budget = Budget()
    fit_until: datetime | None = Field(
        default=None, description="fit the forecaster on history before this only")

    def with_changes(self, name: str, *changes: Change) -> WhatIf:
        """A copy named `name` with `changes` appended."""
        return self.model_copy(update={"name": name, "changes": [*self.changes, *changes]})


@dataclass
class Result:
    """What `run` returns: the changed team, forecast, requirement, roster, coverage, KPIs."""

    name: str
    key: str
    whatif: WhatIf
    team: Team
    period: PlanningPeriod
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    status: str
    roster: Roster | None
    coverage: pd.DataFrame | None
    kpis: Kpis | None
    reproducible: bool
    seconds: float
    cpu_seconds: float = 0.0
    """CPU time of the run's process (all threads): a load-independent measure of its work."""
    notes: list[str] = field(default_factory=list)


def default_cache_dir() -> Path | None:
    """The folder named by `ROSTER_WHATIF_CACHE`, if set (notebooks and tests share it)."""
    folder = os.environ.get("ROSTER_WHATIF_CACHE")
    return Path(folder) if folder else None


def _stamp(folder: Path) -> tuple[float, ...]:
    return tuple((folder / name).stat().st_mtime if (folder / name).is_file() else 0.0
                 for name in BASE_FILES)


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[float, ...]) -> Scenario:
    return load_scenario(Path(folder))


def load_base(folder: Path) -> Scenario:
    """The base scenario, loaded once per process while its files are unchanged."""
    return _load(str(folder.resolve()), _stamp(folder))


@functools.lru_cache(maxsize=8)
def _fit(folder: str, stamp: tuple[float, ...], fit_until: datetime | None
         ) -> EventProfileForecaster:
    from forecasting.model import EventProfileForecaster

    scenario = _load(folder, stamp)
    history = scenario.history
    assert history is not None
    if fit_until is not None:
        history = history[history["timestamp"] < pd.Timestamp(fit_until)]
        if history.empty:
            raise InputError(f"fit_until: expected history before {fit_until}, got none")
    return EventProfileForecaster().fit(history, scenario.events)


def fitted_forecaster(whatif: WhatIf) -> EventProfileForecaster:
    """The forecaster fitted on the base's history (before `fit_until`): no change alters
    its inputs, so it is fitted once per process while the base files are unchanged."""
    if load_base(whatif.base).history is None:
        raise InputError(f"{whatif.base}: expected a history.csv to forecast from, got none")
    return _fit(str(whatif.base.resolve()), _stamp(whatif.base), whatif.fit_until)


def inputs_key(whatif: WhatIf, hint: Roster | None = None) -> str:
    """A hash of everything the result depends on (the name is left out)."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    digest.update(whatif.model_dump_json(exclude={"name", "base"}, exclude_unset=False).encode())
    digest.update(_changes_json(whatif).encode())
    for name in BASE_FILES:
        path = whatif.base / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    digest.update(b"-" if hint is None else hint.model_dump_json().encode())
    return digest.hexdigest()[:20]


def _changes_json(whatif: WhatIf) -> str:
    """Changes with only the fields given (an explicit null differs from a field left out)."""
    return "[" + ",".join(c.model_dump_json(exclude_unset=True) + c.kind
                          for c in whatif.changes) + "]"


def check_whatif(whatif: WhatIf) -> None:
    """Raise InputError for a change that cannot apply, before any solving is spent on it."""
    scenario = load_base(whatif.base)
    apply_team_changes(scenario.team, whatif.changes)
    check_event_kinds(whatif.changes, scenario.events)


def whatif_forecast(scenario: Scenario, whatif: WhatIf, period: PlanningPeriod) -> pd.DataFrame:
    """The period's forecast with the uplift changes applied (see `fitted_forecaster`)."""
    model = fitted_forecaster(whatif)
    check_event_kinds(whatif.changes, scenario.events)
    start, hours = pd.Timestamp(period.start), period.days * 24
    forecast = model.predict(start, hours, scenario.events)
    without = {}
    for _, change in uplift_changes(whatif.changes):
        events = scenario.events
        assert events is not None
        kept = events[events["kind"].astype(str) != change.event_kind]
        without[change.event_kind] = model.predict(start, hours, kept.reset_index(drop=True))
    return apply_forecast_changes(forecast, without, whatif.changes)


def _solver(budget: Budget, notes: list[str]):
    def solve(problem, options: PlanOptions, on_progress=None, stop: StopSignal | None = None):
        result, reproducible = reproducible_search(
            problem, SearchBudget(agent_time=budget.agent_time, steps=budget.steps,
                                  step_time=budget.step_time, seed=budget.seed,
                                  time_limit=budget.time_limit),
            hint=options.hint, on_progress=on_progress)
        if not reproducible:
            notes.append(f"the wall-clock cap of {budget.time_limit:g} s was hit: the result "
                         f"may differ on a re-run")
        return result
    return solve


def run(whatif: WhatIf, hint: Roster | None = None, cache_dir: Path | None = None) -> Result:
    """Plan the scenario: changes -> forecast -> staffing -> reproducible roster -> KPIs.

    `hint` warm-starts the roster (e.g. the base scenario's roster in a sweep); it is part
    of the inputs, so it is part of the cache key.
    """
    key = inputs_key(whatif, hint)
    path = None if cache_dir is None else cache_dir / f"{key}.pkl"
    if path is not None and path.is_file():
        cached: Result = pickle.loads(path.read_bytes())
        cached.name = whatif.name
        cached.whatif = whatif
        return cached
    started, cpu = time.perf_counter(), time.process_time()
    scenario = load_base(whatif.base)
    team = apply_team_changes(scenario.team, whatif.changes)
    period = planning_period(team.settings, whatif.start, whatif.days)
    forecast = whatif_forecast(scenario, whatif, period)
    notes: list[str] = []
    outcome: Plan = plan(scenario, period, PlanOptions(workers=1, seed=whatif.budget.seed,
                                                        hint=hint),
                         forecast=forecast, team=team, solver=_solver(whatif.budget, notes))
    result = Result(name=whatif.name, key=key, whatif=whatif, team=outcome.team, period=period,
                    forecast=forecast, requirements=outcome.requirements,
                    status=outcome.status, roster=outcome.roster, coverage=outcome.coverage,
                    kpis=outcome.kpis, reproducible=not notes,
                    seconds=time.perf_counter() - started,
                    cpu_seconds=time.process_time() - cpu, notes=notes)
    if path is not None and result.reproducible and result.roster is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(result))
        temporary.replace(path)
    return result
