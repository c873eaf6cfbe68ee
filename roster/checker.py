"""An independent checker of every hard rule on a finished roster.

It shares no code with the CP-SAT model: it reads the domain `Team` and `Roster` only, so
a rule the model gets wrong shows up here. Semantics (the model follows the same):

- a shift belongs to the day it starts; one shift per agent and day;
- template: allowed by the contract; start on the grid inside the template's window; length
  as the template's; a template with a meal break has exactly one break of the rule's length
  starting inside its window, others have none;
- approved leave overlapping the shift, availability windows, start and end dates;
- skills for the shift's queue and each segment's; queue changes per shift at most the
  team's setting;
- `*_per_week` minutes and days in each full 7-day block from the period start (a trailing
  partial block only against the maxima); per-period minutes, weekends and per-template
  counts over the whole period; minimums are lowered pro rata for whole days of approved
  leave (any type but `unavailable`) and days outside employment:
  floor(minimum x days present / days);
- consecutive working days at most the max, joined with the previous roster's trailing run;
  runs of working days and of days off at least their minimum, except a run touching the
  period end, or the period start when no previous roster is given;
- rest between consecutive shifts and forbidden successions, across the boundary too.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from roster.domain import Agent, Contract, Roster, Shift, Team, absent_days, prorated_minimum
from roster.domain.base import minutes_of_day


@dataclass(frozen=True)
class Violation:
    """A hard rule broken by one agent's roster on a day (or over a span starting there)."""

    agent_id: str
    date: date | None
    rule: str
    message: str

    def __str__(self) -> str:
        day = f" {self.date}" if self.date else ""
        return f"{self.agent_id}{day} [{self.rule}]: {self.message}"


def check_roster(team: Team, roster: Roster, previous: Roster | None = None) -> list[Violation]:
    """Every hard-rule violation in `roster`, given the previous period's roster if any."""
    violations: list[Violation] = []
    known = {agent.id: agent for agent in team.agents}
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for shift in roster.shifts:
        if shift.agent_id not in known:
            violations.append(Violation(shift.agent_id, shift.date, "unknown_agent",
                                        f"the roster has a shift for unknown agent "
                                        f"{shift.agent_id!r}"))
            continue
        by_agent[shift.agent_id].append(shift)
    before: dict[str, list[Shift]] = defaultdict(list)
    if previous is not None:
        for shift in previous.shifts:
            if shift.date < roster.period.start:
                before[shift.agent_id].append(shift)
    for agent in team.agents:
        shifts = sorted(by_agent.get(agent.id, []), key=lambda s: s.start)
        earlier = sorted(before.get(agent.id, []), key=lambda s: s.start)
        violations += _agent_violations(team, roster, agent, shifts, earlier,
                                        previous is not None)
    return violations


def _agent_violations(team: Team, roster: Roster, agent: Agent, shifts: list[Shift],
                      earlier: list[Shift], has_previous: bool) -> list[Violation]:
    found: list[Violation] = []
    for shift in shifts:
        found += check_shift(team, roster, agent, shift)
    return found + schedule_violations(team, roster, agent, shifts, earlier, has_previous)


def schedule_violations(team: Team, roster: Roster, agent: Agent, shifts: list[Shift],
                        earlier: Sequence[Shift] = (), has_previous: bool = False
                        ) -> list[Violation]:
    """Rules on an agent's shifts together (`shifts` sorted by start, `earlier` the previous
    roster's): workload, runs of days, rest and successions. They read each shift's day,
    times, breaks and template, never its queue."""
    contract = team.contract_of(agent)
    found = _workload(team, roster, agent, contract, shifts)
    found += _sequences(roster, agent, contract, shifts, list(earlier), has_previous)
    found += _rest_and_successions(team, agent, contract, [*earlier, *shifts])
    return found


def check_shift(team: Team, roster: Roster, agent: Agent, shift: Shift) -> list[Violation]:
    """Rules one shift must meet on its own: period, template, breaks, leave, skills."""
    period = roster.period
    found: list[Violation] = []

    def bad(rule: str, message: str) -> None:
        found.append(Violation(agent.id, shift.date, rule, message))

    if not period.start <= shift.date < period.end:
        bad("period", f"the shift on {shift.date} lies outside the period "
            f"{period.start}..{period.end - timedelta(days=1)}")
    allowed = {t.name for t in team.templates_of(agent)}
    template = team.settings.templates.get(shift.template or "")
    if template is None or template.name not in allowed:
        bad("template", f"template {shift.template!r} is not allowed for contract "
            f"{agent.contract!r} (allowed: {sorted(allowed)})")
    else:
        start = minutes_of_day(shift.start.time())
        first, last = minutes_of_day(template.earliest_start), minutes_of_day(template.latest_start)
        if not first <= start <= last or start % period.interval_minutes:
            bad("template", f"start {shift.start:%H:%M} is not on the {period.interval_minutes}"
                f"-minute grid between {template.earliest_start:%H:%M} and "
                f"{template.latest_start:%H:%M} of {template.name!r}")
        if shift.minutes != template.length_minutes:
            bad("template", f"length {shift.minutes} min differs from {template.name!r}'s "
                f"{template.length_minutes} min")
        found += _break_violations(agent, shift, template, period.interval_minutes)
    for leave in team.leave:
        if leave.agent_id == agent.id and leave.blocks_work and leave.overlaps(shift.start,
                                                                               shift.end):
            span = f"{leave.start:%Y-%m-%d %H:%M}..{leave.end:%Y-%m-%d %H:%M}"
            bad("leave", f"the shift {shift.start:%H:%M}-{shift.end:%H:%M} overlaps approved "
                f"{leave.type.value} leave {span}")
    offset = minutes_of_day(shift.start.time())
    if not agent.is_available(shift.date, offset, offset + shift.minutes):
        bad("availability", f"the shift {shift.start:%H:%M}-{shift.end:%H:%M} is outside the "
            f"agent's availability or employment dates")
    queues = [shift.queue] if shift.queue else []
    queues += [segment.queue for segment in shift.segments]
    if not queues:
        bad("skills", "the shift serves no queue")
    for queue in dict.fromkeys(queues):
        if queue not in agent.skills:
            bad("skills", f"queue {queue!r} is not among the agent's skills "
                f"{sorted(agent.skills)}")
    changes = max(0, len(shift.segments) - 1)
    limit = team.settings.max_queue_changes_per_shift
    if changes > limit:
        bad("queue_changes", f"{changes} queue changes in the shift, at most {limit} allowed")
    return found


def _break_violations(agent: Agent, shift: Shift, template, grid: int) -> list[Violation]:
    rule = template.meal_break
    if not template.has_break():
        if shift.breaks:
            return [Violation(agent.id, shift.date, "break",
                              f"template {template.name!r} has no meal break, got "
                              f"{len(shift.breaks)}")]
        return []
    if len(shift.breaks) != 1:
        return [Violation(agent.id, shift.date, "break",
                          f"expected exactly one meal break, got {len(shift.breaks)}")]
    meal = shift.breaks[0]
    after = int((meal.start - shift.start).total_seconds() // 60)
    length = int((meal.end - meal.start).total_seconds() // 60)
    problems = []
    if not rule.earliest_after_minutes <= after <= rule.latest_after_minutes or after % grid:
        problems.append(f"the break starts {after} min after the shift start, expected "
                        f"{rule.earliest_after_minutes}-{rule.latest_after_minutes} on the grid")
    if length != rule.length_minutes:
        problems.append(f"the break lasts {length} min, expected {rule.length_minutes}")
    return [Violation(agent.id, shift.date, "break", p) for p in problems]


def _workload(team: Team, roster: Roster, agent: Agent, contract: Contract,
              shifts: list[Shift]) -> list[Violation]:
    """Minutes and days per week block and per period, weekends, per-template counts."""
    period = roster.period
    found: list[Violation] = []
    for block_start in range(0, period.days, 7):
        first = period.start + timedelta(days=block_start)
        length = min(7, period.days - block_start)
        inside = [s for s in shifts if first <= s.date < first + timedelta(days=length)]
        minutes = sum(s.paid_minutes for s in inside)
        days = len(inside)
        full = length == 7
        away = absent_days(team, agent, [first + timedelta(days=d) for d in range(length)])
        min_minutes = prorated_minimum(contract.min_minutes_per_week, 7, away)
        min_days = prorated_minimum(contract.min_days_per_week, 7, away)
        if minutes > contract.max_minutes_per_week:
            found.append(Violation(agent.id, first, "minutes_per_week",
                                   f"{minutes} paid minutes in the week from {first}, at most "
                                   f"{contract.max_minutes_per_week}"))
        if full and minutes < min_minutes:
            found.append(Violation(agent.id, first, "minutes_per_week",
                                   f"{minutes} paid minutes in the week from {first}, at least "
                                   f"{min_minutes}"))
        if days > contract.max_days_per_week:
            found.append(Violation(agent.id, first, "days_per_week",
                                   f"{days} working days in the week from {first}, at most "
                                   f"{contract.max_days_per_week}"))
        if full and days < min_days:
            found.append(Violation(agent.id, first, "days_per_week",
                                   f"{days} working days in the week from {first}, at least "
                                   f"{min_days}"))
    total = sum(s.paid_minutes for s in shifts)
    away = absent_days(team, agent, period.dates())
    if contract.max_minutes_per_period is not None and total > contract.max_minutes_per_period:
        found.append(Violation(agent.id, None, "minutes_per_period",
                               f"{total} paid minutes in the period, at most "
                               f"{contract.max_minutes_per_period}"))
    if contract.min_minutes_per_period is not None:
        least = prorated_minimum(contract.min_minutes_per_period, period.days, away)
        if total < least:
            found.append(Violation(agent.id, None, "minutes_per_period",
                                   f"{total} paid minutes in the period, at least {least}"))
    worked = {s.date for s in shifts}
    weekends = sum(any(day in worked for day in group) for group in period.weekends())
    if weekends > contract.max_weekends:
        found.append(Violation(agent.id, None, "weekends",
                               f"{weekends} weekends worked, at most {contract.max_weekends}"))
    counts: dict[str, int] = defaultdict(int)
    for shift in shifts:
        counts[shift.template or ""] += 1
    for name, limit in contract.max_per_template.items():
        if counts[name] > limit:
            found.append(Violation(agent.id, None, "max_per_template",
                                   f"{counts[name]} {name!r} shifts, at most {limit}"))
    return found


def _sequences(roster: Roster, agent: Agent, contract: Contract, shifts: list[Shift],
               earlier: list[Shift], has_previous: bool) -> list[Violation]:
    """Runs of working days and days off against their minimum and maximum lengths."""
    period = roster.period
    worked = {s.date for s in shifts}
    pattern = [day in worked for day in period.dates()]
    carried = 0
    if has_previous:
        done = {s.date for s in earlier}
        day = period.start - timedelta(days=1)
        state = day in done
        while (day in done) == state and day >= period.start - timedelta(days=400):
            carried += 1
            day -= timedelta(days=1)
        carried_state = state
    found: list[Violation] = []
    index = 0
    while index < len(pattern):
        state = pattern[index]
        end = index
        while end < len(pattern) and pattern[end] == state:
            end += 1
        length = end - index
        touches_start = index == 0
        if touches_start and has_previous and carried_state == state:
            length += carried
        exempt_min = end == len(pattern) or (touches_start and not has_previous)
        first = period.start + timedelta(days=index)
        if state and length > contract.max_consecutive_days:
            found.append(Violation(agent.id, first, "max_consecutive_days",
                                   f"{length} consecutive working days, at most "
                                   f"{contract.max_consecutive_days}"))
        if state and not exempt_min and length < contract.min_consecutive_days:
            found.append(Violation(agent.id, first, "min_consecutive_days",
                                   f"{length} consecutive working days, at least "
                                   f"{contract.min_consecutive_days}"))
        if not state and not exempt_min and length < contract.min_consecutive_days_off:
            found.append(Violation(agent.id, first, "min_consecutive_days_off",
                                   f"{length} consecutive days off, at least "
                                   f"{contract.min_consecutive_days_off}"))
        index = end
    return found


def _rest_and_successions(team: Team, agent: Agent, contract: Contract,
                          shifts: list[Shift]) -> list[Violation]:
    found: list[Violation] = []
    forbidden = set(team.settings.forbidden_successions)
    rest = timedelta(hours=contract.min_rest_hours)
    for first, second in itertools.pairwise(shifts):
        gap = second.start - first.end
        if gap < rest:
            found.append(Violation(agent.id, second.date, "rest",
                                   f"{_hours(gap)} h of rest after the shift ending "
                                   f"{first.end:%Y-%m-%d %H:%M}, at least "
                                   f"{contract.min_rest_hours:g} h"))
        if second.date - first.date == timedelta(days=1) and (
            (first.template, second.template) in forbidden
        ):
            found.append(Violation(agent.id, second.date, "forbidden_succession",
                                   f"{second.template!r} may not follow {first.template!r} "
                                   f"on the day before"))
    return found


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:g}"


def shifts_on(roster: Roster, agent_id: str) -> dict[date, Shift]:
    """The agent's shifts keyed by day."""
    return {s.date: s for s in roster.shifts if s.agent_id == agent_id}
