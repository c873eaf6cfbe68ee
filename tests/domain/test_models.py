"""Invariants the domain models enforce, each with the message a user sees."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from pydantic import ValidationError

from roster.domain import (
    Agent,
    AvailabilityWindow,
    Contract,
    ContractKind,
    Leave,
    LeaveStatus,
    LeaveType,
    MealBreak,
    PlanningPeriod,
    Preference,
    PreferenceKind,
    Queue,
    Roster,
    Shift,
    ShiftRef,
    ShiftTemplate,
    SwapRequest,
    Team,
)
from roster.domain.schedule import Break
from tests.conftest import tiny_settings, tiny_team


def message(err: pytest.ExceptionInfo[ValidationError]) -> str:
    return err.value.errors()[0]["msg"]


def test_leave_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError) as err:
        Leave(agent_id="A1", start=datetime(2026, 11, 24), end=datetime(2026, 11, 24),
              type=LeaveType.ANNUAL)
    assert message(err) == ("Value error, end: expected a time after start 2026-11-24 00:00, "
                            "got 2026-11-24 00:00")


def test_shift_must_end_after_it_starts_and_start_on_its_day() -> None:
    with pytest.raises(ValidationError, match="end 2026-11-23 08:00 is not after start"):
        Shift(agent_id="A1", date=date(2026, 11, 23), start=datetime(2026, 11, 23, 9),
              end=datetime(2026, 11, 23, 8))
    with pytest.raises(ValidationError, match="dated 2026-11-23 starts on 2026-11-24"):
        Shift(agent_id="A1", date=date(2026, 11, 23), start=datetime(2026, 11, 24, 9),
              end=datetime(2026, 11, 24, 17))


def test_break_must_lie_inside_its_shift() -> None:
    with pytest.raises(ValidationError, match="18:00-19:00 lies outside the shift 09:00-18:00"):
        Shift(agent_id="A1", date=date(2026, 11, 23), start=datetime(2026, 11, 23, 9),
              end=datetime(2026, 11, 23, 18),
              breaks=[Break(start=datetime(2026, 11, 23, 18), end=datetime(2026, 11, 23, 19))])


def test_shift_paid_minutes_and_queue_at() -> None:
    shift = Shift(agent_id="A1", date=date(2026, 11, 23), start=datetime(2026, 11, 23, 9),
                  end=datetime(2026, 11, 23, 18), queue="presale",
                  breaks=[Break(start=datetime(2026, 11, 23, 12), end=datetime(2026, 11, 23, 13))])
    assert (shift.minutes, shift.paid_minutes) == (540, 480)
    assert shift.queue_at(datetime(2026, 11, 23, 12, 30)) is None
    assert shift.queue_at(datetime(2026, 11, 23, 13)) == "presale"
    assert shift.queue_at(datetime(2026, 11, 23, 18)) is None


def test_contract_ranges() -> None:
    with pytest.raises(ValidationError, match=r"min_minutes_per_week \(3000\) exceeds"):
        Contract(name="c", kind=ContractKind.PART_TIME, min_minutes_per_week=3000,
                 max_minutes_per_week=2000, max_days_per_week=5, max_consecutive_days=5,
                 min_rest_hours=11, max_weekends=1)
    with pytest.raises(ValidationError, match=r"min_days_per_week \(6\) exceeds"):
        Contract(name="c", kind=ContractKind.PART_TIME, min_minutes_per_week=0,
                 max_minutes_per_week=2000, min_days_per_week=6, max_days_per_week=5,
                 max_consecutive_days=5, min_rest_hours=11, max_weekends=1)


def test_template_window_and_break_fit() -> None:
    with pytest.raises(ValidationError, match=r"earliest_start \(10:00\) is after latest_start"):
        ShiftTemplate(name="x", earliest_start="10:00", latest_start="09:00", length_minutes=480)
    with pytest.raises(ValidationError, match="the meal break may end 480 minutes after"):
        ShiftTemplate(name="x", earliest_start="09:00", latest_start="09:00", length_minutes=420,
                      meal_break=MealBreak(latest_after_minutes=420, length_minutes=60))


def test_template_helpers() -> None:
    template = ShiftTemplate(name="late", earliest_start=time(14, 10), latest_start=time(15),
                             length_minutes=540, meal_break=MealBreak())
    assert template.start_minutes(30) == [14 * 60 + 30, 15 * 60]
    assert template.paid_minutes() == 480
    assert template.is_late()
    short = ShiftTemplate(name="s", earliest_start="09:00", latest_start="09:00",
                          length_minutes=300, meal_break=MealBreak())
    assert (short.has_break(), short.paid_minutes(), short.is_late()) == (False, 300, False)


def test_queue_targets_in_range() -> None:
    with pytest.raises(ValidationError) as err:
        Queue(name="q", aht_seconds=0, service_level=0.8, answer_within_seconds=20)
    assert err.value.errors()[0]["loc"] == ("aht_seconds",)
    with pytest.raises(ValidationError) as err:
        Queue(name="q", aht_seconds=180, service_level=1.2, answer_within_seconds=20)
    assert err.value.errors()[0]["loc"] == ("service_level",)
    with pytest.raises(ValidationError, match="a voice queue has concurrency 1"):
        Queue(name="q", channel="voice", aht_seconds=180, service_level=0.8,
              answer_within_seconds=20, concurrency=2)


def test_preference_needs_the_fields_of_its_kind() -> None:
    with pytest.raises(ValidationError, match="template: expected a template for a avoid_shift"):
        Preference(agent_id="A1", kind=PreferenceKind.AVOID_SHIFT)
    with pytest.raises(ValidationError, match="date: expected a date for a day_off preference"):
        Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF)
    with pytest.raises(ValidationError, match="start_time: expected start_time and end_time"):
        Preference(agent_id="A1", kind=PreferenceKind.PREFER_TIME, start_time="09:00")
    with pytest.raises(ValidationError) as err:
        Preference(agent_id="A1", kind=PreferenceKind.DAY_OFF, date=date(2026, 11, 23),
                   weight=0)
    assert err.value.errors()[0]["loc"] == ("weight",)


def test_agent_skill_levels_and_availability() -> None:
    with pytest.raises(ValidationError, match="expected levels 1 to 5, got presale:7"):
        Agent(id="A", name="n", team="t", contract="c", skills={"presale": 7})
    agent = Agent(id="A", name="n", team="t", contract="c", skills={"presale": 1},
                  availability=[AvailabilityWindow(weekdays=[0], start=time(17), end=time(0)),
                                AvailabilityWindow(weekdays=[1], start=time(0), end=time(2))],
                  start_date=date(2026, 11, 23))
    monday = date(2026, 11, 23)
    assert agent.is_available(monday, 18 * 60, 24 * 60)
    assert agent.is_available(monday, 18 * 60, 25 * 60)  # past midnight into Tuesday 00-02
    assert not agent.is_available(monday, 18 * 60, 27 * 60)
    assert not agent.is_available(monday, 16 * 60, 20 * 60)
    assert not agent.is_available(date(2026, 11, 22), 18 * 60, 20 * 60)  # before start_date


def test_roster_one_shift_per_day_and_no_overlap() -> None:
    period = PlanningPeriod(start=date(2026, 11, 23), days=2)
    one = Shift(agent_id="A1", date=date(2026, 11, 23), start=datetime(2026, 11, 23, 20),
                end=datetime(2026, 11, 24, 4))
    two = Shift(agent_id="A1", date=date(2026, 11, 24), start=datetime(2026, 11, 24, 2),
                end=datetime(2026, 11, 24, 10))
    with pytest.raises(ValidationError, match="A1: shift on 2026-11-24 starts before the shift"):
        Roster(team="t1", period=period, shifts=[one, two])
    with pytest.raises(ValidationError, match="A1 has more than one shift on 2026-11-23"):
        Roster(team="t1", period=period, shifts=[one, one])


def test_period_grid() -> None:
    period = PlanningPeriod(start=date(2026, 11, 23), days=7, interval_minutes=30)
    assert period.intervals_per_day == 48
    assert len(period.interval_starts()) == 336
    assert period.index_of(datetime(2026, 11, 24, 1, 30)) == 51
    with pytest.raises(ValueError, match="not on the 30-minute grid"):
        period.index_of(datetime(2026, 11, 24, 1, 15))
    assert period.weekends() == [[date(2026, 11, 28), date(2026, 11, 29)]]


def test_swap_request_parties() -> None:
    with pytest.raises(ValidationError, match="cannot swap with themselves"):
        SwapRequest(requester_shift=ShiftRef(agent_id="A1", date=date(2026, 11, 23)),
                    peer_id="A1")
    with pytest.raises(ValidationError, match="peer_shift belongs to A3, not to peer A2"):
        SwapRequest(requester_shift=ShiftRef(agent_id="A1", date=date(2026, 11, 23)),
                    peer_id="A2", peer_shift=ShiftRef(agent_id="A3", date=date(2026, 11, 24)))
    give = SwapRequest(requester_shift=ShiftRef(agent_id="A1", date=date(2026, 11, 23)),
                       peer_id="A2")
    assert give.is_give_away and give.requester_id == "A1"


def test_team_references_are_checked() -> None:
    team = tiny_team()
    data = team.model_dump()
    data["agents"][0]["contract"] = "zero_hours"
    data["agents"][1]["skills"] = {"refunds": 3}
    data["leave"].append({"agent_id": "A9", "start": datetime(2026, 11, 23),
                          "end": datetime(2026, 11, 24), "type": "annual"})
    with pytest.raises(ValidationError) as err:
        Team.model_validate(data)
    text = str(err.value)
    assert "agents[0].contract: expected one of ['full_time'], got 'zero_hours'" in text
    assert "agents[1].skills: expected queues among ['aftersale', 'presale'], got 'refunds'" in text
    assert "leave[1].agent_id: expected a known agent id, got 'A9'" in text


def test_overlapping_leave_of_one_agent_is_rejected_unless_rejected() -> None:
    team = tiny_team()
    data = team.model_dump()
    overlapping = {"agent_id": "A2", "start": datetime(2026, 11, 24, 12),
                   "end": datetime(2026, 11, 26), "type": "annual"}
    with pytest.raises(ValidationError, match="expected no overlap with the leave of record 1"):
        Team.model_validate({**data, "leave": [*data["leave"], overlapping]})
    rejected = {**overlapping, "status": LeaveStatus.REJECTED}
    assert len(Team.model_validate({**data, "leave": [*data["leave"], rejected]}).leave) == 2


def test_settings_reference_unknown_templates() -> None:
    with pytest.raises(ValidationError, match="forbidden_successions"):
        tiny_settings(forbidden_successions=[("late", "night")])
    with pytest.raises(ValidationError, match="expected an IANA time zone"):
        tiny_settings(timezone="Mars/Olympus")
