"""`roster whatif`: run the scenarios of a TOML file and compare them.

```
roster whatif SPEC.toml --out TABLE.csv [--backend process|ray|auto|serial] [--workers 2]
              [--cache DIR] [--html FIGURES.html]
```
SPEC.toml names the base scenario folder (relative to the file), the first day, optional
days, fit cut-off and solver budget, and one `[[scenario]]` table per variant with its
`[[scenario.changes]]` (see `roster.scenarios.changes` for the kinds and fields):

```toml
base = "../data/sample"
start = "2026-11-23"
[budget]
steps = 3
[[scenario]]
name = "double uplift"
[[scenario.changes]]
kind = "scale_uplift"
event_kind = "after_sales"
factor = 2
```
The base (no changes, named `base`) always runs first; its roster warm-starts the variants.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from forecasting.validation import InputError
from roster.cli.common import user_errors

SPEC_KEYS = {"base", "start", "days", "fit_until", "budget", "scenario"}


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_spec(path: Path) -> list[Any]:
    """The what-if scenarios of SPEC.toml, base first; InputError naming file and field."""
    from roster.scenarios import WhatIf

    if not path.is_file():
        raise InputError(f"{path}: expected a TOML file, found none")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path.name}: expected valid UTF-8 TOML, got {err}") from None
    unknown = sorted(set(raw) - SPEC_KEYS)
    if unknown:
        raise InputError(f"{path.name}: expected keys among {sorted(SPEC_KEYS)}, got {unknown}")
    for key in ("base", "start"):
        if key not in raw:
            raise InputError(f"{path.name}: {key}: expected a value, got nothing")
    scenarios = raw.get("scenario", [])
    if not isinstance(scenarios, list):
        raise InputError(f"{path.name}: scenario: expected [[scenario]] tables, got one value")
    common: dict[str, Any] = {k: raw[k] for k in ("start", "days", "fit_until", "budget")
                               if k in raw}
    common["base"] = (path.parent / str(raw["base"])).resolve()
    whatifs = []
    for index, table in enumerate([{"name": "base"}, *scenarios]):
        where = "base" if index == 0 else f"scenario[{index - 1}]"
        try:
            whatifs.append(WhatIf.model_validate({**common, **table}))
        except ValidationError as err:
            item = err.errors()[0]
            wanted = item["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            got = "nothing" if item["type"] == "missing" else repr(item.get("input"))
            raise InputError(f"{path.name}: {where}.{_location(item['loc'])}: expected "
                             f"{wanted}, got {got}") from None
    if not common["base"].is_dir():
        raise InputError(f"{path.name}: base: expected a scenario folder, got {raw['base']!r}")
    return whatifs


@user_errors
def whatif(
    spec: Annotated[Path, typer.Argument(help="TOML file: base, start, [[scenario]] changes")],
    out: Annotated[Path, typer.Option("--out", help="comparison table CSV to write")],
    backend: Annotated[str, typer.Option(
        "--backend", help="process (default), ray, auto (ray when RAY_ADDRESS is set), serial")
    ] = "process",
    workers: Annotated[int, typer.Option("--workers", help="parallel scenarios")] = 2,
    cache: Annotated[Path | None, typer.Option("--cache", help="folder caching results")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="also write the comparison figures to this HTML file")] = None,
) -> None:
    """Run what-if scenarios (base first, then the variants in parallel) and compare them."""
    from roster.scenarios import comparison_table, run, sweep
    from roster.scenarios.run import check_whatif
    from roster.scenarios.sweep import choose_backend

    if workers < 1:
        raise InputError(f"--workers: expected a whole number >= 1, got {workers}")
    choose_backend(backend)  # type: ignore[arg-type]
    if not out.parent.is_dir():
        raise InputError(f"--out: expected an existing folder for {out}, found none")
    whatifs = read_spec(spec)
    for item in whatifs:
        check_whatif(item)
    base = run(whatifs[0], cache_dir=cache)
    results = [base, *sweep(whatifs[1:], backend=backend, max_workers=workers,  # type: ignore[arg-type]
                            hint=base.roster, cache_dir=cache)]
    table = comparison_table(results)
    table.to_csv(out, index=False)
    if html is not None:
        _write_html(html, results)
    _print(table)


def _print(table: Any) -> None:
    shown = Table(title="what-if comparison")
    columns = ["scenario", "status", "agents", "required_hours", "shortfall_hours",
               "service_level", "cost", "preferences_honoured"]
    for column in columns:
        shown.add_column(column, justify="left" if column in ("scenario", "status") else "right")
    for _, row in table.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            if isinstance(value, float) and column in ("service_level", "preferences_honoured"):
                cells.append(f"{value:.1%}")
            elif isinstance(value, float):
                cells.append(f"{value:,.1f}")
            else:
                cells.append(str(value))
        shown.add_row(*cells)
    Console().print(shown)


def _write_html(path: Path, results: list[Any]) -> None:
    from roster.scenarios import compare

    figures = [compare.frontier_figure(results), compare.agent_hours_figure(results),
               compare.cost_figure(results), compare.service_by_hour_figure(results),
               compare.shortfall_figure(results), compare.preferences_figure(results),
               compare.fairness_figure(results)]
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>what-if</title></head>"
             "<body>"]
    parts += [f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)]
    path.write_text("\n".join([*parts, "</body></html>"]), encoding="utf-8")
