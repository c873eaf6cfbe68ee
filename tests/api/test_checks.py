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


def test_a_shift_of_the_same_times_on_another_queue_is_checked_again() -> None:
    roster = factories.roster(START)
    team = team_with_leave([])
    a2 = [s for s in roster.shifts if s.agent_id == "a2"]
    assert standing_violations(team, roster, "a2", a2) == []
    # the same times and template on a queue a2 lacks: only the shift's own rules change
    moved = [a2[0].model_copy(update={"queue": "aftersale"}), *a2[1:]]
    found = standing_violations(team, roster, "a2", moved)
    assert [(v.date, v.rule) for v in found] == [(START, "skills")]
    assert found == violations_for(team, roster, {"a2"}, moved)
    # a copy of a shift equal to one checked before is answered the same
    again = [a2[0].model_copy(), *a2[1:]]
    assert standing_violations(team, roster, "a2", again) == []


def test_moved_times_are_checked_over_the_week_in_the_checkers_order() -> None:
    roster = factories.roster(START)
    team = team_with_leave([])
    a1 = [s for s in roster.shifts if s.agent_id == "a1"]
    # Tuesday on the late template (14-22) then Wednesday early (08-16): 10 h of rest; and
    # Monday's shift on a queue a1 has, in reverse order: the checker sorts by start
    late = a1[1].model_copy(update={"template": "late", "start": datetime(2030, 1, 8, 14),
                                    "end": datetime(2030, 1, 8, 22)})
    shifts = [a1[4], a1[3], a1[2], late, a1[0].model_copy(update={"queue": "aftersale"})]
    found = standing_violations(team, roster, "a1", shifts)
    assert [(v.date, v.rule) for v in found] == [(date(2030, 1, 9), "rest")]
    assert found == violations_for(team, roster, {"a1"}, shifts)
    # the same shapes as new objects, with one more own-rule problem (a2 lacks aftersale)
    shifts_a2 = [s.model_copy(update={"agent_id": "a2"}) for s in shifts]
    found = standing_violations(team, roster, "a2", shifts_a2)
    assert [(v.date, v.rule) for v in found] == [(START, "skills"), (date(2030, 1, 9), "rest")]
    assert found == violations_for(team, roster, {"a2"}, shifts_a2)
