"""`roster user add`: create an API user from the command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from pydantic import ValidationError

from forecasting.validation import InputError
from roster.cli.common import user_errors
from roster.cli.serve import settings_or_error

user_app = typer.Typer(help="Manage API users.", no_args_is_help=True)


@user_app.command("add")
@user_errors
def add(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option(help="agent, supervisor or planner")],
    agent_id: Annotated[str | None, typer.Option(help="the agent an agent user signs in as")] = (
        None),
    team: Annotated[list[str] | None, typer.Option(
        help="an agent's team, or a team a supervisor supervises (repeat for several)")] = None,
    password: Annotated[str | None, typer.Option(
        help="password (default: $ROSTER_PASSWORD, else asked for)")] = None,
    database_url: Annotated[str | None, typer.Option(help="overrides ROSTER_DATABASE_URL")] = (
        None),
) -> None:
    """Add a user; agents link to an agent id, supervisors to one or more teams."""
    from api.db import make_engine, make_sessionmaker, migrate, transaction
    from api.errors import ApiError
    from api.schemas import UserIn
    from api.services.users import add_user

    settings = settings_or_error(database_url)
    secret = password or os.environ.get("ROSTER_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True)
    teams = team or []
    try:
        body = UserIn(username=username, password=secret, role=role, agent_id=agent_id,
                      team_id=teams[0] if role == "agent" and teams else None,
                      teams=teams if role == "supervisor" else [])
    except ValidationError as err:
        raise InputError("; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: "
                                   f"{e['msg']}" for e in err.errors())) from None
    engine = make_engine(settings.database_url)  # type: ignore[attr-defined]
    try:
        migrate(engine)
        with transaction(make_sessionmaker(engine)) as session:
            user = add_user(session, body, None)
            typer.echo(f"added {user.role} {user.username!r} (id {user.id})")
    except ApiError as err:
        raise InputError(f"{err.field or 'user'}: {err.message}") from None
    finally:
        engine.dispose()
