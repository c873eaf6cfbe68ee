"""Schemathesis against the OpenAPI schema: generated requests never cause a server error.

Requests are sent as the planner (who may reach every route) into a populated database,
with a bounded number of examples per operation.
"""

from __future__ import annotations

from collections import Counter

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import World

EXAMPLES = 10


@pytest.mark.parametrize("backend_app", ["sqlite"], indirect=True)
def test_no_server_error_on_generated_requests(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    headers = world.headers("plan")
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        # solving and importing are real work: exercise their validation, not full runs
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck),
                  phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> "
                                f"{response.status_code}: {response.text[:300]}")

        run()
        calls += 1
    assert failures == []
    assert calls == len(operations)
    assert statuses[200] + statuses[201] + statuses[202] > 0 and statuses[422] > 0, statuses
