"""The planning chain as one plain function: forecast -> staffing -> roster -> KPIs.

`plan(scenario, period, options)` is what `roster solve`, the what-if runs and the notebooks
call; each step is also a function of its own:

- `forecast_for(scenario, period)`: the forecaster fitted on the history, predicting the period;
- `requirements_from(forecast, settings)`: agents needed per interval and queue;
- `requirements_for(scenario, period, path)`: a requirements file, or the two steps above;
- `solve_problem(problem, options)`: CP-SAT (`roster.engine.solve.RosterSolver`);
- `plan(...)`: all of it, plus coverage with projected service and the KPIs.

A different solver (e.g. the reproducible search of `roster.scenarios`) can be passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from forecasting.validation import InputError
from roster.domain import PlanningPeriod, Roster, Team, TeamSettings
from roster.engine.demand import Demand, interval_demands, read_requirements
from roster.engine.model import RosterProblem
from roster.engine.solve import Progress, RosterSolver, SolveOptions, SolveResult
from roster.results.kpis import Kpis, SolverStats, compute_kpis, coverage_with_service
from roster.scenario_files import Scenario

OnProgress = Callable[[Progress], None]


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: solver seconds, threads and seed, warm start, boundary roster, history cut.

    - `hint`: a roster to start the search from (e.g. last week's plan for a variant);
    - `previous`: the roster of the period before (rest and runs across the boundary);
    - `fit_until`: fit the forecaster on history before this moment only (default: all);
    - `integer_bound`: prove the gap with the whole-count bound (engine/integer_bound.py).
    """

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    hint: Roster | None = None
    previous: Roster | None = None
    fit_until: datetime | None = None
    integer_bound: bool = True


Solver = Callable[[RosterProblem, PlanOptions, "OnProgress | None", "StopSignal | None"],
                  SolveResult]


class StopSignal:
    """Ends a running solve early (e.g. from a Ctrl-C handler); the best roster is kept."""

    def __init__(self) -> None:
        self.solver: RosterSolver | None = None
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True
        if self.solver is not None:
            self.solver.stop()


@dataclass
class Plan:
    """Everything one run of the chain produced; `roster`, `coverage`, `kpis` None if no roster."""

    team: Team
    period: PlanningPeriod
    forecast: pd.DataFrame | None
    requirements: pd.DataFrame
    problem: RosterProblem
    result: SolveResult
    stats: SolverStats
    roster: Roster | None = None
    coverage: pd.DataFrame | None = None
    kpis: Kpis | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.result.status


def planning_period(settings: TeamSettings, start: date, days: int | None = None
                    ) -> PlanningPeriod:
    """The period from `start` over `days` (default: the team's `period_days`)."""
    days = settings.period_days if days is None else days
    if not 1 <= days <= 62:
        raise InputError(f"days: expected a whole number from 1 to 62, got {days}")
    return PlanningPeriod(start=start, days=days, interval_minutes=settings.interval_minutes)


def forecast_for(scenario: Scenario, period: PlanningPeriod,
                 fit_until: datetime | None = None,
                 events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hourly forecast per queue over the period (columns timestamp, queue, forecast, p10,
    p50, p90, promo), from the product forecaster fitted on the scenario's history.

    `events` replaces the calendar used for the period (the fit always learns from the
    scenario's own calendar).
    """
    if scenario.history is None:
        raise InputError("the scenario has no history.csv to forecast from; expected "
                         "--requirements FILE with columns start,queue,agents")
    from forecasting.model import EventProfileForecaster

    history = scenario.history
    if fit_until is not None:
        history = history[history["timestamp"] < pd.Timestamp(fit_until)]
        if history.empty:
            raise InputError(f"fit_until: expected history before {fit_until}, got none")
    model = EventProfileForecaster().fit(history, scenario.events)
    calendar = scenario.events if events is None else events
    return model.predict(pd.Timestamp(period.start), period.days * 24, calendar)


def requirements_from(forecast: pd.DataFrame, settings: TeamSettings) -> pd.DataFrame:
    """Agents needed per interval and queue (`roster.staffing.requirements`) for the
    forecast, on the team's grid and forecast quantile."""
    from forecasting.output import forecast_table
    from roster.staffing.requirement import requirements

    return requirements(forecast_table(forecast), settings.queues, settings.interval_minutes,
                        settings.forecast_quantile)


def requirements_for(scenario: Scenario, period: PlanningPeriod, path: Path | None = None,
                     fit_until: datetime | None = None) -> pd.DataFrame:
    """Requirements from `path`, or forecast -> staffing from the scenario's history."""
    settings = scenario.team.settings
    if path is not None:
        frame = read_requirements(path, settings, period)
    else:
        frame = requirements_from(forecast_for(scenario, period, fit_until), settings)
    check_requirements(frame, period)
    return frame


def check_requirements(frame: pd.DataFrame, period: PlanningPeriod) -> None:
    """InputError when no requirement row falls inside the period."""
    if not len(frame):
        raise InputError(f"requirements: expected rows inside the period {period.start} to "
                         f"{period.end - timedelta(days=1)}, got none")


def solve_problem(problem: RosterProblem, options: PlanOptions,
                  on_progress: OnProgress | None = None,
                  stop: StopSignal | None = None) -> SolveResult:
    """CP-SAT on the full model with the options' time limit, workers, seed and hint."""
    solver = RosterSolver(problem, SolveOptions(time_limit=options.time_limit,
                                                workers=options.workers, seed=options.seed,
                                                hint=options.hint,
                                                integer_bound=options.integer_bound))
    if stop is not None:
        stop.solver = solver
        if stop.stopped:
            solver.stop()
    return solver.solve(on_progress)


def solver_stats(result: SolveResult, options: PlanOptions) -> SolverStats:
    """The KPI file's solver block from a solve result."""
    return SolverStats(status=result.status, objective=result.objective,
                       best_bound=result.bound, gap=result.gap, seconds=result.seconds,
                       first_solution_seconds=result.first_solution_seconds,
                       workers=options.workers, seed=options.seed, penalties=result.penalties)


def plan(scenario: Scenario, period: PlanningPeriod, options: PlanOptions | None = None, *,
         requirements: pd.DataFrame | None = None, forecast: pd.DataFrame | None = None,
         team: Team | None = None, solver: Solver | None = None,
         on_progress: OnProgress | None = None, stop: StopSignal | None = None) -> Plan:
    """Forecast -> staffing -> roster -> KPIs for one period.

    Given `requirements` skip forecast and staffing; given `forecast` skip the forecast.
    `team` replaces the scenario's team (e.g. a what-if variant); `solver` replaces
    `solve_problem`. The roster is None when the solver found none (see `Plan.status`).
    """
    options = options or PlanOptions()
    team = team or scenario.team
    settings = team.settings
    if requirements is None:
        if forecast is None:
            forecast = forecast_for(scenario, period, options.fit_until)
        requirements = requirements_from(forecast, settings)
    check_requirements(requirements, period)
    demands: list[Demand] = list(interval_demands(requirements))
    problem = RosterProblem(team, period, demands,
                            previous=options.previous)
    result = (solver or solve_problem)(problem, options, on_progress, stop)
    stats = solver_stats(result, options)
    outcome = Plan(team=team, period=period, forecast=forecast, requirements=requirements,
                   problem=problem, result=result, stats=stats, roster=result.roster)
    if result.roster is not None:
        outcome.coverage = coverage_with_service(team, result.roster, requirements)
        outcome.kpis = compute_kpis(team, result.roster, requirements, solver=stats,
                                    coverage=outcome.coverage)
    return outcome
