"""Hard rules, through the lead engineer's independent checker `roster.checker`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any

from roster.checker import Violation, check_roster, check_shift, schedule_violations
from roster.domain import Agent, Roster, Shift, Team


def violations_for(team: Team, roster: Roster, agent_ids: set[str],
                   shifts: Sequence[Shift] | None = None) -> list[Violation]:
    """Every hard-rule violation of the agents in `agent_ids` (all rules are per agent).

    The checker runs on those agents, their leave and their shifts only (`shifts` when the
    caller already picked them, else the roster's), which gives the same answer as the whole
    roster for them and is what keeps a swap check fast on a large team.
    """
    agents = [a for a in team.agents if a.id in agent_ids]
    small_team = Team.model_construct(
        settings=team.settings, agents=agents, preferences=[],
        leave=[x for x in team.leave if x.agent_id in agent_ids])
    if shifts is None:
        shifts = [s for s in roster.shifts if s.agent_id in agent_ids]
    small = Roster.model_construct(team=roster.team, period=roster.period,
                                   version=roster.version, shifts=list(shifts))
    return check_roster(small_team, small)


_KNOWN: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], list[Violation]]] = OrderedDict()
_KNOWN_LOCK = Lock()
_KNOWN_SIZE = 8192


def _remembered(key: tuple[Any, ...], alive: tuple[Any, ...],
                compute: Callable[[], list[Violation]]) -> list[Violation]:
    """`compute()`, remembered under `key`; `alive` holds the objects whose ids are in the
    key, so a hit is only taken while they are the very same objects."""
    with _KNOWN_LOCK:
        found = _KNOWN.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], alive, strict=True)):
            _KNOWN.move_to_end(key)
            return found[1]
    violations = compute()
    with _KNOWN_LOCK:
        _KNOWN[key] = (alive, violations)
        while len(_KNOWN) > _KNOWN_SIZE:
            _KNOWN.popitem(last=False)
    return violations


def _shape(shift: Shift) -> tuple[Any, ...]:
    """Everything of a shift that `check_shift` reads (all but its agent)."""
    return (shift.date, shift.start, shift.end, shift.template, shift.queue,
            tuple((b.start, b.end) for b in shift.breaks),
            tuple((x.start, x.end, x.queue) for x in shift.segments))


def standing_violations(team: Team, roster: Roster, agent_id: str,
                        shifts: Sequence[Shift]) -> list[Violation]:
    """`violations_for` one agent's shifts (the same violations in the same order),
    remembered while the same shift objects come back (a version hands the shifts a change
    did not touch on to the next, so an agent's standing violations are found once), and
    otherwise made of parts remembered by what they read: each shift's own rules by the
    shift's times, breaks, segments, template and queue; the rules over the shifts together
    (workload, runs of days, rest) by each shift's day, times, breaks and template, which a
    queue does not change. All also by the agent, the team's settings, the agent's leave and
    the period. A swap moves two shifts, so a check recomputes the own rules of the two moved
    shifts and, when the times or templates moved, the two agents' rules over their week."""
    agent = team.agent(agent_id)
    settings = team.settings
    leave = tuple((x.start, x.end, x.type, x.status) for x in team.leave
                  if x.agent_id == agent_id)
    period = roster.period
    owner = (agent_id, id(agent), id(settings), period.start, period.days,
             period.interval_minutes, leave)
    alive = (agent, settings)  # kept with each entry, so the ids above stay theirs
    return _remembered(("shifts", *owner, *(id(x) for x in shifts)), (*alive, *shifts),
                       lambda: _assembled(team, roster, agent, owner, alive, shifts))


def _assembled(team: Team, roster: Roster, agent: Agent, owner: tuple[Any, ...],
               alive: tuple[Any, ...], shifts: Sequence[Shift]) -> list[Violation]:
    """`standing_violations` from its remembered parts (see there)."""
    settings = team.settings
    agent_id = agent.id
    small_team = Team.model_construct(settings=settings, agents=[agent], preferences=[],
                                      leave=[x for x in team.leave if x.agent_id == agent_id])
    ordered = sorted(shifts, key=lambda s: s.start)
    found: list[Violation] = []
    shapes = []
    for shift in ordered:
        shape = _shape(shift)
        shapes.append((*shape[:4], shape[5]))
        found += _remembered(("shift", *owner, shape), alive,
                             lambda s=shift: check_shift(small_team, roster, agent, s))
    found += _remembered(("week", *owner, tuple(shapes)), alive,
                         lambda: schedule_violations(small_team, roster, agent, ordered))
    return found


def all_violations(team: Team, roster: Roster, previous: Roster | None = None) -> list[Violation]:
    return check_roster(team, roster, previous)


def violation_out(violation: Violation) -> dict[str, Any]:
    return {"agent_id": violation.agent_id,
            "date": violation.date.isoformat() if violation.date else None,
            "rule": violation.rule, "message": violation.message}
