"""The built CP-SAT model does not depend on the interpreter's string hash seed.

Sets of strings iterate in a per-process random order (PYTHONHASHSEED). A model that creates
variables or terms in such an order differs between processes (pool workers, Ray workers)
and CP-SAT, whose search follows variable order, returns a different roster for the same
inputs. The sample settings have two late templates ("late", "short_evening"), whose set
order flips between hash seeds 0 and 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import hashlib
from tests.engine.tiny import PERIOD
from tests.scenarios.small import small_team
from roster.engine.model import RosterProblem, build_model

team = small_team()
late = {name for name, t in team.settings.templates.items() if t.is_late()}
built = build_model(RosterProblem(team, PERIOD.model_copy(update={"days": 3}), []))
print(",".join(late))
print(hashlib.sha256(str(built.model.proto).encode()).hexdigest())
"""


def _built_under(seed: int) -> tuple[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return out[0], out[1]


def test_model_is_the_same_under_different_hash_seeds() -> None:
    order_0, model_0 = _built_under(0)
    order_1, model_1 = _built_under(1)
    assert order_0 != order_1, "the seeds must flip the late templates' set order"
    assert model_0 == model_1
