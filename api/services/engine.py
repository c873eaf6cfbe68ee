"""The roster engine behind the API: solve a period, repair a published roster.

Solving is `roster.engine.solve.solve_roster` — the same search `roster solve` runs (a
greedy first roster, CP-SAT with a relaxation bound, LNS for large teams) — on a
`RosterProblem` built from the team, period and requirements. Repair is the same solve
with the published roster as the `reference` (the engine's stability rule charges every
changed shift) and as the warm start, minus the shifts approved leave now forbids — so the
result changes as little as the new leave requires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roster.domain import PlanningPeriod, Roster, Team
from roster.engine.demand import interval_demands
from roster.engine.model import RosterProblem
from roster.engine.solve import Progress as SolverProgress
from roster.engine.solve import SolveOptions, solve_roster

Progress = Callable[[float, str], None]


@dataclass
class Outcome:
    roster: Roster
    stats: dict[str, Any]


class NoRoster(RuntimeError):
    """The engine found no roster within the time limit."""


def requirement_frame(requirements: Sequence[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(requirements), columns=None)
    if not len(frame):
        return pd.DataFrame(columns=["start", "queue", "agents"])
    frame["start"] = pd.to_datetime(frame["start"])
    return frame


def _run(problem: RosterProblem, time_limit: float, progress: Progress,
         hint: Roster | None) -> Outcome:
    def report(item: SolverProgress) -> None:
        progress(item.seconds / time_limit,
                 f"objective {item.objective:g}, bound {item.bound:g} after "
                 f"{item.seconds:.1f} s")

    result = solve_roster(problem, SolveOptions(time_limit=time_limit, workers=1, hint=hint),
                          report)
    if result.roster is None:
        raise NoRoster(f"the engine found no roster in {time_limit:g} s (status "
                       f"{result.status})")
    stats = {"status": result.status, "objective": result.objective, "bound": result.bound,
             "seconds": round(result.seconds, 3),
             "first_solution_seconds": result.first_solution_seconds}
    return Outcome(result.roster, stats)


def solve(team: Team, period: PlanningPeriod, requirements: Sequence[dict[str, Any]],
          time_limit: float, progress: Progress, previous: Roster | None = None) -> Outcome:
    """A new roster for the period."""
    frame = requirement_frame(requirements)
    problem = RosterProblem(team=team, period=period, demands=list(interval_demands(frame)),
                            previous=previous)
    return _run(problem, time_limit, progress, None)


def repair(team: Team, published: Roster, requirements: Sequence[dict[str, Any]],
           time_limit: float, progress: Progress, previous: Roster | None = None) -> Outcome:
    """The published roster changed as little as possible to respect the team's leave."""
    frame = requirement_frame(requirements)
    blocked = [x for x in team.leave if x.blocks_work]
    keep = [s for s in published.shifts
            if not any(x.agent_id == s.agent_id and x.overlaps(s.start, s.end) for x in blocked)]
    problem = RosterProblem(team=team, period=published.period,
                            demands=list(interval_demands(frame)), previous=previous,
                            reference=published)
    outcome = _run(problem, time_limit, progress,
                   published.model_copy(update={"shifts": keep}))
    before = {(s.agent_id, s.date, s.start, s.end) for s in published.shifts}
    after = {(s.agent_id, s.date, s.start, s.end) for s in outcome.roster.shifts}
    outcome.stats["shifts_changed"] = len(before ^ after)
    return outcome
