"""`run` is reproducible and cached; sweeps give the same results on every backend."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from forecasting.validation import InputError
from roster.scenarios import (
    AddAgents,
    Budget,
    ChangeHandling,
    ChangeRule,
    ChangeTarget,
    RemoveAgents,
    ScaleUplift,
    WhatIf,
    comparison_table,
    frontier,
    frontier_figure,
    run,
    service_by_hour_figure,
    shortfall_by_hour,
    sweep,
)
from roster.scenarios.compare import (
    agent_hours_figure,
    cost_figure,
    fairness_figure,
    preferences_figure,
    shortfall_figure,
)
from tests.scenarios.small import WEEK

BUDGET = Budget(agent_time=0.2, steps=3, step_time=0.3)


@pytest.fixture(scope="module")
def base(small_folder: Path) -> WhatIf:
    return WhatIf(name="base", base=small_folder, start=WEEK, budget=BUDGET)


STRICT = ChangeTarget(queue="aftersale", answer_within_seconds=30)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def results(base: WhatIf, cache: Path) -> list:
    return [run(base, cache_dir=cache), run(base.with_changes("strict", STRICT))]


def _kpis(result) -> dict:
    return result.kpis.model_dump(exclude={"solver": {"seconds", "first_solution_seconds"}})


def test_rerunning_a_scenario_gives_identical_kpis(base: WhatIf, results: list) -> None:
    first, second = results[0], run(base)
    assert first.roster is not None and first.reproducible
    assert _kpis(first) == _kpis(second)
    assert first.roster.shifts == second.roster.shifts


def test_the_cache_returns_the_stored_result(base: WhatIf, cache: Path, results: list) -> None:
    first = results[0]
    assert (cache / f"{first.key}.pkl").is_file()
    again = run(base.model_copy(update={"name": "renamed"}), cache_dir=cache)
    assert again.name == "renamed" and _kpis(again) == _kpis(first)
    assert again.seconds == first.seconds  # read back, not recomputed


def test_a_stricter_target_raises_the_requirement(results: list) -> None:
    need = {r.name: r.requirements.groupby("queue")["agents"].sum() for r in results}
    assert need["strict"]["aftersale"] > need["base"]["aftersale"]
    assert need["strict"]["presale"] == need["base"]["presale"]


def test_run_reports_an_impossible_change(base: WhatIf) -> None:
    with pytest.raises(InputError, match="remove_agents"):
        run(base.with_changes("none", RemoveAgents(count=9, contract="full_time")))


@pytest.mark.slow
def test_sweep_in_processes_matches_serial_runs_in_order(base: WhatIf) -> None:
    variants = [base, base.with_changes("sl90", ChangeTarget(queue="presale",
                                                              service_level=0.9))]
    pooled = sweep(variants, backend="process", max_workers=2, progress=False)
    assert [r.name for r in pooled] == ["base", "sl90"]
    assert [_kpis(r) for r in pooled] == [_kpis(run(v)) for v in variants]


def test_sweep_rejects_duplicate_names_and_unknown_backends(base: WhatIf) -> None:
    with pytest.raises(InputError, match=r"unique names, got \['base'\]"):
        sweep([base, base], progress=False)
    with pytest.raises(InputError, match="backend: expected one of"):
        sweep([base], backend="spark", progress=False)  # type: ignore[arg-type]


def _every_change(base: WhatIf) -> list[WhatIf]:
    """The base and one variant per change type."""
    changes = [ScaleUplift(event_kind="major_promo", factor=2.0),
               ChangeTarget(queue="presale", service_level=0.9),
               ChangeHandling(queue="aftersale", aht_seconds=500),
               AddAgents(count=2, contract="temporary", skills={"aftersale": 2}),
               RemoveAgents(count=1, contract="part_time"),
               ChangeRule(rule="preference_day_off", weight=20.0),
               ChangeHandling(queue="presale", concurrency=2.5)]
    return [base, *(base.with_changes(f"v{i}-{c.kind}", c) for i, c in enumerate(changes))]


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="ray is not installed (optional extra: pip install 'roster[ray]')")
@pytest.mark.slow
def test_every_change_type_gives_the_same_kpis_on_ray_processes_and_serially(
        base: WhatIf, results: list) -> None:
    variants = _every_change(base)
    hint = results[0].roster
    on_ray = sweep(variants, backend="ray", max_workers=2, hint=hint, progress=False)
    pooled = sweep(variants, backend="process", max_workers=2, hint=hint, progress=False)
    serial = [run(v, hint) for v in variants]
    assert all(r.roster is not None and r.reproducible for r in serial)
    assert [_kpis(r) for r in on_ray] == [_kpis(r) for r in serial]
    assert [_kpis(r) for r in pooled] == [_kpis(r) for r in serial]
    assert [r.roster.shifts for r in on_ray] == [r.roster.shifts for r in serial]


def test_comparison_table_frontier_and_figures(results: list) -> None:
    table = comparison_table(results)
    assert list(table["scenario"]) == ["base", "strict"]
    kpis = results[0].kpis
    assert table.loc[0, "cost"] == kpis.cost.total_cost
    assert table.loc[0, "shortfall_hours"] == kpis.total.shortfall_hours
    assert "service_level_presale" in table.columns
    team = results[0].team
    rates = [team.settings.contracts[a.contract].hourly_cost for a in team.agents]
    assert table.loc[0, "required_cost"] == pytest.approx(
        kpis.total.required_hours * sum(rates) / len(rates))
    by_hour = shortfall_by_hour(results[0])
    assert by_hour.to_numpy().sum() == pytest.approx(kpis.total.shortfall_hours)
    assert list(by_hour.index) == list(range(24))
    for make in (agent_hours_figure, cost_figure, shortfall_figure, preferences_figure,
                 fairness_figure, service_by_hour_figure, frontier_figure):
        assert len(make(results).data) >= 1


def test_frontier_keeps_only_undominated_scenarios() -> None:
    table = pd.DataFrame({"scenario": list("abcd"), "cost": [100, 120, 110, 150],
                          "service_level": [0.80, 0.90, 0.78, 0.95]})
    assert list(frontier(table)["scenario"]) == ["a", "b", "d"]
