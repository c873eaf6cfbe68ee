"""KPIs of the hand-built Saturday (see cases.py), with exact values."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from roster.domain import PlanningPeriod, Queue, Roster, Shift
from roster.results.kpis import Kpis, SolverStats, compute_kpis, coverage_with_service
from roster.results.service import agents_on_queue
from roster.results.workload import labour_cost, overtime_minutes
from tests.results import cases


def no_model(*args: object, **kwargs: object) -> SimpleNamespace:
    raise AssertionError("not called")


@pytest.fixture
def kpis() -> Kpis:
    return compute_kpis(cases.team(), cases.roster(), cases.requirements(),
                        solver=SolverStats(status="OPTIMAL", objective=12.5, best_bound=12.5,
                                           gap=0.0, seconds=0.3))


def test_coverage_and_shortfall_agent_hours_per_queue(kpis: Kpis) -> None:
    queues = {q.queue: q for q in kpis.queues}
    presale, aftersale = queues["presale"], queues["aftersale"]
    assert (presale.required_hours, presale.scheduled_hours, presale.shortfall_hours,
            presale.overstaffing_hours) == (16, 12, 5, 1)
    assert presale.coverage == pytest.approx(1 - 5 / 16)
    assert presale.intervals_short == 5
    assert (aftersale.shortfall_hours, aftersale.overstaffing_hours) == (1, 1)
    assert aftersale.coverage == pytest.approx(0.75)
    assert (kpis.total.required_hours, kpis.total.shortfall_hours) == (20, 6)
    assert kpis.total.coverage == pytest.approx(0.7)


def test_preference_shares_weighted_and_counted(kpis: Kpis) -> None:
    shares = {p.kind: p for p in kpis.preferences}
    everything = shares["all"]
    assert (everything.judged, everything.honoured) == (6, 3)
    assert (everything.weight, everything.honoured_weight) == (12, 7)
    assert everything.share == pytest.approx(0.5)
    assert everything.weighted_share == pytest.approx(7 / 12)
    assert (shares["day_off"].judged, shares["day_off"].honoured_weight,
            shares["day_off"].weighted_share) == (2, 4, pytest.approx(4 / 7))
    assert shares["prefer_time"].judged == 0
    assert shares["prefer_time"].share is None
    assert shares["avoid_time"].share == pytest.approx(0.5)


def test_fairness_spread(kpis: Kpis) -> None:
    fairness = {f.measure: f for f in kpis.fairness}
    weekends = fairness["weekends"]
    assert (weekends.minimum, weekends.maximum, weekends.spread) == (0, 1, 1)
    assert weekends.std == pytest.approx(math.sqrt(2 / 9))
    assert (fairness["late_shifts"].spread, fairness["late_shifts"].mean) == (
        1, pytest.approx(1 / 3))
    unmet = fairness["unmet_preference_weight"]
    assert (unmet.minimum, unmet.maximum, unmet.spread) == (0, 5, 5)
    assert unmet.std == pytest.approx(math.sqrt(50 / 9))


def test_cost_with_overtime(kpis: Kpis) -> None:
    # A1 and A2: 480 paid minutes each, 60 beyond 420 at 1.5 x 40 per hour.
    assert kpis.cost.paid_hours == 16
    assert kpis.cost.overtime_hours == 2
    assert kpis.cost.regular_cost == pytest.approx(2 * 7 * 40)
    assert kpis.cost.overtime_cost == pytest.approx(2 * 1 * 40 * 1.5)
    assert kpis.cost.total_cost == pytest.approx(680)
    assert kpis.cost.by_contract == {"full_time": pytest.approx(680), "part_time": 0}


def test_overtime_rules() -> None:
    contract = cases.settings().contracts["full_time"]
    assert overtime_minutes(400, contract) == 0
    assert overtime_minutes(500, contract) == 80
    assert labour_cost(500, contract) == pytest.approx(40 * (420 + 80 * 1.5) / 60)
    part_time = cases.settings().contracts["part_time"]
    assert overtime_minutes(1200, part_time) == 0


def test_hours_against_contract_in_a_partial_week(kpis: Kpis) -> None:
    # One day is a partial week: held to the maximum only.
    assert (kpis.hours.agent_weeks, kpis.hours.within_contract) == (3, 3)
    weeks = {w.agent_id: w for w in kpis.hours.weeks}
    assert (weeks["A1"].paid_minutes, weeks["A1"].min_minutes, weeks["A1"].max_minutes) == (
        480, None, 2400)
    assert weeks["A1"].overtime_minutes == 60


def test_hours_against_contract_in_a_full_week() -> None:
    roster = cases.roster().model_copy(update={"period": PlanningPeriod(start=cases.SATURDAY,
                                                                        days=7)})
    kpis = compute_kpis(cases.team(), roster, cases.requirements())
    weeks = {w.agent_id: w for w in kpis.hours.weeks}
    assert (weeks["A1"].status, weeks["A1"].min_minutes) == ("under", 2160)
    assert weeks["A3"].status == "ok"
    assert kpis.hours.under_minutes == 2 * (2160 - 480)
    assert kpis.hours.within_contract == 1


def test_over_the_weekly_maximum() -> None:
    shifts = [Shift(agent_id="A3", date=cases.SATURDAY, start=cases.at(0), end=cases.at(23),
                    queue="aftersale")]
    roster = Roster(team="shop", period=cases.period(), shifts=shifts)
    kpis = compute_kpis(cases.team(), roster, cases.requirements())
    weeks = {w.agent_id: w for w in kpis.hours.weeks}
    assert (weeks["A3"].status, kpis.hours.over_minutes) == ("over", 23 * 60 - 1200)


def test_solver_stats_and_counts(kpis: Kpis) -> None:
    assert kpis.solver is not None and kpis.solver.status == "OPTIMAL"
    assert (kpis.shifts, kpis.agents, kpis.agents_working) == (2, 3, 2)
    assert kpis.required_column == "agents"
    assert Kpis.model_validate_json(kpis.model_dump_json()) == kpis


def test_projection_uses_agents_on_queue_and_volume() -> None:
    calls = []

    def fake(queue: Queue, volume: float, interval: int, agents: int,
             promo: bool = False) -> SimpleNamespace:
        calls.append((queue.name, volume, interval, agents, promo))
        return SimpleNamespace(service_level=agents / (agents + 1),
                               asa_seconds=math.inf if agents == 0 else 10.0 / agents)

    requirements = cases.requirements().assign(volume=20.0, promo=False)
    requirements.loc[requirements["queue"] == "aftersale", "promo"] = True
    frame = coverage_with_service(cases.team(), cases.roster(), requirements, evaluate=fake)
    row = frame[(frame["start"] == cases.at(14)) & (frame["queue"] == "presale")].iloc[0]
    assert (row["projected_service_level"], row["projected_asa_seconds"]) == (2 / 3, 5.0)
    gap = frame[(frame["start"] == cases.at(12)) & (frame["queue"] == "presale")].iloc[0]
    assert gap["projected_service_level"] == 0 and math.isnan(gap["projected_asa_seconds"])
    assert ("aftersale", 20.0, 60, 1, True) in calls
    assert ("presale", 0.0, 60, 0, False) in calls
    assert len(calls) == len(set(calls))  # each distinct case evaluated once

    kpis = compute_kpis(cases.team(), cases.roster(), requirements, evaluate=fake)
    presale = next(q for q in kpis.queues if q.queue == "presale")
    # Volume 20 in hours 08-21: one agent in 6 of them (1/2), two in 3 (2/3), none in 5 (0).
    assert presale.projected_service_level == pytest.approx((6 * 0.5 + 3 * 2 / 3) / 14)
    assert presale.intervals_below_target == 14
    assert presale.unstaffed_intervals == 5
    assert presale.projected_asa_seconds == pytest.approx((6 * 10 + 3 * 5) / 9)


def test_rostered_headcount_loses_shrinkage_when_scheduled_was_asked() -> None:
    queue = cases.settings().queues["presale"]  # shrinkage 0.3
    assert agents_on_queue(10, queue, after_shrinkage=True) == 7
    assert agents_on_queue(9, queue, after_shrinkage=True) == 6
    assert agents_on_queue(10, queue, after_shrinkage=False) == 10


def test_rostering_the_staffing_headcount_meets_the_target() -> None:
    from roster.staffing import required_agents
    queue = cases.settings().queues["presale"]
    need = required_agents(queue, 60.0, 60)
    shifts = [Shift(agent_id=f"X{i}", date=cases.SATURDAY, start=cases.at(9), end=cases.at(10),
                    queue="presale") for i in range(need.scheduled)]
    roster = Roster(team="shop", period=cases.period(), shifts=shifts)
    requirements = cases.requirements().iloc[:0]
    requirements = requirements.reindex(columns=["start", "queue", "volume", "agents",
                                                 "scheduled"])
    requirements.loc[0] = [cases.at(9), "presale", 60.0, need.agents, need.scheduled]
    frame = coverage_with_service(cases.team(), roster, requirements)
    row = frame[(frame["start"] == cases.at(9)) & (frame["queue"] == "presale")].iloc[0]
    assert row["shortfall"] == 0
    assert row["projected_service_level"] == pytest.approx(need.service_level)
    assert row["projected_service_level"] >= queue.service_level


def test_empty_roster_and_no_requirements() -> None:
    import pandas as pd
    empty = Roster(team="shop", period=cases.period())
    kpis = compute_kpis(cases.team(), empty, pd.DataFrame(columns=["start", "queue", "agents"]))
    assert (kpis.total.required_hours, kpis.total.scheduled_hours) == (0, 0)
    assert kpis.total.coverage is None
    assert kpis.cost.total_cost == 0
    shares = {p.kind: p for p in kpis.preferences}
    # only the four dated wishes in the period are judged; on a day off all hold
    assert (shares["all"].judged, shares["all"].honoured) == (4, 4)


def test_per_period_limits() -> None:
    team = cases.team()
    team.settings.contracts["full_time"].min_minutes_per_period = 481
    team.settings.contracts["part_time"].max_minutes_per_period = 60
    kpis = compute_kpis(team, cases.roster(), cases.requirements())
    assert kpis.hours.outside_period_limits == ["A1", "A2"]
