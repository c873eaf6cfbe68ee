"""Engine, sessions and migrations.

SQLite runs in WAL mode with foreign keys on, and every writing transaction starts
with `BEGIN IMMEDIATE` so two writers queue on the busy timeout instead of failing when one
upgrades a read to a write. PostgreSQL runs at READ COMMITTED; the compare-and-set updates
on `roster_series` serialise the changes that matter.

A hot writing path (swap approval) first passes `write_gate(engine)`: its writers queue on a
lock inside the process, so one thread at a time holds the database lock and it never waits
for the interpreter lock behind a crowd of threads that are only waiting too. On SQLite the
server processes also queue on an `flock` of a file beside the database, because SQLite's
own busy handler polls with growing sleeps (up to 100 ms); each waiter wakes the moment the
previous writer is done. On PostgreSQL the row locks order the processes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # not on Windows: the thread lock alone queues this process's writers
    fcntl = None  # type: ignore[assignment]

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and immediate begins."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=20)
        _sqlite_setup(engine)
        database = engine.url.database
        _GATES[engine] = WriteGate(f"{database}-writers.lock"
                                   if database and database != ":memory:" else None)
        return engine
    # No ping before each checkout (a round trip per transaction): a connection found dead
    # raises once, SQLAlchemy then drops the pool's connections, and the approvals try
    # again on a fresh one (`api.services.approval.approve_batch`).
    engine = create_engine(url, pool_size=20, max_overflow=20)
    _GATES[engine] = WriteGate(None)
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


class WriteGate:
    """One writer at a time: a thread lock, then an exclusive `flock` on `path` (if any)."""

    def __init__(self, path: str | None):
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._threads:
            if self.path is None or fcntl is None:
                yield
                return
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()


def write_gate(engine: Engine) -> AbstractContextManager[None]:
    """Enter before a writing transaction on a hot path (and leave after its commit)."""
    gate = _GATES.get(engine)
    return gate() if gate is not None else nullcontext()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that writes (on SQLite they take the write lock at BEGIN)."""
    return sessionmaker(engine, expire_on_commit=False)


def make_reader(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that only reads (on SQLite a deferred BEGIN: no write lock)."""
    return sessionmaker(engine.execution_options(sqlite_begin="DEFERRED"),
                        expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
