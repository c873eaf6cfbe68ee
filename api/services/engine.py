"""The roster engine behind the API: solve a period, repair a published roster.

The CP-SAT engine lives in `roster.engine`; this module is the one place the API calls it,
and it says plainly when a function the API needs is not installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roster.domain import PlanningPeriod, Roster, Team

Progress = Callable[[float, str], None]


class EngineMissing(RuntimeError):
    """The roster engine function the job needs is not installed."""


@dataclass
class Outcome:
    roster: Roster
    stats: dict[str, Any]


def _find(name: str) -> Callable[..., Any]:
    for module in ("roster.engine", "roster.engine.solve"):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if callable(found):
            return found
    raise EngineMissing(f"the roster engine has no {name}() yet (looked in roster.engine); "
                        "this job cannot run on this installation")


def requirement_frame(requirements: Sequence[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(requirements))
    if len(frame):
        frame["start"] = pd.to_datetime(frame["start"])
    return frame


def solve(team: Team, period: PlanningPeriod, requirements: Sequence[dict[str, Any]],
          time_limit: float, progress: Progress, previous: Roster | None = None) -> Outcome:
    """A new roster for the period (raises EngineMissing until the engine is installed)."""
    function = _find("solve")
    return _outcome(function(team, period, requirement_frame(requirements),
                             time_limit=time_limit, previous=previous))


def repair(team: Team, published: Roster, requirements: Sequence[dict[str, Any]],
           time_limit: float, progress: Progress, previous: Roster | None = None) -> Outcome:
    """The published roster changed as little as possible to fit the team's current leave."""
    function = _find("repair")
    return _outcome(function(team, published, requirement_frame(requirements),
                             time_limit=time_limit, previous=previous))


def _outcome(result: Any) -> Outcome:
    if isinstance(result, tuple):
        roster, stats = result[0], result[1]
    else:
        roster, stats = result.roster, getattr(result, "stats", {})
    if hasattr(stats, "model_dump"):
        stats = stats.model_dump(mode="json")
    elif not isinstance(stats, dict):
        stats = dict(vars(stats)) if hasattr(stats, "__dict__") else {}
    return Outcome(roster, stats)
