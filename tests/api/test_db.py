"""The write gate that queues approvals: one writer at a time within a process, and across
server processes on SQLite (an flock beside the database)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from api.db import make_engine, write_gate

ROOT = Path(__file__).resolve().parents[2]


def test_one_thread_at_a_time_inside_the_gate(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'g.db'}")
    inside, most, lock = [0], [0], threading.Lock()
    start = threading.Barrier(8)

    def writer() -> None:
        start.wait()
        for _ in range(200):
            with write_gate(engine):
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
    assert (tmp_path / "g.db-writers.lock").exists()
    engine.dispose()


HOLD = """
import sys
from api.db import make_engine, write_gate
engine = make_engine(sys.argv[1])
with write_gate(engine):
    print("inside", flush=True)
    sys.stdin.readline()
print("left", flush=True)
"""


def test_another_process_inside_the_gate_holds_the_lock_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    child = subprocess.Popen([sys.executable, "-c", HOLD, url], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdin is not None
    try:
        assert child.stdout.readline().strip() == "inside"
        fd = os.open(tmp_path / "g.db-writers.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            child.stdin.write("\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "left"
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        child.wait(timeout=30)


def test_postgres_engines_gate_threads_without_a_lock_file() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")  # never connects
    entered: list[bool] = []

    def enter() -> None:
        with write_gate(engine):  # waits until the main thread leaves
            entered.append(True)

    with write_gate(engine):
        other = threading.Thread(target=enter)
        other.start()
        other.join(timeout=0.2)
        assert entered == []
    other.join(timeout=30)
    assert entered == [True]
    engine.dispose()
