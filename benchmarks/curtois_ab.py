"""Column generation beside the search, on against off, on the same Curtois runs.

    .venv/bin/python benchmarks/curtois_ab.py --instances 5 --seeds 5-12 --time-limit 60
    .venv/bin/python benchmarks/curtois_ab.py --instances 10-12,14-17 --time-limit 300

Each (instance, seed) runs `roster bench curtois --json` with `--columns` and then with
`--no-columns`, back to back, one process at a time, so both sides see the same machine.
Rows go to `benchmarks/results/curtois-ab-<date>.jsonl`; a table of both sides per run,
and how many runs of each side ended within 1% of the best known, is printed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from curtois import DEFAULT_DIR, RESULTS, parse_instances, run_one


def within(row: dict[str, object], share: float = 0.01) -> bool:
    """Whether the run's checked roster is within `share` of the best known."""
    best, ours = row.get("best_known"), row.get("objective")
    return isinstance(best, int) and isinstance(ours, int) and ours <= best * (1 + share)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=parse_instances, default="5")
    parser.add_argument("--seeds", type=parse_instances, default="0", help="`0`, `5-12` or `1,3`")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"curtois-ab-{dt.date.today().isoformat()}.jsonl"
    pairs = []
    for number in args.instances:
        path = DEFAULT_DIR / f"Instance{number}.txt"
        for seed in args.seeds:
            pair = [run_one(path, args.time_limit, args.workers, seed, columns=on)
                    for on in (True, False)]
            with out.open("a", encoding="utf-8") as handle:
                for row in pair:
                    handle.write(json.dumps(row) + "\n")
            print(json.dumps({"instance": path.stem, "seed": seed,
                              "on": pair[0].get("objective"), "off": pair[1].get("objective")}),
                  flush=True)
            pairs.append((path.stem, seed, *pair))
    print("| instance | seed | best known | columns on | bound on | off | bound off |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, seed, on, off in pairs:
        print(f"| {name} | {seed} | {on.get('best_known')} | {on.get('objective')} | "
              f"{on.get('bound')} | {off.get('objective')} | {off.get('bound')} |")
    print(f"within 1% of the best known: on {sum(within(on) for *_, on, _ in pairs)}, "
          f"off {sum(within(off) for *_, off in pairs)}, of {len(pairs)}")


if __name__ == "__main__":
    main()
