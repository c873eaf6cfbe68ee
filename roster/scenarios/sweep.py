"""Run many what-if scenarios: a local process pool by default, or Ray when configured.

`sweep(whatifs, backend="process", max_workers=None, hint=None, cache_dir=None)` returns the
results in the order given, with a progress bar on stderr. Ray is used with
`backend="ray"`, or with `backend="auto"` when `RAY_ADDRESS` is set; `ray_address` (else
`RAY_ADDRESS`) names the cluster, and without either a local Ray instance is started with
`max_workers` CPUs. Ray is an optional extra: `pip install 'roster[ray]'`.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from forecasting.validation import InputError
from roster.domain import Roster
from roster.scenarios.run import Result, WhatIf, check_whatif, run

Backend = Literal["auto", "process", "ray", "serial"]


def _progress(total: int, show: bool) -> Progress:
    return Progress(TextColumn("what-if"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(file=sys.stderr), disable=not show,
                    transient=False)


def choose_backend(backend: Backend, ray_address: str | None = None) -> str:
    """`auto` is Ray when an address is given or `RAY_ADDRESS` is set, else processes."""
    if backend not in ("auto", "process", "ray", "serial"):
        raise InputError(f"backend: expected one of auto, process, ray, serial, got {backend!r}")
    if backend == "auto":
        return "ray" if (ray_address or os.environ.get("RAY_ADDRESS")) else "process"
    return backend


def sweep(whatifs: Sequence[WhatIf], backend: Backend = "process",
          max_workers: int | None = None, hint: Roster | None = None,
          cache_dir: Path | None = None, ray_address: str | None = None,
          progress: bool = True) -> list[Result]:
    """Run every scenario (each with one solver thread) and return results in input order."""
    names = [w.name for w in whatifs]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"whatifs: expected unique names, got {dupes} more than once")
    workers = max_workers or os.cpu_count() or 1
    if workers < 1:
        raise InputError(f"max_workers: expected a whole number >= 1, got {max_workers}")
    kind = choose_backend(backend, ray_address)
    for whatif in whatifs:
        check_whatif(whatif)
    if kind == "ray":
        return _ray(list(whatifs), workers, hint, cache_dir, ray_address, progress)
    results: list[Result | None] = [None] * len(whatifs)
    with _progress(len(whatifs), progress) as bar:
        task = bar.add_task("what-if", total=len(whatifs))
        if kind == "serial" or workers == 1:
            for i, whatif in enumerate(whatifs):
                results[i] = run(whatif, hint, cache_dir)
                bar.advance(task)
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(run, w, hint, cache_dir): i
                           for i, w in enumerate(whatifs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.advance(task)
    return [r for r in results if r is not None]


def _ray(whatifs: list[WhatIf], workers: int, hint: Roster | None, cache_dir: Path | None,
         address: str | None, progress: bool) -> list[Result]:
    try:
        import ray
    except ImportError:
        raise InputError("backend 'ray': expected the optional extra (pip install "
                         "'roster[ray]'), got no ray module") from None
    address = address or os.environ.get("RAY_ADDRESS")
    started = not ray.is_initialized()
    if started:
        if address:
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, ignore_reinit_error=True,
                     log_to_driver=False)
    try:
        remote = ray.remote(num_cpus=1)(run)
        shared = ray.put(hint)
        pending = {remote.remote(w, shared, cache_dir): i  # type: ignore[call-arg]
                   for i, w in enumerate(whatifs)}
        results: list[Result | None] = [None] * len(whatifs)
        with _progress(len(whatifs), progress) as bar:
            task = bar.add_task("what-if", total=len(whatifs))
            waiting = list(pending)
            while waiting:
                done, waiting = ray.wait(waiting, num_returns=1)
                for ref in done:
                    results[pending[ref]] = ray.get(ref)
                    bar.advance(task)
        return [r for r in results if r is not None]
    finally:
        if started:
            ray.shutdown()
