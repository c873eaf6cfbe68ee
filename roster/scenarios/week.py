"""A supervisor's week on a planned roster, and sizing extra staff from a result.

- `swap_shifts(team, roster, requester, day, peer, peer_day=None)`: exchange two agents'
  shifts (or give one away), checked against every hard rule by `roster.checker`;
- `coverage_effect(team, rosters, requirements)`: shortfall and projected service of
  several versions of the week side by side;
- `agents_to_cover(result, contract)`: how many agents of a contract the shortfall hours
  amount to, at the contract's maximum weekly hours.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from forecasting.validation import InputError
from roster.checker import check_roster
from roster.domain import Roster, Shift, Team
from roster.results.kpis import compute_kpis, coverage_with_service
from roster.scenarios.run import Result


def _shift(roster: Roster, agent_id: str, day: date, field: str) -> Shift:
    for shift in roster.shifts:
        if shift.agent_id == agent_id and shift.date == day:
            return shift
    raise InputError(f"{field}: expected a shift of {agent_id} on {day} in the roster, got none")


def _handed(shift: Shift, team: Team, agent_id: str) -> Shift:
    agent = team.agent(agent_id)
    if shift.queue is not None and shift.queue not in agent.skills:
        raise InputError(f"swap: expected {agent_id} to have the skill {shift.queue!r} of the "
                         f"shift on {shift.date}, got skills {sorted(agent.skills)}")
    return shift.model_copy(update={"agent_id": agent_id})


def swap_shifts(team: Team, roster: Roster, requester: str, day: date, peer: str,
                peer_day: date | None = None) -> Roster:
    """The roster after `requester`'s shift on `day` goes to `peer` and, with `peer_day`,
    `peer`'s shift on that day comes back; InputError naming the broken hard rules if any."""
    given = _shift(roster, requester, day, "requester")
    taken = None if peer_day is None else _shift(roster, peer, peer_day, "peer")
    shifts = [s for s in roster.shifts if s is not given and s is not taken]
    shifts.append(_handed(given, team, peer))
    if taken is not None:
        shifts.append(_handed(taken, team, requester))
    shifts.sort(key=lambda s: (s.date, s.agent_id))
    swapped = roster.model_copy(update={"shifts": shifts, "version": roster.version + 1})
    broken = [v for v in check_roster(team, swapped) if v.agent_id in (requester, peer)]
    if broken:
        raise InputError("swap: expected no broken hard rule, got " + "; ".join(
            f"{v.agent_id} {v.date} {v.rule}: {v.message}" for v in broken))
    return swapped


def coverage_effect(team: Team, rosters: dict[str, Roster],
                    requirements: pd.DataFrame) -> pd.DataFrame:
    """One row per named roster and queue (and `all`): shortfall agent-hours, intervals
    short and volume-weighted projected service level."""
    rows = []
    for name, roster in rosters.items():
        coverage = coverage_with_service(team, roster, requirements)
        kpis = compute_kpis(team, roster, requirements, coverage=coverage)
        for q in [*kpis.queues, kpis.total]:
            rows.append({"roster": name, "queue": q.queue, "shifts": kpis.shifts,
                         "shortfall_hours": q.shortfall_hours,
                         "intervals_short": q.intervals_short,
                         "service_level": q.projected_service_level})
    return pd.DataFrame(rows)


def agents_to_cover(result: Result, contract: str, baseline: Result | None = None) -> int:
    """ceil(shortfall agent-hours / the contract's maximum hours in the period): a lower
    bound on the extra agents of `contract` needed to close the shortfall (only the part
    above `baseline`'s shortfall when given)."""
    contracts = result.team.settings.contracts
    if contract not in contracts:
        raise InputError(f"contract: expected one of {sorted(contracts)}, got {contract!r}")
    for item in (result, baseline):
        if item is not None and item.kpis is None:
            raise InputError(f"result {item.name!r}: expected a roster, got status "
                             f"{item.status}")
    assert result.kpis is not None
    short = result.kpis.total.shortfall_hours
    if baseline is not None and baseline.kpis is not None:
        short = max(0.0, short - baseline.kpis.total.shortfall_hours)
    hours = contracts[contract].max_minutes_per_week / 60 * result.period.days / 7
    return math.ceil(short / hours - 1e-9)


def swap_partners(team: Team, roster: Roster, day: date, limit: int = 2
                  ) -> list[tuple[str, str]]:
    """Up to `limit` pairs of agents (each agent in one pair at most) whose shifts on `day`
    use different templates and can be exchanged without breaking a hard rule — the swaps
    agents typically ask for (an early shift for a late one)."""
    working = sorted((s for s in roster.shifts if s.date == day), key=lambda s: s.agent_id)
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    for i, first in enumerate(working):
        for second in working[i + 1:]:
            if len(pairs) >= limit:
                return pairs
            if {first.agent_id, second.agent_id} & used or first.template == second.template:
                continue
            try:
                swap_shifts(team, roster, first.agent_id, day, second.agent_id, day)
            except InputError:
                continue
            pairs.append((first.agent_id, second.agent_id))
            used |= {first.agent_id, second.agent_id}
    return pairs
