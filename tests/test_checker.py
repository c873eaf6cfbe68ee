"""The independent checker: each hard rule on a tiny hand-built roster, exact messages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from roster.checker import check_roster
from roster.domain import Break, PlanningPeriod, Roster, Segment, Shift, Team
from tests.conftest import MONDAY, tiny_team

PERIOD = PlanningPeriod(start=MONDAY, days=7, interval_minutes=60)
LENGTH = {"early": 540, "late": 540, "short": 240}


def make(agent: str, day: int, template: str, hour: int, minute: int = 0,
         break_after: int | None = 240, queue: str = "presale",
         length: int | None = None) -> Shift:
    """A shift of `template` on MONDAY + day starting at hour:minute, break as given."""
    on = MONDAY + timedelta(days=day)
    start = datetime.combine(on, time(hour, minute))
    end = start + timedelta(minutes=length or LENGTH[template])
    breaks = []
    if template != "short" and break_after is not None:
        breaks = [Break(start=start + timedelta(minutes=break_after),
                        end=start + timedelta(minutes=break_after + 60))]
    return Shift(agent_id=agent, date=on, start=start, end=end, template=template, queue=queue,
                 breaks=breaks)


def rules(team: Team, shifts: list[Shift], previous: Roster | None = None,
          agent: str = "A1") -> list[str]:
    """The violations of one agent, as the sentences a planner reads."""
    roster = Roster(team="t1", period=PERIOD, shifts=shifts)
    return [str(v) for v in check_roster(team, roster, previous) if v.agent_id == agent]


def week(agent: str, days: list[int], template: str = "early", hour: int = 8) -> list[Shift]:
    return [make(agent, d, template, hour) for d in days]


def test_a_valid_week_has_no_violation(team: Team) -> None:
    shifts = week("A1", [0, 1, 2, 3]) + week("A3", [2, 3, 4, 5])
    roster = Roster(team="t1", period=PERIOD, shifts=shifts + week("A2", [2, 3, 4, 5], hour=9))
    for shift in roster.shifts:
        if shift.agent_id == "A2":
            shift.queue = "aftersale"
    assert check_roster(team, roster) == []


def test_minimum_minutes_and_days_without_shifts(team: Team) -> None:
    assert rules(team, []) == [
        "A1 2026-11-23 [minutes_per_week]: 0 paid minutes in the week from 2026-11-23, "
        "at least 960",
    ]


def test_template_start_window_and_length(team: Team) -> None:
    shifts = [*week("A1", [0, 1]), make("A1", 2, "early", 10),
              make("A1", 3, "early", 8, length=600)]
    assert rules(team, shifts) == [
        "A1 2026-11-25 [template]: start 10:00 is not on the 60-minute grid between 08:00 and "
        "09:00 of 'early'",
        "A1 2026-11-26 [template]: length 600 min differs from 'early''s 540 min",
    ]


def test_meal_break_window_and_count(team: Team) -> None:
    shifts = [make("A1", 0, "early", 8, break_after=120),
              make("A1", 1, "early", 8, break_after=None), *week("A1", [2, 3])]
    assert rules(team, shifts) == [
        "A1 2026-11-23 [break]: the break starts 120 min after the shift start, expected "
        "180-300 on the grid",
        "A1 2026-11-24 [break]: expected exactly one meal break, got 0",
    ]


def test_approved_leave_blocks_work_and_skills_are_required(team: Team) -> None:
    shifts = [make("A2", 1, "early", 8, queue="aftersale"),
              make("A2", 2, "early", 8, queue="presale"), make("A2", 3, "early", 8,
                                                               queue="aftersale")]
    assert rules(team, shifts, agent="A2") == [
        "A2 2026-11-24 [leave]: the shift 08:00-17:00 overlaps approved sick leave "
        "2026-11-24 00:00..2026-11-25 00:00",
        "A2 2026-11-25 [skills]: queue 'presale' is not among the agent's skills ['aftersale']",
    ]


def test_queue_changes_are_limited(team: Team) -> None:
    start = datetime(2026, 11, 25, 8)
    split = Shift(agent_id="A1", date=date(2026, 11, 25), start=start,
                  end=start + timedelta(minutes=540), template="early",
                  breaks=[Break(start=start + timedelta(hours=4), end=start + timedelta(hours=5))],
                  segments=[Segment(start=start, end=start + timedelta(hours=2), queue="presale"),
                            Segment(start=start + timedelta(hours=2),
                                    end=start + timedelta(hours=4), queue="aftersale"),
                            Segment(start=start + timedelta(hours=5),
                                    end=start + timedelta(hours=9), queue="presale")])
    assert rules(team, [*week("A1", [0, 1]), split]) == [
        "A1 2026-11-25 [queue_changes]: 2 queue changes in the shift, at most 1 allowed",
    ]


def test_employment_start_date(team: Team) -> None:
    assert rules(team, [make("A3", 0, "early", 8), *week("A3", [3, 4])], agent="A3") == [
        "A3 2026-11-23 [availability]: the shift 08:00-17:00 is outside the agent's "
        "availability or employment dates",
    ]


def test_weekly_maximum_minutes_days_and_weekends(team: Team) -> None:
    data = team.model_dump()
    data["settings"]["contracts"]["full_time"].update(max_consecutive_days=7, max_weekends=0,
                                                      min_consecutive_days_off=1)
    loose = Team.model_validate(data)
    assert rules(loose, week("A1", [0, 1, 2, 3, 4, 5])) == [
        "A1 2026-11-23 [minutes_per_week]: 2880 paid minutes in the week from 2026-11-23, "
        "at most 2400",
        "A1 2026-11-23 [days_per_week]: 6 working days in the week from 2026-11-23, at most 5",
        "A1 [weekends]: 1 weekends worked, at most 0",
    ]


def test_consecutive_working_days_and_days_off(team: Team) -> None:
    # Mon-Fri in a row (max 4); A3 works Wed, off Thu only (min 2 off), then Fri-Sat.
    assert rules(team, week("A1", [0, 1, 2, 3, 4])) == [
        "A1 2026-11-23 [max_consecutive_days]: 5 consecutive working days, at most 4",
    ]
    assert rules(team, week("A3", [2, 4, 5]), agent="A3") == [
        "A3 2026-11-26 [min_consecutive_days_off]: 1 consecutive days off, at least 2",
    ]


def test_minimum_consecutive_working_days() -> None:
    team = tiny_team()
    data = team.model_dump()
    data["settings"]["contracts"]["full_time"]["min_consecutive_days"] = 2
    strict = Team.model_validate(data)
    # Monday alone touches the start (exempt without a previous roster); Thursday alone is
    # held to the minimum; Sunday alone touches the end (exempt).
    assert rules(strict, week("A1", [0, 3, 6])) == [
        "A1 2026-11-26 [min_consecutive_days]: 1 consecutive working days, at least 2",
    ]


def test_runs_touching_the_start_count_with_the_previous_roster(team: Team) -> None:
    previous = Roster(team="t1", period=PlanningPeriod(start=MONDAY - timedelta(days=7)),
                      shifts=[make("A1", d, "early", 8) for d in (-3, -2, -1)])
    shifts = week("A1", [0, 1, 4, 5])
    assert rules(team, shifts) == []
    assert rules(team, shifts, previous) == [
        "A1 2026-11-23 [max_consecutive_days]: 5 consecutive working days, at most 4",
    ]


def test_rest_and_forbidden_succession(team: Team) -> None:
    shifts = [make("A1", 0, "late", 15), make("A1", 1, "early", 8), *week("A1", [2])]
    assert rules(team, shifts) == [
        "A1 2026-11-24 [rest]: 8 h of rest after the shift ending 2026-11-24 00:00, at least 11 h",
        "A1 2026-11-24 [forbidden_succession]: 'early' may not follow 'late' on the day before",
    ]


def test_rest_across_the_period_boundary(team: Team) -> None:
    previous = Roster(team="t1", period=PlanningPeriod(start=MONDAY - timedelta(days=7)),
                      shifts=[make("A1", -1, "late", 15)])
    assert rules(team, week("A1", [0, 1, 2]), previous) == [
        "A1 2026-11-23 [rest]: 8 h of rest after the shift ending 2026-11-23 00:00, at least 11 h",
        "A1 2026-11-23 [forbidden_succession]: 'early' may not follow 'late' on the day before",
    ]


def test_per_template_maximum(team: Team) -> None:
    assert rules(team, [make("A1", d, "late", 14) for d in (0, 1, 2)]) == [
        "A1 [max_per_template]: 3 'late' shifts, at most 2",
    ]


def test_template_not_allowed_and_unknown_agent(team: Team) -> None:
    data = team.model_dump()
    data["settings"]["contracts"]["full_time"]["allowed_templates"] = ["early"]
    narrow = Team.model_validate(data)
    shifts = [*week("A1", [0, 1]), make("A1", 2, "late", 14), make("A9", 0, "early", 8)]
    assert rules(narrow, shifts) == [
        "A1 2026-11-25 [template]: template 'late' is not allowed for contract 'full_time' "
        "(allowed: ['early'])",
    ]
    assert rules(narrow, shifts, agent="A9") == [
        "A9 2026-11-23 [unknown_agent]: the roster has a shift for unknown agent 'A9'",
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A1", "A3"]), st.integers(0, 6),
                          st.sampled_from([8, 9])), max_size=10))
def test_valid_shifts_only_break_workload_rules(picks: list[tuple[str, int, int]]) -> None:
    """Template-conform shifts never trigger shift-level rules, whatever the pattern."""
    team = tiny_team()
    chosen = {(agent, day): hour for agent, day, hour in picks if not (agent == "A3" and day < 2)}
    shifts = [make(agent, day, "early", hour) for (agent, day), hour in chosen.items()]
    shift_rules = {"template", "break", "leave", "skills", "availability", "queue_changes",
                   "unknown_agent", "period"}
    roster = Roster(team="t1", period=PERIOD, shifts=shifts)
    assert not [v for v in check_roster(team, roster) if v.rule in shift_rules]


def test_weekly_minimums_are_lowered_pro_rata_for_whole_days_of_leave(team: Team) -> None:
    # A2 is on sick leave all Tuesday: minimum 960 x 6/7 = 822 minutes; one shift is short.
    shifts = [make("A2", 2, "early", 8, queue="aftersale")]
    assert rules(team, shifts, agent="A2") == [
        "A2 2026-11-23 [minutes_per_week]: 480 paid minutes in the week from 2026-11-23, "
        "at least 822",
    ]
    # An `unavailable` day (a fixed day off) does not lower the minimum.
    data = team.model_dump()
    data["leave"][0]["type"] = "unavailable"
    fixed = Team.model_validate(data)
    assert rules(fixed, shifts, agent="A2") == [
        "A2 2026-11-23 [minutes_per_week]: 480 paid minutes in the week from 2026-11-23, "
        "at least 960",
    ]


def test_employment_dates_lower_minimums_too(team: Team) -> None:
    # A3 starts on Wednesday: 5 of 7 days, minimum 960 x 5/7 = 685 minutes.
    assert rules(team, [make("A3", 2, "early", 8)], agent="A3") == [
        "A3 2026-11-23 [minutes_per_week]: 480 paid minutes in the week from 2026-11-23, "
        "at least 685",
    ]
