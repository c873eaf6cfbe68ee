"""Discrete-event simulation of one queue over a day (SimPy), to check the queueing models.

- Arrivals: Poisson at each interval's rate (volume / interval length), piecewise constant.
- Servers: `agents[i]` agents in interval i, each with `concurrency` slots. An agent leaving
  at an interval boundary finishes the contact in hand; one joining starts taking contacts.
  After the last interval the last staffing stays on until every counted contact is done.
- Handling time: exponential or lognormal (mean `aht_seconds`, coefficient of variation
  `service_cv`). With `slowdown` > 0 (chat), a chat started while its agent then carries k
  chats lasts `(1 + slowdown (k - 1)) / (1 + slowdown (c - 1))` times a base draw, so AHT is
  met at full concurrency c and chats are quicker when the agent is less busy.
- Patience: exponential with mean `patience_seconds` (none: contacts wait forever).
  Contacts are served first come, first served; one whose patience runs out leaves.

Measures, over contacts arriving after the warm-up intervals, as in the analytic models:
service level = answered within `within_seconds` / arrived (an abandoned contact counts as
not answered); ASA = mean wait of answered contacts; abandonment = abandoned / arrived.
Each is reported as a mean over independent replications with a 95% t confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import simpy
from scipy import stats

DRAIN_CAP_SECONDS = 24 * 3600.0
"""How long after the last interval the simulation waits for contacts still queued."""


@dataclass(frozen=True)
class Setup:
    """One simulated queue: per-interval volumes and agents, and its service parameters."""

    interval_minutes: int
    volumes: Sequence[float]
    agents: Sequence[int]
    aht_seconds: float
    within_seconds: float
    patience_seconds: float | None = None
    service: Literal["exponential", "lognormal"] = "exponential"
    service_cv: float = 1.0
    concurrency: int = 1
    slowdown: float = 0.0
    warmup_intervals: int = 0

    def __post_init__(self) -> None:
        if len(self.volumes) != len(self.agents):
            raise ValueError(f"expected as many agent counts as volumes, got {len(self.agents)} "
                             f"and {len(self.volumes)}")
        if not 0 <= self.warmup_intervals < len(self.volumes):
            raise ValueError(f"expected 0 <= warmup_intervals < {len(self.volumes)}, "
                             f"got {self.warmup_intervals}")
        if self.service not in ("exponential", "lognormal"):
            raise ValueError(f"expected service 'exponential' or 'lognormal', got {self.service!r}")


@dataclass(frozen=True)
class Estimate:
    """Mean over replications and its 95% confidence interval."""

    mean: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Result:
    """Simulated service: estimates and the per-replication values behind them."""

    service_level: Estimate
    asa_seconds: Estimate
    abandon_probability: Estimate
    contacts: int
    per_replication: dict[str, list[float]] = field(repr=False)


def stationary(
    load: float, agents: int, aht_seconds: float, within_seconds: float, *,
    patience_seconds: float | None = None, hours: float = 4.0, warmup_hours: float = 1.0,
    **options: object,
) -> Setup:
    """A constant `load` (Erlangs) served by constant `agents`, hourly intervals."""
    intervals = math.ceil(hours + warmup_hours)
    volume = load * 3600.0 / aht_seconds
    return Setup(interval_minutes=60, volumes=[volume] * intervals, agents=[agents] * intervals,
                 aht_seconds=aht_seconds, within_seconds=within_seconds,
                 patience_seconds=patience_seconds, warmup_intervals=int(warmup_hours),
                 **options)  # type: ignore[arg-type]


def simulate(setup: Setup, replications: int = 20, seed: int = 0) -> Result:
    """Run `replications` independent replications of `setup`, seeded from `seed`."""
    if replications < 2:
        raise ValueError(f"expected at least 2 replications for a confidence interval, "
                         f"got {replications}")
    seeds = np.random.SeedSequence(seed).spawn(replications)
    runs = [_replicate(setup, np.random.default_rng(s)) for s in seeds]
    values = {
        "service_level": [r[0] for r in runs],
        "asa_seconds": [r[1] for r in runs],
        "abandon_probability": [r[2] for r in runs],
    }
    return Result(
        service_level=_estimate(values["service_level"]),
        asa_seconds=_estimate(values["asa_seconds"]),
        abandon_probability=_estimate(values["abandon_probability"]),
        contacts=int(sum(r[3] for r in runs)),
        per_replication=values,
    )


def _estimate(values: list[float]) -> Estimate:
    data = np.asarray([v for v in values if math.isfinite(v)], float)
    if data.size == 0:
        return Estimate(math.nan, math.nan, math.nan)
    mean = float(data.mean())
    if data.size < 2:
        return Estimate(mean, math.nan, math.nan)
    half = float(stats.t.ppf(0.975, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
    return Estimate(mean, mean - half, mean + half)


class _Contact:
    __slots__ = ("arrival", "counted", "done", "start")

    def __init__(self, arrival: float, counted: bool):
        self.arrival = arrival
        self.counted = counted
        self.start: float | None = None
        self.done = False


class _Run:
    """State of one replication."""

    def __init__(self, setup: Setup, rng: np.random.Generator):
        self.setup = setup
        self.rng = rng
        self.env = simpy.Environment()
        self.queue = simpy.Store(self.env)
        self.length = setup.interval_minutes * 60.0
        self.horizon = self.length * len(setup.volumes)
        self.contacts: list[_Contact] = []
        self.pending = 0
        self.arrivals_over = False
        self.all_done = self.env.event()
        self.load = [0] * max(max(setup.agents, default=0), 1)
        if setup.service == "lognormal":
            sigma2 = math.log(1.0 + setup.service_cv**2)
            self.log_mu, self.log_sigma = math.log(setup.aht_seconds) - sigma2 / 2, sigma2**0.5

    def staffing(self, moment: float) -> int:
        index = min(int(moment // self.length), len(self.setup.agents) - 1)
        return int(self.setup.agents[index])

    def next_change(self, agent: int, moment: float, on_duty: bool) -> float:
        """The next interval start at which `agent` goes off (on_duty) or on duty, else inf."""
        index = int(moment // self.length) + 1
        while index < len(self.setup.agents):
            if (agent < self.setup.agents[index]) != on_duty:
                return index * self.length
            index += 1
        return math.inf

    def handling_time(self, carried: int) -> float:
        setup = self.setup
        if setup.service == "lognormal":
            base = float(self.rng.lognormal(self.log_mu, self.log_sigma))
        else:
            base = float(self.rng.exponential(setup.aht_seconds))
        if setup.slowdown:
            c = setup.concurrency
            base *= (1 + setup.slowdown * (carried - 1)) / (1 + setup.slowdown * (c - 1))
        return base

    def arrivals(self):  # type: ignore[no-untyped-def]
        env, setup = self.env, self.setup
        for index, volume in enumerate(setup.volumes):
            end = (index + 1) * self.length
            rate = volume / self.length
            while True:
                gap = self.rng.exponential(1.0 / rate) if rate > 0 else math.inf
                if env.now + gap >= end:
                    yield env.timeout(end - env.now)
                    break
                yield env.timeout(gap)
                self.arrive(index >= setup.warmup_intervals)
        self.arrivals_over = True
        self.check_done()

    def arrive(self, counted: bool) -> None:
        contact = _Contact(self.env.now, counted)
        self.contacts.append(contact)
        self.pending += 1
        self.queue.put(contact)
        if self.setup.patience_seconds is not None:
            patience = self.rng.exponential(self.setup.patience_seconds)
            self.env.timeout(patience).callbacks.append(lambda _e, c=contact: self.abandon(c))

    def abandon(self, contact: _Contact) -> None:
        if contact.start is None and not contact.done:
            contact.done = True
            self.pending -= 1
            self.check_done()

    def check_done(self) -> None:
        if self.arrivals_over and self.pending == 0 and not self.all_done.triggered:
            self.all_done.succeed()

    def slot(self, agent: int):  # type: ignore[no-untyped-def]
        env = self.env
        while True:
            if agent >= self.staffing(env.now):
                back = self.next_change(agent, env.now, on_duty=False)
                if back == math.inf:
                    return
                yield env.timeout(back - env.now)
                continue
            off = self.next_change(agent, env.now, on_duty=True)
            request = self.queue.get()
            if off == math.inf:
                yield request
            else:
                yield request | env.timeout(off - env.now)
                if not request.triggered:
                    request.cancel()
                    continue
            contact: _Contact = request.value
            if contact.done:
                continue  # abandoned while queued
            contact.start = env.now
            self.load[agent] += 1
            yield env.timeout(self.handling_time(self.load[agent]))
            self.load[agent] -= 1
            contact.done = True
            self.pending -= 1
            self.check_done()


def _replicate(setup: Setup, rng: np.random.Generator) -> tuple[float, float, float, int]:
    run = _Run(setup, rng)
    env = run.env
    env.process(run.arrivals())
    for agent in range(max(setup.agents, default=0)):
        for _ in range(setup.concurrency):
            env.process(run.slot(agent))
    env.run(until=env.any_of([run.all_done, env.timeout(run.horizon + DRAIN_CAP_SECONDS)]))
    counted = [c for c in run.contacts if c.counted]
    if not counted:
        return math.nan, math.nan, math.nan, 0
    waits = np.array([c.start - c.arrival for c in counted if c.start is not None])
    answered_in_time = int(np.sum(waits <= setup.within_seconds))
    abandoned = sum(1 for c in counted if c.done and c.start is None)
    level = answered_in_time / len(counted)
    asa = float(waits.mean()) if waits.size else math.nan
    return level, asa, abandoned / len(counted), len(counted)
