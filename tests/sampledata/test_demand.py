"""Checks for the sample demand generator (roster.sampledata.demand)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from roster.sampledata import demand
from roster.sampledata.build import write_sample

SAMPLE_FILES = ['settings.toml', 'agents.csv', 'leave.csv', 'preferences.csv', 'history.csv',
                'events.csv']

ROOT = Path(__file__).resolve().parents[2]
END = pd.Timestamp("2026-11-22 00:00")
SEED = 20261122
HOUR = pd.Timedelta(hours=1)


gen = demand



@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return gen.generate_demand(END, SEED)


@pytest.fixture(scope="module")
def history(frames: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return frames[0]


@pytest.fixture(scope="module")
def events(frames: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return frames[1]


@pytest.fixture(scope="module")
def wide(history: pd.DataFrame) -> pd.DataFrame:
    """Volume per hour (rows) and queue (columns); gap hours are NaN."""
    grid = pd.date_range(END - pd.DateOffset(years=2), END, freq="h", inclusive="left")
    return history.pivot(index="timestamp", columns="queue", values="volume").reindex(grid)


def _window_total(wide: pd.DataFrame, queue: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
    values = wide.loc[start : end - HOUR, queue]
    return float("nan") if values.isna().any() else float(values.sum())


def _baseline_total(
    wide: pd.DataFrame, events: pd.DataFrame, queue: str, start: pd.Timestamp, end: pd.Timestamp
) -> float:
    """Mean total of the same window 1..16 weeks earlier, skipping event-touched copies."""
    margin = pd.Timedelta(days=2)
    totals: list[float] = []
    for weeks in range(1, 17):
        shift = pd.Timedelta(weeks=weeks)
        lo, hi = start - shift, end - shift
        touched = ((events["start"] < hi + margin) & (events["end"] > lo - margin)).any()
        total = _window_total(wide, queue, lo, hi)
        if not touched and not np.isnan(total):
            totals.append(total)
        if len(totals) == 4:
            break
    assert totals, f"no clean baseline for {start}"
    return float(np.mean(totals))


def _event(events: pd.DataFrame, kind: str, start: str) -> pd.Series:
    match = events[(events["kind"] == kind) & (events["start"] == pd.Timestamp(start))]
    assert len(match) == 1, (kind, start)
    return match.iloc[0]


def test_same_seed_gives_identical_frames(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    again = gen.generate_demand(END, SEED)
    pd.testing.assert_frame_equal(frames[0], again[0])
    pd.testing.assert_frame_equal(frames[1], again[1])
    other = gen.generate_demand(END, SEED + 1)[0]
    assert not other["volume"].equals(frames[0]["volume"])


def test_history_columns_sort_and_types(history: pd.DataFrame) -> None:
    assert list(history.columns) == ["timestamp", "queue", "volume"]
    assert set(history["queue"]) == {"presale", "aftersale"}
    assert pd.api.types.is_integer_dtype(history["volume"])
    assert (history["volume"] >= 0).all()
    assert not history.duplicated(["timestamp", "queue"]).any()
    ordered = history.sort_values(["timestamp", "queue"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(history, ordered)
    assert (history["timestamp"] == history["timestamp"].dt.floor("h")).all()
    assert (history["volume"] == 0).any()  # real zeros exist (closures, quiet nights)


def test_span_and_row_count(history: pd.DataFrame) -> None:
    assert history["timestamp"].min() == pd.Timestamp("2024-11-22 00:00")
    assert history["timestamp"].max() == pd.Timestamp("2026-11-21 23:00")
    full = 730 * 24 * 2
    assert full - 40 < len(history) < full  # only a few gap rows are missing


def test_events_columns_kinds_and_horizon(events: pd.DataFrame) -> None:
    assert list(events.columns) == ["name", "kind", "start", "end", "queue"]
    assert (events["start"] < events["end"]).all()
    kinds = set(events["kind"])
    assert {"presale", "major_promo", "after_sales", "holiday", "closure", "outage"} <= kinds
    assert set(events["queue"]) <= {"", "presale", "aftersale"}
    future = events[events["start"] >= END]
    assert {"major_promo", "after_sales"} <= set(future["kind"])
    assert (future["start"] < END + pd.Timedelta(weeks=9)).all()
    assert (events["end"] > END - pd.DateOffset(years=2)).all()
    double11 = _event(events, "major_promo", "2026-11-11 00:00")
    assert double11["end"] == pd.Timestamp("2026-11-12 00:00")
    _event(events, "major_promo", "2026-12-12 00:00")
    _event(events, "major_promo", "2025-06-18 00:00")


def test_closure_hours_are_exactly_zero(history: pd.DataFrame, events: pd.DataFrame) -> None:
    closures = events[(events["kind"] == "closure") & (events["end"] <= END)]
    assert len(closures) >= 3
    for closure in closures.itertuples():
        rows = history[
            (history["timestamp"] >= closure.start) & (history["timestamp"] < closure.end)
        ]
        hours = int((closure.end - closure.start) / HOUR)
        assert len(rows) == 2 * hours, closure.name
        assert (rows["volume"] == 0).all(), closure.name


def test_data_gap_rows_are_absent(history: pd.DataFrame) -> None:
    stamps = set(history["timestamp"])
    gap = pd.date_range("2025-07-09 10:00", periods=6, freq="h")
    assert not stamps & set(gap)
    assert pd.Timestamp("2025-07-09 09:00") in stamps
    assert pd.Timestamp("2025-07-09 16:00") in stamps
    aftersale_only = history[
        (history["timestamp"] >= "2025-12-05 02:00") & (history["timestamp"] < "2025-12-05 05:00")
    ]
    assert set(aftersale_only["queue"]) == {"presale"}


def test_outage_day_is_abnormally_low(wide: pd.DataFrame, events: pd.DataFrame) -> None:
    outage = _event(events, "outage", "2025-08-13 00:00")
    for queue in ("presale", "aftersale"):
        total = _window_total(wide, queue, outage["start"], outage["end"])
        baseline = _baseline_total(wide, events, queue, outage["start"], outage["end"])
        assert total < 0.6 * baseline, queue


def test_double11_peak_day_dwarfs_a_normal_day(wide: pd.DataFrame, events: pd.DataFrame) -> None:
    peak = _event(events, "major_promo", "2026-11-11 00:00")
    for queue, factor in (("presale", 3.0), ("aftersale", 1.8)):
        total = _window_total(wide, queue, peak["start"], peak["end"])
        baseline = _baseline_total(wide, events, queue, peak["start"], peak["end"])
        assert total > factor * baseline, queue
    midnight = wide.loc["2026-11-11 00:00", "presale"]
    normal_midnight = wide.loc["2026-10-14 00:00", "presale"]
    assert midnight > 5 * normal_midnight
    assert midnight == wide["presale"].loc["2026-01-01":].max()


def test_event_kinds_move_volume_the_right_way(wide: pd.DataFrame, events: pd.DataFrame) -> None:
    def ratio(kind: str, start: str, queue: str) -> float:
        event = _event(events, kind, start)
        end = min(event["end"], event["start"] + pd.Timedelta(days=7))
        total = _window_total(wide, queue, event["start"], end)
        return total / _baseline_total(wide, events, queue, event["start"], end)

    assert ratio("presale", "2025-10-24 20:00", "presale") > 1.2
    assert ratio("after_sales", "2025-11-14 00:00", "aftersale") > 1.3
    assert ratio("after_sales", "2025-11-14 00:00", "aftersale") > ratio(
        "after_sales", "2025-11-14 00:00", "presale"
    )
    assert ratio("holiday", "2026-02-12 00:00", "presale") < 0.7
    assert ratio("holiday", "2025-10-01 00:00", "aftersale") < 0.95


def test_evening_peak_beats_night(wide: pd.DataFrame) -> None:
    hour = wide.index.hour
    for queue in ("presale", "aftersale"):
        evening = wide.loc[(hour >= 20) & (hour <= 22), queue].mean()
        night = wide.loc[(hour >= 3) & (hour <= 5), queue].mean()
        assert evening > 5 * night, queue
    evening_share = {
        q: wide.loc[(hour >= 20) & (hour <= 22), q].mean() / wide[q].mean()
        for q in ("presale", "aftersale")
    }
    assert evening_share["presale"] > evening_share["aftersale"]


def test_written_files_follow_the_contract(tmp_path: Path) -> None:
    write_sample(tmp_path / "sample")
    history_text = (tmp_path / "sample" / "history.csv").read_bytes()
    events_text = (tmp_path / "sample" / "events.csv").read_bytes()
    assert not history_text.startswith(b"\xef\xbb\xbf")
    assert history_text.splitlines()[0] == b"timestamp,queue,volume"
    assert events_text.decode("utf-8").splitlines()[0] == "name,kind,start,end,queue"
    stamp = re.compile(rb"^\d{4}-\d{2}-\d{2} \d{2}:\d{2},(presale|aftersale),\d+$")
    assert all(stamp.match(line) for line in history_text.splitlines()[1:])
    parsed = pd.read_csv(tmp_path / "sample" / "events.csv", keep_default_na=False)
    assert parsed["start"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    for name in SAMPLE_FILES:
        bundled = ROOT / "data" / "sample" / name
        assert bundled.read_bytes() == (tmp_path / "sample" / name).read_bytes(), (
            f"data/sample/{name} differs from what `roster generate-data` writes"
        )
