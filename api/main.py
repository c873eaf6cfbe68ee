"""The FastAPI application factory: `create_app()` migrates the database and wires routes."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError as DatabaseDataError

from api.db import make_engine, make_reader, make_sessionmaker, migrate
from api.errors import install_handlers
from api.routes import audit, auth, leave, rosters, swaps, teams, users
from api.routes.approve_fast import ApproveRoute
from api.services.approval_queue import ApprovalQueue
from api.services.jobs import JobRunner, fail_orphans
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service: connect, apply migrations, fail orphaned jobs, mount the routers."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    orphans = fail_orphans(sessions)
    if orphans:
        log.warning("marked %d job(s) left running by a stopped server as failed: %s",
                    len(orphans), orphans)
    runner = JobRunner(sessions, settings.job_workers)
    approvals = ApprovalQueue(sessions)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        approvals.shutdown()
        runner.shutdown()
        engine.dispose()

    app = FastAPI(title="roster API", version="1", lifespan=lifespan,
                  description="Swaps and leave approved by supervisors, rosters as jobs, "
                              "with an audit trail.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.readers = make_reader(engine)
    app.state.jobs = runner
    app.state.approvals = approvals
    install_handlers(app)

    @app.exception_handler(DatabaseDataError)
    async def _database_data(_request: Any, err: DatabaseDataError) -> JSONResponse:
        return JSONResponse({"detail": "the database refused a value in the request (too long "
                                       "or containing a NUL character)", "field": None},
                            status_code=422)

    # Requests are matched against the routes in this order: the busiest router (swap
    # decisions, approvals above all) first saves trying some thirty other routes each time.
    for module in (swaps, auth, users, teams, rosters, leave, audit):
        app.include_router(module.router)
    # Well-formed approvals are answered before any of them (`api.routes.approve_fast`).
    app.router.routes.insert(0, ApproveRoute(app.router))

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:  # async: answered on the event loop, no thread hop
        return {"status": "ok"}

    return app


def create_served_app() -> FastAPI:
    """`create_app` for a server process (`roster serve`, `python -m api.serve`): once the
    app is built, everything alive (the modules, classes and functions of pydantic,
    SQLAlchemy, pandas, OR-Tools...) is moved out of the cycle collector's reach
    (`gc.freeze`). Otherwise each full collection walks those hundreds of thousands of
    objects, about 80-190 ms measured under load, and on the approval path the 20 requests
    waiting on a batch all wait for it too (it was SQLite's p99)."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
