"""Each kind of preference judged on one day, and the outcomes of the hand-built roster."""

from __future__ import annotations

from datetime import time

import pytest

from roster.domain import Break, Preference, PreferenceKind, Shift
from roster.results.preferences import HONOURS, preference_outcomes
from tests.results import cases


def shift(start: int, end: int, template: str = "early",
          breaks: tuple[tuple[int, int], ...] = ()) -> Shift:
    end_at = cases.at(end % 24, day=cases.SATURDAY.replace(day=28 + end // 24))
    return Shift(agent_id="A1", date=cases.SATURDAY, start=cases.at(start), end=end_at,
                 template=template,
                 breaks=[Break(start=cases.at(a), end=cases.at(b)) for a, b in breaks])


def pref(kind: PreferenceKind, **fields: object) -> Preference:
    return Preference.model_validate({"agent_id": "A1", "kind": kind, **fields})


@pytest.mark.parametrize(("preference", "worked", "expected"), [
    (pref(PreferenceKind.DAY_OFF, date=cases.SATURDAY), None, True),
    (pref(PreferenceKind.DAY_OFF, date=cases.SATURDAY), shift(8, 17), False),
    (pref(PreferenceKind.PREFER_SHIFT, template="early"), shift(8, 17), True),
    (pref(PreferenceKind.PREFER_SHIFT, template="late"), shift(8, 17), False),
    (pref(PreferenceKind.PREFER_SHIFT, template="early"), None, False),
    (pref(PreferenceKind.AVOID_SHIFT, template="late"), shift(8, 17), True),
    (pref(PreferenceKind.AVOID_SHIFT, template="early"), shift(8, 17), False),
    (pref(PreferenceKind.AVOID_SHIFT, template="early"), None, True),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(8), end_time=time(17)), shift(8, 17), True),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(9), end_time=time(17)), shift(8, 17),
     False),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(14), end_time=time(0)), shift(15, 24),
     True),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(14), end_time=time(0)), shift(15, 25),
     False),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(9), end_time=time(13)), None, True),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(17), end_time=time(0)), shift(8, 17), True),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(16), end_time=time(0)), shift(8, 17),
     False),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(0), end_time=time(6)), shift(20, 26),
     False),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(0), end_time=time(6)), shift(18, 24), True),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(22), end_time=time(0)), None, True),
    # dated: only the window of the shift's own day
    (pref(PreferenceKind.AVOID_TIME, date=cases.SATURDAY, start_time=time(0),
          end_time=time(6)), shift(20, 26), True),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(0), end_time=time(0)), shift(20, 26),
     True),
    (pref(PreferenceKind.PREFER_TIME, date=cases.SATURDAY, start_time=time(0),
          end_time=time(0)), shift(20, 26), False),
    # the break is not worked time
    (pref(PreferenceKind.AVOID_TIME, start_time=time(12), end_time=time(13)),
     shift(8, 17, breaks=((12, 13),)), True),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(12), end_time=time(13)),
     shift(8, 17, breaks=((12, 14),)), True),
    (pref(PreferenceKind.AVOID_TIME, start_time=time(12), end_time=time(13)),
     shift(8, 17, breaks=((11, 12),)), False),
    (pref(PreferenceKind.PREFER_TIME, start_time=time(8), end_time=time(12)),
     shift(8, 17, breaks=((12, 17),)), True),
])
def test_each_kind_is_judged_on_one_day(preference: Preference, worked: Shift | None,
                                        expected: bool) -> None:
    assert HONOURS[preference.kind](preference, worked) is expected


def test_outcomes_of_the_hand_built_roster() -> None:
    outcomes = preference_outcomes(cases.team(), cases.roster())
    judged = [(o.index, o.agent_id, o.kind.value, o.weight, o.honoured) for o in outcomes]
    assert judged == [
        (0, "A1", "prefer_shift", 2, True),
        (1, "A1", "avoid_time", 1, True),
        (3, "A2", "day_off", 3, False),
        (4, "A2", "avoid_shift", 1, False),
        (5, "A2", "avoid_time", 1, False),
        (7, "A3", "day_off", 4, True),
    ]
    assert {o.date for o in outcomes} == {cases.SATURDAY}


def test_undated_preference_is_judged_on_every_worked_day() -> None:
    from roster.domain import PlanningPeriod, Roster
    sunday = cases.SATURDAY.replace(day=29)
    roster = Roster(team="shop", period=PlanningPeriod(start=cases.SATURDAY, days=3), shifts=[
        Shift(agent_id="A1", date=day, start=cases.at(8, day=day), end=cases.at(12, day=day),
              template=template)
        for day, template in ((cases.SATURDAY, "early"), (sunday, "short"))])
    team = cases.team().model_copy(update={"preferences": [
        pref(PreferenceKind.PREFER_SHIFT, template="early", weight=2)]})
    outcomes = preference_outcomes(team, roster)
    assert [(o.date, o.honoured) for o in outcomes] == [(cases.SATURDAY, True), (sunday, False)]
