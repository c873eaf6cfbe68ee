"""Say why, in plain words: which hard rules conflict for whom, and why an interval is short.

Every hard rule concerns one agent, so a team's rules are infeasible exactly when some
agent's are. `explain_infeasible` runs quick pre-checks first, then, agent by agent, a
small model with one assumption per rule; the solver's infeasible core names the rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model

from roster.domain import Agent, Contract, Roster, Team, absent_days, prorated_minimum
from roster.engine.demand import IntervalDemand
from roster.engine.model import RosterProblem, build_model
from roster.engine.variables import enumerate_options, to_datetime
from roster.engine.weights import WEIGHTS


@dataclass(frozen=True)
class Conflict:
    """Hard rules that cannot all hold for one agent, with the days concerned."""

    agent_id: str
    days: list[date]
    rules: list[str]
    message: str


@dataclass(frozen=True)
class ShortReason:
    """Why one interval and queue is short: counts of skilled agents by what kept them away."""

    start: datetime
    queue: str
    required: int
    scheduled: int
    reasons: dict[str, int] = field(default_factory=dict)
    message: str = ""


def rule_text(rule: str, contract: Contract) -> str:
    """One rule in plain words with the contract's numbers."""
    texts = {
        "minutes_per_week": (f"{contract.min_minutes_per_week}-{contract.max_minutes_per_week} "
                             "paid minutes per week"),
        "minutes_per_period": (f"{contract.min_minutes_per_period or 0}-"
                               f"{contract.max_minutes_per_period or 'any'} paid minutes in the "
                               "period"),
        "days_per_week": (f"{contract.min_days_per_week}-{contract.max_days_per_week} working days "
                          "per week"),
        "max_consecutive_days": f"at most {contract.max_consecutive_days} working days in a row",
        "min_consecutive_days": f"at least {contract.min_consecutive_days} working days in a row",
        "min_consecutive_days_off": (f"at least {contract.min_consecutive_days_off} days off in "
                                     "a row"),
        "max_weekends": f"at most {contract.max_weekends} weekends worked",
        "max_per_template": f"template limits {contract.max_per_template}",
        "min_rest": f"at least {contract.min_rest_hours:g} hours rest between shifts",
    }
    return texts.get(rule, WEIGHTS[rule].description if rule in WEIGHTS else rule)


def explain_infeasible(problem: RosterProblem, seconds_per_agent: float = 5.0) -> list[Conflict]:
    """Every agent whose hard rules cannot all hold, with the conflicting rules and days."""
    conflicts = precheck(problem)
    named = {c.agent_id for c in conflicts}
    for a, agent in enumerate(problem.team.agents):
        if agent.id in named:
            continue
        conflict = _agent_core(problem, a, seconds_per_agent)
        if conflict is not None:
            conflicts.append(conflict)
    return conflicts


def precheck(problem: RosterProblem) -> list[Conflict]:
    """Fast checks: pinned shifts nobody may work, and weekly minimums beyond reach."""
    team, period = problem.team, problem.period
    conflicts: list[Conflict] = []
    options = enumerate_options(team, period, keep_excluded=True)
    blocked: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item in options.excluded:
        key = (item.option.agent, item.option.day)
        if item.reason not in blocked[key]:
            blocked[key].append(item.reason)
    index = {agent.id: a for a, agent in enumerate(team.agents)}
    for shift in problem.pinned:
        a = index.get(shift.agent_id)
        if a is None:
            conflicts.append(Conflict(shift.agent_id, [shift.date], ["pinned"],
                                      f"pinned shift of unknown agent {shift.agent_id}"))
            continue
        d = (shift.date - period.start).days
        fits = [o for i in options.by_agent_day.get((a, d), [])
                for o in [options.options[i]]
                if to_datetime(period, o.start) == shift.start
                and to_datetime(period, o.end) == shift.end]
        if not fits:
            why = "; ".join(blocked.get((a, d), [])) or "no allowed template starts and ends then"
            conflicts.append(Conflict(
                shift.agent_id, [shift.date], ["pinned"],
                f"{_who(team.agents[a])}: the pinned shift {shift.start:%Y-%m-%d %H:%M}-"
                f"{shift.end:%H:%M} cannot be worked ({why})"))
    for a, agent in enumerate(team.agents):
        contract = team.contract_of(agent)
        for first in range(0, period.days - 6, 7):
            days = range(first, first + 7)
            best = sorted((max((options.options[i].paid for i in options.by_agent_day.get(
                (a, d), [])), default=0) for d in days), reverse=True)
            reach = sum(best[:contract.max_days_per_week])
            free = sum(1 for b in best if b)
            lost = [period.start + timedelta(days=d) for d in days if blocked.get((a, d))
                    and not options.by_agent_day.get((a, d))]
            reasons = sorted({r for d in days for r in blocked.get((a, d), [])})
            week = period.start + timedelta(days=first)
            away = absent_days(team, agent, [week + timedelta(days=d) for d in range(7)])
            min_minutes = prorated_minimum(contract.min_minutes_per_week, 7, away)
            min_days = prorated_minimum(contract.min_days_per_week, 7, away)
            if reach < min_minutes:
                conflicts.append(Conflict(
                    agent.id, lost, ["minutes_per_week", "leave", "availability"],
                    f"{_who(agent)}: in the week from {week} at most {reach} paid minutes can be "
                    f"worked but the contract asks at least {min_minutes} "
                    f"(days that cannot be worked: {_days(lost)}; {'; '.join(reasons) or '-'})"))
            elif free < min_days:
                conflicts.append(Conflict(
                    agent.id, lost, ["days_per_week", "leave", "availability"],
                    f"{_who(agent)}: in the week from {week} only {free} days can be worked but "
                    f"the contract asks at least {min_days} (days that cannot "
                    f"be worked: {_days(lost)}; {'; '.join(reasons) or '-'})"))
    return conflicts


def _agent_core(problem: RosterProblem, a: int, seconds: float) -> Conflict | None:
    single = RosterProblem(problem.team, problem.period, [], problem.previous, problem.pinned,
                           None, agents=[a])
    built = build_model(single, explain=True)
    ctx = built.context
    model = ctx.model
    model.clear_objective()
    literals = list(ctx.assumptions.values())
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    rules = sorted({rule for (agent_id, rule), lit in ctx.assumptions.items()
                    if lit.index in core})
    agent = problem.team.agents[a]
    contract = problem.team.contract_of(agent)
    days = sorted({ctx.date_of(item.option.day) for item in ctx.options.excluded
                   if item.rule in rules})
    pins = sorted({s.date for s in problem.pinned if s.agent_id == agent.id})
    if "pinned" in rules:
        days = sorted(set(days) | set(pins))
    leave = sorted({item.reason for item in ctx.options.excluded if item.rule in rules})
    words = [rule_text(r, contract) for r in rules
             if r not in ("leave", "availability", "pinned")]
    words += leave
    if "pinned" in rules:
        words.append(f"pinned shifts on {_days(pins)}")
    return Conflict(agent.id, days, rules or ["unknown"],
                    f"{_who(agent)}: these rules cannot all hold"
                    f"{' around ' + _days(days) if days else ''}: " + "; ".join(
                        dict.fromkeys(words)))


def _who(agent: Agent) -> str:
    return f"{agent.id} ({agent.name})" if agent.name != agent.id else agent.id


def _days(days: list[date]) -> str:
    return ", ".join(f"{d:%a %Y-%m-%d}" for d in days) or "none"


def explain_shortfalls(team: Team, roster: Roster, demands: list[IntervalDemand],
                       limit: int | None = None) -> list[ShortReason]:
    """For every short interval and queue: who had the skill and what kept each away.

    Reasons: on leave, unavailable (availability windows, employment dates or no template
    starts early/late enough), on break, serving another queue, working other hours that
    day, or a day off (at the contract's weekly limit, or held off by rest/consecutive-day
    rules and cost).
    """
    period = roster.period
    step = timedelta(minutes=period.interval_minutes)
    by_agent = defaultdict(dict)
    for shift in roster.shifts:
        by_agent[shift.agent_id][shift.date] = shift
    options = enumerate_options(team, period)
    covers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for o in options.options:
        for begin, end in [(o.start, o.end)]:
            for t in range(begin // period.interval_minutes, -(-end // period.interval_minutes)):
                covers[o.agent, t].add(o.day)
    out = []
    for demand in sorted(demands, key=lambda x: (x.start, x.queue)):
        t0, t1 = demand.start, demand.start + step
        working = sum(1 for shifts in by_agent.values() for s in shifts.values()
                      if s.queue_at(t0) == demand.queue)
        if working >= demand.agents:
            continue
        reasons: dict[str, int] = defaultdict(int)
        t = int((t0 - datetime.combine(period.start, datetime.min.time())).total_seconds()
                // 60 // period.interval_minutes)
        for a, agent in enumerate(team.agents):
            if demand.queue not in agent.skills:
                continue
            shifts = by_agent.get(agent.id, {})
            here = [s for s in shifts.values() if s.start <= t0 < s.end]
            if here:
                shift = here[0]
                if shift.queue_at(t0) == demand.queue:
                    continue
                if shift.queue_at(t0) is None:
                    reasons["on break"] += 1
                else:
                    reasons["serving another queue"] += 1
                continue
            if any(x.agent_id == agent.id and x.blocks_work and x.overlaps(t0, t1)
                   for x in team.leave):
                reasons["on leave"] += 1
            elif not covers.get((a, t)):
                reasons["unavailable or no shift template covers this time"] += 1
            elif t0.date() in shifts:
                reasons["working other hours that day"] += 1
            elif _at_week_limit(team, agent, shifts, period.start, t0.date()):
                reasons["day off: at the contract's weekly limit"] += 1
            else:
                reasons["day off: rest, consecutive-day rules or cost"] += 1
        ranked = sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
        text = ", ".join(f"{n} {r}" for r, n in ranked)
        out.append(ShortReason(
            demand.start, demand.queue, demand.agents, working, dict(reasons),
            f"{demand.start:%a %Y-%m-%d %H:%M} {demand.queue}: {working} of {demand.agents} "
            f"agents ({demand.agents - working} short); skilled agents away: {text or 'none'}"))
        if limit is not None and len(out) >= limit:
            break
    return out


def _at_week_limit(team: Team, agent: Agent, shifts: dict, start: date, day: date) -> bool:
    contract = team.contract_of(agent)
    first = start + timedelta(days=((day - start).days // 7) * 7)
    week = [s for d, s in shifts.items() if first <= d < first + timedelta(days=7)]
    shortest = min((t.paid_minutes() for t in team.templates_of(agent)), default=0)
    minutes = sum(s.paid_minutes for s in week)
    return (len(week) >= contract.max_days_per_week
            or minutes + shortest > contract.max_minutes_per_week)
