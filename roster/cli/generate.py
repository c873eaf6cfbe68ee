"""`roster generate-data`: regenerate the bundled sample scenario from its seed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from roster.cli.common import fail, user_errors
from roster.sampledata.build import DEFAULT_SEED, DEFAULT_WEEK_START, write_sample


@user_errors
def generate_data(
    out: Annotated[Path, typer.Option(help="scenario folder to (re)write")] = Path("data/sample"),
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same files")] = (
        DEFAULT_SEED),
    week_start: Annotated[str, typer.Option(help="first day of the week to plan, YYYY-MM-DD")] = (
        DEFAULT_WEEK_START.isoformat()),
) -> None:
    """Regenerate the sample team (60 agents), its leave, preferences, history and events."""
    try:
        start = datetime.strptime(week_start, "%Y-%m-%d").date()
    except ValueError:
        fail(f"error: --week-start: expected a date YYYY-MM-DD, got {week_start!r}")
        return
    scenario = write_sample(out, start, seed)
    rows = 0 if scenario.history is None else len(scenario.history)
    typer.echo(f"wrote {out}: {len(scenario.team.agents)} agents, {rows:,} history rows")
