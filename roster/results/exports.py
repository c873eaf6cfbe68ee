"""The output folder of `roster solve` / `roster repair`, written all at once or not at all.

```
OUT/
  roster.csv      one row per shift (see roster_csv.py)
  coverage.csv    start,queue,required,scheduled,shortfall,overstaffing,
                  projected_service_level,projected_asa_seconds[,volume][,promo]
  kpis.json       the Kpis model
  calendars/      one <agent_id>.ics per agent
  report.html     self-contained plotly report
```
Everything is written into a temporary folder next to OUT and moved into place at the end,
so a failure leaves OUT as it was. Files in OUT that this module does not write are kept.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from forecasting.validation import InputError, format_timestamp
from roster.domain import Requirement, Roster, Shift, Team
from roster.results.calendars import agent_calendar, calendar_file_names, zone_component
from roster.results.kpis import Kpis, coverage_with_service
from roster.results.report import write_report
from roster.results.roster_csv import ROSTER_COLUMNS, read_roster_csv, roster_rows
from roster.scenario_files import write_csv

__all__ = ["COVERAGE_COLUMNS", "ROSTER_COLUMNS", "read_roster_csv", "write_calendars",
           "write_coverage_csv", "write_kpis_json", "write_outputs", "write_roster_csv"]

ROSTER_CSV = "roster.csv"
COVERAGE_CSV = "coverage.csv"
KPIS_JSON = "kpis.json"
CALENDARS = "calendars"
REPORT_HTML = "report.html"
OWN_OUTPUTS = frozenset({ROSTER_CSV, COVERAGE_CSV, KPIS_JSON, CALENDARS, REPORT_HTML})

COVERAGE_COLUMNS = ["start", "queue", "required", "scheduled", "shortfall", "overstaffing",
                    "projected_service_level", "projected_asa_seconds"]


def write_roster_csv(path: Path, team: Team, roster: Roster) -> None:
    """`roster.csv`, UTF-8 with a BOM."""
    write_csv(path, ROSTER_COLUMNS, roster_rows(team, roster))


def _number(value: float, digits: int) -> str:
    return "" if value is None or not math.isfinite(value) else f"{round(value, digits):g}"


def write_coverage_csv(path: Path, coverage: pd.DataFrame) -> None:
    """`coverage.csv`: one row per interval and queue; unknown projections left empty."""
    has_volume, has_promo = "volume" in coverage.columns, "promo" in coverage.columns
    header = COVERAGE_COLUMNS + (["volume"] if has_volume else []) + (
        ["promo"] if has_promo else [])
    rows = []
    for record in coverage.to_dict("records"):
        row = [format_timestamp(record["start"]), record["queue"], int(record["required"]),
               int(record["scheduled"]), int(record["shortfall"]), int(record["overstaffing"]),
               _number(record.get("projected_service_level", math.nan), 4),
               _number(record.get("projected_asa_seconds", math.nan), 1)]
        if has_volume:
            row.append(_number(record["volume"], 3))
        if has_promo:
            row.append("true" if record["promo"] else "false")
        rows.append(row)
    write_csv(path, header, rows, bom=False)


def write_kpis_json(path: Path, kpis: Kpis) -> None:
    path.write_text(kpis.model_dump_json(indent=2) + "\n", encoding="utf-8")


def write_calendars(folder: Path, team: Team, roster: Roster,
                    stamp: datetime | None = None) -> dict[str, Path]:
    """One `.ics` per agent of the team in `folder`; returns agent id -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    names = calendar_file_names(team.agents)
    zone = zone_component(team.settings.timezone, roster)
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for shift in roster.shifts:
        by_agent[shift.agent_id].append(shift)
    for agent in team.agents:
        path = folder / names[agent.id]
        calendar = agent_calendar(team, roster, agent, stamp, by_agent[agent.id], zone)
        path.write_bytes(calendar.to_ical())
        written[agent.id] = path
    return written


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _existing_ancestor(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if candidate.is_dir():
            return candidate
    return Path.cwd()


def write_outputs(out_dir: Path, team: Team, roster: Roster,
                  requirements: pd.DataFrame | Sequence[Requirement], kpis: Kpis, *,
                  coverage: pd.DataFrame | None = None, promo: bool = False,
                  extra_files: Mapping[str, str | bytes] | None = None,
                  report: bool = True) -> list[Path]:
    """Write the whole output folder atomically; return the paths written inside `out_dir`.

    `coverage` is the frame from `coverage_with_service` (computed when not given);
    `extra_files` maps further file names (e.g. `changes.csv`) to their content.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out: expected a folder, got the file {out_dir}")
    if coverage is None:
        coverage = coverage_with_service(team, roster, requirements, promo=promo)
    base = _existing_ancestor(out_dir.parent.resolve())
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=base))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output folder is not
    try:
        write_roster_csv(staging / ROSTER_CSV, team, roster)
        write_coverage_csv(staging / COVERAGE_CSV, coverage)
        write_kpis_json(staging / KPIS_JSON, kpis)
        write_calendars(staging / CALENDARS, team, roster)
        if report:
            write_report(staging / REPORT_HTML, team, roster, coverage, kpis)
        for name, content in (extra_files or {}).items():
            target = staging / name
            if target.parent != staging or name in OWN_OUTPUTS or name.startswith("."):
                raise InputError(f"extra output file: expected a plain file name other than "
                                 f"{sorted(OWN_OUTPUTS)}, got {name!r}")
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        entries = sorted(p.name for p in staging.iterdir())
        _move_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in entries]


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Rename the staged folder to `out_dir`, or replace its entries one by one."""
    if not out_dir.exists():
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out_dir)
        return
    for entry in staging.iterdir():
        target = out_dir / entry.name
        if entry.is_dir():
            old = None
            if target.exists():
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.rename(old)
            entry.rename(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(entry, target)
    with contextlib.suppress(OSError):
        staging.rmdir()
