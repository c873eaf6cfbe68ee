"""Solve Curtois & Qu instances with the roster engine and write the results table.

    .venv/bin/python benchmarks/curtois.py --instances 1-9 --time-limit 60
    .venv/bin/python benchmarks/curtois.py --instances 10-19 --time-limit 300 --workers 2

Each instance runs in its own process (`roster bench curtois ... --json`), one after the
other, so a crash or a memory peak in one does not touch the rest. Results go to
`benchmarks/results/curtois-<time limit>s.jsonl` (one JSON object per instance, appended)
and the table of every instance measured so far replaces the "Curtois & Qu" section of
`benchmarks/README.md`. The machine's load average is recorded with each run, since the
timings mean little without it.
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
DEFAULT_DIR = Path("/work/shared/benchmarks/curtois")
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
SECTION = "## Curtois & Qu shift scheduling benchmark"


def parse_instances(text: str) -> list[int]:
    """`1-9`, `1,3,5` or a mix, to instance numbers."""
    numbers: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        numbers += list(range(int(first), int(last or first) + 1))
    return numbers


def run_one(path: Path, time_limit: float, workers: int, seed: int) -> dict[str, object]:
    roster = ROOT / ".venv" / "bin" / "roster"
    command = [str(roster), "bench", "curtois", str(path), "--time-limit", str(time_limit),
               "--workers", str(workers), "--seed", str(seed), "--json"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=time_limit * 3 + 600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"instance": path.stem, "error": done.stderr.strip()[-500:], "time_limit":
                time_limit, "load_before": round(load, 2), "wall_seconds": round(wall, 1)}
    result = json.loads(done.stdout)
    result.update(time_limit=time_limit, workers=workers, seed=seed,
                  load_before=round(load, 2), load_after=round(os.getloadavg()[0], 2),
                  wall_seconds=round(wall, 1))
    return result


def load_results() -> dict[tuple[str, float], dict[str, object]]:
    """The latest result per (instance, time limit) over every results file."""
    latest: dict[tuple[str, float], dict[str, object]] = {}
    for file in sorted(RESULTS.glob("curtois-*.jsonl")):
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


def write_section(body: str) -> None:
    """Replace (or append) this benchmark's section of benchmarks/README.md, keeping others."""
    text = README.read_text(encoding="utf-8") if README.is_file() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + ("" if end < 0 else text[end:])
    else:
        text = text.rstrip("\n") + "\n\n" + body
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


INTRO = """\
Solved with the product's own engine (`roster bench curtois`, `roster.engine.search`): the
instance is mapped onto the domain (templates starting 00:00, one contract per staff member,
fixed days off as `unavailable` leave, requests as `prefer_shift`/`avoid_shift`
preferences, cover as `ShiftDemand`, every non-benchmark rule switched off in
`TeamSettings.rules`); the search builds a first roster agent by agent (small CP-SAT models
at linearization level 2, each weighing a short (day, template) by the shifts it still
lacks so early agents take the worst gaps; for periods over 8 weeks the work/off pattern
comes from a dynamic programme, `engine/patterns.py`; the whole model is built in a thread
meanwhile), runs the whole model briefly for a bound (up to 60,000
options), then large-neighbourhood search over agents and days (`engine/lns.py`). The
objective in the table is recomputed from the returned roster by the independent checker
(`roster/bench/objective.py`) and always equalled the solver's; `hard violations` counts
the benchmark's rules and the product's checker (`roster/checker.py`) together. Gap =
(ours - best known) / best known. `bound` is CP-SAT's lower bound from the whole-model phase
(weak: the targets concern the upper bound). Load is the 1-minute load average before-after
each run on the shared 2-core machine: at load 6-9 each run got roughly a third to a half of
the 2 cores its time limit assumes, so these are pessimistic for the stated targets.

Reproduce: `.venv/bin/python benchmarks/curtois.py --instances 1-9 --time-limit 60`.
"""


NOTES = """\
### Third round (2026-11-30): the year-long instances, Instance24 solved

Targets (2 workers): 1-9 within 1% at 60 s; 10-19 at 300 s mean gap <= 5%, none above 15%;
20-24 a verified feasible roster at 600 s.

**Instance24 (150 staff x 364 days x 32 shift types) now gives a verified roster at 600 s**:
objective 1,118,887 (checker == solver, 0 hard violations; first roster at 328.9 s, model
built in 144.5 s meanwhile, search stopped at 610 s with the final check), run unlocked and
not nice'd, load 5.08-3.32. The 600 s rows of 20-23 in the table are from the same
sequential run (unlocked, load 3.3-6): all feasible with 0 hard violations; 20: 6,654
(+34.6%, 300 s in the first round: 7,159), 21: 139,477 (first round 309,289), 22: 42,066
(105,728), 23: 623,458 (954,026). These are feasibility checks, far from the best known
values.

Why Instance24 failed before, from profiles (cProfile under nice) and phase logs
(`roster.engine.search` now logs its phases at INFO):
- the whole model's build: 432.5 s wall (nice'd, load 6-8), 1.36 M variables, 1.38 M
  constraints, 1,693 MB peak. Causes: `absent_days` scanned every leave record of the
  team for every day (quadratic in team size: 8 of 46 s on Instance22, and the same again in
  every agent's model of the first roster); the leave check of each option scanned the
  agent's leave; forbidden successions were one constraint per (agent, day, first template)
  with list scans per template (32 first templates, 382k constraints of ~25 terms);
  per-template counts scanned every option once per template; an end-time chain (3
  variables and constraints per agent and day) was built even with no rest rule; Python
  `sum` over literals. After (`rules_hard.py`, `variables.py`, `model.py`,
  `domain/scenario.py`): leave looked up per agent and day, successions one constraint per
  (agent, day, set of banned followers) bucketed in one pass (exact: a day holds one
  option), one pass per agent for template counts, end-time chains only when a later day is
  within the rest, sums built in one call, option variables named only in explain mode:
  225.7 s for the same build at the same load after the first of these, 1.12 M variables,
  595 k constraints, 1,319 MB; 144.5 s in the final run (in a thread, next to the first
  roster); the final code's build alone: 35.4 CPU s, 1,240 MB peak. Instance22's build:
  11.2 -> 5.2 CPU s (17.7 M -> 6.0 M Python calls).
- the first roster, agent by agent: 403 s (nice'd, load 4-5) and agents left unrostered
  (4 of the first 8 at load ~6: each agent's solve had a wall-clock limit of 1-2 s, and on
  a busy machine CP-SAT's presolve alone took longer). After (`first_solution.py`): an
  agent's shift demand is priced per option (`agent_model`: the agent adds at most one shift
  to a (day, template), so its share of the cover penalties is linear; same optimum without
  a cover variable and constraint per (day, template): 26,060 -> 8,904 variables and 20,821
  -> 3,665 constraints for one Instance24 agent); agent solves without probing and with
  one presolve pass (one agent with its pattern fixed: 1.5 -> 0.67 CPU s, same optimum;
  presolve off: 2.6 CPU s); a deterministic budget (0.5 deterministic s per budget second)
  with a wall cap of 4x, so load no longer leaves agents out; the agent's model is built
  once for all its attempts; residual demand only for the agent's templates. Still ~1.8
  CPU s per agent on Instance24 (build ~0.5, pattern programme ~0.5, solve ~0.7).
- the model was built after the first roster; it is now built in a thread meanwhile
  (`search._Build`; the agents' CP-SAT solves release the interpreter).
- scoring the first roster on the whole model (every option fixed): fixed through the
  variable domains instead of one `bool_and` (Instance20: 0.5 -> 0.2 CPU s; Instance24:
  25.2 s at load 5.5, where the `bool_and` had not finished in 50 s).

Instances 7, 8, 9 at 60 s, old code (main before this round) against new, alternating,
each run under the shared lock (load before-after; the 600 s runs above were running at
the same time, so every pair shared that load):

| instance | old | new | load |
|---|---:|---:|---|
| Instance8 | 1470 | 1751 | 3.14-3.68; 3.24-3.74 |
| Instance8 | 1641 | 1566 | 3.46-3.78; 3.49-3.79 |
| Instance8 | 1455 | 1572 | 5.35-6.17; 5.51-6.47 |
| Instance8 | 1473 | 1561 | 5.55-6.91; 5.66-5.84 |
| Instance9 | 559 | 465 | 3.25-3.69; 3.63-3.82 |
| Instance7 | 1175 | 1078 | 3.35-3.90; 3.90-4.10 |

Instance8 old mean 1510, new mean 1613, new worse in 3 of 4 pairs: probably a regression,
not explained (candidates: the successions now one constraint per set of banned followers
in every LNS sub-model, and the lighter agent solves of the first roster; not bisected for
lack of time). 7 and 9 better in their single pair (noise of this size seen before).
The targets for 7, 8 and 9 (within 1%) are still missed (best new runs +2.08%, +20.08%,
+5.92%). No search change for 7-9 or 13/15 was tried this round (the time went
to Instance24); 10-19 were not rerun.

Tried and dropped / not done:
- presolve off in the agent solves (2.6 CPU s against 1.5 default and 0.67 light);
- scoring with a `bool_and` and light presolve: no faster than the plain `bool_and`
  (Instance20, 0.5 CPU s each);
- not done: the first roster in a forked child process while the parent builds the model
  (both are interpreter work; threads share one core for it). Written and run on a small
  instance, not measured on Instance24 in time, so not committed; it is the next step if
  Instance24 must finish with more margin (the first roster is ~270 CPU s of the 600 s).

### Second round: what changed, what was tried

Targets (2 workers): 1-9 within 1% at 60 s; 10-19 at 300 s mean gap <= 5%, none above 15%;
20-24 a verified feasible roster at 600 s. The 60 s rows of 10-19 and the 300 s rows of
20-23 are from the first round (code before the change below).

Changed: the first roster (`engine/first_solution.py`, `_spread`) weighs each short
(day, template) by how many shifts it still lacks (under-weight x (1 + (lacking - 1))), so
agents placed early take the worst gaps. Under-covered shifts in the first roster, before ->
after: Instance8 53 -> 35, Instance9 36 -> 22, Instance12 82 -> 54, Instance13 70 -> 37,
Instance15 121 -> 87, Instance19 392 -> 183 (the pattern programme path).

Results this round (each run under the shared lock, load before-after in the table):
- 1-9 at 60 s: 1-6 met in the first round (not rerun); 7: 1070 -> 1072 (+1.52%, miss);
  8: 1474 -> 1452 (+11.69%, miss); 9: two runs, 682 (+55.35%, load 3.84-6.81) and 459
  (+4.56%, load 4.25-4.31; the table keeps the later run), first round 468: miss either way.
  Run-to-run noise at this load is of the size of these changes.
- 10-19 at 300 s: 10 +0.43%, 11 +0.38%, 12 +1.58%, 13 +91.17%, 14 +3.60%, 15 +26.32%,
  16 +9.86%, 17 +0.59%, 18 +11.59%, 19 not measured (out of time). Mean over the nine
  measured 16.2% (above 5%), and 13 and 15 are above 15%: the target misses.
- 20-24 at 600 s: not run this round (20-23 feasible at 300 s in the first round, 24 never
  built). Every roster returned had 0 hard violations and checker objective == solver
  objective.

Diagnosis of Instance8 (the largest miss of 1-9), from a single-thread LNS with sub-solves
limited in CP-SAT deterministic time (0.5 each, reproducible whatever the load): it falls to
~1430 within 80 steps and then stays at 1429-1440 until step ~280 (one escape to 1333 at 300
steps, 146 CPU s; 60 s on 2 cores is ~110 CPU s). On the plateau every sub-solve of every kind
is proved optimal without gain: the 11 short shifts are nights, bound by the per-template
night maxima and "nothing but a night or a day off after a night" across the whole period.

Tried and dropped (same harness, Instance8, seed 0 unless stated):
- the redundant run automaton and shift-count bounds (`engine/redundant.py`) in the search
  model: 1747 after 60 steps against 1570 without;
- two more neighbourhoods, every agent over two distant windows (one around a short cell),
  and the agents who could fill a short cell over the whole period: 1644 after 150 steps
  against 1430 (they take steps from the all-agents window, the kind that improves most);
- from the 1430 plateau: 40 steps of each kind, no gain; larger neighbourhoods (sizes 0.5 and
  0.7, 2.0 deterministic s per step) 1426-1428; the whole model with every variable hinted,
  2 workers, 30 s: 1428; the whole model alone for 60 s (no LNS): 2245 against 1873-1963 for
  the search at the same load.

Not attempted this round: Instance24's build (279 s and 1.7 GB in the first round).

### Tried and dropped (2026-11-30): the what-if search's LNS step in `Lns.step`

The what-if search's step (`roster/scenarios/search.py`: fix the options outside the
neighbourhood through their variable domains instead of one `bool_and`, hint every model
variable of the incumbent including auxiliaries, `cp_model_probing_level=0`) was applied to
`engine/lns.py` (incumbents carrying the full solution from the scoring and whole-model
solves) and measured against the unchanged code, old/new back to back, `roster bench
curtois ... --time-limit 60 --workers 2` (objective, 1-minute load before-after). Every run
had 0 hard violations and objective == solver objective.

| instance | run | old | new | load (old; new) |
|---|---|---:|---:|---|
| Instance8 | nice'd | 1450 | 1860 | 2.00-2.61; 2.08-3.07 |
| Instance8 | nice'd | 1362 | 1739 | 3.51-3.08; 3.08-2.36 |
| Instance8 | shared lock | 1552 | 1530 | 2.17-1.95; 1.95-1.98 |
| Instance15 | nice'd | 4998 | 5015 | 3.07-3.52; 3.52-3.53 |
| Instance15 | shared lock | 4672 | 4883 | 1.82-1.85; 1.85-2.04 |

Instance8 with domains and the full hint but probing left on: 1575 (nice'd, load 3.41-3.51).
Worse on Instance8 in two of three pairs (mean 1455 -> 1710) and on Instance15 in both pairs
(mean 4835 -> 4949), so the engine's step is unchanged. Instance13 not measured (out of
time). Run-to-run noise on Instance8 (1362-1552 for the same code) is as large as some of
the differences, so a few more pairs would not settle it; a deterministic-time harness
would. A possible reason, not checked: probing and the `bool_and` presolve may let more
sub-solves be proved optimal, which the size adaptation rewards by growing the neighbourhood.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", default="1-9")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--table-only", action="store_true",
                        help="rewrite the README table from saved results, solve nothing")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"curtois-{args.time_limit:g}s.jsonl"
    if not args.table_only:
        for number in parse_instances(args.instances):
            path = args.dir / f"Instance{number}.txt"
            row = run_one(path, args.time_limit, args.workers, args.seed)
            print(json.dumps({k: v for k, v in row.items() if k != "violations"}), flush=True)
            with out.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(row) + "\n")
    write_section(f"{SECTION}\n\n{INTRO}\n{table(load_results())}\n\n{NOTES}")


if __name__ == "__main__":
    sys.exit(main())
