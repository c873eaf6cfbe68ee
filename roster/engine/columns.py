"""Column generation over whole-period schedules: a tight lower bound and rosters from it.

Where shift cover is the only rule that ties agents together, a roster is one schedule per
agent (a column: the agent's options for the whole period, keeping every rule of its
contract, priced at its own penalty points) plus the cover penalties of their sum. The
linear relaxation of that choice (the master) is far tighter than CP-SAT's: on Curtois
Instance5 it is 1,140.6 against a best known 1,143, where CP-SAT's bound after 60 s was
779-943.

`ColumnGeneration.generate` alternates the master LP (HiGHS, `scipy.optimize.linprog`)
with pricing: each agent's own CP-SAT model, with the cover rows' duals as rewards on its
options, returns its cheapest schedule at those prices and the schedules its search found
on the way there; each joins the master when its reduced cost is negative (keeping them
all took Curtois 4-9 from 25-44 rounds to 16-22, 1.05-1.8x faster). The duals priced are
smoothed toward those of the best bound so far (`SMOOTHING`). Every round gives a
Lagrangian lower bound at the duals it priced (the cover rows' duals times their
requirement plus each agent's least value, from CP-SAT's bound on it); generation stops
when that bound, rounded up to a value the objective can take, reaches the master's.
Smoothing, that stop and pricing at linearization level 1 together took Curtois 4-9 from
8-110 s to 3.4-65 s (Instance5: 12.5 s to 5.2 s).

Rosters come from the converged master two ways. `dive` fixes the agents whose column the
LP takes whole (else those of the largest values), prices a few rounds for the rest, and
repeats until every agent has its schedule: on Curtois Instance5 a dive takes 2.5-3.8 s to
1,146-1,249 (best known 1,143) where the master MIP took 15-20 s to 1,162-1,268. `recombine`
solves the master with whole columns (CP-SAT: one schedule per agent); the schedules of
rosters passed in (`add_roster`) are columns too. `run` generates, then recombines; the
search (`search._ColumnsAlongside`) generates, then dives.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix

from roster.engine.demand import ShiftDemand
from roster.engine.model import BuiltModel, RosterProblem, build_model
from roster.engine.solve import fixed_solve

log = logging.getLogger(__name__)

COUPLING_RULES = frozenset({"coverage_shortfall", "overstaffing", "fairness_weekends",
                            "fairness_late_shifts", "fairness_preferences"})
"""Soft rules whose terms span agents: a model with any of them does not decompose."""
PRICE_SCALE = 16
"""Duals are rounded to 1/PRICE_SCALE of a solver unit in the pricing objective (CP-SAT
takes integers); the bound allows for that rounding."""
PRICING_SECONDS = 2.0
"""Time cap of one agent's pricing solve."""
EXPECTED_ROUNDS = 25
"""Rounds generation is expected to take to converge, for estimating from the first rounds
whether it will converge in time (`generate`'s `converge_by`). Curtois 4-9 take 16-22 since
pricing keeps every schedule it finds (25-44 before); 25 leaves a margin, since later
rounds may price slower than the first."""
PRICING_LINEARIZATION = 1
"""CP-SAT's linearization level in pricing: level 1 priced Curtois 4 and 5 in 30% less
time than level 2 and 8 in the same time; level 0 was faster still on 4 and 5 but hit
the time cap on 8 and 9, so its bound was lost."""
SMOOTHING = 0.5
"""Dual smoothing (Wentges): each round prices at this share of the duals that gave the
best bound so far plus the rest of the master LP's duals; a round that adds nothing there
prices again at the LP's own duals, which either adds a column or proves convergence."""

DIVE_WHOLE = 0.99
"""A column the master LP takes at least this much of is fixed outright when diving."""
DIVE_SHARE = 0.1
"""Share of the agents left that a dive step fixes when the LP takes no column whole."""
DIVE_ROUNDS = 5
"""Most pricing rounds between two dive steps."""
DIVE_NOISE = 0.3
"""Largest random nudge to the LP values that rank the agents in a repeated dive."""


def round_up(model: cp_model.CpModel, bound: float) -> int:
    """The least objective value the model can take at or above `bound`: an integer
    objective is its offset plus a multiple of the coefficients' greatest common divisor
    (Curtois: one point, so 1,715.92 proves 1,716)."""
    objective = model.proto.objective
    if objective.scaling_factor not in (0.0, 1.0) or objective.offset != int(objective.offset):
        return math.ceil(bound - 1e-9)
    step = math.gcd(*(int(c) for c in objective.coeffs)) or 1
    offset = int(objective.offset)
    return offset + step * math.ceil((bound - offset) / step - 1e-9)


def decomposable(built: BuiltModel) -> bool:
    """Whether the model splits into one schedule per agent plus shift cover: shift demand
    only, and no soft rule across agents (all hard rules are per agent)."""
    problem = built.context.problem
    return (bool(problem.demands)
            and all(isinstance(d, ShiftDemand) for d in problem.demands)
            and not any(t.rule in COUPLING_RULES for t in built.terms)
            and not built.context.explain)


@dataclass
class ColumnResult:
    """The master MIP's roster (0/1 per option of the built model, None when there is
    none) and its objective, and the best lower bound (solver units, None when no round
    finished), all in the built model's units."""

    values: np.ndarray | None
    objective: float | None
    bound: float | None
    rounds: int
    columns: int
    converged: bool


class _Pool(cp_model.CpSolverSolutionCallback):
    """Every solution of a pricing solve: (chosen positions among the agent's options,
    objective value), in the order found (the last is the best)."""

    def __init__(self, indices: np.ndarray) -> None:
        super().__init__()
        self.indices = indices
        self.found: list[tuple[np.ndarray, int]] = []

    def on_solution_callback(self) -> None:
        values = np.asarray(self.response_proto.solution, dtype=np.int64)[self.indices]
        self.found.append((np.flatnonzero(values), round(self.objective_value)))


class ColumnGeneration:
    """Schedules of each agent as columns against the shift demand of `built`."""

    def __init__(self, built: BuiltModel) -> None:
        ctx = built.context
        problem: RosterProblem = ctx.problem
        self.built = built
        self.agents = ctx.agent_indices()
        self.index = {o: i for i, o in enumerate(ctx.options.options)}
        self.models = [build_model(replace(problem, agents=[a], demands=[]))
                       for a in self.agents]
        self.objectives = [sum(t.coef * t.expr for t in m.terms) + m.objective_constant()
                           for m in self.models]
        # cover keys (day, template) and the demand rows on them
        start = ctx.period.start
        keys: dict[tuple[int, str], int] = {}
        for o in ctx.options.options:
            keys.setdefault((o.day, o.template), len(keys))
        self.key_of_option = np.array([keys[o.day, o.template] for o in ctx.options.options],
                                      dtype=np.int64)
        entries: list[tuple[int, int, float]] = []
        self.required: list[float] = []
        self.row_cost: list[float] = []
        self.under: list[bool] = []
        for demand in problem.demands:
            assert isinstance(demand, ShiftDemand)
            d = (demand.day - start).days
            key = keys.get((d, demand.template))
            if not 0 <= d < ctx.days:
                continue
            for is_under, rule, weight in ((True, "shift_cover_under", demand.under_weight),
                                           (False, "shift_cover_over", demand.over_weight)):
                coef = ctx.points(rule, weight) if ctx.enabled(rule) else 0
                if not coef or (is_under and demand.required <= 0) or (
                        not is_under and key is None):
                    continue
                # rows as cover - slack <= required: under negated, over as it is
                if key is not None:
                    entries.append((len(self.required), key, -1.0 if is_under else 1.0))
                self.required.append(float(-demand.required if is_under else demand.required))
                self.row_cost.append(float(coef))
                self.under.append(is_under)
        r, k, v = zip(*entries, strict=True) if entries else ((), (), ())
        self.cover = csr_matrix(coo_matrix((v, (r, k)), shape=(len(self.required), len(keys))))
        self.local_options = [np.array([self.index[o] for o in m.context.options.options],
                                       dtype=np.int64) for m in self.models]
        self.keys = [self.key_of_option[[self.index[o] for o in m.context.options.options]]
                     for m in self.models]
        self.lit_indices = [np.array([lit.index for lit in m.context.lits], dtype=np.int64)
                            for m in self.models]  # each option's variable, for `_Pool`
        self.columns: list[tuple[int, np.ndarray, float]] = []  # (agent k, options, cost)
        self._counts: list[np.ndarray] = []  # shifts per cover key, per column
        self._seen: set[tuple[int, bytes]] = set()
        self.fixed: dict[int, int] = {}  # agent k -> its column, while diving
        self._solver: cp_model.CpSolver | None = None  # the running master MIP's
        self._stopped = False

    # ---- columns -----------------------------------------------------------------------

    def _add(self, k: int, options: np.ndarray, cost: float) -> bool:
        """Add agent k's schedule; False when it has that schedule already."""
        key = (k, np.sort(options).tobytes())
        if key in self._seen:
            return False
        self._seen.add(key)
        self.columns.append((k, np.sort(options), cost))
        self._counts.append(np.bincount(self.key_of_option[options],
                                        minlength=self.cover.shape[1]))
        return True

    def add_roster(self, values: np.ndarray) -> None:
        """Each agent's schedule in `values` (0/1 per option of the built model) as a
        column, priced by the agent's own model."""
        for k, agent_model in enumerate(self.models):
            mine = values[self.local_options[k]]
            agent_model.model.minimize(self.objectives[k])  # pricing changed it
            code, solver = fixed_solve(agent_model, mine, PRICING_SECONDS)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                self._add(k, self.local_options[k][mine.astype(bool)], solver.objective_value)

    def price(self, k: int, earning: np.ndarray, seconds: float
              ) -> tuple[list[tuple[np.ndarray, float]], float] | None:
        """Agent k's cheapest schedules when each shift on cover key j earns `earning[j]`:
        every schedule its solve found on the way, as (options, cost), the best last, and
        a lower bound on the best one's reduced value (cost - earnings); None when the
        solve finds none. The schedules found on the way are columns too: they cost only
        a solution callback to keep, and cut the rounds generation takes."""
        built = self.models[k]
        ctx = built.context
        keys = self.keys[k]
        earn = np.rint(PRICE_SCALE * earning[keys]).astype(np.int64)
        lits = [lit for lit, e in zip(ctx.lits, earn.tolist(), strict=True) if e]
        gains = [-e for e in earn.tolist() if e]
        objective = PRICE_SCALE * self.objectives[k]
        if lits:
            objective = objective + cp_model.LinearExpr.weighted_sum(lits, gains)
        built.model.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = PRICING_LINEARIZATION
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        pool = _Pool(self.lit_indices[k])
        code = solver.solve(built.model, pool)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or not pool.found:
            return None
        schedules = []
        for chosen, value in pool.found:
            cost = (value + int(earn[chosen].sum())) / PRICE_SCALE
            schedules.append((self.local_options[k][chosen], cost))
        best_chosen, _ = pool.found[-1]
        exact = schedules[-1][1] - float(earning[keys[best_chosen]].sum())
        # the rounding of the earnings moves any schedule's value by at most half a
        # 1/PRICE_SCALE unit per shift, and a schedule has at most one shift a day
        lower = (solver.best_objective_bound - 0.5 * ctx.days) / PRICE_SCALE
        return schedules, min(lower, exact)

    # ---- master ------------------------------------------------------------------------

    def _matrix(self) -> tuple[csr_matrix, np.ndarray]:
        """Rows: one per agent (its columns sum to 1), then the cover rows. Columns: the
        schedules, then one slack per cover row (short or over)."""
        n, rows = len(self.columns), len(self.required)
        K = len(self.agents)
        r = [k for k, *_ in self.columns]
        c = list(range(n))
        v = [1.0] * n
        if n:
            schedule_cover = self.cover @ np.array(self._counts, dtype=float).T
            rr, cc = np.nonzero(schedule_cover)
            r += (K + rr).tolist()
            c += cc.tolist()
            v += schedule_cover[rr, cc].tolist()
        r += [K + i for i in range(rows)]
        c += [n + i for i in range(rows)]
        v += [-1.0] * rows
        matrix = csr_matrix(coo_matrix((v, (r, c)), shape=(K + rows, n + rows)))
        cost = np.array([cost for *_, cost in self.columns] + self.row_cost)
        return matrix, cost

    def _lp(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """The master LP's value, convexity duals and cover-row duals (<= 0: the rows are
        cover - slack <= required), with each fixed agent held to its column."""
        solved = self._solve_lp()
        return None if solved is None else solved[:3]

    def _solve_lp(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """`_lp` and the columns' values."""
        matrix, cost = self._matrix()
        K = len(self.agents)
        upper = np.full(len(cost), np.inf)
        lower = np.zeros(len(cost))
        if self.fixed:
            owners = np.array([k for k, *_ in self.columns])
            upper[:len(owners)][np.isin(owners, list(self.fixed))] = 0.0
            chosen = list(self.fixed.values())
            lower[chosen] = upper[chosen] = 1.0
        result = linprog(cost, A_ub=matrix[K:], b_ub=np.array(self.required),
                         A_eq=matrix[:K], b_eq=np.ones(K),
                         bounds=np.column_stack([lower, upper]), method="highs")
        if result.status != 0:
            return None
        return (float(result.fun), np.asarray(result.eqlin.marginals),
                np.asarray(result.ineqlin.marginals), np.asarray(result.x[:len(self.columns)]))

    def objective(self, values: np.ndarray) -> float:
        """Columns' points plus cover penalties of a roster made of known columns."""
        on = np.flatnonzero(values)
        chosen = {(k, options.tobytes()): cost for k, options, cost in self.columns}
        total = 0.0
        for k in range(len(self.agents)):
            mine = np.sort(on[np.isin(on, self.local_options[k])])
            total += chosen[k, mine.tobytes()]
        cover = self.cover @ np.bincount(self.key_of_option[on], minlength=self.cover.shape[1])
        slack = np.maximum(0.0, cover - np.array(self.required))  # rows: cover - slack <= required
        return total + float(np.dot(self.row_cost, slack))

    def _mip(self, seconds: float, workers: int = 1) -> tuple[np.ndarray, float] | None:
        """The best whole-column roster (CP-SAT on the master: one schedule per agent,
        cover slacks priced). Not hinted: on Curtois Instance5 a hint with the LNS's
        roster (1,246) kept the master there, where without one it found 1,147."""
        model = cp_model.CpModel()
        pick = [model.new_bool_var("") for _ in self.columns]
        for k in range(len(self.agents)):
            mine = [pick[j] for j, (owner, *_) in enumerate(self.columns) if owner == k]
            if mine:
                model.add_exactly_one(mine)
        counts: dict[int, list[tuple[cp_model.IntVar, int]]] = {}
        for j, per_key in enumerate(self._counts):
            for key in np.flatnonzero(per_key).tolist():
                counts.setdefault(key, []).append((pick[j], int(per_key[key])))
        cover = self.cover
        slack_terms = []
        for r in range(cover.shape[0]):
            keys = cover.indices[cover.indptr[r]:cover.indptr[r + 1]]
            terms = [(lit, m) for key in keys.tolist() for lit, m in counts.get(key, [])]
            expr = cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [m for _, m in terms])
            required = abs(int(self.required[r]))
            slack = model.new_int_var(0, max(required, len(terms)), "")
            if self.under[r]:
                model.add(expr + slack >= required)
            else:
                model.add(expr - slack <= required)
            slack_terms.append((slack, int(self.row_cost[r])))
        model.minimize(cp_model.LinearExpr.weighted_sum(pick, [round(c) for *_, c in self.columns])
                       + cp_model.LinearExpr.weighted_sum([s for s, _ in slack_terms],
                                                          [c for _, c in slack_terms]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        self._solver = solver
        if self._stopped:
            return None
        code = solver.solve(model)
        self._solver = None
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        values = np.zeros(len(self.index), dtype=np.int8)
        for j, lit in enumerate(pick):
            if solver.boolean_value(lit):
                values[self.columns[j][1]] = 1
        return values, float(solver.objective_value)

    def generate(self, stop_at: float, should_stop: Callable[[], bool] = lambda: False,
                 converge_by: float = math.inf, max_rounds: int | None = None
                 ) -> tuple[float | None, int, bool]:
        """Add columns until none has a negative reduced cost, `should_stop`, or `stop_at`:
        (best Lagrangian bound or None, rounds, converged). Gives up early when its mean
        round time says `EXPECTED_ROUNDS` would not end by `converge_by`, or during a
        round as soon as its time so far says so (Curtois Instance16 at 300 s: one round
        took 20.7 s where 2.4 s was the most that could converge in time)."""
        began = time.perf_counter()
        bound: float | None = None
        rounds, converged = 0, False
        missing = set(range(len(self.agents))) - {k for k, *_ in self.columns}
        for k in sorted(missing):  # every agent needs a column for the master to be feasible
            found = self.price(k, np.zeros(self.cover.shape[1]), PRICING_SECONDS)
            if found is not None:
                self._add(k, *found[0][-1])
        center: np.ndarray | None = None  # cover-row duals that gave the best bound
        smoothing = SMOOTHING
        required = np.array(self.required)
        slow = False

        def too_slow() -> bool:
            # the rounds so far, the current one perhaps unfinished, give a per-round time
            per_round = (time.perf_counter() - began) / rounds
            if began + EXPECTED_ROUNDS * per_round <= converge_by:
                return False
            log.info("columns: %.2f s a round, not converging by the time given", per_round)
            return True

        while time.perf_counter() < stop_at and not should_stop():
            lp = self._lp()
            if lp is None:
                break
            value, convexity, duals = lp
            rounds += 1
            at = duals if center is None else smoothing * center + (1 - smoothing) * duals
            earning, lp_earning = self.cover.T @ at, self.cover.T @ duals
            added, lagrangian = 0, float(at @ required)
            for k in range(len(self.agents)):
                if k in self.fixed:  # its column's reduced value at these prices
                    _, options, cost = self.columns[self.fixed[k]]
                    lagrangian += cost - float(earning[self.key_of_option[options]].sum())
                    continue
                if too_slow():  # no need to finish the round (nor is a part of it a bound)
                    slow = True
                    break
                left = stop_at - time.perf_counter()
                found = self.price(k, earning, min(PRICING_SECONDS, left)) if left > 0 else None
                if found is None:
                    lagrangian = -np.inf
                    continue
                schedules, lower = found
                lagrangian += lower
                for options, cost in schedules:  # each joins if it prices out at the LP's duals
                    lp_reduced = cost - float(lp_earning[self.key_of_option[options]].sum())
                    if lp_reduced - convexity[k] < -1e-6:
                        added += self._add(k, options, cost)
            if slow:
                break
            if np.isfinite(lagrangian) and (bound is None or lagrangian > bound):
                bound, center = lagrangian, at
            if bound is not None and round_up(self.built.model, bound) >= round_up(
                    self.built.model, value):
                converged = True  # no further column can raise the bound it rounds up to
                break
            if added == 0:
                if smoothing == 0.0 or center is None:
                    converged = bool(np.isfinite(lagrangian))
                    break
                smoothing = 0.0  # mispriced: price at the LP's duals next round
            else:
                smoothing = SMOOTHING
            if too_slow() or (max_rounds is not None and rounds >= max_rounds):
                break
        log.log(logging.DEBUG if self.fixed else logging.INFO,
                "columns: %d rounds, %d columns, bound %s, converged %s, in %.1f s", rounds,
                 len(self.columns), bound, converged, time.perf_counter() - began)
        return bound, rounds, converged

    def dive(self, stop_at: float, should_stop: Callable[[], bool] = lambda: False,
             rng: np.random.Generator | None = None) -> tuple[np.ndarray, float] | None:
        """A roster by diving on the master LP: fix every agent whose column the LP takes
        whole (at least `DIVE_WHOLE`), or else the agents of the largest values (a
        `DIVE_SHARE` of those left), price a few rounds for the others, and again, until
        every agent is fixed. Past `stop_at` the agents left take their largest column.
        With `rng`, the values ranking the agents get a random nudge (up to `DIVE_NOISE`),
        so repeated dives end in different rosters. (0/1 per option of the built model,
        objective), None when stopped or no LP."""
        self.fixed = {}
        try:
            while len(self.fixed) < len(self.agents):
                if should_stop() or self._stopped:
                    return None
                solved = self._solve_lp()
                if solved is None:
                    return None
                values = solved[3]
                free = [k for k in range(len(self.agents)) if k not in self.fixed]
                best = {}
                for j, (k, _, cost) in enumerate(self.columns):
                    if k not in self.fixed and (k not in best or (values[j], -cost) > (
                            values[best[k]], -self.columns[best[k]][2])):
                        best[k] = j
                late = time.perf_counter() >= stop_at
                whole = [k for k in free if values[best[k]] >= DIVE_WHOLE]
                if late:
                    whole = free
                elif not whole:
                    count = max(1, math.ceil(DIVE_SHARE * len(free)))
                    nudge = (np.zeros(len(self.agents)) if rng is None
                             else rng.uniform(0.0, DIVE_NOISE, len(self.agents)))
                    whole = sorted(free, key=lambda k: -values[best[k]] - nudge[k])[:count]
                self.fixed.update({k: best[k] for k in whole})
                if len(self.fixed) < len(self.agents) and not late:
                    self.generate(stop_at, should_stop, max_rounds=DIVE_ROUNDS)
            roster = np.zeros(len(self.index), dtype=np.int8)
            for j in self.fixed.values():
                roster[self.columns[j][1]] = 1
            return roster, self.objective(roster)
        finally:
            self.fixed = {}

    def recombine(self, seconds: float, roster: np.ndarray | None = None
                  ) -> tuple[np.ndarray, float] | None:
        """The master MIP over the columns and `roster`'s schedules, for `seconds`:
        (0/1 per option of the built model, objective) or None when it finds none."""
        if roster is not None:
            self.add_roster(roster)
        if not self.columns or self._stopped:
            return None
        return self._mip(seconds)

    def stop(self) -> None:
        """Stop a running master MIP (from another thread); later calls return None."""
        self._stopped = True
        solver = self._solver
        if solver is not None:
            solver.stop_search()

    def run(self, deadline: float, mip_seconds: float = 5.0,
            should_stop: Callable[[], bool] = lambda: False,
            latest: Callable[[], np.ndarray | None] = lambda: None,
            mip_cap: float = math.inf) -> ColumnResult:
        """`generate` until `mip_seconds` before the deadline, then `recombine` with the
        `latest` roster until the deadline (for `mip_cap` seconds at most)."""
        bound, rounds, converged = self.generate(deadline - mip_seconds, should_stop)
        mip = None
        if not should_stop():
            mip = self.recombine(min(mip_cap, deadline - time.perf_counter()), latest())
        return ColumnResult(None if mip is None else mip[0], None if mip is None else mip[1],
                            bound, rounds, len(self.columns), converged)
