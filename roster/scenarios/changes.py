"""The changes a what-if scenario makes to its base, as typed records with `kind` tags.

Team changes (`apply_team_changes`) edit settings and agents; forecast changes
(`apply_forecast_changes`) edit the forecast before staffing. Each is applied exactly as
documented on its class; an impossible change raises InputError naming the change and field.

Fields of `ChangeTarget` and `ChangeHandling` left out keep their value; an optional target
given as null (e.g. `max_asa_seconds: null`) is removed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from forecasting.validation import InputError
from roster.domain import Agent, Queue, ShiftTemplate, Team
from roster.domain.base import Identifier
from roster.engine.weights import WEIGHTS


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleUplift(_Change):
    """Multiply the forecast's event effect of one event kind by `factor` (x2 doubles the
    uplift over the baseline, not the whole volume): with F the forecast with every event and
    F0 the forecast without this kind, the new forecast is F0 + factor x (F - F0), for the
    mean and each quantile (then clipped at 0 and kept in order p10 <= p50 <= p90)."""

    kind: Literal["scale_uplift"] = "scale_uplift"
    event_kind: str = Field(min_length=1)
    factor: float = Field(ge=0, le=20)


class ChangeTarget(_Change):
    """Set a queue's service targets."""

    kind: Literal["change_target"] = "change_target"
    queue: Identifier
    service_level: float | None = Field(default=None, gt=0, lt=1)
    answer_within_seconds: float | None = Field(default=None, gt=0)
    max_asa_seconds: float | None = Field(default=None, gt=0)
    max_abandon: float | None = Field(default=None, gt=0, lt=1)


class ChangeHandling(_Change):
    """Set a queue's handling: AHT, chats per agent, shrinkage, promotion load, occupancy."""

    kind: Literal["change_handling"] = "change_handling"
    queue: Identifier
    aht_seconds: float | None = Field(default=None, gt=0)
    concurrency: float | None = Field(default=None, ge=1, le=20)
    shrinkage: float | None = Field(default=None, ge=0, lt=1)
    promo_load_factor: float | None = Field(default=None, ge=1, le=3)
    max_occupancy: float | None = Field(default=None, gt=0, le=1)


class AddAgents(_Change):
    """Add `count` agents (ids `<prefix>01`, ...) of a contract and skills.

    They can work from `start_date` + `onboarding_days` (onboarding is full-time training,
    off the queue). `training_shrinkage` is the share of their contracted time still spent in
    training after that: their contract's weekly and period minutes (and minimum days) are
    scaled by (1 - training_shrinkage) in a copy named `<contract>~training<percent>`, so the
    roster only books the time they spend on the queue (see `trained_contract`).
    """

    kind: Literal["add_agents"] = "add_agents"
    count: int = Field(ge=1, le=1000)
    contract: Identifier
    skills: dict[str, int] = Field(min_length=1)
    start_date: date | None = None
    onboarding_days: int = Field(default=0, ge=0, le=366)
    training_shrinkage: float = Field(default=0.0, ge=0, lt=1)
    id_prefix: str = Field(default="NEW", pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=20)


class RemoveAgents(_Change):
    """Remove `count` agents of a contract (and, if given, exactly this set of skill queues):
    the last ones in agents.csv order. With `from_date` they work until the day before (their
    end date); without it they leave the scenario with their leave and preferences."""

    kind: Literal["remove_agents"] = "remove_agents"
    count: int = Field(ge=1)
    contract: Identifier
    skills: list[str] | None = None
    from_date: date | None = None


class ChangeRule(_Change):
    """Set a roster rule's weight (points per unit, see `roster.engine.weights`) or switch it."""

    kind: Literal["change_rule"] = "change_rule"
    rule: str
    weight: float | None = Field(default=None, ge=0)
    enabled: bool | None = None


Change = Annotated[ScaleUplift | ChangeTarget | ChangeHandling | AddAgents | RemoveAgents
                   | ChangeRule, Field(discriminator="kind")]


def _where(index: int, change: _Change) -> str:
    return f"changes[{index}] ({getattr(change, 'kind', type(change).__name__)})"


def _queue(settings_queues: dict[str, Queue], index: int, change: ChangeTarget | ChangeHandling
           ) -> Queue:
    if change.queue not in settings_queues:
        raise InputError(f"{_where(index, change)}.queue: expected a queue among "
                         f"{sorted(settings_queues)}, got {change.queue!r}")
    return settings_queues[change.queue]


def _set_queue(data: dict, index: int, change: ChangeTarget | ChangeHandling) -> None:
    queues = data["settings"]["queues"]
    fields = change.model_dump(include=change.model_fields_set - {"kind", "queue"})
    merged = {**queues[change.queue], **fields}
    try:
        queues[change.queue] = Queue.model_validate(merged).model_dump()
    except ValidationError as err:
        first = err.errors()[0]
        raise InputError(f"{_where(index, change)}: expected a valid queue, got "
                         f"{first['msg']}") from None


def _add_agents(data: dict, index: int, change: AddAgents) -> None:
    settings = data["settings"]
    where = _where(index, change)
    if change.contract not in settings["contracts"]:
        raise InputError(f"{where}.contract: expected one of {sorted(settings['contracts'])}, "
                         f"got {change.contract!r}")
    unknown = sorted(set(change.skills) - set(settings["queues"]))
    if unknown:
        raise InputError(f"{where}.skills: expected queues among {sorted(settings['queues'])}, "
                         f"got {unknown}")
    contract = change.contract
    if change.training_shrinkage > 0:
        contract = f"{change.contract}~training{round(change.training_shrinkage * 100)}"
        settings["contracts"][contract] = trained_contract(
            settings["contracts"][change.contract], contract, change.training_shrinkage,
            _longest_paid(settings, settings["contracts"][change.contract]))
    taken = {a["id"] for a in data["agents"]}
    start = None if change.start_date is None else (
        change.start_date + timedelta(days=change.onboarding_days))
    number = 0
    for _ in range(change.count):
        number += 1
        while f"{change.id_prefix}{number:02d}" in taken:
            number += 1
        agent_id = f"{change.id_prefix}{number:02d}"
        taken.add(agent_id)
        data["agents"].append(Agent(
            id=agent_id, name=f"new hire {agent_id}", team=settings["name"], contract=contract,
            skills=change.skills, start_date=start).model_dump())


def trained_contract(contract: dict, name: str, shrinkage: float, longest_shift: int) -> dict:
    """The contract with its minutes and minimum days scaled by (1 - shrinkage).

    The weekly minimum is lowered further, when needed, to at most the maximum less
    `longest_shift` paid minutes, so whole shifts can still land inside the window.
    """
    keep = 1 - shrinkage
    out = dict(contract, name=name)
    most = max(1, int(contract["max_minutes_per_week"] * keep))
    out["max_minutes_per_week"] = most
    out["min_minutes_per_week"] = min(int(contract["min_minutes_per_week"] * keep),
                                      max(0, most - longest_shift))
    out["min_days_per_week"] = int(contract["min_days_per_week"] * keep)
    for key in ("min_minutes_per_period", "max_minutes_per_period"):
        if contract.get(key) is not None:
            out[key] = int(contract[key] * keep)
    return out


def _longest_paid(settings: dict, contract: dict) -> int:
    """The most paid minutes one shift of the contract's templates can carry."""
    allowed = contract["allowed_templates"] or list(settings["templates"])
    return max(ShiftTemplate.model_validate(settings["templates"][t]).paid_minutes()
               for t in allowed)


def _remove_agents(data: dict, index: int, change: RemoveAgents) -> None:
    where = _where(index, change)
    wanted = None if change.skills is None else set(change.skills)
    matching = [a for a in data["agents"] if a["contract"] == change.contract and (
        wanted is None or set(a["skills"]) == wanted)]
    if change.count > len(matching):
        skills = "" if wanted is None else f" and skills {sorted(wanted)}"
        raise InputError(f"{where}.count: expected at most {len(matching)} (the agents with "
                         f"contract {change.contract!r}{skills}), got {change.count}")
    chosen = {a["id"] for a in matching[-change.count:]}
    if change.from_date is None:
        data["agents"] = [a for a in data["agents"] if a["id"] not in chosen]
        data["leave"] = [x for x in data["leave"] if x["agent_id"] not in chosen]
        data["preferences"] = [p for p in data["preferences"] if p["agent_id"] not in chosen]
        return
    for agent in data["agents"]:
        if agent["id"] in chosen:
            last = change.from_date - timedelta(days=1)
            if agent["start_date"] is not None and last < agent["start_date"]:
                raise InputError(f"{where}.from_date: expected a date after agent "
                                 f"{agent['id']}'s start {agent['start_date']}, got "
                                 f"{change.from_date}")
            agent["end_date"] = last


def _change_rule(data: dict, index: int, change: ChangeRule) -> None:
    where = _where(index, change)
    if change.rule not in WEIGHTS:
        raise InputError(f"{where}.rule: expected a rule among {sorted(WEIGHTS)}, "
                         f"got {change.rule!r}")
    if WEIGHTS[change.rule].kind == "hard" and change.weight is not None:
        raise InputError(f"{where}.weight: expected no weight for the hard rule "
                         f"{change.rule!r} (switch it with enabled), got {change.weight}")
    rules = data["settings"]["rules"]
    setting = dict(rules.get(change.rule) or {"enabled": True, "weight": None})
    if change.weight is not None:
        setting["weight"] = change.weight
    if change.enabled is not None:
        setting["enabled"] = change.enabled
    rules[change.rule] = setting


def apply_team_changes(team: Team, changes: list[Change]) -> Team:
    """The team with every settings and agent change applied in order."""
    data = team.model_dump()
    for index, change in enumerate(changes):
        if isinstance(change, ChangeTarget | ChangeHandling):
            _queue(team.settings.queues, index, change)
            _set_queue(data, index, change)
        elif isinstance(change, AddAgents):
            _add_agents(data, index, change)
        elif isinstance(change, RemoveAgents):
            _remove_agents(data, index, change)
        elif isinstance(change, ChangeRule):
            _change_rule(data, index, change)
    if not data["agents"]:
        raise InputError("changes: expected at least one agent left, got none")
    return Team.model_validate(data)


def uplift_changes(changes: list[Change]) -> list[tuple[int, ScaleUplift]]:
    return [(i, c) for i, c in enumerate(changes) if isinstance(c, ScaleUplift)]


def check_event_kinds(changes: list[Change], events: pd.DataFrame | None) -> None:
    """InputError when an uplift change names a kind the events calendar does not have."""
    kinds = set() if events is None else set(events["kind"].astype(str))
    for index, change in uplift_changes(changes):
        if change.event_kind not in kinds:
            raise InputError(f"{_where(index, change)}.event_kind: expected an event kind "
                             f"among {sorted(kinds)} (events.csv), got {change.event_kind!r}")


VALUES = ["forecast", "p10", "p50", "p90"]


def apply_forecast_changes(forecast: pd.DataFrame, without_kind: dict[str, pd.DataFrame],
                           changes: list[Change]) -> pd.DataFrame:
    """Apply every uplift change: F + sum over kinds of (factor - 1) x (F - F0_kind)."""
    out = forecast.copy()
    for _, change in uplift_changes(changes):
        base = without_kind[change.event_kind]
        for column in VALUES:
            effect = forecast[column].to_numpy(float) - base[column].to_numpy(float)
            out[column] = out[column].to_numpy(float) + (change.factor - 1) * effect
    for column in VALUES:
        out[column] = np.clip(out[column].to_numpy(float), 0, None)
    out["p50"] = np.maximum(out["p50"], out["p10"])
    out["p90"] = np.maximum(out["p90"], out["p50"])
    return out
