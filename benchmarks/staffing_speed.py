"""Staffing speed: a year of hourly intervals for 2 queues (17,520 intervals).

Side by side on the same inputs (seeded volumes, AHT, 80% within 20 s, shrinkage 30%):

- `roster.staffing.requirements` with Erlang C, and with Erlang A (patience, ASA and
  abandonment ceilings), including the +/- one agent service levels;
- pyworkforce 0.5.1 `ErlangC.required_positions` (Erlang C only; it has no Erlang A),
  one interval at a time, as its API offers.

Prints the seconds of each, the ratio to pyworkforce, and whether the Erlang C agent counts
agree. Also times one interval of 1,000 and 5,000 Erlangs. Run:

    .venv/bin/python benchmarks/staffing_speed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd
from pyworkforce.queuing import ErlangC

from roster.domain import Queue
from roster.staffing import required_agents, requirements

HOURS = 365 * 24
AHT = 240.0


def forecast(seed: int = 0) -> pd.DataFrame:
    """Hourly volumes with a daily wave, for queues presale and aftersale."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2025-01-01", periods=HOURS, freq="h")
    wave = 1 + 0.8 * np.sin((hours.hour.to_numpy() - 9) / 24 * 2 * np.pi)
    frames = []
    for name, level in (("presale", 400.0), ("aftersale", 150.0)):
        volume = rng.gamma(20, level * wave / 20)
        frames.append(pd.DataFrame({"timestamp": hours, "queue": name, "forecast": volume,
                                    "p10": volume * 0.8, "p50": volume, "p90": volume * 1.2}))
    return pd.concat(frames, ignore_index=True)


def queues(patience: float | None) -> dict[str, Queue]:
    extra = {"patience_seconds": patience, "max_abandon": 0.05, "max_asa_seconds": 30} if (
        patience) else {}
    return {name: Queue(name=name, aht_seconds=AHT, service_level=0.8, answer_within_seconds=20,
                        shrinkage=0.3, **extra) for name in ("presale", "aftersale")}


def best_of(repeats: int, call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def pyworkforce_agents(frame: pd.DataFrame) -> list[int]:
    agents = []
    for volume in frame["p50"]:
        if volume <= 0:
            agents.append(0)
            continue
        erlang = ErlangC(transactions=volume, aht=AHT / 60, asa=20 / 60, interval=60,
                         shrinkage=0.3)
        agents.append(erlang.required_positions(service_level=0.8)["raw_positions"])
    return agents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame = forecast()
    print(f"{len(frame):,} intervals (hourly, 2 queues, one year), best of {args.repeats}")

    c_time, c_table = best_of(args.repeats, lambda: requirements(frame, queues(None)))
    a_time, _ = best_of(args.repeats, lambda: requirements(frame, queues(120.0)))
    p_time, p_agents = best_of(1, lambda: pyworkforce_agents(frame))

    ours = c_table.set_index(["start", "queue"])["agents"]  # type: ignore[union-attr]
    theirs = pd.Series(p_agents, index=pd.MultiIndex.from_frame(
        frame[["timestamp", "queue"]].rename(columns={"timestamp": "start"})))
    same = int((ours.loc[theirs.index].to_numpy() == theirs.to_numpy()).sum())

    print(f"pyworkforce ErlangC (one interval at a time): {p_time:8.3f} s")
    print(f"roster Erlang C requirements:                 {c_time:8.3f} s  "
          f"({p_time / c_time:,.0f}x faster than pyworkforce)")
    print(f"roster Erlang A requirements (+ASA, abandon): {a_time:8.3f} s  "
          f"({p_time / a_time:,.0f}x faster than pyworkforce's Erlang C); target < 1 s: "
          f"{'met' if a_time < 1 else 'MISSED'}")
    print(f"Erlang C agents equal to pyworkforce's in {same:,} of {len(theirs):,} intervals")

    big = Queue(name="big", aht_seconds=300, service_level=0.8, answer_within_seconds=20,
                patience_seconds=180)
    for erlangs in (1_000, 5_000):
        volume = erlangs * 3600 / 300
        seconds, projection = best_of(args.repeats, lambda v=volume: required_agents(big, v, 60))
        print(f"{erlangs:,} Erlangs, Erlang A: {projection.agents} agents "  # type: ignore[union-attr]
              f"(SL {projection.service_level:.4f}) in {seconds * 1000:.1f} ms")  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
