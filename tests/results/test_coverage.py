"""Coverage per interval and queue on the hand-built Saturday (see cases.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.validation import InputError
from roster.domain import Requirement
from roster.results.coverage import agent_hours_by_queue, coverage_frame, scheduled_counts
from tests.results import cases


def by_hour(frame: pd.DataFrame, queue: str, column: str) -> list[int]:
    rows = frame[frame["queue"] == queue]
    return [int(v) for v in rows[column]]


def test_scheduled_counts_follow_breaks_and_segments() -> None:
    counts = scheduled_counts(cases.roster())
    presale = [counts.get((h, "presale"), 0) for h in range(24)]
    aftersale = [counts.get((h, "aftersale"), 0) for h in range(24)]
    assert presale == [0] * 8 + [1, 1, 1, 1, 0, 1, 2, 2, 2, 1] + [0] * 6
    assert aftersale == [0] * 19 + [1, 1, 1, 1, 0]


def test_coverage_frame_per_interval() -> None:
    frame = coverage_frame(cases.roster(), cases.requirements(), ["presale", "aftersale"])
    assert list(frame.columns) == ["start", "queue", "required", "scheduled", "shortfall",
                                   "overstaffing"]
    assert len(frame) == 24 * 2
    assert by_hour(frame, "presale", "required") == [0] * 8 + [1] * 6 + [2, 2] + [1] * 6 + [0, 0]
    assert by_hour(frame, "presale", "shortfall") == [0] * 12 + [1] + [0] * 5 + [1] * 4 + [0, 0]
    assert by_hour(frame, "presale", "overstaffing") == [0] * 16 + [1] + [0] * 7
    assert by_hour(frame, "aftersale", "shortfall") == [0] * 10 + [1] + [0] * 13
    assert by_hour(frame, "aftersale", "overstaffing") == [0] * 22 + [1, 0]


def test_shortfall_and_overstaffing_agent_hours_per_queue() -> None:
    frame = coverage_frame(cases.roster(), cases.requirements(), ["presale", "aftersale"])
    hours = agent_hours_by_queue(frame, 60).set_index("queue")
    assert hours.loc["presale"].to_dict() == {"required_hours": 16.0, "scheduled_hours": 12.0,
                                              "shortfall_hours": 5.0, "overstaffing_hours": 1.0}
    assert hours.loc["aftersale"].to_dict() == {"required_hours": 4.0, "scheduled_hours": 4.0,
                                                "shortfall_hours": 1.0,
                                                "overstaffing_hours": 1.0}


def test_agent_hours_scale_with_the_interval() -> None:
    frame = coverage_frame(cases.roster(), cases.requirements(), ["presale", "aftersale"])
    assert agent_hours_by_queue(frame, 30)["shortfall_hours"].tolist() == [2.5, 0.5]


def test_scheduled_column_is_preferred_over_agents() -> None:
    requirements = cases.requirements().assign(scheduled=lambda f: f["agents"] + 1)
    frame = coverage_frame(cases.roster(), requirements)
    at_eight = frame[(frame["start"] == cases.at(8)) & (frame["queue"] == "presale")].iloc[0]
    assert (at_eight["required"], at_eight["shortfall"]) == (2, 1)


def test_requirement_models_and_timestamp_column_are_accepted() -> None:
    models = [Requirement(start=r.start, queue=r.queue, agents=r.agents)
              for r in cases.requirements().itertuples()]
    from_models = coverage_frame(cases.roster(), models, ["presale", "aftersale"])
    renamed = cases.requirements().rename(columns={"start": "timestamp"})
    from_file = coverage_frame(cases.roster(), renamed, ["presale", "aftersale"])
    expected = coverage_frame(cases.roster(), cases.requirements(), ["presale", "aftersale"])
    pd.testing.assert_frame_equal(from_models, expected)
    pd.testing.assert_frame_equal(from_file, expected)


def test_requirements_outside_the_period_are_ignored() -> None:
    extra = pd.DataFrame([(cases.at(9, day=cases.SATURDAY.replace(day=29)), "presale", 5)],
                         columns=["start", "queue", "agents"])
    frame = coverage_frame(cases.roster(), pd.concat([cases.requirements(), extra]))
    assert int(frame["required"].sum()) == 20


def test_requirement_off_the_grid_is_an_error() -> None:
    bad = pd.DataFrame([(cases.at(9, 30), "presale", 1)], columns=["start", "queue", "agents"])
    with pytest.raises(InputError, match="expected starts on the 60-minute grid, got "
                                         "2026-11-28 09:30"):
        coverage_frame(cases.roster(), bad)


def test_requirement_without_agents_column_is_an_error() -> None:
    bad = pd.DataFrame([(cases.at(9), "presale")], columns=["start", "queue"])
    with pytest.raises(InputError, match="expected a column 'scheduled' or 'agents'"):
        coverage_frame(cases.roster(), bad)


def test_duplicate_requirement_rows_are_an_error() -> None:
    twice = pd.concat([cases.requirements().head(1)] * 2)
    with pytest.raises(InputError, match="presale at 2026-11-28 08:00 twice"):
        coverage_frame(cases.roster(), twice)
