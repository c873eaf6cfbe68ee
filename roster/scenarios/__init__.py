"""What-if planning: a base scenario folder plus typed changes, run reproducibly, swept
over a process pool or Ray, and compared in tables and plotly figures.

```
from roster.scenarios import WhatIf, ScaleUplift, run, sweep, comparison_table
base = WhatIf(name="base", base=Path("data/sample"), start=date(2026, 11, 23))
results = sweep([base, base.with_changes("x2", ScaleUplift(event_kind="major_promo", factor=2))])
comparison_table(results)
```
"""

from roster.scenarios.changes import (
    AddAgents,
    Change,
    ChangeHandling,
    ChangeRule,
    ChangeTarget,
    RemoveAgents,
    ScaleUplift,
    apply_team_changes,
)
from roster.scenarios.compare import (
    agent_hours_figure,
    comparison_table,
    cost_figure,
    fairness_figure,
    frontier,
    frontier_figure,
    preferences_figure,
    service_by_hour_figure,
    shortfall_by_hour,
    shortfall_figure,
)
from roster.scenarios.run import Budget, Result, WhatIf, default_cache_dir, inputs_key, run
from roster.scenarios.sweep import sweep
from roster.scenarios.week import agents_to_cover, coverage_effect, swap_partners, swap_shifts

__all__ = [
    "AddAgents", "Budget", "Change", "ChangeHandling", "ChangeRule", "ChangeTarget",
    "RemoveAgents", "Result", "ScaleUplift", "WhatIf", "agent_hours_figure", "agents_to_cover",
    "apply_team_changes", "comparison_table", "cost_figure", "coverage_effect",
    "default_cache_dir", "fairness_figure", "frontier", "frontier_figure", "inputs_key",
    "preferences_figure", "run", "service_by_hour_figure", "shortfall_by_hour",
    "shortfall_figure",
    "swap_partners", "swap_shifts", "sweep",
]
