"""The decision variables: one boolean per feasible (agent, day, template, start, break, queue).

Options are enumerated after filtering what can never be worked: templates outside the
contract, queues outside the agent's skills, approved leave, availability windows and
employment dates. Each option knows its paid minutes and the grid intervals it works, so
coverage, minutes and preferences are linear sums of option literals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from roster.domain import Agent, Leave, PlanningPeriod, ShiftTemplate, Team
from roster.domain.base import minutes_of_day
from roster.engine.weights import enabled


@dataclass(frozen=True, slots=True)
class Option:
    """One way an agent may work one day. Times are minutes from the period's first 00:00."""

    agent: int
    day: int
    template: str
    start: int
    length: int
    break_start: int | None
    break_length: int
    queue: str

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def paid(self) -> int:
        return self.length - (self.break_length if self.break_start is not None else 0)

    def worked(self) -> list[tuple[int, int]]:
        """Worked [start, end) pieces in minutes (the shift less its break)."""
        if self.break_start is None:
            return [(self.start, self.end)]
        return [(self.start, self.break_start),
                (self.break_start + self.break_length, self.end)]


@dataclass(frozen=True)
class Excluded:
    """An option left out by a hard filter; kept to explain infeasibility and shortfalls."""

    option: Option
    rule: str
    reason: str


@dataclass
class OptionSet:
    """All options of a problem, indexed by agent and day."""

    options: list[Option] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    by_agent_day: dict[tuple[int, int], list[int]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, option: Option) -> None:
        self.by_agent_day[option.agent, option.day].append(len(self.options))
        self.options.append(option)


def origin_of(period: PlanningPeriod) -> datetime:
    return datetime.combine(period.start, datetime.min.time())


def to_minutes(period: PlanningPeriod, moment: datetime) -> int:
    """Minutes from the period's first midnight (negative before it)."""
    return int((moment - origin_of(period)).total_seconds() // 60)


def to_datetime(period: PlanningPeriod, minutes: int) -> datetime:
    return origin_of(period) + timedelta(minutes=minutes)


def break_offsets(template: ShiftTemplate, step: int) -> list[int | None]:
    """Break start offsets after the shift start, on the grid; [None] without a break."""
    if not template.has_break():
        return [None]
    rule = template.meal_break
    assert rule is not None
    first = rule.earliest_after_minutes + (-rule.earliest_after_minutes) % step
    return list(range(first, rule.latest_after_minutes + 1, step))


def leave_blocking(leave: list[Leave], period: PlanningPeriod, start: int,
                   end: int) -> Leave | None:
    """The first approved leave overlapping [start, end) minutes, if any."""
    begin, finish = to_datetime(period, start), to_datetime(period, end)
    for record in leave:
        if record.blocks_work and record.overlaps(begin, finish):
            return record
    return None


def leave_near_days(leave: list[Leave], period: PlanningPeriod,
                    reach: int) -> dict[int, list[Leave]]:
    """Approved leave that may overlap an option of each day (day index -> records, in
    order); an option of day d lies within [d x 1440, d x 1440 + `reach`) minutes."""
    near: dict[int, list[Leave]] = defaultdict(list)
    for record in leave:
        if not record.blocks_work:
            continue
        begin, finish = to_minutes(period, record.start), to_minutes(period, record.end)
        first = max(0, (begin - reach) // (24 * 60))
        for d in range(first, min(period.days - 1, finish // (24 * 60)) + 1):
            if begin < d * 24 * 60 + reach and d * 24 * 60 < finish:
                near[d].append(record)
    return near


def availability_reason(agent: Agent, day: date, start_minute: int, end_minute: int) -> str:
    """Why the agent cannot work these minutes of `day` ('' when they can)."""
    if agent.start_date and day < agent.start_date:
        return f"starts work on {agent.start_date}"
    if agent.end_date and day > agent.end_date:
        return f"left on {agent.end_date}"
    if not agent.is_available(day, start_minute, end_minute):
        return "outside availability windows"
    return ""


def enumerate_options(team: Team, period: PlanningPeriod, keep_excluded: bool = False,
                      agents: list[int] | None = None) -> OptionSet:
    """Every workable option; with `keep_excluded`, also those blocked by leave/availability.

    Kept excluded options are in `excluded` (explain mode adds them to the model guarded
    by an assumption); they are never in `options` otherwise.
    """
    step = period.interval_minutes
    result = OptionSet()
    leave_by_agent: dict[str, list[Leave]] = defaultdict(list)
    for record in team.leave:
        leave_by_agent[record.agent_id].append(record)
    queues = list(team.settings.queues)
    check_leave = enabled(team.settings, "leave")
    check_availability = enabled(team.settings, "availability")
    for a in agents if agents is not None else range(len(team.agents)):
        agent = team.agents[a]
        skills = [q for q in queues if q in agent.skills]
        templates = team.templates_of(agent)
        reach = 24 * 60 + max((t.length_minutes for t in templates), default=0)
        near = leave_near_days(leave_by_agent[agent.id], period, reach) if check_leave else {}
        limited = bool(agent.availability or agent.start_date or agent.end_date)
        shapes = [(template, break_offsets(template, step), _break_length(template),
                   template.start_minutes(step)) for template in templates]
        for d, day in enumerate(period.dates()):
            for template, offsets, blen, starts in shapes:
                for sm in starts:
                    start = d * 24 * 60 + sm
                    end = start + template.length_minutes
                    reason, rule_name = "", ""
                    why = availability_reason(agent, day, sm, sm + template.length_minutes
                                              ) if limited else ""
                    if why and check_availability:
                        reason, rule_name = why, "availability"
                    elif d in near:
                        blocking = leave_blocking(near[d], period, start, end)
                        if blocking is not None:
                            reason = (f"{blocking.type.value} leave {blocking.start:%Y-%m-%d %H:%M}"
                                      f" to {blocking.end:%Y-%m-%d %H:%M}")
                            rule_name = "leave"
                    for offset in offsets:
                        for queue in skills:
                            option = Option(a, d, template.name, start,
                                            template.length_minutes,
                                            None if offset is None else start + offset, blen,
                                            queue)
                            if not reason:
                                result.add(option)
                            elif keep_excluded:
                                result.excluded.append(Excluded(option, rule_name, reason))
    return result


def _break_length(template: ShiftTemplate) -> int:
    rule = template.meal_break
    return rule.length_minutes if rule and template.has_break() else 0


def template_start(template: ShiftTemplate) -> int:
    return minutes_of_day(template.earliest_start)
