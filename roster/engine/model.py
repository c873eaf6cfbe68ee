"""Assemble the CP-SAT model: options, then every enabled hard rule, then the soft rules.

`build_model` is the only place the objective is set: each soft rule returns its penalty
terms and the model minimises their sum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from roster.domain import PlanningPeriod, Roster, Shift, Team
from roster.engine.demand import Demand
from roster.engine.variables import Option, OptionSet, enumerate_options, to_minutes
from roster.engine.weights import SCALE, enabled, weight


@dataclass
class RosterProblem:
    """What to roster: a team over a period against demand, with the boundary and pins.

    - `previous`: the roster before the period (rest, successions and runs across it);
    - `pinned`: shifts that must appear unchanged;
    - `reference`: a roster to stay close to (stability), e.g. the published one;
    - `agents`: restrict the model to these agent indices (explanations), default all.
    """

    team: Team
    period: PlanningPeriod
    demands: list[Demand] = field(default_factory=list)
    previous: Roster | None = None
    pinned: list[Shift] = field(default_factory=list)
    reference: Roster | None = None
    agents: list[int] | None = None


@dataclass(frozen=True)
class Term:
    """A penalty: `coef` points/SCALE per unit of `expr`, for `rule`, labelled for people."""

    rule: str
    expr: cp_model.LinearExprT
    coef: int
    label: str = ""


@dataclass
class Context:
    """Everything rule functions share: the model, options, literals and helpers."""

    problem: RosterProblem
    model: cp_model.CpModel
    options: OptionSet
    lits: list[cp_model.IntVar]
    explain: bool = False
    assumptions: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    constant: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _work: dict[tuple[int, int], cp_model.LinearExprT] = field(default_factory=dict)
    _groups: dict[tuple[object, ...], cp_model.LinearExprT] = field(default_factory=dict)
    _by_template: dict[tuple[int, int], dict[str, list[int]]] = field(default_factory=dict)

    @property
    def team(self) -> Team:
        return self.problem.team

    @property
    def period(self) -> PlanningPeriod:
        return self.problem.period

    @property
    def days(self) -> int:
        return self.problem.period.days

    def agent_indices(self) -> list[int]:
        if self.problem.agents is not None:
            return self.problem.agents
        return list(range(len(self.team.agents)))

    def enabled(self, rule: str) -> bool:
        return enabled(self.team.settings, rule)

    def points(self, rule: str, quantity: float) -> int:
        """Integer objective coefficient: rule weight x quantity x SCALE, rounded."""
        return round(weight(self.team.settings, rule) * quantity * SCALE)

    def day_options(self, a: int, d: int) -> list[int]:
        return self.options.by_agent_day.get((a, d), [])

    def option(self, i: int) -> Option:
        return self.options.options[i]

    def work(self, a: int, d: int) -> cp_model.LinearExprT:
        """1 when agent `a` works day `d` (a literal, or 0 when no option exists)."""
        if not 0 <= d < self.days:
            raise IndexError(d)
        key = (a, d)
        if key not in self._work:
            self._work[key] = self.group(("work", a, d), self.day_options(a, d))
        return self._work[key]

    def group(self, key: tuple[object, ...], indices: list[int]) -> cp_model.LinearExprT:
        """A 0/1 expression equal to the sum of at most one-of options (cached by key).

        One option: its literal. Several: a new boolean tied to their sum. None: 0.
        """
        if key in self._groups:
            return self._groups[key]
        if not indices:
            value: cp_model.LinearExprT = 0
        elif len(indices) == 1:
            value = self.lits[indices[0]]
        else:
            var = self.model.new_bool_var("_".join(str(k) for k in key))
            self.model.add(cp_model.LinearExpr.sum([self.lits[i] for i in indices]) == var)
            value = var
        self._groups[key] = value
        return value

    def day_templates(self, a: int, d: int) -> dict[str, list[int]]:
        """Agent `a`'s options on day `d` by template (cached)."""
        key = (a, d)
        if key not in self._by_template:
            by: dict[str, list[int]] = defaultdict(list)
            for i in self.day_options(a, d):
                by[self.options.options[i].template].append(i)
            self._by_template[key] = by
        return self._by_template[key]

    def template_on(self, a: int, d: int, template: str) -> cp_model.LinearExprT:
        key = ("tpl", a, d, template)
        if key in self._groups:
            return self._groups[key]
        return self.group(key, self.day_templates(a, d).get(template, []))

    def guard(self, agent_id: str, rule: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a hard rule: none normally, an assumption in explain mode."""
        if not self.explain:
            return []
        key = (agent_id, rule)
        if key not in self.assumptions:
            self.assumptions[key] = self.model.new_bool_var(f"assume_{agent_id}_{rule}")
        return [self.assumptions[key]]

    def add(self, agent_id: str, rule: str,
            constraint: cp_model.BoundedLinearExpression | bool) -> None:
        """Add a hard constraint of `rule` for an agent (guarded in explain mode)."""
        if isinstance(constraint, bool):
            if not constraint:
                self.model.add_bool_or(
                    [~g for g in self.guard(agent_id, rule)] or [self.model.new_constant(0)])
            return
        built = self.model.add(constraint)
        guard = self.guard(agent_id, rule)
        if guard:
            built.only_enforce_if(guard)

    def add_range(self, agent_id: str, rule: str, expr: cp_model.LinearExprT, low: int,
                  high: int) -> None:
        """Add low <= expr <= high for an agent's rule (guarded in explain mode)."""
        if isinstance(expr, int):
            self.add(agent_id, rule, low <= expr <= high)
            return
        built = self.model.add_linear_constraint(expr, low, high)
        guard = self.guard(agent_id, rule)
        if guard:
            built.only_enforce_if(guard)

    def previous_shifts(self, agent_id: str) -> list[Shift]:
        roster = self.problem.previous
        if roster is None:
            return []
        start = self.period.start
        return sorted((s for s in roster.shifts if s.agent_id == agent_id and s.date < start),
                      key=lambda s: s.start)

    def previous_worked(self, agent_id: str) -> tuple[int, int]:
        """(trailing working-day run, trailing day-off run) just before the period."""
        roster = self.problem.previous
        if roster is None:
            return 0, 0
        days = {s.date for s in self.previous_shifts(agent_id)}
        first = roster.period.start
        work = off = 0
        day = self.period.start - timedelta(days=1)
        while day >= first and day in days:
            work += 1
            day -= timedelta(days=1)
        day = self.period.start - timedelta(days=1)
        while day >= first and day not in days and not work:
            off += 1
            day -= timedelta(days=1)
        return work, off

    def week_blocks(self) -> list[tuple[list[int], bool]]:
        """Day indices of each 7-day block from the period start, and whether it is full."""
        blocks = []
        for first in range(0, self.days, 7):
            days = list(range(first, min(first + 7, self.days)))
            blocks.append((days, len(days) == 7))
        return blocks

    def date_of(self, d: int) -> date:
        return self.period.start + timedelta(days=d)

    def minutes_from_origin(self, shift: Shift) -> tuple[int, int]:
        return to_minutes(self.period, shift.start), to_minutes(self.period, shift.end)


@dataclass
class BuiltModel:
    """The CP-SAT model with its context and penalty terms."""

    context: Context
    terms: list[Term]

    @property
    def model(self) -> cp_model.CpModel:
        return self.context.model

    def objective_constant(self) -> int:
        return sum(self.context.constant.values())


def build_model(problem: RosterProblem, explain: bool = False, soft: bool = True) -> BuiltModel:
    """Build the model: options, hard rules, soft rules, objective (in points x SCALE);
    without `soft`, the hard rules only and no objective."""
    from roster.engine import rules_hard, rules_soft

    model = cp_model.CpModel()
    options = enumerate_options(problem.team, problem.period, keep_excluded=explain,
                                agents=problem.agents)
    # names only where people read them (explanations): a year of a large team has
    # a million options, and the names would be a tenth of the model's memory
    lits = [model.new_bool_var(_option_name(problem.team, o) if explain else "")
            for o in options.options]
    ctx = Context(problem, model, options, lits, explain=explain)
    if explain:
        _add_excluded(ctx)
    rules_hard.one_shift_per_day(ctx)
    rules_hard.min_rest(ctx)
    for rule in rules_hard.HARD_RULES:
        if ctx.enabled(rule.__name__):
            rule(ctx)
    terms: list[Term] = []
    if not soft:
        return BuiltModel(ctx, terms)
    for rule_terms in rules_soft.SOFT_RULES:
        if ctx.enabled(rule_terms.__name__):
            terms += rule_terms(ctx)
    terms = [t for t in terms if t.coef != 0]
    model.minimize(sum(t.coef * t.expr for t in terms) + sum(ctx.constant.values()))
    return BuiltModel(ctx, terms)


def _option_name(team: Team, o: Option) -> str:
    brk = "" if o.break_start is None else f"_b{o.break_start}"
    return f"x_{team.agents[o.agent].id}_d{o.day}_{o.template}_{o.start}{brk}_{o.queue}"


def _add_excluded(ctx: Context) -> None:
    """Explain mode: options blocked by leave/availability join the model, off by assumption."""
    for item in ctx.options.excluded:
        ctx.options.add(item.option)
        lit = ctx.model.new_bool_var(_option_name(ctx.team, item.option))
        ctx.lits.append(lit)
        agent_id = ctx.team.agents[item.option.agent].id
        ctx.add(agent_id, item.rule, lit == 0)
