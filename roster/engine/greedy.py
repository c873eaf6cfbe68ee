"""A fast first roster: agent by agent, each agent's best week against the uncovered demand.

Pure Python and numpy, no solver: for 1,000 agents it takes seconds where a CP-SAT model
per agent takes minutes. For one agent:

1. every option is scored against what the agents before left uncovered (shortfall points
   it removes, less overstaffing and labour cost points), with prefix sums over intervals;
2. per day only the best option of each (template, start) is kept — breaks and queues
   bind no hard rule, so they are chosen for coverage alone;
3. work/off patterns over the period are enumerated and filtered by the day rules (days per
   week, runs of working days and days off, weekends), best estimated score first;
4. within a pattern a dynamic programme over the worked days picks the shifts, keeping
   rest, forbidden successions and per-template maxima; minutes are then checked.

Agents for whom no pattern passes (long periods, pins, odd contracts) are left to
`first_solution` (a small CP-SAT model each). Then improvement passes re-plan each agent
against everyone else's shifts while they help. The result is a set of option indices; the
caller checks it (the model, or `roster.checker`) before trusting it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from ortools.sat.python import cp_model

from roster.domain import Agent, Contract, absent_days, prorated_minimum
from roster.engine.demand import IntervalDemand
from roster.engine.model import BuiltModel, RosterProblem
from roster.engine.variables import OptionSet, enumerate_options, to_minutes
from roster.engine.weights import SCALE, enabled, weight

MAX_PATTERN_DAYS = 10
"""Longer periods are not enumerated (2^days patterns); those agents go to first_solution."""


@dataclass
class GreedyResult:
    """Chosen option indices (into `options.options`), agents left to the fallback, seconds."""

    options: OptionSet
    chosen: list[int]
    fallback: list[int] = field(default_factory=list)
    passes: int = 0
    seconds: float = 0.0


class _Coverage:
    """Residual demand per (queue, interval) and the marginal points of one more agent."""

    def __init__(self, problem: RosterProblem, queues: list[str], horizon: int) -> None:
        period = problem.period
        step = period.interval_minutes
        settings = problem.team.settings
        hours = step / 60
        self.queues = queues
        self.need = np.zeros((len(queues), horizon), dtype=np.int32)
        self.short = np.zeros((len(queues), horizon))
        demanded = set()
        for demand in problem.demands:
            if isinstance(demand, IntervalDemand) and demand.queue in queues:
                t = to_minutes(period, demand.start) // step
                if 0 <= t < period.days * period.intervals_per_day:
                    q = queues.index(demand.queue)
                    demanded.add(q)
                    self.need[q, t] = demand.agents
                    self.short[q, t] = weight(settings, "coverage_shortfall") * hours * (
                        demand.value) * SCALE if enabled(settings, "coverage_shortfall") else 0
        self.over = np.zeros(len(queues))
        if enabled(settings, "overstaffing"):
            for q in demanded:
                self.over[q] = weight(settings, "overstaffing") * hours * SCALE
        self.have = np.zeros_like(self.need)
        self.prefix = np.zeros((len(queues), horizon + 1))
        for q in range(len(queues)):
            self._refresh(q)

    def _refresh(self, q: int) -> None:
        gain = np.where(self.have[q] < self.need[q], self.short[q], -self.over[q])
        self.prefix[q, 1:] = np.cumsum(gain)

    def add(self, q: int, pieces: list[tuple[int, int]], sign: int) -> None:
        for lo, hi in pieces:
            self.have[q, lo:hi] += sign
        self._refresh(q)


def _day_rules_ok(pattern: tuple[bool, ...], contract: Contract, least_days: list[int],
                  blocks: list[tuple[int, int]], weekends: list[list[int]],
                  carried: tuple[int, bool] | None, max_weekends_on: bool,
                  rules: dict[str, bool]) -> bool:
    """The checker's day-level rules on a work/off pattern (see roster.checker)."""
    for (first, length), least in zip(blocks, least_days, strict=True):
        days = sum(pattern[first:first + length])
        if rules["days_per_week"] and (days > contract.max_days_per_week or (
                length == 7 and days < least)):
            return False
    if max_weekends_on and sum(any(pattern[d] for d in g) for g in weekends) > (
            contract.max_weekends):
        return False
    index, n = 0, len(pattern)
    while index < n:
        state = pattern[index]
        end = index
        while end < n and pattern[end] == state:
            end += 1
        length = end - index
        if index == 0 and carried is not None and carried[1] == state:
            length += carried[0]
        exempt = end == n or (index == 0 and carried is None)
        if state and rules["max_consecutive_days"] and length > contract.max_consecutive_days:
            return False
        if not exempt and state and rules["min_consecutive_days"] and (
                length < contract.min_consecutive_days):
            return False
        if not exempt and not state and rules["min_consecutive_days_off"] and (
                length < contract.min_consecutive_days_off):
            return False
        index = end
    return True


class GreedyBuilder:
    """Holds the option arrays and the residual demand; `build` runs the whole heuristic."""

    def __init__(self, problem: RosterProblem, options: OptionSet | None = None,
                 costs: np.ndarray | None = None) -> None:
        self.problem = problem
        self.team = problem.team
        self.period = problem.period
        self.options = options or enumerate_options(problem.team, problem.period,
                                                    agents=problem.agents)
        opts = self.options.options
        step = self.period.interval_minutes
        self.queues = list(self.team.settings.queues)
        qindex = {q: i for i, q in enumerate(self.queues)}
        self.horizon = self.period.days * self.period.intervals_per_day + 2 * (
            self.period.intervals_per_day)
        self.q = np.array([qindex[o.queue] for o in opts], dtype=np.int32)
        self.s = np.array([o.start // step for o in opts], dtype=np.int64)
        self.e = np.array([min(-(-o.end // step), self.horizon) for o in opts], dtype=np.int64)
        self.bs = np.array([(o.break_start // step) if o.break_start is not None else 0
                            for o in opts], dtype=np.int64)
        self.be = np.array([-(-(o.break_start + o.break_length) // step)
                            if o.break_start is not None else 0 for o in opts], dtype=np.int64)
        settings = self.team.settings
        cost_on = enabled(settings, "labour_cost")
        self.cost = costs if costs is not None else np.array([
            weight(settings, "labour_cost") * self.team.contract_of(self.team.agents[o.agent])
            .hourly_cost * o.paid / 60 * SCALE if cost_on else 0.0 for o in opts])
        self.cover = _Coverage(problem, self.queues, self.horizon)
        self.rules = {r: enabled(settings, r) for r in (
            "days_per_week", "max_consecutive_days", "min_consecutive_days",
            "min_consecutive_days_off", "max_weekends", "max_per_template", "min_rest",
            "forbidden_successions", "minutes_per_week", "minutes_per_period")}
        self.forbidden = set(settings.forbidden_successions) if self.rules[
            "forbidden_successions"] else set()
        self.chosen: dict[int, list[int]] = {}
        self.pinned = {s.agent_id for s in problem.pinned}

    # ---- scoring ---------------------------------------------------------------------------

    def scores(self, indices: np.ndarray) -> np.ndarray:
        """Points one option saves against the residual demand (higher is better)."""
        p = self.cover.prefix
        q, s, e, bs, be = (self.q[indices], self.s[indices], self.e[indices],
                           self.bs[indices], self.be[indices])
        return p[q, e] - p[q, s] - (p[q, be] - p[q, bs]) - self.cost[indices]

    def _pieces(self, i: int) -> list[tuple[int, int]]:
        if self.be[i] > self.bs[i]:
            return [(int(self.s[i]), int(self.bs[i])), (int(self.be[i]), int(self.e[i]))]
        return [(int(self.s[i]), int(self.e[i]))]

    def _apply(self, a: int, indices: list[int], sign: int) -> None:
        for i in indices:
            self.cover.add(int(self.q[i]), self._pieces(i), sign)
        if sign > 0:
            self.chosen[a] = list(indices)
        else:
            self.chosen.pop(a, None)

    # ---- one agent -------------------------------------------------------------------------

    def _boundary(self, agent: Agent) -> tuple[tuple[int, bool] | None,
                                                tuple[int, str, int] | None]:
        """(carried run (length, working) or None without a previous roster, last shift
        (end minute, template))."""
        previous = self.problem.previous
        if previous is None:
            return None, None
        start = self.period.start
        earlier = sorted((s for s in previous.shifts if s.agent_id == agent.id
                          and s.date < start), key=lambda s: s.start)
        done = {s.date for s in earlier}
        day = start - timedelta(days=1)
        state = day in done
        run = 0
        while (day in done) == state and day >= start - timedelta(days=400):
            run += 1
            day -= timedelta(days=1)
        last: tuple[int, str, int] | None = None
        if earlier:
            shift = earlier[-1]
            last = (to_minutes(self.period, shift.end), shift.template or "",
                    (start - shift.date).days)
        return (run, state), last

    def plan_agent(self, a: int, patterns: int = 6) -> list[int] | None:
        """The agent's best week against the residual demand, or None (leave to fallback)."""
        agent = self.team.agents[a]
        if agent.id in self.pinned:
            return None
        contract = self.team.contract_of(agent)
        days = self.period.days
        if days > MAX_PATTERN_DAYS:
            return None
        # best option per (day, template, start)
        per_day: list[list[tuple[float, int]]] = []
        for d in range(days):
            indices = np.array(self.options.by_agent_day.get((a, d), []), dtype=np.int64)
            best: dict[tuple[str, int], tuple[float, int]] = {}
            if len(indices):
                values = self.scores(indices)
                for i, v in zip(indices.tolist(), values.tolist(), strict=True):
                    o = self.options.options[i]
                    key = (o.template, o.start)
                    if key not in best or v > best[key][0]:
                        best[key] = (v, i)
            per_day.append(sorted(best.values(), reverse=True))
        carried, last = self._boundary(agent)
        dates = [self.period.start + timedelta(days=d) for d in range(days)]
        blocks = [(f, min(7, days - f)) for f in range(0, days, 7)]
        least_days = [prorated_minimum(contract.min_days_per_week, 7, absent_days(
            self.team, agent, dates[f:f + n])) for f, n in blocks]
        weekends = [[(day - self.period.start).days for day in g] for g in self.period.weekends()]
        can = [bool(x) for x in per_day]
        ranked = []
        for pattern in itertools.product((False, True), repeat=days):
            if any(p and not c for p, c in zip(pattern, can, strict=True)):
                continue
            if not _day_rules_ok(pattern, contract, least_days, blocks, weekends, carried,
                                 self.rules["max_weekends"], self.rules):
                continue
            estimate = sum(per_day[d][0][0] for d in range(days) if pattern[d])
            ranked.append((estimate, pattern))
        ranked.sort(key=lambda x: -x[0])
        for _, pattern in ranked[:patterns]:
            picked = self._shifts_for(a, contract, pattern, per_day, last, dates, blocks)
            if picked is not None:
                return picked
        return None

    def _shifts_for(self, a: int, contract: Contract, pattern: tuple[bool, ...],
                    per_day: list[list[tuple[float, int]]], last: tuple[int, str, int] | None,
                    dates: list, blocks: list[tuple[int, int]]) -> list[int] | None:
        """Best shifts on the pattern's days keeping rest, successions and template maxima."""
        opts = self.options.options
        rest = round(contract.min_rest_hours * 60) if self.rules["min_rest"] else 0
        limits = dict(contract.max_per_template) if self.rules["max_per_template"] else {}
        limited = sorted(limits)
        # state: (previous option index or -1, counts of limited templates)
        start_state = (-1, tuple(0 for _ in limited))
        layer: dict[tuple[int, tuple[int, ...]], tuple[float, list[int]]] = {
            start_state: (0.0, [])}
        worked_days = [d for d in range(len(pattern)) if pattern[d]]
        for d in worked_days:
            nxt: dict[tuple[int, tuple[int, ...]], tuple[float, list[int]]] = {}
            for (prev, counts), (value, path) in layer.items():
                if prev >= 0:
                    p = opts[prev]
                    prev_end, prev_tpl, prev_day = p.end, p.template, p.day
                elif last is not None:
                    prev_end, prev_tpl, prev_day = last[0], last[1], -last[2]
                else:
                    prev_end, prev_tpl, prev_day = None, None, None
                for score, i in per_day[d]:
                    o = opts[i]
                    if prev_end is not None and o.start - prev_end < rest:
                        continue
                    if prev_end is not None and o.start < prev_end:
                        continue
                    if prev_tpl is not None and prev_day is not None and d - prev_day == 1 and (
                            prev_tpl, o.template) in self.forbidden:
                        continue
                    new_counts = counts
                    if o.template in limits:
                        k = limited.index(o.template)
                        if counts[k] + 1 > limits[o.template]:
                            continue
                        new_counts = (*counts[:k], counts[k] + 1, *counts[k + 1:])
                    key = (i, new_counts)
                    total = value + score
                    if key not in nxt or total > nxt[key][0]:
                        nxt[key] = (total, [*path, i])
            if not nxt:
                return None
            # keep the state space small: best few per previous end time
            layer = dict(sorted(nxt.items(), key=lambda kv: -kv[1][0])[:60])
        best = max(layer.values(), key=lambda v: v[0])[1] if layer else []
        if not self._minutes_ok(a, contract, best, dates, blocks):
            return None
        return best

    def _minutes_ok(self, a: int, contract: Contract, picked: list[int], dates: list,
                    blocks: list[tuple[int, int]]) -> bool:
        opts = self.options.options
        agent = self.team.agents[a]
        paid = {opts[i].day: opts[i].paid for i in picked}
        if self.rules["minutes_per_week"]:
            for first, length in blocks:
                minutes = sum(paid.get(d, 0) for d in range(first, first + length))
                if minutes > contract.max_minutes_per_week:
                    return False
                least = prorated_minimum(contract.min_minutes_per_week, 7, absent_days(
                    self.team, agent, dates[first:first + length]))
                if length == 7 and minutes < least:
                    return False
        if self.rules["minutes_per_period"]:
            total = sum(paid.values())
            if contract.max_minutes_per_period is not None and (
                    total > contract.max_minutes_per_period):
                return False
            if contract.min_minutes_per_period is not None and total < prorated_minimum(
                    contract.min_minutes_per_period, len(dates),
                    absent_days(self.team, agent, dates)):
                return False
        return True

    # ---- the whole team --------------------------------------------------------------------

    def agents(self) -> list[int]:
        if self.problem.agents is not None:
            return list(self.problem.agents)
        return list(range(len(self.team.agents)))

    def build(self, deadline: float | None = None, improve: bool = True) -> GreedyResult:
        started = time.perf_counter()
        order = sorted(self.agents(), key=lambda a: (
            sum(len(self.options.by_agent_day.get((a, d), [])) for d in range(
                self.period.days)), a))
        fallback = []
        for a in order:
            picked = self.plan_agent(a)
            if picked is None:
                fallback.append(a)
            else:
                self._apply(a, picked, +1)
        passes = 0
        while improve and (deadline is None or time.perf_counter() < deadline):
            passes += 1
            changed = 0
            for a in order:
                if a not in self.chosen:
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    break
                before = self.chosen[a]
                self._apply(a, before, -1)
                old = float(self.scores(np.array(before, dtype=np.int64)).sum()) if before else 0.0
                picked = self.plan_agent(a)
                new = float(self.scores(np.array(picked, dtype=np.int64)).sum()) if picked else 0.0
                if picked is not None and new > old + 1e-6:
                    self._apply(a, picked, +1)
                    changed += 1
                else:
                    self._apply(a, before, +1)
            if not changed or passes >= 4:
                break
        chosen = sorted(i for picks in self.chosen.values() for i in picks)
        return GreedyResult(self.options, chosen, sorted(fallback), passes,
                            time.perf_counter() - started)


def greedy_roster(problem: RosterProblem, options: OptionSet | None = None,
                  deadline: float | None = None, improve: bool = True,
                  costs: np.ndarray | None = None) -> GreedyResult:
    """A first roster as option indices; agents in `fallback` still need one (see module).

    `costs` (solver units per option) replaces the labour cost in the scores: pass
    `option_costs(built)` to weigh preferences and stability too.
    """
    return GreedyBuilder(problem, options, costs).build(deadline, improve)


def option_costs(built: BuiltModel) -> np.ndarray:
    """Objective points each option adds on its own: the penalty terms that are linear in
    the option literals (labour cost, preferences, stability)."""
    ctx = built.context
    of_var = {lit.index: i for i, lit in enumerate(ctx.lits)}
    costs = np.zeros(len(ctx.lits))
    for term in built.terms:
        if isinstance(term.expr, int):
            continue
        flat = cp_model.FlatIntExpr(term.expr)  # type: ignore[arg-type]
        indices = [of_var.get(v.index) for v in flat.vars]
        if any(i is None for i in indices):
            continue
        for i, c in zip(indices, flat.coeffs, strict=True):
            costs[i] += term.coef * c
    return costs


def fill_fallback(problem: RosterProblem, result: GreedyResult, seconds_per_agent: float = 2.0,
                  deadline: float | None = None) -> list[int]:
    """Roster the fallback agents with first_solution (one CP-SAT model each) against the
    demand the greedy left; returns the agents still without a roster."""
    if not result.fallback:
        return []
    from dataclasses import replace

    from roster.engine.first_solution import greedy_options, residual_demands

    opts = result.options.options
    chosen = [opts[i] for i in result.chosen]
    rest = replace(problem, demands=residual_demands(problem, chosen))
    extra, failed = greedy_options(rest, seconds_per_agent, deadline=deadline,
                                   order=result.fallback)
    index = {o: i for i, o in enumerate(opts)}
    result.chosen = sorted(result.chosen + [index[o] for o in extra if o in index])
    return failed
