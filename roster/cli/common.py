"""What every command shares: turning user errors into a clear message and an exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from forecasting.validation import InputError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print `message` on stderr and exit with `code` (never returns)."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    raise typer.Exit(code)


def user_errors(command: F) -> F:
    """Report InputError (bad files, flags or fields) on stderr, exit 2, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as err:
            fail(f"error: {err}")

    return wrapper  # type: ignore[return-value]
