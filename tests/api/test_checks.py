"""Hard-rule checks of a swap's two agents: the remembered standing violations are exactly
the checker's, and a change of shifts or leave is never answered from memory."""

from __future__ import annotations

from datetime import date, datetime

from api.services.checks import standing_violations, violations_for
from roster.domain import Leave, LeaveType, Team
from tests.api import factories

START = date(2030, 1, 7)


def team_with_leave(leave: list[Leave]) -> Team:
    team = factories.team()
    return Team.model_construct(settings=team.settings, agents=team.agents, leave=leave,
                                preferences=[])


def test_standing_violations_are_the_checkers_and_follow_leave() -> None:
    roster = factories.roster(START)
    a1 = [s for s in roster.shifts if s.agent_id == "a1"]
    team = team_with_leave([])
    assert standing_violations(team, roster, "a1", a1) == violations_for(team, roster, {"a1"},
                                                                         a1) == []
    sick = Leave(agent_id="a1", start=datetime(2030, 1, 8), end=datetime(2030, 1, 9),
                 type=LeaveType.SICK)
    on_leave = Team.model_construct(settings=team.settings, agents=team.agents, leave=[sick],
                                    preferences=[])
    found = standing_violations(on_leave, roster, "a1", a1)
    assert [(v.date, v.rule) for v in found] == [(date(2030, 1, 8), "leave")]
    assert found == violations_for(on_leave, roster, {"a1"}, a1)
    assert standing_violations(team, roster, "a1", a1) == []  # back without the leave


def test_standing_violations_follow_the_shift_objects() -> None:
    roster = factories.roster(START)
    team = team_with_leave([])
    a2 = [s for s in roster.shifts if s.agent_id == "a2"]
    assert standing_violations(team, roster, "a2", a2) == []
    sixth = a2[0].model_copy(update={"date": date(2030, 1, 12),
                                     "start": datetime(2030, 1, 12, 14),
                                     "end": datetime(2030, 1, 12, 22)})
    found = standing_violations(team, roster, "a2", [*a2, sixth])
    assert {v.rule for v in found} == {"days_per_week", "max_consecutive_days",
                                       "minutes_per_week"}
    assert found == violations_for(team, roster, {"a2"}, [*a2, sixth])
