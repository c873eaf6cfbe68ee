"""Hard rules, through the lead engineer's independent checker `roster.checker`."""

from __future__ import annotations

from typing import Any

from roster.checker import Violation, check_roster
from roster.domain import Roster, Team


def violations_for(team: Team, roster: Roster, agent_ids: set[str],
                   previous: Roster | None = None) -> list[Violation]:
    """Every hard-rule violation of the agents in `agent_ids` (all rules are per agent).

    The checker runs on those agents and their shifts only, which gives the same answer as
    the whole roster for them and is what keeps a swap check fast on a large team.
    """
    agents = [a for a in team.agents if a.id in agent_ids]
    small_team = team.model_copy(update={"agents": agents})
    small = roster.model_copy(update={"shifts": [s for s in roster.shifts
                                                 if s.agent_id in agent_ids]})
    small_previous = None
    if previous is not None:
        small_previous = previous.model_copy(update={"shifts": [
            s for s in previous.shifts if s.agent_id in agent_ids]})
    return check_roster(small_team, small, small_previous)


def all_violations(team: Team, roster: Roster, previous: Roster | None = None) -> list[Violation]:
    return check_roster(team, roster, previous)


def violation_out(violation: Violation) -> dict[str, Any]:
    return {"agent_id": violation.agent_id,
            "date": violation.date.isoformat() if violation.date else None,
            "rule": violation.rule, "message": violation.message}
