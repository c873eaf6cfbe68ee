"""`roster bench curtois`: solve a Curtois & Qu instance with the engine, check it independently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from forecasting.validation import InputError
from roster.cli.common import user_errors

bench_app = typer.Typer(
    name="bench", help="Solve public benchmark instances with the roster engine.",
    no_args_is_help=True, add_completion=False,
)


@bench_app.command("curtois")
@user_errors
def curtois(
    instance: Annotated[Path, typer.Argument(help="InstanceN.txt of the Curtois & Qu benchmark")],
    time_limit: Annotated[float, typer.Option(
        "--time-limit", help="seconds in all, model building included")] = 60.0,
    workers: Annotated[int, typer.Option(help="search threads (CPU cores used)")] = 2,
    seed: Annotated[int, typer.Option(help="random seed of the search")] = 0,
    columns: Annotated[bool, typer.Option(
        "--columns/--no-columns", help="column generation beside the search where the "
        "model splits into one schedule per agent: a far tighter bound, and rosters "
        "from diving on its LP")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Solve INSTANCE and print objective (recomputed by an independent checker), bound, status."""
    from roster.bench.run import solve_instance

    if time_limit <= 0:
        raise InputError(f"--time-limit: expected seconds > 0, got {time_limit:g}")
    if workers < 1:
        raise InputError(f"--workers: expected at least 1, got {workers}")
    if not instance.is_file():
        raise InputError(f"INSTANCE: expected an instance file, got {str(instance)!r} "
                         "(no such file)")
    result = solve_instance(instance, time_limit=time_limit, workers=workers, seed=seed,
                            columns=columns)
    payload = result.as_json()
    if as_json:
        typer.echo(json.dumps(payload))
        return
    gap = payload["gap_percent"]
    typer.echo(f"{result.instance}: objective {result.objective} (solver {result.solver_objective},"
               f" bound {result.bound}), {result.status}, {result.seconds:.1f} s, "
               f"hard violations {result.hard_violations}"
               + ("" if gap is None else f", {gap}% above best known {result.best_known}"))
    for line in result.violations:
        typer.echo(f"  {line}")
