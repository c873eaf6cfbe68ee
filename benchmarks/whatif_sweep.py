"""What-if sweep: 50 variants of the 60-agent sample week, process pool vs local Ray.

```
.venv/bin/python benchmarks/whatif_sweep.py [--variants 50] [--workers 2]
    [--backends process ray] [--steps 6] [--step-time 1.0] [--agent-time 0.3]
```
The base week is solved once (serially) and its roster hints every variant. Each backend
then runs all variants from scratch (no cache) with `--workers` processes / Ray workers of
one solver thread each. Printed: wall time per backend, mean seconds per variant, the CPU
seconds the runs used (a load-independent measure: on a shared machine the wall time mostly
shows the other jobs; CPU / workers is what the sweep takes on idle cores), how many runs
stayed reproducible, the mean roster objective (lower is better: the answers' quality), the
ratio process / Ray, and whether both backends gave the same KPIs (they must: the search is
deterministic). Ray's wall time includes starting the local cluster. `--json` also keeps
each variant's objective.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from roster.scenarios import (
    AddAgents,
    Budget,
    ChangeHandling,
    ChangeRule,
    ChangeTarget,
    RemoveAgents,
    ScaleUplift,
    WhatIf,
    comparison_table,
    run,
    sweep,
)

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
WEEK = date(2026, 11, 23)


def variants(base: WhatIf, count: int) -> list[WhatIf]:
    """`count` variants cycling through every change type with different sizes."""
    makers = [
        lambda i: ScaleUplift(event_kind="after_sales", factor=0.5 + 0.25 * (i % 7)),
        lambda i: ChangeTarget(queue="presale", service_level=0.7 + 0.04 * (i % 7)),
        lambda i: ChangeHandling(queue="aftersale", aht_seconds=360 + 40 * (i % 7)),
        lambda i: AddAgents(count=1 + i % 5, contract="temporary", skills={"aftersale": 2},
                            id_prefix="TMP"),
        lambda i: RemoveAgents(count=1 + i % 4, contract="part_time"),
        lambda i: ChangeRule(rule="preference_day_off", weight=5.0 * (1 + i % 6)),
        lambda i: ChangeHandling(queue="presale", concurrency=2.0 + 0.5 * (i % 5)),
    ]
    out = []
    for i in range(count):
        change = makers[i % len(makers)](i // len(makers))
        out.append(base.with_changes(f"v{i:02d}-{change.kind}", change))
    return out


def _kpis(result) -> str:
    if result.kpis is None:
        return result.status
    return result.kpis.model_dump_json(exclude={"solver": {"seconds",
                                                           "first_solution_seconds"}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", nargs="+", default=["process", "ray"])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--step-time", type=float, default=1.0)
    parser.add_argument("--agent-time", type=float, default=0.3)
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    budget = Budget(agent_time=args.agent_time, steps=args.steps, step_time=args.step_time)
    base = WhatIf(name="base", base=SAMPLE, start=WEEK, budget=budget)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    base_result = run(base)
    base_seconds = time.perf_counter() - started
    print(f"base week: {base_result.status} in {base_seconds:.1f} s, "
          f"{base_result.cpu_seconds:.1f} CPU s (load {load:.1f})", flush=True)
    todo = variants(base, args.variants)
    numbers: dict[str, dict[str, Any]] = {}
    kpis: dict[str, list[str]] = {}
    for backend in args.backends:
        if backend == "ray" and importlib.util.find_spec("ray") is None:
            print("ray: skipped (not installed; pip install 'roster[ray]')")
            continue
        load = os.getloadavg()[0]
        started = time.perf_counter()
        results = sweep(todo, backend=backend, max_workers=args.workers,
                        hint=base_result.roster)
        wall = time.perf_counter() - started
        table = comparison_table(results)
        cpu = sum(r.cpu_seconds for r in results)
        objectives = {r.name: None if r.kpis is None or r.kpis.solver is None
                      else r.kpis.solver.objective for r in results}
        known = [v for v in objectives.values() if v is not None]
        numbers[backend] = {
            "wall_seconds": round(wall, 1),
            "mean_seconds": round(float(table["seconds"].mean()), 1),
            "cpu_seconds": round(cpu, 1), "idle_estimate_seconds": round(cpu / args.workers, 1),
            "reproducible": sum(r.reproducible for r in results),
            "with_roster": sum(r.roster is not None for r in results),
            "mean_objective": round(sum(known) / max(1, len(known)), 2),
            "load_before": round(load, 1), "load_after": round(os.getloadavg()[0], 1)}
        kpis[backend] = [_kpis(r) for r in results]
        numbers[f"{backend}_objectives"] = objectives
        print(f"{backend}: {args.variants} variants in {wall:.1f} s "
              f"({numbers[backend]})", flush=True)
    if "process" in numbers and "ray" in numbers:
        ratio = numbers["process"]["wall_seconds"] / numbers["ray"]["wall_seconds"]
        same = kpis["process"] == kpis["ray"]
        print(f"speed-up of Ray over the process pool: {ratio:.2f}x; identical KPIs: {same}")
        numbers["comparison"] = {"ray_speedup": round(ratio, 2), "identical_kpis": same}
    numbers["base"] = {"seconds": round(base_seconds, 1),
                       "cpu_seconds": round(base_result.cpu_seconds, 1)}
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
