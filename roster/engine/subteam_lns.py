"""Large-neighbourhood search over small sub-teams, for teams too large for one CP-SAT model.

`lns.Lns` frees part of the whole model and re-solves a clone of it: on 300-1,000 agents
each clone is presolved whole, which takes longer than the step. Here each step builds a
small model of its own instead: a few agents (sharing a queue, so they can trade shifts)
against the demand everyone else leaves (`first_solution.residual_demands`, exact for
shortfall and overstaffing), hinted with their current weeks. Hard rules bind one agent at
a time, so any sub-roster the small model returns keeps the whole roster feasible.

Two kinds of step: more agents over one or two days, the rest of their week kept (they
re-time shifts and breaks against each other; most steps, and most of the gains), or a few
agents over the whole period (they can move days). A step's result replaces the agents'
weeks when the small model's objective improves.

The fairness rules compare agents across the whole team, which a small model cannot see:
they are off in the small models (every other rule's change is exact there), so the
search ignores fairness, and the caller recomputes the whole objective at the end.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from roster.domain import RuleSetting
from roster.engine.first_solution import residual_demands
from roster.engine.model import BuiltModel, RosterProblem, build_model

FAIRNESS = ("fairness_weekends", "fairness_late_shifts", "fairness_preferences")


@dataclass
class SubteamStats:
    steps: int = 0
    improved: int = 0
    size: float = 0.0
    gained: float = 0.0
    """Points gained by the sub-models (their objectives, summed)."""
    history: list[tuple[float, float]] = field(default_factory=list)
    """(seconds, points gained so far) after each improving step."""


class SubteamLns:
    """Improve a complete assignment (0/1 per option of `built`) until a deadline."""

    def __init__(self, problem: RosterProblem, built: BuiltModel, values: np.ndarray,
                 seed: int = 0, size: int = 5, step_seconds: float = 3.0,
                 window_share: float = 0.85) -> None:
        settings = problem.team.settings.model_copy(update={"rules": {
            **problem.team.settings.rules,
            **{rule: RuleSetting(enabled=False) for rule in FAIRNESS}}})
        self.problem = replace(problem, team=problem.team.model_copy(
            update={"settings": settings}))
        self.built = built
        self.values = values.copy()
        ctx = built.context
        self.options = ctx.options.options
        self.index = {o: i for i, o in enumerate(self.options)}
        self.agents = list(ctx.agent_indices())
        self.by_agent: dict[int, list[int]] = {a: [] for a in self.agents}
        for (a, _), indices in ctx.options.by_agent_day.items():
            self.by_agent.setdefault(a, []).extend(indices)
        self.skills = {a: set(problem.team.agents[a].skills) for a in self.agents}
        self.days = ctx.days
        self.day_of = np.fromiter((o.day for o in self.options), dtype=np.int32,
                                  count=len(self.options))
        self.seed = seed
        self.size = float(size)
        self.window_size = float(2 * size)
        self.step_seconds = step_seconds
        self.window_share = window_share
        """Share of steps freeing one or two days (the others free whole weeks)."""
        self.stats = SubteamStats(size=size)
        self._lock = threading.Lock()
        self._busy: set[int] = set()
        self._stop = threading.Event()
        self.workers = 1

    def stop(self) -> None:
        self._stop.set()

    def _pick(self, rng: random.Random, size: float) -> list[int]:
        """Up to `size` idle agents sharing a queue with a random idle agent."""
        idle = [a for a in self.agents if a not in self._busy]
        if not idle:
            return []
        seed_agent = rng.choice(idle)
        queue = rng.choice(sorted(self.skills[seed_agent]))
        mates = [a for a in idle if queue in self.skills[a] and a != seed_agent]
        count = max(0, min(len(mates), round(size) - 1))
        return [seed_agent, *rng.sample(mates, count)]

    def step(self, chosen: list[int], seconds: float, rng: random.Random,
             window: range | None = None) -> float:
        """Re-plan `chosen` (only the days in `window`, when given) against the others;
        points gained (0 when nothing better)."""
        with self._lock:
            values = self.values.copy()
        free = set(chosen)
        fixed = [self.options[i] for i in np.flatnonzero(values).tolist()
                 if self.options[i].agent not in free]
        sub = replace(self.problem, agents=sorted(chosen),
                      demands=residual_demands(self.problem, fixed))
        small = build_model(sub)
        ctx = small.context
        lits = ctx.lits
        current = [int(values[self.index[o]]) for o in ctx.options.options]
        if window is not None:  # days outside the window keep their current shifts
            small.model.proto.constraints.add().bool_and.literals.extend(
                [lit.index if v else -lit.index - 1 for o, lit, v in zip(
                    ctx.options.options, lits, current, strict=True) if o.day not in window])
        # the current weeks' objective in the small model
        scored = small.model.clone()
        scored.proto.constraints.add().bool_and.literals.extend(
            [lit.index if v else -lit.index - 1 for lit, v in zip(lits, current, strict=True)])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = seconds
        if solver.solve(scored) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return 0.0
        before = solver.objective_value
        model = small.model
        model.proto.clear_solution_hint()
        model.proto.solution_hint.vars.extend(range(len(model.proto.variables)))
        model.proto.solution_hint.values.extend(solver.response_proto.solution)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.random_seed = rng.randrange(1 << 30)
        code = solver.solve(model)
        grow = 1.1 if code == cp_model.OPTIMAL else 0.9
        if window is None:
            self.size = min(len(self.agents), max(2.0, self.size * grow))
        else:
            self.window_size = min(len(self.agents), max(2.0, self.window_size * grow))
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return 0.0
        gain = before - solver.objective_value
        if gain <= 0:
            return 0.0
        with self._lock:
            for a in chosen:
                self.values[self.by_agent[a]] = 0
            for o, lit in zip(ctx.options.options, lits, strict=True):
                if solver.boolean_value(lit):
                    self.values[self.index[o]] = 1
        return gain

    def run(self, deadline: float, workers: int = 1,
            on_improve: Callable[[float], None] | None = None) -> np.ndarray:
        """Search until `deadline` (perf_counter seconds); the improved assignment.

        Steps run one at a time (so their gains add up exactly), each sub-solve on
        `workers` CP-SAT workers."""
        started = time.perf_counter()

        def loop(thread: int) -> None:
            rng = random.Random(self.seed * 1000 + thread)
            while not self._stop.is_set():
                left = deadline - time.perf_counter()
                if left < 0.3:
                    return
                window = None
                if self.days > 2 and rng.random() < self.window_share:
                    width = rng.choice((1, 2))
                    first = rng.randrange(0, self.days - width + 1)
                    window = range(first, first + width)
                with self._lock:
                    chosen = self._pick(rng, self.size if window is None else self.window_size)
                    self._busy.update(chosen)
                try:
                    gain = self.step(chosen, min(left, self.step_seconds), rng,
                                     window) if chosen else 0
                finally:
                    with self._lock:
                        self._busy.difference_update(chosen)
                with self._lock:
                    self.stats.steps += 1
                    if gain > 0:
                        self.stats.improved += 1
                        self.stats.gained += gain
                        self.stats.history.append((time.perf_counter() - started,
                                                   self.stats.gained))
                if gain > 0 and on_improve is not None:
                    on_improve(gain)

        self.workers = max(1, workers)
        loop(0)
        self.stats.size = self.size
        return self.values
