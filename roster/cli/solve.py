"""`roster solve` and `roster repair`: weekly rosters from a scenario folder.

```
roster solve SCENARIO_DIR --start YYYY-MM-DD [--days 7] [--time-limit 30] [--workers 2]
             [--seed 0] [--requirements FILE] [--previous ROSTER.csv] --out DIR
roster repair SCENARIO_DIR --roster PUBLISHED.csv --start YYYY-MM-DD [--days 7]
             [--sick AGENT:YYYY-MM-DD]... [--leave "AGENT:YYYY-MM-DD HH:MM/YYYY-MM-DD HH:MM"]...
             [--leaving AGENT:YYYY-MM-DD]... [--freeze-before YYYY-MM-DD] [--neighbours 30]
             [--time-limit 10] [--requirements FILE] --out DIR
```
Without `--requirements`, requirements come from the scenario's history: forecast, then
staffing. Infeasible rules print an explanation and exit 1 with nothing written.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from forecasting.validation import InputError, parse_timestamp
from roster.cli.common import fail, user_errors
from roster.domain import PlanningPeriod, Roster, Team
from roster.engine.demand import interval_demands
from roster.engine.explain import explain_infeasible, explain_shortfalls
from roster.engine.model import RosterProblem
from roster.engine.repair import RosterChange, repair_roster
from roster.engine.solve import Progress, RosterSolver, SolveOptions, SolveResult
from roster.engine.weights import unknown_rules
from roster.pipeline import PlanOptions, StopSignal, plan, requirements_for
from roster.scenario_files import load_scenario

EXIT_INFEASIBLE = 1

Start = Annotated[str, typer.Option("--start", help="first day of the period, YYYY-MM-DD")]
Days = Annotated[int, typer.Option("--days", help="days in the period")]
Out = Annotated[Path, typer.Option("--out", help="output folder to (re)write")]
Requirements = Annotated[Path | None, typer.Option(
    "--requirements", help="CSV start,queue,agents[,scheduled,service_level_minus_one,...]; "
    "default: forecast and staffing from the scenario's history")]
TimeLimit = Annotated[float, typer.Option("--time-limit", help="seconds for the solver")]
Workers = Annotated[int, typer.Option("--workers", help="solver threads")]
Seed = Annotated[int, typer.Option("--seed", help="solver random seed")]
Quiet = Annotated[bool, typer.Option("--quiet", help="no live progress on stderr")]


def _date(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag}: expected a date YYYY-MM-DD, got {text!r}") from None


def _period(team: Team, start: str, days: int) -> PlanningPeriod:
    if not 1 <= days <= 62:
        raise InputError(f"--days: expected a whole number from 1 to 62, got {days}")
    return PlanningPeriod(start=_date("--start", start), days=days,
                          interval_minutes=team.settings.interval_minutes)


def _check_search(time_limit: float, workers: int) -> None:
    if not 0 < time_limit <= 86_400:
        raise InputError(f"--time-limit: expected seconds in (0, 86400], got {time_limit:g}")
    if not 1 <= workers <= 64:
        raise InputError(f"--workers: expected a whole number from 1 to 64, got {workers}")


def _previous(path: Path | None, team: Team, period: PlanningPeriod) -> Roster | None:
    if path is None:
        return None
    from roster.results.roster_csv import read_roster_csv

    before = PlanningPeriod(start=period.start - timedelta(days=period.days), days=period.days,
                            interval_minutes=period.interval_minutes)
    return read_roster_csv(path, team, before)


@contextmanager
def _stop_on_ctrl_c(solver: RosterSolver | StopSignal) -> Iterator[None]:
    """Ctrl-C stops the search; the best roster so far is still written."""
    old = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: solver.stop())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _progress(quiet: bool):
    def show(item: Progress) -> None:
        if not quiet:
            sys.stderr.write(f"  {item.seconds:6.1f}s  objective {item.objective:12.2f}  "
                             f"bound {item.bound:12.2f}  gap {item.gap:7.2%}\n")
    return show


def _fail_infeasible(problem: RosterProblem) -> None:
    lines = [c.message for c in explain_infeasible(problem)]
    if not lines:
        lines = ["the solver proved the hard rules infeasible but no single agent's rules "
                 "conflict on their own"]
    fail("error: the hard rules cannot all hold:\n" + "\n".join(f"  - {x}" for x in lines),
         code=EXIT_INFEASIBLE)


def _write(out: Path, team: Team, roster: Roster, frame: pd.DataFrame, result: SolveResult,
           workers: int, seed: int, extra: dict[str, str]) -> list[Path]:
    from roster.results.exports import write_outputs
    from roster.results.kpis import SolverStats, compute_kpis

    stats = SolverStats(status=result.status, objective=result.objective,
                        best_bound=result.bound, gap=result.gap, seconds=result.seconds,
                        workers=workers, seed=seed)
    kpis = compute_kpis(team, roster, frame, solver=stats)
    return write_outputs(out, team, roster, frame, kpis, extra_files=extra)


def _checked(team: Team, roster: Roster, previous: Roster | None) -> None:
    from roster.checker import check_roster

    violations = check_roster(team, roster, previous)
    if violations:
        shown = "\n".join(f"  - {v.agent_id} {v.date} {v.rule}: {v.message}"
                          for v in violations[:20])
        fail(f"error: internal error, the roster breaks {len(violations)} hard rule(s); "
             f"nothing written:\n{shown}", code=3)


def _shortfall_text(team: Team, roster: Roster, frame: pd.DataFrame) -> str:
    reasons = explain_shortfalls(team, roster, interval_demands(frame))
    return "\n".join(r.message for r in reasons) + ("\n" if reasons else "")


@user_errors
def solve(
    scenario_dir: Annotated[Path, typer.Argument(help="scenario folder (settings.toml, ...)")],
    start: Start,
    out: Out,
    days: Days = 7,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    requirements: Requirements = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="roster.csv of the period before (rules across the boundary)")] = None,
    integer_bound: Annotated[bool, typer.Option(
        "--integer-bound/--no-integer-bound", help="also prove the gap with a whole-count "
        "bound (HiGHS alongside the search; tighter proof, less CPU for the search)")] = True,
    quiet: Quiet = False,
) -> None:
    """Build the roster for a period: forecast -> staffing -> CP-SAT, then results files."""
    _check_search(time_limit, workers)
    scenario = load_scenario(scenario_dir)
    team = scenario.team
    if unknown_rules(team.settings):
        raise InputError(f"settings.toml: rules: expected rule names among the weights table, "
                         f"got {unknown_rules(team.settings)}")
    period = _period(team, start, days)
    frame = requirements_for(scenario, period, requirements)
    before = _previous(previous, team, period)
    stop = StopSignal()
    with _stop_on_ctrl_c(stop):
        outcome = plan(scenario, period, PlanOptions(time_limit=time_limit, workers=workers,
                                                     seed=seed, previous=before,
                                                     integer_bound=integer_bound),
                       requirements=frame, on_progress=_progress(quiet), stop=stop)
    result = outcome.result
    if result.status == "INFEASIBLE":
        _fail_infeasible(outcome.problem)
    if outcome.roster is None or outcome.kpis is None:
        fail(f"error: no roster found within --time-limit {time_limit:g} s "
             f"(status {result.status}); expected a longer time limit", code=EXIT_INFEASIBLE)
        return
    _checked(outcome.team, outcome.roster, before)
    extra = {"shortfalls.txt": _shortfall_text(outcome.team, outcome.roster, frame)}
    from roster.results.exports import write_outputs

    written = write_outputs(out, outcome.team, outcome.roster, frame, outcome.kpis,
                            extra_files=extra)
    from rich.console import Console

    from roster.results.summary import kpi_summary

    Console().print(kpi_summary(outcome.kpis))
    bound = "unknown" if result.bound is None else f"{result.bound:.2f}"
    gap = "unknown" if result.bound is None else f"{result.gap:.2%}"
    typer.echo(f"{result.status}: objective {result.objective:.2f}, bound {bound}, "
               f"gap {gap}, {result.seconds:.1f} s; {len(outcome.roster.shifts)} "
               f"shifts; wrote {len(written)} files to {out}")


def _change(flag: str, value: str, team: Team) -> RosterChange:
    agent_id, sep, rest = value.partition(":")
    known = {a.id for a in team.agents}
    if not sep or agent_id not in known:
        raise InputError(f"{flag}: expected AGENT:... with a known agent id, got {value!r}")
    if flag == "--sick":
        day = _date(flag, rest)
        begin = datetime.combine(day, datetime.min.time())
        return RosterChange("sick", agent_id, begin, begin + timedelta(days=1))
    if flag == "--leaving":
        day = _date(flag, rest)
        return RosterChange("leaving", agent_id, datetime.combine(day, datetime.min.time()))
    first, slash, last = rest.partition("/")
    try:
        begin, end = parse_timestamp(first), parse_timestamp(last)
    except ValueError:
        raise InputError(f"--leave: expected AGENT:YYYY-MM-DD HH:MM/YYYY-MM-DD HH:MM, "
                         f"got {value!r}") from None
    if not slash or end <= begin:
        raise InputError(f"--leave: expected an end after the start, got {value!r}")
    from roster.domain import LeaveType
    return RosterChange("leave", agent_id, begin, end, leave_type=LeaveType.ANNUAL)


@user_errors
def repair(
    scenario_dir: Annotated[Path, typer.Argument(help="scenario folder")],
    published: Annotated[Path, typer.Option("--roster", help="the published roster.csv")],
    start: Start,
    out: Out,
    days: Days = 7,
    sick: Annotated[list[str] | None, typer.Option(
        "--sick", help="AGENT:YYYY-MM-DD, a sick call for that day (repeatable)")] = None,
    leave: Annotated[list[str] | None, typer.Option(
        "--leave", help='"AGENT:YYYY-MM-DD HH:MM/YYYY-MM-DD HH:MM", new approved leave')] = None,
    leaving: Annotated[list[str] | None, typer.Option(
        "--leaving", help="AGENT:YYYY-MM-DD, the agent's first day no longer working")] = None,
    freeze_before: Annotated[str | None, typer.Option(
        "--freeze-before", help="keep shifts before this day (default: first changed day)")
    ] = None,
    neighbours: Annotated[int, typer.Option(
        "--neighbours", help="colleagues re-planned besides the changed agents")] = 30,
    time_limit: TimeLimit = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
    requirements: Requirements = None,
    quiet: Quiet = False,
) -> None:
    """Repair a published roster after a change, changing as few shifts as possible."""
    _check_search(time_limit, workers)
    if neighbours < 0:
        raise InputError(f"--neighbours: expected a whole number >= 0, got {neighbours}")
    scenario = load_scenario(scenario_dir)
    team = scenario.team
    period = _period(team, start, days)
    changes = [_change(flag, v, team) for flag, values in (
        ("--sick", sick), ("--leave", leave), ("--leaving", leaving)) for v in values or []]
    if not changes:
        raise InputError("expected at least one change: --sick, --leave or --leaving")
    from roster.results.roster_csv import read_roster_csv

    roster = read_roster_csv(published, team, period)
    frame = requirements_for(scenario, period, requirements)
    freeze = _date("--freeze-before", freeze_before) if freeze_before else None
    if not quiet:
        sys.stderr.write("repairing: " + "; ".join(c.describe() for c in changes) + "\n")
    result = repair_roster(team, roster, changes, interval_demands(frame),
                           SolveOptions(time_limit=time_limit, workers=workers, seed=seed),
                           neighbours=neighbours, freeze_before=freeze)
    if result.roster is None:
        if result.solve.status == "INFEASIBLE":
            free = [i for i, a in enumerate(result.team.agents) if a.id in result.replanned]
            _fail_infeasible(RosterProblem(result.team, period, [], agents=free))
        fail(f"error: no repaired roster within --time-limit {time_limit:g} s "
             f"(status {result.solve.status})", code=EXIT_INFEASIBLE)
        return
    _checked(result.team, result.roster, None)
    lines = ["agent_id,date,change,before,after"]
    for change in result.changes:
        text = change.describe().split(": ", 2)[-1].split(" -> ")
        lines.append(f"{change.agent_id},{change.date},{change.kind},{text[0]},{text[-1]}")
    extra = {"changes.csv": "\n".join(lines) + "\n",
             "shortfalls.txt": _shortfall_text(result.team, result.roster, frame)}
    written = _write(out, result.team, result.roster, frame, result.solve, workers, seed, extra)
    for change in result.changes:
        typer.echo(change.describe())
    typer.echo(f"{len(result.changes)} shift(s) changed, {len(result.replanned)} agents "
               f"re-planned, {result.solve.seconds:.1f} s; wrote {len(written)} files to {out}")
