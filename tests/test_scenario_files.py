"""Loading a scenario folder: every validation rule with a bad file and its exact message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecasting.validation import DataError
from roster.scenario_files import Scenario, load_scenario, write_scenario
from tests.conftest import tiny_team


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load_scenario(folder)
    return [str(p) for p in err.value.problems]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_round_trip_keeps_every_field_and_chinese_text(scenario_dir: Path) -> None:
    loaded = load_scenario(scenario_dir)
    assert loaded.team == tiny_team()
    assert loaded.team.agents[0].name == "王芳"
    assert loaded.team.leave[0].note == "病假"
    assert (scenario_dir / "agents.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_round_trip_with_history_and_events(tmp_path: Path) -> None:
    history = pd.DataFrame({
        "timestamp": pd.to_datetime(["2026-11-20 00:00", "2026-11-20 01:00", "2026-11-20 00:00"]),
        "queue": ["presale", "presale", "aftersale"],
        "volume": [12.0, 0.0, 3.5],
    })
    events = pd.DataFrame({
        "name": ["双11 大促"], "kind": ["major_promo"],
        "start": pd.to_datetime(["2026-11-11 00:00"]), "end": pd.to_datetime(["2026-11-12 00:00"]),
        "queue": [""],
    })
    write_scenario(Scenario(team=tiny_team(), history=history, events=events), tmp_path / "s")
    loaded = load_scenario(tmp_path / "s")
    assert loaded.history is not None and loaded.events is not None
    expected = history.sort_values(["queue", "timestamp"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.history, expected)
    pd.testing.assert_frame_equal(loaded.events, events)


def test_files_without_bom_and_with_bom_both_load(scenario_dir: Path) -> None:
    agents = scenario_dir / "agents.csv"
    agents.write_text(agents.read_text(encoding="utf-8-sig"), encoding="utf-8")
    assert load_scenario(scenario_dir).team.agents[0].name == "王芳"


def test_missing_folder(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope") == [
        f"{tmp_path / 'nope'}: expected a scenario folder, found no such directory"]


def test_missing_agents_file(scenario_dir: Path) -> None:
    (scenario_dir / "agents.csv").unlink()
    assert problems_of(scenario_dir) == [
        f"agents.csv: expected a file at {scenario_dir / 'agents.csv'}, found none"]


def test_not_utf8(scenario_dir: Path) -> None:
    (scenario_dir / "leave.csv").write_bytes("agent_id,start,end,type\nA1,王".encode("gbk"))
    assert problems_of(scenario_dir) == [
        "leave.csv: expected UTF-8 text, got a byte 0xcd at offset 27 (save the file as CSV UTF-8)"]


def test_wrong_field_count(scenario_dir: Path) -> None:
    with (scenario_dir / "leave.csv").open("a", encoding="utf-8") as handle:
        handle.write("A1,2026-11-23 00:00\n")
    assert problems_of(scenario_dir) == ["leave.csv:3: expected 6 fields, got 2"]


def test_missing_and_unknown_columns(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "contract,skills", "contrat,skills")
    assert problems_of(scenario_dir) == [
        "agents.csv:1: contract: expected a column 'contract', got columns ['id', 'name', "
        "'team', 'contrat', 'skills', 'availability', 'start_date', 'end_date']",
        "agents.csv:1: contrat: expected only columns ['id', 'name', 'team', 'contract', "
        "'skills', 'availability', 'start_date', 'end_date'], got 'contrat'",
    ]


def test_bad_timestamp_in_leave(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "leave.csv", "2026-11-24 00:00", "24/11/2026")
    assert problems_of(scenario_dir) == [
        "leave.csv:2: start: expected a timestamp YYYY-MM-DD HH:MM, got '24/11/2026'"]


def test_iso_timestamps_are_accepted(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "leave.csv", "2026-11-24 00:00", "2026-11-24T00:00:00")
    assert load_scenario(scenario_dir).team.leave[0].start.day == 24


def test_leave_end_before_start(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "leave.csv", "2026-11-25 00:00", "2026-11-23 00:00")
    assert problems_of(scenario_dir) == [
        "leave.csv:2: end: expected a time after start 2026-11-24 00:00, got 2026-11-23 00:00"]


def test_bad_leave_type(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "leave.csv", ",sick,", ",holiday,")
    assert problems_of(scenario_dir) == [
        "leave.csv:2: type: expected 'annual', 'sick', 'personal', 'training' or 'unavailable', "
        "got 'holiday'"]


def test_bad_skills(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "aftersale:4", "aftersale=4")
    assert problems_of(scenario_dir) == [
        "agents.csv:3: skills: expected queue:level pairs such as presale:3;aftersale:1, "
        "got 'aftersale=4'"]


def test_skill_level_out_of_range(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "aftersale:4", "aftersale:9")
    assert problems_of(scenario_dir) == [
        "agents.csv:3: skills: expected levels 1 to 5, got aftersale:9"]


def test_bad_availability(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "aftersale:4,", "aftersale:4,Mon-Fry 09:00-18:00")
    assert problems_of(scenario_dir) == [
        "agents.csv:3: availability: expected windows such as 'Mon-Fri 09:00-18:00;Sat "
        "10:00-14:00', got 'Mon-Fry 09:00-18:00'"]


def test_unknown_contract_and_queue(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "A2,李强,t1,full_time,aftersale:4",
               "A2,李强,t1,zero_hours,refunds:4")
    assert problems_of(scenario_dir) == [
        "agents.csv:3: contract: expected one of ['full_time'], got 'zero_hours'",
        "agents.csv:3: skills: expected queues among ['aftersale', 'presale'], got 'refunds'",
    ]


def test_duplicate_agent_id(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "A3,Zhang Wei", "A1,Zhang Wei")
    assert problems_of(scenario_dir) == [
        "agents.csv:4: id: expected a unique id, got 'A1' again (first at record 1)",
        "preferences.csv:4: agent_id: expected a known agent id, got 'A3'",
    ]


def test_bad_date(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "2026-11-25", "2026-13-25")
    assert problems_of(scenario_dir) == [
        "agents.csv:4: start_date: expected a date YYYY-MM-DD, got '2026-13-25'"]


def test_leave_of_unknown_agent_and_overlap(scenario_dir: Path) -> None:
    with (scenario_dir / "leave.csv").open("a", encoding="utf-8") as handle:
        handle.write("A9,2026-11-23 00:00,2026-11-24 00:00,annual,approved,\n")
        handle.write("A2,2026-11-24 12:00,2026-11-26 00:00,annual,requested,\n")
    assert problems_of(scenario_dir) == [
        "leave.csv:3: agent_id: expected a known agent id, got 'A9'",
        "leave.csv:4: start: expected no overlap with the leave of record 1 "
        "(until 2026-11-25 00:00), got 2026-11-24 12:00",
    ]


def test_preference_problems(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "preferences.csv", "avoid_shift,,late", "avoid_shift,,night")
    replace_in(scenario_dir / "preferences.csv", ",5\n", ",heavy\n")
    assert problems_of(scenario_dir) == [
        "preferences.csv:2: weight: expected a weight in (0, 1000], got 'heavy'",
        "preferences.csv:3: template: expected a template among ['early', 'late', 'short'], "
        "got 'night'",
    ]


def test_preference_weight_out_of_range(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "preferences.csv", ",5\n", ",5000\n")
    assert problems_of(scenario_dir) == [
        "preferences.csv:2: weight: expected less than or equal to 1000, got 5000.0"]


def test_settings_bad_value_and_unknown_key(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "settings.toml", "aht_seconds = 240.0", "aht_seconds = -5")
    replace_in(scenario_dir / "settings.toml", "interval_minutes = 60", "interval_minutes = 20")
    replace_in(scenario_dir / "settings.toml", "[contracts.full_time]",
               "[contracts.full_time]\nmax_hours = 40")
    assert problems_of(scenario_dir) == [
        "settings.toml: interval_minutes: expected 15, 30 or 60, got 20",
        "settings.toml: queues.presale.aht_seconds: expected greater than 0, got -5",
        "settings.toml: contracts.full_time.max_hours: expected Extra inputs are not permitted, "
        "got 40",
    ]


def test_settings_not_toml(scenario_dir: Path) -> None:
    (scenario_dir / "settings.toml").write_text("[team\nname = 1", encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "settings.toml: expected valid TOML: Expected ']' at the end of a table declaration "
        "(at line 1, column 6)"]


def test_every_problem_is_reported_at_once(scenario_dir: Path) -> None:
    replace_in(scenario_dir / "agents.csv", "aftersale:4", "aftersale:x")
    replace_in(scenario_dir / "leave.csv", ",sick,", ",holiday,")
    (scenario_dir / "history.csv").write_text("timestamp,volume\n2026-11-20 00:30,-1\n",
                                              encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "agents.csv:3: skills: expected queue:level pairs such as presale:3;aftersale:1, "
        "got 'aftersale:x'",
        "leave.csv:2: type: expected 'annual', 'sick', 'personal', 'training' or 'unavailable', "
        "got 'holiday'",
        "history.csv:2: timestamp: expected an hourly timestamp (HH:00), got '2026-11-20 00:30'",
        "history.csv:2: volume: expected a non-negative number, got '-1'",
    ]


def test_history_problems(scenario_dir: Path) -> None:
    (scenario_dir / "history.csv").write_text(
        "timestamp,queue,volume\n2026-11-20 00:00,presale,3\n2026-11-20 00:00,presale,4\n"
        "2026-11-20 01:00,refunds,2\n2026-11-20 02:00,presale,many\n", encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "history.csv:5: volume: expected a non-negative number, got 'many'"]
    (scenario_dir / "history.csv").write_text(
        "timestamp,queue,volume\n2026-11-20 00:00,presale,3\n2026-11-20 00:00,presale,4\n"
        "2026-11-20 01:00,refunds,2\n", encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "history.csv:3: timestamp: expected one row per hour and queue, got 2026-11-20 00:00 "
        "for 'presale' again"]
    (scenario_dir / "history.csv").write_text(
        "timestamp,queue,volume\n2026-11-20 01:00,refunds,2\n", encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "history.csv: queue: expected queues among ['aftersale', 'presale'], got 'refunds'"]


def test_events_problems(scenario_dir: Path) -> None:
    (scenario_dir / "events.csv").write_text(
        "name,kind,start,end\n双11,major_promo,2026-11-12 00:00,2026-11-11 00:00\n"
        ",closure,2026-11-12 00:00,2026-11-12 06:00\n", encoding="utf-8")
    assert problems_of(scenario_dir) == [
        "events.csv:2: end: expected a time after start '2026-11-12 00:00', "
        "got '2026-11-11 00:00'",
        "events.csv:3: name: expected a name, got ''",
    ]


def test_bundled_sample_loads() -> None:
    root = Path(__file__).resolve().parents[1]
    scenario = load_scenario(root / "data" / "sample")
    assert len(scenario.team.agents) == 60
    assert scenario.history is not None and set(scenario.history["queue"]) == {"presale",
                                                                                "aftersale"}
