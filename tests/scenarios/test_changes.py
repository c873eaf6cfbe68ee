"""Each what-if change is applied exactly; impossible changes name the change and field."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.validation import InputError
from roster.pipeline import planning_period
from roster.scenario_files import Scenario
from roster.scenarios.changes import (
    AddAgents,
    ChangeHandling,
    ChangeRule,
    ChangeTarget,
    RemoveAgents,
    ScaleUplift,
    apply_forecast_changes,
    apply_team_changes,
    check_event_kinds,
)
from roster.scenarios.run import WhatIf, inputs_key, whatif_forecast
from tests.scenarios.small import PROMO_DAY, WEEK


def test_change_target_sets_given_fields_and_keeps_others(small: Scenario) -> None:
    team = apply_team_changes(small.team, [ChangeTarget(queue="presale", service_level=0.9)])
    queue = team.settings.queues["presale"]
    assert (queue.service_level, queue.answer_within_seconds, queue.max_asa_seconds) == (
        0.9, 30.0, 30.0)
    assert team.settings.queues["aftersale"] == small.team.settings.queues["aftersale"]


def test_change_target_null_removes_an_optional_target(small: Scenario) -> None:
    change = ChangeTarget(queue="presale", service_level=0.95, answer_within_seconds=300,
                          max_asa_seconds=None)
    queue = apply_team_changes(small.team, [change]).settings.queues["presale"]
    assert (queue.service_level, queue.answer_within_seconds, queue.max_asa_seconds) == (
        0.95, 300.0, None)


def test_change_handling_sets_aht_and_concurrency(small: Scenario) -> None:
    change = ChangeHandling(queue="aftersale", aht_seconds=600, concurrency=3)
    queue = apply_team_changes(small.team, [change]).settings.queues["aftersale"]
    assert (queue.aht_seconds, queue.concurrency, queue.shrinkage) == (600.0, 3.0, 0.3)


def test_unknown_queue_is_named(small: Scenario) -> None:
    with pytest.raises(InputError, match=r"changes\[1\] \(change_handling\)\.queue: expected a "
                                         r"queue among \['aftersale', 'presale'\], got 'vip'"):
        apply_team_changes(small.team, [ChangeRule(rule="overstaffing", weight=1),
                                        ChangeHandling(queue="vip", aht_seconds=10)])


def test_add_agents_with_onboarding_and_training_shrinkage(small: Scenario) -> None:
    change = AddAgents(count=3, contract="full_time", skills={"presale": 1},
                       start_date=date(2026, 11, 16), onboarding_days=10,
                       training_shrinkage=0.25)
    team = apply_team_changes(small.team, [change])
    new = [a for a in team.agents if a.id.startswith("NEW")]
    assert [a.id for a in new] == ["NEW01", "NEW02", "NEW03"]
    assert {a.start_date for a in new} == {date(2026, 11, 26)}
    assert {a.contract for a in new} == {"full_time~training25"}
    trained = team.settings.contracts["full_time~training25"]
    # max 2640 x 0.75 = 1980; min 2160 x 0.75 = 1620, lowered to 1980 - 480 (a paid shift)
    assert (trained.min_minutes_per_week, trained.max_minutes_per_week) == (1500, 1980)
    assert trained.min_days_per_week == 3  # int(4 x 0.75)
    assert len(team.agents) == len(small.team.agents) + 3


def test_add_agents_unknown_contract_is_named(small: Scenario) -> None:
    with pytest.raises(InputError, match=r"changes\[0\] \(add_agents\)\.contract: expected one "
                                         r"of \['full_time', 'part_time', 'temporary'\], "
                                         r"got 'intern'"):
        apply_team_changes(small.team, [AddAgents(count=1, contract="intern",
                                                  skills={"presale": 1})])


def test_remove_agents_takes_the_last_matching_ones(small: Scenario) -> None:
    team = apply_team_changes(small.team, [RemoveAgents(count=1, contract="full_time",
                                                        skills=["presale", "aftersale"])])
    assert "F4" not in {a.id for a in team.agents}
    assert all(x.agent_id != "F4" for x in team.leave)  # their leave left with them
    assert len(team.agents) == len(small.team.agents) - 1


def test_remove_agents_from_a_date_sets_their_end_date(small: Scenario) -> None:
    team = apply_team_changes(small.team, [RemoveAgents(count=2, contract="temporary",
                                                        from_date=date(2026, 11, 26))])
    assert [(a.id, a.end_date) for a in team.agents if a.contract == "temporary"] == [
        ("T1", date(2026, 11, 25)), ("T2", date(2026, 11, 25))]


def test_removing_more_agents_than_exist_is_an_error_naming_the_field(small: Scenario) -> None:
    with pytest.raises(InputError, match=r"changes\[0\] \(remove_agents\)\.count: expected at "
                                         r"most 2 \(the agents with contract 'temporary'\), "
                                         r"got 3"):
        apply_team_changes(small.team, [RemoveAgents(count=3, contract="temporary")])


def test_change_rule_sets_weight_and_switch(small: Scenario) -> None:
    team = apply_team_changes(small.team, [ChangeRule(rule="preference_day_off", weight=40),
                                           ChangeRule(rule="max_weekends", enabled=False)])
    rules = team.settings.rules
    assert (rules["preference_day_off"].weight, rules["preference_day_off"].enabled) == (40, True)
    assert rules["max_weekends"].enabled is False


def test_change_rule_unknown_rule_and_hard_rule_weight(small: Scenario) -> None:
    with pytest.raises(InputError, match=r"\.rule: expected a rule among .*got 'fairnes'"):
        apply_team_changes(small.team, [ChangeRule(rule="fairnes", weight=1)])
    with pytest.raises(InputError, match=r"\.weight: expected no weight for the hard rule"):
        apply_team_changes(small.team, [ChangeRule(rule="min_rest", weight=1)])


def test_scale_uplift_unknown_kind_is_named(small: Scenario) -> None:
    with pytest.raises(InputError, match=r"changes\[0\] \(scale_uplift\)\.event_kind: expected "
                                         r"an event kind among \['major_promo'\]"):
        check_event_kinds([ScaleUplift(event_kind="double11", factor=2)], small.events)


def test_scale_uplift_scales_the_event_effect_not_the_volume(small: Scenario,
                                                           small_folder) -> None:
    base = WhatIf(name="base", base=small_folder, start=WEEK)
    period = planning_period(small.team.settings, WEEK)
    plain = whatif_forecast(small, base, period)
    doubled = whatif_forecast(small, base.with_changes(
        "x2", ScaleUplift(event_kind="major_promo", factor=2)), period)
    none = whatif_forecast(small, base.with_changes(
        "x0", ScaleUplift(event_kind="major_promo", factor=0)), period)
    day = plain["timestamp"].dt.strftime("%Y-%m-%d") == PROMO_DAY
    effect = plain["forecast"] - none["forecast"]
    assert effect[day].sum() > 0
    np.testing.assert_allclose(doubled["forecast"], plain["forecast"] + effect, atol=1e-9)
    far = plain["timestamp"] >= pd.Timestamp(PROMO_DAY) + pd.Timedelta(days=3)
    np.testing.assert_allclose(doubled.loc[far, "forecast"], plain.loc[far, "forecast"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 50), min_size=6, max_size=6),
       st.lists(st.floats(0, 50), min_size=6, max_size=6), st.floats(0, 5))
def test_uplift_keeps_quantiles_ordered_and_non_negative(a: list[float], b: list[float],
                                                         factor: float) -> None:
    def frame(values: list[float]) -> pd.DataFrame:
        ordered = sorted(values[:3])
        return pd.DataFrame({"forecast": [values[3]], "p10": [ordered[0]], "p50": [ordered[1]],
                             "p90": [ordered[2]]})
    out = apply_forecast_changes(frame(a), {"k": frame(b)},
                                 [ScaleUplift(event_kind="k", factor=factor)])
    row = out.iloc[0]
    assert 0 <= row["p10"] <= row["p50"] <= row["p90"]
    assert row["forecast"] >= 0


def test_inputs_key_depends_on_changes_not_name(small_folder) -> None:
    base = WhatIf(name="a", base=small_folder, start=WEEK)
    renamed = base.model_copy(update={"name": "b"})
    changed = base.with_changes("c", ChangeTarget(queue="presale", service_level=0.9))
    cleared = base.with_changes("d", ChangeTarget(queue="presale", max_asa_seconds=None))
    untouched = base.with_changes("e", ChangeTarget(queue="presale"))
    assert inputs_key(base) == inputs_key(renamed)
    assert len({inputs_key(base), inputs_key(changed), inputs_key(cleared),
                inputs_key(untouched)}) == 4
