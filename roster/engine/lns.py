"""Large-neighbourhood search over agents and days, with CP-SAT sub-solves.

Start from a complete roster (the chosen options of a built model). Each step frees the
options of a neighbourhood — some agents over a window of days, every agent over a shorter
window or over two such windows (so work, a weekend or minutes can move from one to the
other), a few agents over the whole period, or every agent's shifts over a window with
the days worked kept — fixes every other option to the incumbent,
and lets CP-SAT re-optimise the rest from a hint of the incumbent. A result at least as
good replaces the incumbent. Neighbourhood sizes adapt: a sub-solve proved optimal grows
its kind's size (so does one that improved the roster), one stopped by the time limit
without a gain shrinks it.

`workers` threads search at once, each with a one-worker CP-SAT (the solver releases the
GIL), sharing the incumbent under a lock.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from roster.engine.demand import ShiftDemand
from roster.engine.model import BuiltModel


@dataclass
class Incumbent:
    """The best complete assignment so far: 0/1 per option, its objective (solver units)."""

    values: np.ndarray
    objective: int
    found_at: float = 0.0


@dataclass
class LnsStats:
    """What the search did: steps per neighbourhood kind and how many improved."""

    steps: dict[str, int] = field(default_factory=dict)
    improved: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, float] = field(default_factory=dict)


KINDS = ("agents_window", "all_agents_window", "agents_period", "short_cover",
         "all_agents_pair")
"""Neighbourhoods that only free options (the what-if search draws from these)."""
STEP_KINDS = (*KINDS, "shift_types")
"""What `Lns` draws from: also `shift_types`, every agent over a window of days with each
day worked or off as in the incumbent, so only the shifts change (many agents can trade
shifts at once, where freeing their days too would be a model too large to solve)."""


class Lns:
    """LNS on one built model; call `run` with a starting incumbent and a deadline."""

    def __init__(self, built: BuiltModel, seed: int = 0, step_seconds: float = 3.0,
                 step_deterministic: float | None = None,
                 model: cp_model.CpModel | None = None) -> None:
        self.built = built
        self.model = built.model if model is None else model
        """What the sub-solves copy: the built model, or a copy with another objective
        over the same variables (`weekend_plan.guided_model`)."""
        ctx = built.context
        options = ctx.options.options
        self.agent = np.fromiter((o.agent for o in options), dtype=np.int32, count=len(options))
        self.day = np.fromiter((o.day for o in options), dtype=np.int32, count=len(options))
        self.index = np.fromiter((lit.index for lit in ctx.lits), dtype=np.int64,
                                 count=len(options))
        self.cell = self.agent.astype(np.int64) * ctx.days + self.day
        """(agent, day) of each option as one number."""
        self.agents = np.array(sorted(set(ctx.agent_indices())), dtype=np.int32)
        templates: dict[int, set[str]] = {int(a): set() for a in self.agents}
        for o in options:
            templates[o.agent].add(o.template)
        self.templates = templates
        """Templates each agent can work: agents who share them can trade shifts."""
        self.cover_rows = self._cover_rows(built)
        self.days = ctx.days
        self.seed = seed
        self.step_seconds = step_seconds
        self.step_deterministic = step_deterministic
        """CP-SAT deterministic time per sub-solve, if set (reproducible whatever the load)."""
        self.sizes = {kind: 0.15 for kind in STEP_KINDS}
        self.stats = LnsStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._started = threading.Event()
        self.proved_optimal = False
        """Set when a sub-solve freed every option and proved its result optimal."""
        self._bound: int | None = None
        self._best: list[Incumbent] | None = None
        self._on_improve: Callable[[Incumbent], None] | None = None
        self._deadline = 0.0
        self._threads: list[threading.Thread] = []

    def stop(self) -> None:
        self._stop.set()

    def set_bound(self, bound: int) -> None:
        """A proved lower bound on the objective (from work alongside): the search stops
        as soon as its incumbent reaches it, now or later."""
        with self._lock:
            self._bound = bound
            if self._best is not None and self._best[0].objective <= bound:
                self._stop.set()

    def _improved(self, best: list[Incumbent], improved: Incumbent) -> None:
        """Record a better incumbent (lock held); stop when it reaches the bound."""
        best[0] = improved
        if self._on_improve is not None:
            self._on_improve(improved)
        if self._bound is not None and improved.objective <= self._bound:
            self._stop.set()

    # ---- neighbourhoods ------------------------------------------------------------------

    def neighbourhood(self, kind: str, rng: random.Random) -> np.ndarray:
        """A mask of the options to free."""
        n_agents, days = len(self.agents), self.days
        size = self.sizes[kind]
        if kind in ("all_agents_window", "shift_types"):  # shift_types: `step` keeps days
            least = 2 if kind == "all_agents_window" else 1
            width = max(least, min(days, round(size * days)))
            first = rng.randrange(0, days - width + 1)
            return (self.day >= first) & (self.day < first + width)
        if kind == "all_agents_pair":  # two windows: work can move from one to the other
            width = max(1, min(days // 2, round(size * days / 2)))
            free = np.zeros(len(self.day), dtype=bool)
            for first in (rng.randrange(0, days - width + 1) for _ in range(2)):
                free |= (self.day >= first) & (self.day < first + width)
            return free
        if kind == "agents_period":
            count = max(1, min(n_agents, round(size * n_agents)))
            return np.isin(self.agent, self.related_agents(count, rng))
        # agents_window: about `size` of the cells, as a square-ish block of agents x days
        share = min(1.0, size ** 0.5 * 1.4)
        width = max(3, min(days, round(share * days)))
        count = max(1, min(n_agents, round(size * n_agents * days / width)))
        first = rng.randrange(0, days - width + 1)
        chosen = self.related_agents(count, rng)
        return np.isin(self.agent, chosen) & (self.day >= first) & (self.day < first + width)

    @staticmethod
    def _cover_rows(built: BuiltModel) -> list[tuple[int, int, np.ndarray]]:
        """(day, required, option indices) of each shift demand with a shortfall weight."""
        ctx = built.context
        by_key: dict[tuple[int, str], list[int]] = {}
        for i, o in enumerate(ctx.options.options):
            by_key.setdefault((o.day, o.template), []).append(i)
        rows = []
        for demand in ctx.problem.demands:
            if isinstance(demand, ShiftDemand) and demand.required > 0:
                d = (demand.day - ctx.period.start).days
                indices = by_key.get((d, demand.template), [])
                if 0 <= d < ctx.days and indices:
                    rows.append((d, demand.required, np.array(indices, dtype=np.int64)))
        return rows

    def short_days(self, values: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """(day, options that would fill it) of shift demand the incumbent leaves short."""
        return [(d, idx) for d, need, idx in self.cover_rows if int(values[idx].sum()) < need]

    def short_cover(self, values: np.ndarray, rng: random.Random) -> np.ndarray | None:
        """Agents who could fill a short (day, template), with related agents, over days
        around it; None when nothing is short."""
        short = self.short_days(values)
        if not short:
            return None
        day, fillers = rng.choice(short)
        size = self.sizes["short_cover"]
        share = min(1.0, size ** 0.5 * 1.4)
        width = max(3, min(self.days, round(share * self.days)))
        count = max(2, min(len(self.agents), round(size * len(self.agents) * self.days / width)))
        candidates = sorted({int(self.agent[i]) for i in fillers})
        chosen = set(rng.sample(candidates, min(len(candidates), max(1, count // 2))))
        if count > len(chosen):
            chosen |= set(self.related_agents(count - len(chosen), rng))
        first = min(max(0, day - rng.randrange(width)), self.days - width)
        return (np.isin(self.agent, sorted(chosen)) & (self.day >= first)
                & (self.day < first + width))

    def keep_days_worked(self, free: np.ndarray, values: np.ndarray
                         ) -> tuple[np.ndarray, list[list[int]]]:
        """Narrow `free` to the (agent, day) cells the incumbent works, and the literals of
        each such cell (one of them must stay on): the sub-solve re-chooses shifts only."""
        cell = self.cell
        free = free & np.isin(cell, cell[values == 1])
        chosen = np.flatnonzero(free)
        if not len(chosen):
            return free, []
        order = chosen[np.argsort(cell[chosen], kind="stable")]
        cells = cell[order]
        cuts = np.flatnonzero(np.diff(cells)) + 1
        return free, [group.tolist() for group in np.split(self.index[order], cuts)]

    def related_agents(self, count: int, rng: random.Random) -> list[int]:
        """`count` agents: a random one, then (half the time) those sharing most templates."""
        pool = [int(a) for a in self.agents]
        if count >= len(pool) or rng.random() < 0.5:
            return rng.sample(pool, min(count, len(pool)))
        pivot = rng.choice(pool)
        mine = self.templates[pivot]

        def overlap(a: int) -> float:
            theirs = self.templates[a]
            return len(mine & theirs) / max(1, len(mine | theirs)) + rng.random() * 0.3

        others = sorted((a for a in pool if a != pivot), key=overlap, reverse=True)
        return [pivot, *others[:count - 1]]

    def choose_kind(self, rng: random.Random) -> str:
        """A neighbourhood kind, favouring those that improved most per step (with exploration)."""
        if rng.random() < 0.3:
            return rng.choice(STEP_KINDS)
        scores = [(self.stats.improved.get(k, 0) + 1) / (self.stats.steps.get(k, 0) + 2)
                  for k in STEP_KINDS]
        return rng.choices(STEP_KINDS, weights=scores)[0]

    def _adapt(self, kind: str, solved: bool) -> None:
        factor = 1.15 if solved else 0.85
        self.sizes[kind] = float(min(1.0, max(0.01, self.sizes[kind] * factor)))

    # ---- search --------------------------------------------------------------------------

    def step(self, incumbent: Incumbent, kind: str, rng: random.Random,
             seconds: float) -> tuple[np.ndarray | None, int | None, bool]:
        """One sub-solve; (values, objective, proved optimal) of its best solution, if any."""
        free = self.short_cover(incumbent.values, rng) if kind == "short_cover" else None
        if free is None:
            free = self.neighbourhood("agents_window" if kind == "short_cover" else kind, rng)
        values = incumbent.values
        working: list[list[int]] = []
        if kind == "shift_types":
            free, working = self.keep_days_worked(free, values)
        whole = bool(free.all()) and not working
        fixed = ~free
        on = self.index[fixed & (values == 1)]
        off = -self.index[fixed & (values == 0)] - 1
        sub = self.model.clone()
        proto = sub.proto
        proto.constraints.add().bool_and.literals.extend(np.concatenate([on, off]).tolist())
        for lits in working:
            proto.constraints.add().bool_or.literals.extend(lits)
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(self.index[free].tolist())
        proto.solution_hint.values.extend(values[free].astype(np.int64).tolist())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = seconds
        if self.step_deterministic is not None:
            solver.parameters.max_deterministic_time = self.step_deterministic
        solver.parameters.random_seed = rng.randrange(1 << 30)
        code = solver.solve(sub)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, None, code == cp_model.INFEASIBLE
        if whole and code == cp_model.OPTIMAL:
            self.proved_optimal = True
            self._stop.set()
        solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
        return (solution[self.index].astype(np.int8), round(solver.objective_value),
                code == cp_model.OPTIMAL)

    def _loop(self, thread: int) -> None:
        """Sub-solves from the shared incumbent until the deadline or `stop`."""
        best, deadline = self._best, self._deadline
        assert best is not None
        rng = random.Random(self.seed * 1000 + thread)
        while not self._stop.is_set():
            left = deadline - time.perf_counter()
            if left < 0.2:
                return
            with self._lock:
                current = best[0]
                kind = self.choose_kind(rng)
            values, objective, solved = self.step(current, kind, rng,
                                                  min(left, self.step_seconds))
            with self._lock:
                self.stats.steps[kind] = self.stats.steps.get(kind, 0) + 1
                gained = objective is not None and objective < current.objective
                self._adapt(kind, solved or gained)
                if values is not None and objective is not None and (
                        objective <= best[0].objective):
                    if objective < best[0].objective:
                        self.stats.improved[kind] = self.stats.improved.get(kind, 0) + 1
                        self._improved(best, Incumbent(values, objective,
                                                       time.perf_counter()))
                    else:
                        best[0] = Incumbent(values, objective, best[0].found_at)

    def add_thread(self) -> bool:
        """One more search thread during `run` (a core freed by work alongside); False
        when no `run` is in progress."""
        with self._lock:
            if self._best is None or self._stop.is_set():
                return False
            thread = threading.Thread(target=self._loop, args=(len(self._threads),),
                                      daemon=True)
            self._threads.append(thread)
        thread.start()
        return True

    def wait_started(self, timeout: float) -> bool:
        """Wait until `run` has begun (work alongside offers rosters and cores to it), at
        most `timeout` seconds; whether it has."""
        return self._started.wait(timeout)

    def current(self) -> Incumbent | None:
        """The incumbent of the `run` in progress (None when there is none)."""
        with self._lock:
            return None if self._best is None else self._best[0]

    def offer(self, values: np.ndarray, objective: int) -> bool:
        """Take a roster found elsewhere (a whole-model solve alongside) when it beats the
        incumbent; whether it did. False when no `run` is in progress."""
        with self._lock:
            best = self._best
            if best is None or objective >= best[0].objective:
                return False
            self._improved(best, Incumbent(values, objective, time.perf_counter()))
            return True

    def run(self, start: Incumbent, deadline: float, workers: int = 1,
            on_improve: Callable[[Incumbent], None] | None = None) -> Incumbent:
        """Search until `deadline` (perf_counter seconds) on `workers` threads (more may
        join through `add_thread`); the best incumbent found."""
        best = [start]
        with self._lock:
            self._best, self._on_improve, self._deadline = best, on_improve, deadline
            self._threads = []
            if self._bound is not None and start.objective <= self._bound:
                self._stop.set()
        self._started.set()
        for _ in range(max(1, workers)):
            self.add_thread()
        joined = 0
        while True:
            with self._lock:
                threads = list(self._threads)
            for thread in threads[joined:]:
                thread.join()
            with self._lock:
                if len(self._threads) == len(threads):
                    self._best = None
                    break
            joined = len(threads)
        self.stats.sizes = dict(self.sizes)
        return best[0]
