"""Hard rules, through the lead engineer's independent checker `roster.checker`."""

from __future__ import annotations

from collections.abc import Sequence
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


def all_violations(team: Team, roster: Roster, previous: Roster | None = None) -> list[Violation]:
    return check_roster(team, roster, previous)


def violation_out(violation: Violation) -> dict[str, Any]:
    return {"agent_id": violation.agent_id,
            "date": violation.date.isoformat() if violation.date else None,
            "rule": violation.rule, "message": violation.message}
