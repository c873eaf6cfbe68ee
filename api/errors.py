"""Errors the service raises and how they become HTTP responses.

Every error body is `{"detail": "<sentence>", "field": "<where>" | null}`; request
validation errors also list each problem under `errors`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from forecasting.validation import InputError


class ApiError(Exception):
    """An error with an HTTP status and a message for the client."""

    status = 400

    def __init__(self, message: str, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class BadRequest(ApiError):
    status = 422


class NotAuthenticated(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class Unavailable(ApiError):
    status = 503


def _body(message: str, field: str | None, **extra: Any) -> dict[str, Any]:
    return {"detail": message, "field": field, **extra}


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def describe(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors as `{"field", "message"}` with what was expected and what came."""
    problems = []
    for item in errors:
        message = str(item.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        if not message.startswith("expected"):
            wanted = message.removeprefix("Input should be ").removeprefix("Input should ")
            if item.get("type") == "missing":
                message = "expected a value, got nothing"
            else:
                got = repr(item.get("input"))
                if len(got) > 80:
                    got = got[:77] + "..."
                message = f"expected {wanted}, got {got}"
        problems.append({"field": _location(tuple(item.get("loc", ()))), "message": message})
    return problems


def install_handlers(app: FastAPI) -> None:
    """Turn ApiError, bad input and pydantic errors into clear 4xx responses."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, err: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return JSONResponse(_body(err.message, err.field, **err.extra), status_code=err.status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request_error(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = describe(list(err.errors()))
        first = problems[0] if problems else {"field": None, "message": "invalid request"}
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return JSONResponse(_body(message, first["field"], errors=problems), status_code=422)

    @app.exception_handler(ValidationError)
    async def _model_error(_request: Request, err: ValidationError) -> JSONResponse:
        problems = describe(list(err.errors()))
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        field = problems[0]["field"] if problems else None
        return JSONResponse(_body(message, field, errors=problems), status_code=422)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, err: InputError) -> JSONResponse:
        return JSONResponse(_body(str(err), None), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(_body(str(err.detail), None), status_code=err.status_code,
                            headers=getattr(err, "headers", None))
