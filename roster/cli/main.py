"""The `roster` console script: one sub-command per module in `roster.cli`."""

from __future__ import annotations

import typer

from roster.cli.bench import bench_app
from roster.cli.forecast import backtest_command, forecast
from roster.cli.generate import generate_data
from roster.cli.serve import serve
from roster.cli.simulate import simulate_command
from roster.cli.solve import repair, solve
from roster.cli.staff import staff
from roster.cli.user import user_app
from roster.cli.validate import validate
from roster.cli.whatif import whatif

app = typer.Typer(
    name="roster",
    help="Workforce planning for customer-service teams: forecast, staff, roster, approve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command("validate")(validate)
app.command("generate-data")(generate_data)
app.command("staff")(staff)
app.command("simulate")(simulate_command)
app.command("forecast")(forecast)
app.command("backtest")(backtest_command)
app.command("serve")(serve)
app.add_typer(user_app, name="user")
app.command("solve")(solve)
app.command("repair")(repair)
app.add_typer(bench_app, name="bench")
app.command("whatif")(whatif)
