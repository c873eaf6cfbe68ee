"""An independent check of a roster against a Curtois & Qu instance: objective and hard rules.

It reads the parsed `Instance` and the returned domain `Roster` only and shares no code
with the CP-SAT model (nor with `roster.checker`), so a mapping or model mistake shows up
as a difference between this objective and the solver's, or as a hard violation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from roster.bench.curtois import START, Instance
from roster.domain import Roster


@dataclass
class Evaluation:
    """The benchmark objective of a roster, its parts, and every hard rule it breaks."""

    objective: int
    parts: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)


def assignment(instance: Instance, roster: Roster) -> tuple[dict[tuple[str, int], str], list[str]]:
    """(staff id, day) -> shift id from the roster, and problems reading it."""
    grid: dict[tuple[str, int], str] = {}
    problems = []
    staff = {s.id for s in instance.staff}
    shifts = {s.id: s.minutes for s in instance.shifts}
    for shift in roster.shifts:
        day = (shift.date - START).days
        where = f"{shift.agent_id} day {day}"
        if shift.agent_id not in staff:
            problems.append(f"{where}: unknown staff member")
            continue
        if not 0 <= day < instance.days:
            problems.append(f"{where}: outside the horizon 0..{instance.days - 1}")
            continue
        if shift.template not in shifts:
            problems.append(f"{where}: unknown shift type {shift.template!r}")
            continue
        if shift.minutes != shifts[shift.template]:
            problems.append(f"{where}: {shift.minutes} minutes, shift type {shift.template} "
                            f"lasts {shifts[shift.template]}")
        if (shift.agent_id, day) in grid:
            problems.append(f"{where}: more than one shift")
        grid[shift.agent_id, day] = shift.template
    return grid, problems


def evaluate(instance: Instance, roster: Roster) -> Evaluation:
    """The benchmark's objective and hard-rule violations for `roster`."""
    grid, violations = assignment(instance, roster)
    parts = {"shift_on_requests": 0, "shift_off_requests": 0, "cover_under": 0, "cover_over": 0}
    for r in instance.on_requests:
        if grid.get((r.staff, r.day)) != r.shift:
            parts["shift_on_requests"] += r.weight
    for r in instance.off_requests:
        if grid.get((r.staff, r.day)) == r.shift:
            parts["shift_off_requests"] += r.weight
    counts = Counter((day, shift) for (_, day), shift in grid.items())
    for c in instance.cover:
        have = counts[c.day, c.shift]
        parts["cover_under"] += c.under_weight * max(0, c.requirement - have)
        parts["cover_over"] += c.over_weight * max(0, have - c.requirement)
    violations += hard_violations(instance, grid)
    return Evaluation(sum(parts.values()), parts, violations)


def hard_violations(instance: Instance, grid: dict[tuple[str, int], str]) -> list[str]:
    """Every broken hard rule of the benchmark, one sentence each."""
    found: list[str] = []
    lengths = {s.id: s.minutes for s in instance.shifts}
    cannot = {s.id: set(s.cannot_follow) for s in instance.shifts}
    n = instance.days
    for staff in instance.staff:
        row = [grid.get((staff.id, d)) for d in range(n)]
        who = staff.id
        for d in range(n - 1):
            if row[d] and row[d + 1] and row[d + 1] in cannot[row[d]]:
                found.append(f"{who} day {d + 1}: {row[d + 1]} may not follow {row[d]}")
        for shift, count in Counter(s for s in row if s).items():
            if count > staff.max_shifts.get(shift, n):
                found.append(f"{who}: {count} {shift} shifts, at most "
                             f"{staff.max_shifts.get(shift, n)}")
        total = sum(lengths[s] for s in row if s)
        if not staff.min_total_minutes <= total <= staff.max_total_minutes:
            found.append(f"{who}: {total} minutes, expected {staff.min_total_minutes}.."
                         f"{staff.max_total_minutes}")
        found += _runs(who, [s is not None for s in row], staff.min_consecutive_shifts,
                       staff.max_consecutive_shifts, staff.min_consecutive_days_off)
        weekends = sum(1 for w in range(5, n, 7) if row[w] or (w + 1 < n and row[w + 1]))
        if weekends > staff.max_weekends:
            found.append(f"{who}: {weekends} weekends worked, at most {staff.max_weekends}")
        for d in instance.days_off.get(staff.id, []):
            if row[d]:
                found.append(f"{who} day {d}: works {row[d]} on a fixed day off")
    return found


def _runs(who: str, works: list[bool], least_on: int, most_on: int,
          least_off: int) -> list[str]:
    """Runs of work and of days off; a run touching either end of the horizon has no minimum."""
    found = []
    d = 0
    n = len(works)
    while d < n:
        end = d
        while end < n and works[end] == works[d]:
            end += 1
        length = end - d
        inner = d > 0 and end < n
        if works[d] and length > most_on:
            found.append(f"{who} day {d}: {length} consecutive shifts, at most {most_on}")
        if works[d] and inner and length < least_on:
            found.append(f"{who} day {d}: {length} consecutive shifts, at least {least_on}")
        if not works[d] and inner and length < least_off:
            found.append(f"{who} day {d}: {length} consecutive days off, at least {least_off}")
        d = end
    return found
