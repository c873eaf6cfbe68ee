"""The one table of rule weights, with units, and how settings switch rules and weights.

A planner overrides any row in `settings.toml`:

```
[rules.preference_day_off]
weight = 25          # points per unit of the agent's wish weight
[rules.max_weekends]
enabled = false      # hard rules can be switched off too
```
The objective is the sum of weight x quantity over the soft rules, in points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roster.domain import TeamSettings

SCALE = 100
"""The solver works in integer hundredths of a point; reports divide by SCALE."""


@dataclass(frozen=True)
class RuleWeight:
    """One row of the table: a rule, whether it is hard, its default weight and its unit."""

    name: str
    kind: Literal["hard", "soft"]
    weight: float
    unit: str
    description: str


_ROWS = [
    # hard rules: weight unused; listed so each can be switched off by name
    RuleWeight("one_shift_per_day", "hard", 0, "", "at most one shift per agent and day"),
    RuleWeight("leave", "hard", 0, "", "no shift overlapping approved leave"),
    RuleWeight("availability", "hard", 0, "",
               "shifts inside the agent's availability windows and employment dates"),
    RuleWeight("pinned", "hard", 0, "", "pinned shifts appear unchanged"),
    RuleWeight("minutes_per_week", "hard", 0, "", "paid minutes per 7-day block within limits"),
    RuleWeight("minutes_per_period", "hard", 0, "", "paid minutes over the period within limits"),
    RuleWeight("days_per_week", "hard", 0, "", "working days per 7-day block within limits"),
    RuleWeight("max_consecutive_days", "hard", 0, "", "no longer run of working days"),
    RuleWeight("min_consecutive_days", "hard", 0, "", "no shorter run of working days"),
    RuleWeight("min_consecutive_days_off", "hard", 0, "", "no shorter run of days off"),
    RuleWeight("max_weekends", "hard", 0, "", "weekends worked per period at most the max"),
    RuleWeight("max_per_template", "hard", 0, "", "shifts of a template per period at most"),
    RuleWeight("min_rest", "hard", 0, "", "rest between two shifts at least min_rest_hours"),
    RuleWeight("forbidden_successions", "hard", 0, "",
               "no (template on day d, template on day d+1) pair listed as forbidden"),
    # soft rules: points per unit
    RuleWeight("coverage_shortfall", "soft", 100, "points per agent-hour short",
               "times the interval's service value (mean 1 over the period)"),
    RuleWeight("overstaffing", "soft", 5, "points per agent-hour above the requirement", ""),
    RuleWeight("shift_cover_under", "soft", 1, "points per agent short x record under-weight",
               "demand stated per day and shift template"),
    RuleWeight("shift_cover_over", "soft", 1, "points per agent over x record over-weight",
               "demand stated per day and shift template"),
    RuleWeight("preference_shift", "soft", 10, "points per unmet wish x agent weight",
               "prefer_shift / avoid_shift"),
    RuleWeight("preference_day_off", "soft", 10, "points per day worked x agent weight",
               "day_off wishes"),
    RuleWeight("preference_time", "soft", 5, "points per hour x agent weight",
               "hours outside prefer_time / inside avoid_time"),
    RuleWeight("fairness_weekends", "soft", 20,
               "points per weekend of spread (max - min) within a contract", ""),
    RuleWeight("fairness_late_shifts", "soft", 10,
               "points per late shift of spread (max - min) within a contract", ""),
    RuleWeight("fairness_preferences", "soft", 2,
               "points per unit of unmet wish weight of the worst-off agent", ""),
    RuleWeight("labour_cost", "soft", 0.1, "points per currency unit of paid time",
               "contract hourly_cost"),
    RuleWeight("overtime_cost", "soft", 0.1, "points per currency unit of overtime premium",
               "minutes past overtime_after_minutes in a week block x (multiplier - 1)"),
    RuleWeight("stability", "soft", 50, "points per shift changed against the reference roster",
               "used when re-solving or repairing"),
]

WEIGHTS: dict[str, RuleWeight] = {row.name: row for row in _ROWS}
"""Rule name -> default weight and unit."""


def enabled(settings: TeamSettings, rule: str) -> bool:
    """Whether `rule` is on (settings may switch any rule off)."""
    if rule not in WEIGHTS:
        raise KeyError(f"unknown rule {rule!r}; expected one of {sorted(WEIGHTS)}")
    setting = settings.rules.get(rule)
    return setting is None or setting.enabled


def weight(settings: TeamSettings, rule: str) -> float:
    """The weight of `rule` in points per unit: the setting's override or the default."""
    if rule not in WEIGHTS:
        raise KeyError(f"unknown rule {rule!r}; expected one of {sorted(WEIGHTS)}")
    setting = settings.rules.get(rule)
    if setting is not None and setting.weight is not None:
        return setting.weight
    return WEIGHTS[rule].weight


def unknown_rules(settings: TeamSettings) -> list[str]:
    """Rule names in settings that the engine does not know (probably typos)."""
    return sorted(set(settings.rules) - set(WEIGHTS))


def weights_table(settings: TeamSettings | None = None) -> list[dict[str, object]]:
    """The table as rows (rule, kind, enabled, weight, unit, description) for reports."""
    rows = []
    for row in _ROWS:
        rows.append({
            "rule": row.name, "kind": row.kind,
            "enabled": enabled(settings, row.name) if settings else True,
            "weight": weight(settings, row.name) if settings else row.weight,
            "unit": row.unit, "description": row.description,
        })
    return rows
