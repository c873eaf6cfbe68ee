"""The coverage effect of a change: headcounts and projected service levels per interval."""

from __future__ import annotations

from datetime import date

from api.services import coverage
from api.services.coverage import coverage_effect, headcount, requirement_index
from roster.results.service import agents_on_queue
from roster.staffing import evaluate
from tests.api import factories

START = date(2030, 1, 7)


def test_service_levels_are_the_staffing_models_for_each_interval() -> None:
    team = factories.team()
    roster = factories.roster(START)
    needs = requirement_index(factories.requirements(START))
    monday = next(s for s in roster.shifts if s.agent_id == "a1" and s.date == START)
    moved = monday.model_copy(update={"agent_id": "a3", "queue": "aftersale"})
    coverage._PROJECTED.clear()  # computed now, all intervals of a queue in one call
    effect = coverage_effect(team.settings, roster, [monday], [moved], needs,
                             headcount(roster.shifts, roster.period))
    rows = effect["intervals"]
    # 08-16 on the 60-minute grid: presale loses one agent, aftersale gains one
    assert [(r["start"][11:], r["queue"], r["agents_before"], r["agents_after"])
            for r in rows if r["start"].startswith("2030-01-07 08")] == [
        ("08:00", "aftersale", 0, 1), ("08:00", "presale", 1, 0)]
    assert len(rows) == 16
    for row in rows:
        queue = team.settings.queues[row["queue"]]
        for which in ("before", "after"):
            agents = agents_on_queue(row[f"agents_{which}"], queue, False)
            expected = evaluate(queue, row["volume"], 60, agents).service_level
            assert row[f"service_level_{which}"] == round(expected, 4)
    assert effect["worse"] is True  # presale drops to 0 agents against 1 required
    again = coverage_effect(team.settings, roster, [monday], [moved], needs,
                            headcount(roster.shifts, roster.period))
    assert again == effect  # from the memo
