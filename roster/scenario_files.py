"""The scenario folder a planner edits in a spreadsheet, read and written with validation.

```
SCENARIO_DIR/
  settings.toml     team, time zone, interval, queues and targets, contracts, shift templates
  agents.csv        id,name,team,contract,skills,availability,start_date,end_date
  leave.csv         agent_id,start,end,type,status,note              (optional)
  preferences.csv   agent_id,kind,date,template,start_time,end_time,weight   (optional)
  history.csv       timestamp,queue,volume                            (optional)
  events.csv        name,kind,start,end,queue                         (optional)
```
`skills` reads `presale:3;aftersale:2` (queue:level), `availability` reads
`Mon-Fri 09:00-18:00;Sat 10:00-14:00` (empty = any time). Loading reports every problem at
once as `file:row: column: expected X, got Y`.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from forecasting.data import load_events, load_history
from forecasting.validation import (
    DataError,
    Problem,
    check_columns,
    format_timestamp,
    parse_timestamp,
    read_csv_text,
)
from roster.domain import (
    Agent,
    AvailabilityWindow,
    Leave,
    Preference,
    Team,
    TeamSettings,
    parse_clock,
    team_problems,
)
from roster.domain.team import WEEKDAYS

SETTINGS = "settings.toml"
AGENTS = "agents.csv"
LEAVE = "leave.csv"
PREFERENCES = "preferences.csv"
HISTORY = "history.csv"
EVENTS = "events.csv"

AGENT_COLUMNS = ["id", "name", "team", "contract", "skills", "availability", "start_date",
                 "end_date"]
LEAVE_COLUMNS = ["agent_id", "start", "end", "type", "status", "note"]
PREFERENCE_COLUMNS = ["agent_id", "kind", "date", "template", "start_time", "end_time", "weight"]


@dataclass(frozen=True)
class Scenario:
    """A team plus its demand history and events calendar (either may be absent)."""

    team: Team
    history: pd.DataFrame | None = None
    events: pd.DataFrame | None = None


def load_scenario(folder: Path) -> Scenario:
    """Read and validate a scenario folder; raise DataError with every problem found."""
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, None,
                                 "expected a scenario folder, found no such directory")])
    problems: list[Problem] = []
    settings = _collect(problems, lambda: load_settings(folder / SETTINGS))
    agents, agent_rows, agent_ids = _load_rows(folder / AGENTS, AGENT_COLUMNS[:5],
                                               AGENT_COLUMNS[5:], Agent, _agent_fields, problems)
    leave, leave_rows, _ = _load_rows(folder / LEAVE, LEAVE_COLUMNS[:4], LEAVE_COLUMNS[4:], Leave,
                                   _leave_fields, problems, optional_file=True)
    prefs, pref_rows, _ = _load_rows(folder / PREFERENCES, PREFERENCE_COLUMNS[:2],
                                  PREFERENCE_COLUMNS[2:], Preference, _preference_fields,
                                  problems, optional_file=True)
    history = _collect(problems, lambda: _optional(folder / HISTORY, load_history))
    events = _collect(problems, lambda: _optional(folder / EVENTS, load_events))
    if (folder / AGENTS).is_file() and not agents and not problems:
        problems.append(Problem(AGENTS, None, None, "expected at least one agent, got none"))
    if settings is not None:
        # Cross-references are checked on every record that parsed, so one run shows all.
        team = Team.model_construct(settings=settings, agents=agents, leave=leave,
                                    preferences=prefs)
        rows = {"agents": (AGENTS, agent_rows), "leave": (LEAVE, leave_rows),
                "preferences": (PREFERENCES, pref_rows)}
        records = {"leave": leave, "preferences": prefs}
        parsed_ids = {agent.id for agent in agents}
        for ref in team_problems(team):
            if ref.field == "agent_id" and ref.index is not None:
                # An agent whose own row failed is reported there, not at each reference.
                agent_id = records[ref.kind][ref.index].agent_id
                if agent_ids is None or (agent_id in agent_ids and agent_id not in parsed_ids):
                    continue
            file, numbers = rows.get(ref.kind, (SETTINGS, []))
            row = numbers[ref.index] if ref.index is not None and numbers else None
            problems.append(Problem(file, row, ref.field, ref.message))
        if history is not None:
            problems += _history_queue_problems(history, settings)
    if problems:
        raise DataError(sorted(problems, key=_file_order))
    team = Team.model_validate(team.model_dump())
    return Scenario(team=team, history=history, events=events)


FILE_ORDER = [SETTINGS, AGENTS, LEAVE, PREFERENCES, HISTORY, EVENTS]


def _file_order(problem: Problem) -> tuple[int, int]:
    rank = FILE_ORDER.index(problem.file) if problem.file in FILE_ORDER else len(FILE_ORDER)
    return rank, problem.row or 0


def load_settings(path: Path) -> TeamSettings:
    """Read `settings.toml`; table keys name the queues, contracts and templates."""
    name = path.name
    if not path.is_file():
        raise DataError([Problem(name, None, None, f"expected a file at {path}, found none")])
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError([Problem(name, None, None, "expected UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as err:
        raise DataError([Problem(name, None, None, f"expected valid TOML: {err}")]) from None
    team = raw.pop("team", {})
    if not isinstance(team, dict):
        raise DataError([Problem(name, None, "team", "expected a [team] table")])
    for section in ("queues", "contracts", "templates"):
        tables = raw.get(section)
        if isinstance(tables, dict):
            for key, table in tables.items():
                if isinstance(table, dict):
                    table.setdefault("name", key)
    data = {**team, **raw}
    try:
        settings = TeamSettings.model_validate(data)
    except ValidationError as err:
        raise DataError(_validation_problems(err, name, None)) from None
    return settings


def _collect(problems: list[Problem], load: Any) -> Any:
    try:
        return load()
    except DataError as err:
        problems.extend(err.problems)
        return None


def _optional(path: Path, load: Any) -> Any:
    return load(path) if path.is_file() else None


def _load_rows(path: Path, required: list[str], optional: list[str], model: type[BaseModel],
               to_fields: Any, problems: list[Problem],
               optional_file: bool = False) -> tuple[list[Any], list[int], set[str] | None]:
    """Validate each row of a CSV into `model`.

    Returns the valid models, their row numbers and the raw `id` column's values (None when
    the file could not be read). Problems are appended to `problems`; bad rows are left out.
    """
    if optional_file and not path.is_file():
        return [], [], set()
    try:
        frame = read_csv_text(path)
    except DataError as err:
        problems += err.problems
        return [], [], None
    column_problems = check_columns(frame, path.name, required, optional)
    if column_problems:
        problems += column_problems
        return [], [], None
    ids = set(frame["id"]) if "id" in frame.columns else set()
    models, numbers = [], []
    for row, record in frame.iterrows():
        number = int(row)
        fields: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for column, value in record.items():
            try:
                fields.update(to_fields(str(column), value))
            except ValueError as err:
                row_problems.append(Problem(path.name, number, str(column), str(err)))
        if row_problems:
            problems += row_problems
            continue
        try:
            models.append(model.model_validate(fields))
            numbers.append(number)
        except ValidationError as err:
            problems += _validation_problems(err, path.name, number)
    return models, numbers, ids


def _validation_problems(err: ValidationError, file: str, row: int | None) -> list[Problem]:
    """Turn pydantic's errors into `expected X, got Y` problems."""
    problems = []
    for item in err.errors():
        loc = ".".join(str(part) for part in item["loc"]) or None
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
            field, sep, rest = message.partition(": expected ")
            if sep and field.isidentifier():
                loc = f"{loc}.{field}" if loc else field
                message = "expected " + rest
        if "expected" not in message:
            wanted = message.removeprefix("Input should be ").removeprefix("Input should ")
            if item["type"] == "missing":
                wanted = "a value"
            received = item.get("input")
            got = "nothing" if item["type"] == "missing" else repr(received)
            if isinstance(received, dict):
                got = "a table"
            message = f"expected {wanted}, got {got}"
        problems.append(Problem(file, row, loc, message))
    return problems


def _empty_to_none(value: str) -> str | None:
    return value if value != "" else None


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def parse_skills(value: str) -> dict[str, int]:
    """`presale:3;aftersale:2` -> {'presale': 3, 'aftersale': 2}."""
    skills: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in value.split(";"))):
        queue, _, level = part.partition(":")
        if not queue.strip() or not level.strip().isdigit():
            raise ValueError(f"expected queue:level pairs such as presale:3;aftersale:1, "
                             f"got {value!r}")
        skills[queue.strip()] = int(level)
    if not skills:
        raise ValueError("expected at least one queue:level such as presale:3, got ''")
    return skills


def format_skills(skills: dict[str, int]) -> str:
    return ";".join(f"{queue}:{level}" for queue, level in skills.items())


def _weekday_set(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(part)
        a = WEEKDAYS.index(first)
        b = WEEKDAYS.index(last) if last else a
        days += list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    return days


def parse_availability(value: str) -> list[AvailabilityWindow]:
    """`Mon-Fri 09:00-18:00;Sat 10:00-14:00` -> windows; empty means any time."""
    windows = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        try:
            days, hours = part.split()
            start, end = hours.split("-")
            windows.append(AvailabilityWindow(weekdays=_weekday_set(days), start=parse_clock(start),
                                              end=parse_clock(end)))
        except ValueError:
            raise ValueError(f"expected windows such as 'Mon-Fri 09:00-18:00;Sat 10:00-14:00', "
                             f"got {part!r}") from None
    return windows


def format_availability(windows: list[AvailabilityWindow]) -> str:
    parts = []
    for window in windows:
        days = ",".join(WEEKDAYS[d] for d in window.weekdays)
        parts.append(f"{days} {window.start:%H:%M}-{window.end:%H:%M}")
    return ";".join(parts)


def _agent_fields(column: str, value: str) -> dict[str, Any]:
    if column == "skills":
        return {"skills": parse_skills(value)}
    if column == "availability":
        return {"availability": parse_availability(value)}
    if column in ("start_date", "end_date"):
        return {column: _date(value)}
    return {column: value}


def _leave_fields(column: str, value: str) -> dict[str, Any]:
    if column in ("start", "end"):
        return {column: parse_timestamp(value)}
    if column == "status" and not value:
        return {}
    return {column: value}


def _preference_fields(column: str, value: str) -> dict[str, Any]:
    if column == "date":
        return {"date": _date(value)}
    if column in ("start_time", "end_time"):
        return {column: parse_clock(value) if value else None}
    if column == "weight":
        if not value:
            return {}
        try:
            return {"weight": float(value)}
        except ValueError:
            raise ValueError(f"expected a weight in (0, 1000], got {value!r}") from None
    return {column: _empty_to_none(value)}


def _history_queue_problems(history: pd.DataFrame, settings: TeamSettings) -> list[Problem]:
    queues = sorted(set(history["queue"]) - set(settings.queues) - {"all"})
    return [Problem(HISTORY, None, "queue",
                    f"expected queues among {sorted(settings.queues)}, got {queue!r}")
            for queue in queues]


# ---- writing -------------------------------------------------------------------------------


def write_scenario(scenario: Scenario, folder: Path) -> None:
    """Write a scenario folder that `load_scenario` reads back to an equal scenario.

    CSV files for people carry a UTF-8 BOM so Excel shows Chinese names correctly.
    """
    folder.mkdir(parents=True, exist_ok=True)
    team = scenario.team
    (folder / SETTINGS).write_text(settings_to_toml(team.settings), encoding="utf-8")
    write_csv(folder / AGENTS, AGENT_COLUMNS, [
        [a.id, a.name, a.team, a.contract, format_skills(a.skills),
         format_availability(a.availability), _iso(a.start_date), _iso(a.end_date)]
        for a in team.agents])
    write_csv(folder / LEAVE, LEAVE_COLUMNS, [
        [x.agent_id, format_timestamp(x.start), format_timestamp(x.end), x.type.value,
         x.status.value, x.note] for x in team.leave])
    write_csv(folder / PREFERENCES, PREFERENCE_COLUMNS, [
        [p.agent_id, p.kind.value, _iso(p.date), p.template or "", _clock(p.start_time),
         _clock(p.end_time), f"{p.weight:g}"] for p in team.preferences])
    if scenario.history is not None:
        history = scenario.history.sort_values(["timestamp", "queue"])
        write_csv(folder / HISTORY, ["timestamp", "queue", "volume"], [
            [format_timestamp(t), q, _number(v)]
            for t, q, v in zip(history["timestamp"], history["queue"], history["volume"],
                               strict=True)], bom=False)
    if scenario.events is not None:
        write_csv(folder / EVENTS, ["name", "kind", "start", "end", "queue"], [
            [e.name, e.kind, format_timestamp(e.start), format_timestamp(e.end), e.queue]
            for e in scenario.events.itertuples()], bom=False)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], bom: bool = True) -> None:
    """Write rows as CSV (UTF-8, with a BOM for Excel unless `bom` is False)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _number(value: float) -> str:
    """An integer-valued volume as an integer, anything else in full precision."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _clock(value: time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def settings_to_toml(settings: TeamSettings) -> str:
    """Render settings as the TOML `load_settings` reads."""
    lines = ["[team]"]
    team_fields = ["name", "display_name", "timezone", "interval_minutes", "period_days",
                   "forecast_quantile", "max_queue_changes_per_shift", "forbidden_successions"]
    data = settings.model_dump(mode="json", exclude_none=True)
    for key in team_fields:
        lines.append(f"{key} = {_toml_value(data[key])}")
    for section in ("queues", "contracts", "templates", "rules"):
        for key, table in data[section].items():
            nested = {k: v for k, v in table.items() if isinstance(v, dict)}
            lines += ["", f"[{section}.{key}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()
                      if k != "name" and k not in nested]
            for sub, values in nested.items():
                lines += ["", f"[{section}.{key}.{sub}]"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} to TOML")


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else (
        _toml_value(key))
