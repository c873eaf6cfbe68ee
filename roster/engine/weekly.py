"""The weekly-pattern relaxation: column generation over the class-count relaxation.

aggregate.py's relaxation sums each class's rules over its options, so it loses what
holds per agent only (runs of days, rest, successions, a contract's minutes and days
together). Here each class of alike agents instead takes a convex combination of weekly
patterns, each a roster of one agent that passes every hard rule (Dantzig-Wolfe):

- master (GLOP): the solved class-count relaxation with every count fixed to 0 and a
  column per pattern carrying the counts' rows and costs (coverage, cover per template,
  fairness totals, overtime, every option-linear penalty), plus one convexity row per
  class (its columns sum to the class size);
- pricing: per class, the pattern of least reduced cost (the sum of its options' reduced
  costs in the master, less the convexity row's dual) from a CP-SAT model of one member
  built by `build_model`, so every hard rule holds exactly.

Every roster maps onto a master point (each agent's week is a pattern of its class) of no
larger objective, so the master's optimum over all patterns bounds every roster. The bound
reported is the Lagrangian function at a dual point of the relaxation's rows, computed
from the rows themselves (row sides x duals, every other variable at its cheaper bound,
plus class size x the least pattern cost at those duals): valid at any dual point, so a
run stopped early still gives a proven bound. The least pattern cost is the pricing
solver's proven objective bound less the rounding of the costs. Pricing starts at the
class-count relaxation's duals and is stabilised towards the best bound's duals; the
columns may start from a first roster (each member's week).

Measured at 60 generated agents (benchmarks/README.md): the optimum is 0.02% above the
class-count bound and takes minutes to reach, so the solve does not use it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from scipy import sparse

from roster.engine.aggregate import Aggregate, solve_relaxation
from roster.engine.model import BuiltModel, RosterProblem, build_model

PRICE_SCALE = 100
"""Reduced costs are scaled by this and rounded for CP-SAT; the rounding error (half a
unit per chosen option, at most one option a day) is taken off the pricing bound."""

MARGIN = 1e-5
"""Relative margin taken off the bound for GLOP's floating-point tolerances."""


@dataclass
class Pricing:
    """One class's pricing model: a CP-SAT model of one member, and for each of its
    options the representative's option (the class's count it stands for)."""

    rep: int
    size: int
    model: cp_model.CpModel
    lits: list[cp_model.IntVar]
    target: list[int]
    shifts: list[list[int]]
    """Option positions grouped by shift (day, template, start): alike for every hard rule
    (break and queue differ), so only the cheapest of a group need be priced."""


@dataclass(frozen=True)
class Step:
    """One iteration: seconds since the start, master value, Lagrangian bound (solver
    units), columns in the master."""

    seconds: float
    master: float
    bound: float
    columns: int


@dataclass
class WeeklyResult:
    """The best valid bound (solver units, rounded down after the margin; None when no
    iteration finished), whether the master is proven optimal, and the iterations."""

    bound: int | None
    optimal: bool
    steps: list[Step] = field(default_factory=list)


def _history(problem: RosterProblem, agent_id: str) -> tuple[object, ...]:
    """What the previous roster imposes on an agent (rest, runs, successions)."""
    if problem.previous is None:
        return ()
    shifts = sorted((s for s in problem.previous.shifts if s.agent_id == agent_id),
                    key=lambda s: s.start)
    return tuple((s.start, s.end, s.template) for s in shifts)


def pricing_classes(agg: Aggregate) -> dict[int, list[int]]:
    """The relaxation's classes split by previous-roster history: members of a pricing
    class have the same patterns (representative -> members; the key is a member
    whose options stand for the class's counts)."""
    ctx = agg.ctx
    out: dict[int, list[int]] = {}
    for members in agg.members.values():
        by_history: dict[tuple[object, ...], list[int]] = {}
        for m in members:
            by_history.setdefault(_history(ctx.problem, ctx.team.agents[m].id), []).append(m)
        for group in by_history.values():
            out[group[0]] = group
    return out


def _pricing(agg: Aggregate, key: int, members: list[int], rep: int) -> Pricing:
    """A CP-SAT model of agent `key` alone (every hard rule, no objective yet)."""
    ctx = agg.ctx
    problem = ctx.problem
    ids = {ctx.team.agents[m].id for m in members}
    sub = build_model(RosterProblem(
        ctx.team, ctx.period, [], problem.previous,
        [s for s in problem.pinned if s.agent_id in ids], None, [key]), soft=False)
    sub_ctx = sub.context
    target = [0] * len(sub_ctx.lits)
    for d in range(ctx.days):
        for k, j in enumerate(sub_ctx.day_options(key, d)):
            target[j] = agg.day(rep, d)[k]
    groups: dict[tuple[int, str, int], list[int]] = {}
    for j, o in enumerate(sub_ctx.options.options):
        groups.setdefault((o.day, o.template, o.start), []).append(j)
    pinned = any(s.agent_id in ids for s in problem.pinned)
    shifts = [[j] for j in range(len(target))] if pinned else list(groups.values())
    return Pricing(rep, len(members), sub.model, list(sub_ctx.lits), target, shifts)


@dataclass
class Duals:
    """A dual point of the relaxation's rows (projected onto the right signs) and the
    reduced costs it gives every variable of the relaxation (c - A'y)."""

    rows: np.ndarray
    reduced: np.ndarray


class WeeklyRelaxation:
    """Column generation on a solved class-count relaxation (taken over: its counts are
    fixed to 0 and patterns added)."""

    def __init__(self, agg: Aggregate) -> None:
        if agg.entries is None:
            raise ValueError("the relaxation must record its rows (solve_relaxation(keep=True))")
        self.agg = agg
        self.solver = agg.solver
        self._snapshot()
        start = self.duals(np.array([c.dual_value() for c in self.solver.constraints()]))
        self.center = start
        """The dual point of the best bound so far (stabilises the pricing)."""
        for var in agg.count.values():
            var.SetBounds(0, 0)
        self.classes = pricing_classes(agg)
        self.rep_of = {m: rep for rep, members in agg.members.items() for m in members}
        self.convexity: dict[int, pywraplp.Constraint] = {}
        for key, members in self.classes.items():
            self.convexity[key] = self.solver.RowConstraint(len(members), len(members), "")
        self.columns: dict[int, dict[tuple[int, ...], pywraplp.Variable]] = {
            key: {} for key in self.classes}
        self._pricing: dict[int, Pricing] = {}

    def _snapshot(self) -> None:
        """The relaxation as arrays (before any pattern): objective, bounds, rows."""
        solver = self.solver
        objective = solver.Objective()
        variables = solver.variables()
        constraints = solver.constraints()
        self.offset = objective.offset()
        self.c = np.array([objective.GetCoefficient(v) for v in variables])
        self.lb = np.array([v.lb() for v in variables])
        self.ub = np.array([v.ub() for v in variables])
        self.low = np.array([r.lb() for r in constraints])
        self.high = np.array([r.ub() for r in constraints])
        rows, cols, vals = [], [], []
        assert self.agg.entries is not None
        for j, pairs in self.agg.entries.items():
            for row, coef in pairs:
                rows.append(row.index())
                cols.append(j)
                vals.append(coef)
        self.matrix = sparse.csr_matrix((vals, (rows, cols)),
                                        shape=(len(constraints), len(variables)))
        self.is_count = np.zeros(len(variables), dtype=bool)
        self.count_var = {i: v.index() for i, v in self.agg.count.items()}
        self.is_count[list(self.count_var.values())] = True
        self.cost = {i: self.c[j] for i, j in self.count_var.items()}

    def duals(self, y: np.ndarray) -> Duals:
        """`y` (one value per relaxation row) with wrong-signed values set to 0 (a >= row
        takes y >= 0, a <= row y <= 0), and its reduced costs."""
        y = y[:len(self.low)].copy()
        y[(y > 0) & np.isinf(self.low)] = 0.0
        y[(y < 0) & np.isinf(self.high)] = 0.0
        return Duals(y, self.c - self.matrix.T @ y)

    def base_value(self, duals: Duals) -> float:
        """The Lagrangian function of the rows at `duals` without the pattern part: row
        sides times duals plus each non-count variable at its cheaper bound."""
        y, d = duals.rows, duals.reduced
        rows = np.where(y > 0, y * np.where(np.isinf(self.low), 0.0, self.low),
                        y * np.where(np.isinf(self.high), 0.0, self.high))
        other = ~self.is_count
        side = np.where(d[other] >= 0, self.lb[other], self.ub[other])
        cols = np.where(d[other] == 0, 0.0, d[other] * side)
        return float(self.offset + rows.sum() + cols.sum())

    # ---- columns ---------------------------------------------------------------------------

    def add(self, key: int, pattern: tuple[int, ...]) -> bool:
        """Add a pattern (the representative's options) for class `key`; False if known."""
        if pattern in self.columns[key]:
            return False
        var = self.solver.NumVar(0, len(self.classes[key]), "")
        self.columns[key][pattern] = var
        self.convexity[key].SetCoefficient(var, 1)
        entries = self.agg.entries
        assert entries is not None
        merged: dict[int, list] = {}
        cost = 0.0
        for i in pattern:
            cost += self.cost[i]
            for row, coef in entries.get(self.agg.count[i].index(), ()):
                item = merged.setdefault(id(row), [row, 0.0])
                item[1] += coef
        for row, coef in merged.values():
            if coef:
                row.SetCoefficient(var, coef)
        if cost:
            self.solver.Objective().SetCoefficient(var, cost)
        return True

    def add_roster(self, values: np.ndarray) -> int:
        """Each member's week in a roster (0/1 per option of the whole model) as a column."""
        ctx = self.agg.ctx
        added = 0
        for key, members in self.classes.items():
            rep = self.rep_of[key]
            for m in members:
                pattern = []
                for d in range(ctx.days):
                    for k, i in enumerate(ctx.day_options(m, d)):
                        if values[i]:
                            pattern.append(self.agg.day(rep, d)[k])
                added += self.add(key, tuple(sorted(pattern)))
        return added

    # ---- master and pricing ----------------------------------------------------------------

    def solve_master(self, seconds: float) -> float | None:
        """The master's optimum over the columns so far (None when GLOP fails)."""
        self.solver.SetTimeLimit(max(100, int(seconds * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.solver.Objective().Value()

    def pricing(self, key: int) -> Pricing:
        if key not in self._pricing:
            self._pricing[key] = _pricing(self.agg, key, self.classes[key], self.rep_of[key])
        return self._pricing[key]

    def price(self, key: int, duals: Duals,
              seconds: float) -> tuple[float, list[tuple[int, ...]]]:
        """(a lower bound on the least sum of reduced costs over the class's patterns, the
        patterns the search met) at `duals`."""
        p = self.pricing(key)
        d = duals.reduced
        scaled = [round(PRICE_SCALE * d[self.count_var[i]]) for i in p.target]
        variables = p.model.proto.variables
        for group in p.shifts:
            cheapest = min(group, key=scaled.__getitem__)
            for j in group:
                variables[p.lits[j].index].domain[1] = int(j == cheapest)
        p.model.minimize(cp_model.LinearExpr.weighted_sum(p.lits, scaled))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        found: list[tuple[int, ...]] = []

        class Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                found.append(tuple(sorted(p.target[j] for j, lit in enumerate(p.lits)
                                          if self.boolean_value(lit))))

        code = solver.solve(p.model, Collect())
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return -math.inf, []
        least = (solver.best_objective_bound - 0.5 * self.agg.ctx.days) / PRICE_SCALE
        return least, list(dict.fromkeys(found))

    def master_duals(self) -> tuple[Duals, dict[int, float]]:
        """The master's current duals: its relaxation rows and each convexity row."""
        rows = np.array([c.dual_value() for c in self.solver.constraints()])
        return self.duals(rows), {k: r.dual_value() for k, r in self.convexity.items()}

    def run(self, deadline: float, smoothing: float = 0.5, tolerance: float = 1e-5,
            pricing_seconds: float = 2.0,
            on_step: Callable[[Step], None] | None = None) -> WeeklyResult:
        """Price and re-solve the master until the bound meets the master's value (within
        `tolerance`, relative, or one solver unit) or `deadline` (perf_counter). Pricing
        is at the best bound's duals first (the class-count relaxation's), then at
        `smoothing` x those + the rest x the master's (the master's alone after a round
        that finds no new column)."""
        started = time.perf_counter()
        result = WeeklyResult(None, False)
        best = -math.inf
        master: tuple[Duals, dict[int, float]] | None = None
        alpha = 1.0
        value = math.inf
        while time.perf_counter() < deadline:
            if master is None or alpha >= 1:
                point = self.center
            else:
                y = alpha * self.center.rows + (1 - alpha) * master[0].rows
                point = Duals(y, alpha * self.center.reduced + (1 - alpha) * master[0].reduced)
            lagrange = self.base_value(point)
            found: list[tuple[int, tuple[int, ...]]] = []
            for key, members in self.classes.items():
                left = deadline - time.perf_counter()
                if left <= 0:
                    lagrange = -math.inf
                    break
                least, patterns = self.price(key, point, min(pricing_seconds, left))
                lagrange += len(members) * least
                found += [(key, q) for q in patterns]
            if lagrange > best:
                best, self.center = lagrange, point
            added = sum(self.add(key, q) for key, q in found)
            if added == 0 and alpha == 0:
                break  # no column prices out at the master's duals: the master is optimal
            solved = self.solve_master(deadline - time.perf_counter())
            if solved is None:
                break
            value = solved
            master = self.master_duals()
            alpha = smoothing if added else 0.0
            step = Step(time.perf_counter() - started, value, best,
                        sum(len(c) for c in self.columns.values()))
            result.steps.append(step)
            if on_step is not None:
                on_step(step)
            if value - best <= max(tolerance * abs(value), 1.0):
                break
        result.optimal = math.isfinite(value) and math.isfinite(best) and (
            value - best <= max(tolerance * abs(value), 1.0))
        if best > -math.inf:
            result.bound = math.floor(best - MARGIN * abs(best) - 1)
        return result


def weekly_bound(built: BuiltModel, seconds: float = 60.0,
                 first: np.ndarray | None = None) -> WeeklyResult | None:
    """The weekly-pattern bound of `built` within `seconds` (columns from the roster
    `first`, 0/1 per option, when given), never below the class-count relaxation's; None
    when the class-count relaxation does not solve in time."""
    deadline = time.perf_counter() + seconds
    relaxed = solve_relaxation(built, seconds, keep=True)
    if relaxed is None or relaxed.aggregate is None:
        return None
    weekly = WeeklyRelaxation(relaxed.aggregate)
    if first is not None:
        weekly.add_roster(first)
    result = weekly.run(deadline)
    if result.bound is None or result.bound < relaxed.bound:
        result.bound = relaxed.bound
    return result


__all__ = ["WeeklyRelaxation", "WeeklyResult", "weekly_bound"]
