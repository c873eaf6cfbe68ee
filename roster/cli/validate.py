"""`roster validate`: check a scenario folder and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from roster.cli.common import user_errors
from roster.scenario_files import load_scenario
from roster.summary import scenario_summary


@user_errors
def validate(
    scenario_dir: Annotated[
        Path, typer.Argument(help="scenario folder (settings.toml, agents.csv, ...)")
    ],
) -> None:
    """Validate a scenario folder and print its summary, or every problem found."""
    scenario = load_scenario(scenario_dir)
    Console().print(scenario_summary(scenario))
