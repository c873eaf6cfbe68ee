"""Swap approvals of one server process, made by one thread in batches (group commit).

Approvals all move their period's published-version pointer, so they are made one after
another anyway. A request hands its approval to this queue and waits without holding a
thread; the queue's thread takes everything waiting and decides it in one transaction
(`api.services.approval.approve_batch`): under load, many approvals share one lock, one
commit and one thread, instead of each paying for its own while the others wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.services.approval import Approval, Outcome, approve_batch

MAX_BATCH = 50
"""Most approvals decided in one transaction."""


@dataclass
class _Waiting:
    approval: Approval
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[dict[str, Any]]


def _settle(answers: list[tuple[asyncio.Future[dict[str, Any]], Outcome]]) -> None:
    """Answer a batch's waiting requests of one event loop (run on that loop)."""
    for future, outcome in answers:
        if future.cancelled():  # the client went away; the approval stands or fails anyway
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class ApprovalQueue:
    """Approvals waiting for the process's approval thread (started on first use)."""

    def __init__(self, sessions: sessionmaker[Session], max_batch: int = MAX_BATCH):
        self.sessions = sessions
        self.max_batch = max_batch
        self._waiting: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def approve(self, approval: Approval) -> dict[str, Any]:
        """The swap as `swap_out` shows it once approved; raises what `approve` raises."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._start()
        self._waiting.put(_Waiting(approval, loop, future))
        return await future

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="swap-approvals",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    more = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._waiting.put(None)  # stop after this batch
                    break
                batch.append(more)
            try:
                outcomes = approve_batch(self.sessions, [w.approval for w in batch])
            except Exception as err:  # approve_batch answers each; this is the last resort
                outcomes = [err] * len(batch)
            # One hand-over per event loop and batch, not per approval.
            answers: dict[asyncio.AbstractEventLoop,
                          list[tuple[asyncio.Future[dict[str, Any]], Outcome]]] = {}
            for waiting, outcome in zip(batch, outcomes, strict=True):
                answers.setdefault(waiting.loop, []).append((waiting.future, outcome))
            for loop, answered in answers.items():
                with contextlib.suppress(RuntimeError):  # its event loop is closed: gone
                    loop.call_soon_threadsafe(_settle, answered)

    def shutdown(self) -> None:
        """Finish what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._waiting.put(None)
            thread.join(timeout=30)
