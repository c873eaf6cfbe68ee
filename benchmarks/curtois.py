"""Solve Curtois & Qu instances with the roster engine and write the results table.

    .venv/bin/python benchmarks/curtois.py --instances 1-9 --time-limit 60
    .venv/bin/python benchmarks/curtois.py --instances 10-19 --time-limit 300 --workers 2

Each instance runs in its own process (`roster bench curtois ... --json`), one after the
other, so a crash or a memory peak in one does not touch the rest. Results go to
`benchmarks/results/curtois-<time limit>s.jsonl` (one JSON object per instance, appended)
and the table of every instance measured so far replaces the results table of the "Curtois &
Qu" section of `benchmarks/README.md` (the notes around it are kept). The machine's load
average is recorded with each run, since the timings mean little without it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "benchmarks" / "curtois"
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
SECTION = "## Curtois & Qu shift scheduling benchmark"


def parse_instances(text: str) -> list[int]:
    """`1-9`, `1,3,5` or a mix, to instance numbers (an argparse type: bad text gives
    argparse's one-line error)."""
    numbers: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            numbers += list(range(int(first), int(last or first) + 1))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected numbers and ranges like 1-9 or 1,3,5, got {text!r}") from None
    return numbers


def run_one(path: Path, time_limit: float, workers: int, seed: int,
            columns: bool = True) -> dict[str, object]:
    """One `roster bench curtois --json` run in its own process, with the load around it."""
    roster = ROOT / ".venv" / "bin" / "roster"
    command = [str(roster), "bench", "curtois", str(path), "--time-limit", str(time_limit),
               "--workers", str(workers), "--seed", str(seed), "--json",
               "--columns" if columns else "--no-columns"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=time_limit * 3 + 600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"instance": path.stem, "error": done.stderr.strip()[-500:], "time_limit":
                time_limit, "load_before": round(load, 2), "wall_seconds": round(wall, 1)}
    result = json.loads(done.stdout)
    result.update(time_limit=time_limit, workers=workers, seed=seed, columns=columns,
                  load_before=round(load, 2), load_after=round(os.getloadavg()[0], 2),
                  wall_seconds=round(wall, 1))
    return result


def load_results() -> dict[tuple[str, float], dict[str, object]]:
    """The latest result per (instance, time limit) over this script's results files
    (`curtois-<limit>s.jsonl`; other Curtois result files hold other measurements)."""
    latest: dict[tuple[str, float], dict[str, object]] = {}
    for file in sorted(RESULTS.glob("curtois-[0-9]*s.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[str(row["instance"]), float(row["time_limit"])] = row
    return latest


def _number(name: str) -> int:
    return int("".join(c for c in name if c.isdigit()) or 0)


def table(results: dict[tuple[str, float], dict[str, object]]) -> str:
    lines = [
        "| instance | limit s | best known | ours | gap % | bound | first solution s | seconds |"
        " hard violations | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, limit), row in sorted(results.items(), key=lambda kv: (_number(kv[0][0]),
                                                                      kv[0][1])):
        if "error" in row:
            lines.append(f"| {name} | {limit:g} | | error | | | | | | {row['load_before']} |")
            continue
        ours = row["objective"] if row["objective"] is not None else "none"
        gap = "" if row.get("gap_percent") is None else f"{row['gap_percent']:.2f}"
        bound = "" if row.get("bound") is None else f"{row['bound']:g}"
        first = row.get("first_solution_seconds")
        lines.append(f"| {name} | {limit:g} | {row.get('best_known') or ''} | {ours} | {gap} | "
                     f"{bound} | {'' if first is None else first} | {row['seconds']} | "
                     f"{row['hard_violations']} | {row['load_before']}-{row['load_after']} |")
    return "\n".join(lines)


TABLE_HEAD = "| instance | limit s |"


def write_table(new_table: str) -> None:
    """Replace the results table inside this benchmark's section of benchmarks/README.md
    (the prose around it is kept; the section is appended when missing)."""
    text = README.read_text(encoding="utf-8") if README.is_file() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{new_table}\n"
    else:
        end = text.find("\n## ", start + len(SECTION))
        end = len(text) if end < 0 else end
        head = text.find(TABLE_HEAD, start, end)
        if head < 0:
            cut = text.find("\n", start) + 1
            text = text[:cut] + f"\n{new_table}\n" + text[cut:]
        else:
            stop = text.find("\n\n", head)
            stop = end if stop < 0 or stop > end else stop
            text = text[:head] + new_table + text[stop:]
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=parse_instances, default="1-9")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--columns", action=argparse.BooleanOptionalAction, default=True,
                        help="column generation beside the search (roster bench curtois "
                             "--columns/--no-columns; on by default)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--table-only", action="store_true",
                        help="rewrite the README table from saved results, solve nothing")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"curtois-{args.time_limit:g}s.jsonl"
    if not args.table_only:
        for number in args.instances:
            path = args.dir / f"Instance{number}.txt"
            row = run_one(path, args.time_limit, args.workers, args.seed,
                          columns=args.columns)
            print(json.dumps({k: v for k, v in row.items() if k != "violations"}), flush=True)
            with out.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(row) + "\n")
    write_table(table(load_results()))


if __name__ == "__main__":
    sys.exit(main())
