"""`roster serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from pydantic import ValidationError

from forecasting.validation import InputError
from roster.cli.common import user_errors


def settings_or_error(database_url: str | None) -> object:
    """The API settings from the environment (and flags); InputError naming the variable."""
    from api.settings import Settings

    if database_url:
        os.environ["ROSTER_DATABASE_URL"] = database_url
    try:
        return Settings()
    except ValidationError as err:
        raise InputError("; ".join(e["msg"].removeprefix("Value error, ")
                                   for e in err.errors())) from None


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port", min=1, max=65535)] = 8000,
    database_url: Annotated[str | None, typer.Option(
        help="overrides ROSTER_DATABASE_URL, e.g. sqlite:///roster_api.db or "
             "postgresql+psycopg://user@host/db")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Start the API (migrates the database first). Settings come from ROSTER_* variables."""
    import uvicorn

    from api.serve import logs_access

    settings_or_error(database_url)
    uvicorn.run("api.main:create_served_app", factory=True, host=host, port=port,
                log_level=log_level, access_log=logs_access(log_level), workers=1)
