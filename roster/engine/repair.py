"""Re-solve with minimal change: repair a published roster after new leave, a sick call or
an agent leaving.

Only the agents concerned and a neighbourhood of colleagues who could stand in are
re-planned; everyone else keeps their published week, and their coverage is taken off the
requirement first (exact for shortfall and overstaffing). Shifts before `freeze_before`
stay as published. The published roster is both the hint and the stability reference,
so every changed shift costs `stability` points.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from roster.domain import Leave, LeaveType, Roster, RuleSetting, Shift, Team
from roster.engine.demand import Demand, IntervalDemand, ShiftDemand
from roster.engine.model import RosterProblem, build_model
from roster.engine.solve import RosterSolver, SolveOptions, SolveResult

ChangeKind = Literal["leave", "sick", "leaving"]


@dataclass(frozen=True)
class RosterChange:
    """What happened: leave or a sick call over [start, end), or an agent leaving at `start`."""

    kind: ChangeKind
    agent_id: str
    start: datetime
    end: datetime | None = None
    leave_type: LeaveType = LeaveType.SICK

    def describe(self) -> str:
        if self.kind == "leaving":
            return f"{self.agent_id} leaves; last day {(self.start - timedelta(days=1)).date()}"
        end = self.end or self.start
        return (f"{self.agent_id} {self.kind} {self.start:%Y-%m-%d %H:%M} to "
                f"{end:%Y-%m-%d %H:%M}")


@dataclass(frozen=True)
class ShiftChange:
    """One shift added, removed or changed against the published roster."""

    agent_id: str
    date: date
    kind: Literal["added", "removed", "changed"]
    before: Shift | None
    after: Shift | None

    def describe(self) -> str:
        def text(s: Shift | None) -> str:
            if s is None:
                return "off"
            brk = "".join(f" break {b.start:%H:%M}" for b in s.breaks)
            return f"{s.template or ''} {s.start:%H:%M}-{s.end:%H:%M} {s.queue or ''}{brk}".strip()
        return (f"{self.agent_id} {self.date}: {self.kind}: {text(self.before)} -> "
                f"{text(self.after)}")


@dataclass
class RepairResult:
    """The repaired roster, the team it holds for (with the change), and what changed."""

    team: Team
    roster: Roster | None
    changes: list[ShiftChange]
    solve: SolveResult
    replanned: list[str] = field(default_factory=list)


def apply_changes(team: Team, changes: list[RosterChange]) -> Team:
    """The team with the changes: leave records added, leavers' end dates set.

    An agent on new leave has the weekly and period minimums of their contract waived
    (a copy of the contract named `<contract>~<agent>`): the leave took the time away.
    """
    data = team.model_dump()
    ids = {a["id"]: a for a in data["agents"]}
    for change in changes:
        if change.agent_id not in ids:
            raise KeyError(f"unknown agent {change.agent_id!r}")
        agent = ids[change.agent_id]
        if change.kind == "leaving":
            agent["end_date"] = (change.start - timedelta(days=1)).date()
            continue
        end = change.end or datetime.combine(change.start.date() + timedelta(days=1), time())
        data["leave"].append(Leave(agent_id=change.agent_id, start=change.start, end=end,
                                   type=change.leave_type, note="repair").model_dump())
        name = f"{agent['contract']}~{agent['id']}"
        if name not in data["settings"]["contracts"]:
            contract = dict(data["settings"]["contracts"][agent["contract"]], name=name)
            contract.update(min_minutes_per_week=0, min_days_per_week=0,
                            min_minutes_per_period=None)
            data["settings"]["contracts"][name] = contract
        agent["contract"] = name
    return Team.model_validate(data)


def shift_changes(before: Roster, after: Roster) -> list[ShiftChange]:
    """Shifts that differ between two rosters, per agent and day."""
    old = {(s.agent_id, s.date): s for s in before.shifts}
    new = {(s.agent_id, s.date): s for s in after.shifts}
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None:
            out.append(ShiftChange(key[0], key[1], "added", None, b))
        elif b is None:
            out.append(ShiftChange(key[0], key[1], "removed", a, None))
        elif _signature(a) != _signature(b):
            out.append(ShiftChange(key[0], key[1], "changed", a, b))
    return out


def _signature(s: Shift) -> tuple[object, ...]:
    return (s.start, s.end, s.template, s.queue, tuple((b.start, b.end) for b in s.breaks))


def neighbourhood(team: Team, published: Roster, changed: set[str], days: set[date],
                  size: int) -> list[int]:
    """Agents to re-plan: the changed ones, then up to `size` colleagues sharing a queue
    with them, those off on the affected days first (they can stand in)."""
    queues = {q for a in team.agents if a.id in changed for q in a.skills}
    working = {(s.agent_id, s.date) for s in published.shifts}
    chosen = [i for i, a in enumerate(team.agents) if a.id in changed]
    candidates = []
    for i, agent in enumerate(team.agents):
        if agent.id in changed or not queues & set(agent.skills):
            continue
        off = sum((agent.id, d) not in working for d in days)
        candidates.append((-off, -len(set(agent.skills) & queues), i))
    chosen += [i for *_, i in sorted(candidates)[:size]]
    return chosen


def residual_demands(team: Team, published: Roster, demands: list[Demand], fixed: set[str],
                     ) -> list[Demand]:
    """Demand left once the fixed agents' published shifts are counted."""
    step = timedelta(minutes=published.period.interval_minutes)
    cover: dict[tuple[datetime, str], int] = defaultdict(int)
    shifts_by: dict[tuple[date, str], int] = defaultdict(int)
    for shift in published.shifts:
        if shift.agent_id not in fixed:
            continue
        shifts_by[shift.date, shift.template or ""] += 1
        moment = shift.start
        while moment < shift.end:
            queue = shift.queue_at(moment)
            if queue:
                cover[moment, queue] += 1
            moment += step
    out: list[Demand] = []
    for d in demands:
        if isinstance(d, IntervalDemand):
            out.append(IntervalDemand(d.start, d.queue, max(0, d.agents - cover[d.start, d.queue]),
                                      d.value))
        elif isinstance(d, ShiftDemand):
            out.append(ShiftDemand(d.day, d.template,
                                   max(0, d.required - shifts_by[d.day, d.template]),
                                   d.under_weight, d.over_weight))
    return out


def repair_roster(team: Team, published: Roster, changes: list[RosterChange],
                  demands: list[Demand], options: SolveOptions | None = None,
                  neighbours: int = 30, freeze_before: date | None = None,
                  previous: Roster | None = None,
                  stability_weight: float = 1000) -> RepairResult:
    """Repair `published` after `changes`, changing as few shifts as possible.

    Each changed shift costs `stability_weight` points (unless settings set `stability`),
    more than ten agent-hours of shortfall, so only needed changes are made.
    `freeze_before` (default: the first changed day) keeps earlier shifts as published.
    """
    options = options or SolveOptions(time_limit=10)
    changed_team = apply_changes(team, changes)
    rules = dict(changed_team.settings.rules)
    if rules.get("stability") is None or rules["stability"].weight is None:
        rules["stability"] = RuleSetting(weight=stability_weight)
        changed_team.settings.rules = rules
    period = published.period
    first = min(c.start.date() for c in changes)
    freeze = freeze_before or first
    affected_days = set()
    for change in changes:
        end = (change.end or change.start + timedelta(days=1)) if change.kind != "leaving" else (
            datetime.combine(period.end, time()))
        day = change.start.date()
        while datetime.combine(day, time()) < end and day < period.end:
            affected_days.add(day)
            day += timedelta(days=1)
    changed_ids = {c.agent_id for c in changes}
    free = neighbourhood(changed_team, published, changed_ids, affected_days, neighbours)
    free_ids = {changed_team.agents[i].id for i in free}
    fixed_ids = {a.id for a in changed_team.agents} - free_ids
    pinned = [s for s in published.shifts if s.agent_id in free_ids and s.date < freeze]
    problem = RosterProblem(changed_team, period,
                            residual_demands(changed_team, published, demands, fixed_ids),
                            previous=previous, pinned=pinned, reference=published, agents=free)
    built = build_model(problem)
    ctx = built.context
    working = {(s.agent_id, s.date) for s in published.shifts}
    for a in free:
        agent_id = changed_team.agents[a].id
        for d in range(min(period.days, max(0, (freeze - period.start).days))):
            if (agent_id, ctx.date_of(d)) not in working:
                for i in ctx.day_options(a, d):
                    ctx.model.add(ctx.lits[i] == 0)
    keep = Roster(team=published.team, period=period, version=published.version,
                  shifts=[s for s in published.shifts if s.agent_id in free_ids and not (
                      s.agent_id in changed_ids and s.date in affected_days)])
    result = RosterSolver(problem, SolveOptions(
        time_limit=options.time_limit, workers=options.workers, seed=options.seed, hint=keep,
        log=options.log, lp_bound=False), built=built).solve()
    if result.roster is None:
        return RepairResult(changed_team, None, [], result, sorted(free_ids))
    shifts = [s for s in published.shifts if s.agent_id in fixed_ids] + result.roster.shifts
    shifts.sort(key=lambda s: (s.date, s.agent_id))
    repaired = Roster(team=published.team, period=period, version=published.version + 1,
                      shifts=shifts)
    return RepairResult(changed_team, repaired, shift_changes(published, repaired), result,
                        sorted(free_ids))
