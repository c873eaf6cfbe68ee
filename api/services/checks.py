"""Hard rules, through the lead engineer's independent checker `roster.checker`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock
from typing import Any

from roster.checker import Violation, check_roster
from roster.domain import Roster, Shift, Team


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


def standing_violations(team: Team, roster: Roster, agent_id: str,
                        shifts: Sequence[Shift]) -> list[Violation]:
    """`violations_for` one agent's current shifts, remembered while the same shift objects,
    agent, settings and leave come back: a roster version carries the shifts a change did
    not touch into the next one, so an agent's standing violations are computed once, not
    on every swap check that involves them."""
    agent = team.agent(agent_id)
    leave = tuple((x.start, x.end, x.type, x.status) for x in team.leave
                  if x.agent_id == agent_id)
    period = roster.period
    key = (agent_id, id(agent), id(team.settings), period.start, period.days,
           period.interval_minutes, leave, tuple(id(x) for x in shifts))
    identity = (agent, team.settings, *shifts)  # kept alive, so the ids above stay theirs
    with _KNOWN_LOCK:
        found = _KNOWN.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], identity, strict=True)):
            _KNOWN.move_to_end(key)
            return found[1]
    violations = violations_for(team, roster, {agent_id}, shifts)
    with _KNOWN_LOCK:
        _KNOWN[key] = (identity, violations)
        while len(_KNOWN) > 1024:
            _KNOWN.popitem(last=False)
    return violations


def all_violations(team: Team, roster: Roster, previous: Roster | None = None) -> list[Violation]:
    return check_roster(team, roster, previous)


def violation_out(violation: Violation) -> dict[str, Any]:
    return {"agent_id": violation.agent_id,
            "date": violation.date.isoformat() if violation.date else None,
            "rule": violation.rule, "message": violation.message}
