r"""The swap lifecycle: propose, accept or decline, approve or reject, cancel, expire.

```
pending_peer --accept--> pending_supervisor --approve--> approved (new roster version)
     |  \--decline--> declined        |  \--reject--> rejected
     \--cancel / shift starts--> cancelled / expired <--/
```
Each check runs against the period's current published roster: the shifts must still be
the ones agreed, every hard rule for both agents (through `roster.checker`, on their shifts
only), and the coverage effect per interval and queue (from the version's cached headcount).
Approval (`api.services.approval`) applies the swap in a new version in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import local_now, utc_now
from api.deps import Principal
from api.errors import BadRequest, Conflict, Forbidden, NotFound
from api.models import SeriesRow, SwapRow
from api.services import rosters as store
from api.services.audit import record
from api.services.checks import standing_violations, violation_out
from api.services.coverage import Needs, coverage_effect
from api.services.teams import agent_row, load_team_for, team_row, team_settings
from api.services.versions import ShiftKey, Version, key_of, version_of
from roster.domain import Agent, Roster, Shift, Team

PENDING = ("pending_peer", "pending_supervisor")


@dataclass
class Context:
    """What a check needs: the team (the agents involved), the series and its published
    version."""

    team: Team
    series_id: int
    period_start: date
    roster_id: int
    version: Version
    needs: Needs

    @property
    def roster(self) -> Roster:
        return self.version.roster


Exchange = tuple[list[ShiftKey], list[Shift]]
"""A checked swap as a change of the roster: the shifts removed and the shifts added."""


def _shift_view(shift: Shift) -> dict[str, Any]:
    return {"agent_id": shift.agent_id, "date": shift.date.isoformat(),
            "start": shift.start.strftime("%Y-%m-%d %H:%M"),
            "end": shift.end.strftime("%Y-%m-%d %H:%M"), "template": shift.template,
            "queue": shift.queue}


def swap_out(row: SwapRow) -> dict[str, Any]:
    return {"id": row.id, "team_id": row.team_id, "status": row.status,
            "requester_id": row.requester_id, "requester_date": row.requester_date,
            "peer_id": row.peer_id, "peer_date": row.peer_date,
            "give_away": row.peer_date is None, "peer_decision": row.peer_decision,
            "requester_shift": row.requester_shift, "peer_shift": row.peer_shift,
            "note": row.note, "comment": row.comment, "check": row.last_check,
            "applied_roster_id": row.applied_roster_id, "expires_at": row.expires_at,
            "created_at": row.created_at, "updated_at": row.updated_at}


def context(session: Session, team_id: str, day: date, agent_ids: set[str]) -> Context:
    series = store.series_covering(session, team_id, day)
    if series is None or series.published_roster_id is None:
        raise BadRequest(f"team {team_id!r} has no published roster covering {day}",
                         field="requester_date")
    return Context(load_team_for(session, team_id, agent_ids), series.id,
                   series.period_start, series.published_roster_id,
                   version_of(session, series.published_roster_id),
                   store.needs_of(session, series))


def context_for(session: Session, swap: SwapRow) -> Context:
    series = session.get(SeriesRow, swap.series_id)
    if series is None or series.published_roster_id is None:
        raise Conflict("the swap's period no longer has a published roster", field="swap_id")
    return Context(load_team_for(session, swap.team_id, {swap.requester_id, swap.peer_id}),
                   series.id, series.period_start, series.published_roster_id,
                   version_of(session, series.published_roster_id),
                   store.needs_of(session, series))


def handed_over(shift: Shift, agent: Agent) -> Shift:
    """The shift as `agent` works it: same times and breaks; when the agent lacks the skill
    for its queue (or a segment's), they serve their strongest queue for the whole shift."""
    queues = {shift.queue, *(s.queue for s in shift.segments)} - {None}
    if all(q in agent.skills for q in queues):
        return shift.model_copy(update={"agent_id": agent.id})
    best = max(sorted(agent.skills), key=lambda q: agent.skills[q])
    return shift.model_copy(update={"agent_id": agent.id, "queue": best, "segments": []})


def _same(shift: Shift | None, snapshot: dict[str, Any] | None) -> bool:
    return shift is not None and snapshot is not None and _shift_view(shift) == snapshot


def check(ctx: Context, requester_id: str, requester_date: date, peer_id: str,
          peer_date: date | None, agreed: tuple[dict[str, Any], dict[str, Any] | None] | None,
          now: datetime, stage: str) -> tuple[dict[str, Any], Exchange | None]:
    """Check a swap on the published version; return the findings and, when nothing is in the
    way of applying it, the exchange as a change of the roster (`ok` says whether a hard rule
    would break)."""
    version = ctx.version
    number = version.number
    problems: list[str] = []
    mine = version.shift_of(requester_id, requester_date)
    theirs = version.shift_of(peer_id, peer_date) if peer_date is not None else None
    if mine is None:
        problems.append(f"{requester_id} has no shift on {requester_date} in roster version "
                        f"{number}")
    if peer_date is not None and theirs is None:
        problems.append(f"{peer_id} has no shift on {peer_date} in roster version {number}")
    if agreed is not None:
        if mine is not None and not _same(mine, agreed[0]):
            problems.append(f"{requester_id}'s shift on {requester_date} changed since the "
                            f"request (agreed {agreed[0]['start']}-{agreed[0]['end'][11:]}, now "
                            f"{mine.start:%Y-%m-%d %H:%M}-{mine.end:%H:%M} in version "
                            f"{number})")
        if theirs is not None and agreed[1] is not None and not _same(theirs, agreed[1]):
            problems.append(f"{peer_id}'s shift on {peer_date} changed since the request "
                            f"(agreed {agreed[1]['start']}-{agreed[1]['end'][11:]}, now "
                            f"{theirs.start:%Y-%m-%d %H:%M}-{theirs.end:%H:%M} in version "
                            f"{number})")
    for shift in (mine, theirs):
        if shift is not None and shift.start <= now:
            problems.append(f"{shift.agent_id}'s shift on {shift.date} has already started")
    result: dict[str, Any] = {"stage": stage, "roster_id": ctx.roster_id, "version": number,
                              "checked_at": utc_now().isoformat(), "problems": problems,
                              "violations": [], "coverage": None}
    if problems or mine is None:
        result["ok"] = False
        return result, None
    for shift, taker in ((mine, peer_id), (theirs, requester_id)):
        if shift is None:
            continue
        clash = version.shift_of(taker, shift.date)
        if clash is not None and clash is not mine and clash is not theirs:
            problems.append(f"{taker} already works on {shift.date} "
                            f"({clash.start:%H:%M}-{clash.end:%H:%M})")
    if problems:
        result["ok"] = False
        return result, None
    removed = [mine] + ([theirs] if theirs is not None else [])
    added = [handed_over(mine, ctx.team.agent(peer_id))]
    if theirs is not None:
        added.append(handed_over(theirs, ctx.team.agent(requester_id)))
    parties = {requester_id, peer_id}
    before = version.shifts_of(sorted(parties))
    after = [s for s in before if s is not mine and s is not theirs] + added
    found = []
    for agent in sorted(parties):
        known = {(v.date, v.rule) for v in standing_violations(
            ctx.team, version.head, agent, [s for s in before if s.agent_id == agent])}
        found += [v for v in standing_violations(ctx.team, version.head, agent,
                                                 [s for s in after if s.agent_id == agent])
                  if (v.date, v.rule) not in known]
    result["violations"] = [violation_out(v) for v in found]
    result["coverage"] = coverage_effect(ctx.team.settings, version.head, removed, added,
                                         ctx.needs, version.counts)
    result["ok"] = not found
    return result, ([key_of(s) for s in removed], added)


def reasons_of(result: dict[str, Any]) -> list[str]:
    return [*result["problems"], *(f"{v['agent_id']} {v['date'] or ''} [{v['rule']}]: "
                                    f"{v['message']}" for v in result["violations"])]


# ---- lifecycle -----------------------------------------------------------------------------


def swap_row(session: Session, swap_id: int) -> SwapRow:
    row = session.get(SwapRow, swap_id)
    if row is None:
        raise NotFound(f"no swap request {swap_id}", field="swap_id")
    return row


def can_see(who: Principal, row: SwapRow) -> bool:
    if who.role == "agent":
        return who.team_id == row.team_id and who.agent_id in (row.requester_id, row.peer_id)
    return who.supervises(row.team_id)


def visible(session: Session, who: Principal, swap_id: int) -> SwapRow:
    row = swap_row(session, swap_id)
    if not can_see(who, row):
        raise Forbidden(f"user {who.username!r} may not see swap {swap_id}", field="swap_id")
    return row


def local_time(session: Session, team_id: str) -> datetime:
    return local_now(team_settings(session, team_id).timezone)


def expire_due(session: Session, row: SwapRow) -> bool:
    """Mark a pending swap expired once one of its shifts has started."""
    if row.status in PENDING and local_time(session, row.team_id) >= row.expires_at:
        before = {"status": row.status}
        row.status = "expired"
        row.updated_at = utc_now()
        record(session, None, "swap.expire", "swap", row.id, row.team_id, before,
               {"status": "expired", "reason": f"a shift started at {row.expires_at}"})
        return True
    return False


def propose(session: Session, who: Principal, team_id: str, requester_id: str | None,
            requester_date: date, peer_id: str, peer_date: date | None, note: str) -> SwapRow:
    """An agent proposes to exchange a shift with a colleague's, or to give it away."""
    team_row(session, team_id)
    if who.role == "agent":
        if who.team_id != team_id:
            raise Forbidden(f"agent {who.agent_id!r} is not in team {team_id!r}",
                            field="team_id")
        if requester_id not in (None, who.agent_id):
            raise Forbidden(f"agent {who.agent_id!r} may only offer their own shifts, got "
                            f"requester_id {requester_id!r}", field="requester_id")
        requester_id = who.agent_id
    elif not who.is_planner:
        raise Forbidden("supervisors decide swaps; an agent (or a planner for them) proposes",
                        field="requester_id")
    if requester_id is None:
        raise BadRequest("expected requester_id (the agent offering the shift), got nothing",
                         field="requester_id")
    agent_row(session, team_id, requester_id)
    if peer_id == requester_id:
        raise BadRequest(f"expected a colleague as peer_id, got the requester {peer_id!r}",
                         field="peer_id")
    agent_row(session, team_id, peer_id)
    ctx = context(session, team_id, requester_date, {requester_id, peer_id})
    if peer_date is not None and not (
            ctx.period_start <= peer_date
            < ctx.roster.period.end):
        raise BadRequest(f"expected peer_date inside the period {ctx.roster.period.start} to "
                         f"{ctx.roster.period.end}, got {peer_date}", field="peer_date")
    now = local_time(session, team_id)
    result, _ = check(ctx, requester_id, requester_date, peer_id, peer_date, None, now,
                      "creation")
    mine = ctx.version.shift_of(requester_id, requester_date)
    theirs = ctx.version.shift_of(peer_id, peer_date) if peer_date else None
    if mine is None or (peer_date is not None and theirs is None) or result["problems"]:
        raise BadRequest("; ".join(result["problems"]),
                         field="requester_date" if mine is None or not theirs else "peer_date",
                         check=result)
    starts = [mine.start] + ([theirs.start] if theirs is not None else [])
    row = SwapRow(team_id=team_id, series_id=ctx.series_id, requester_id=requester_id,
                  requester_date=requester_date, peer_id=peer_id, peer_date=peer_date,
                  requester_shift=_shift_view(mine),
                  peer_shift=_shift_view(theirs) if theirs is not None else None,
                  status="pending_peer", note=note, last_check=result, expires_at=min(starts),
                  created_by=who.id)
    session.add(row)
    session.flush()
    record(session, who, "swap.propose", "swap", row.id, team_id, None, swap_out_brief(row))
    return row


def swap_out_brief(row: SwapRow) -> dict[str, Any]:
    return {"status": row.status, "requester_id": row.requester_id,
            "requester_date": row.requester_date.isoformat(), "peer_id": row.peer_id,
            "peer_date": row.peer_date.isoformat() if row.peer_date else None,
            "peer_decision": row.peer_decision}


def require_status(row: SwapRow, *allowed: str) -> None:
    if row.status not in allowed:
        raise Conflict(f"swap {row.id} is {row.status}; expected it to be "
                       f"{' or '.join(allowed)}", field="status")


def respond(session: Session, who: Principal, row: SwapRow, accept: bool,
            comment: str) -> dict[str, Any] | None:
    """The colleague accepts (the swap is checked again) or declines."""
    if who.role != "agent" or who.team_id != row.team_id or who.agent_id != row.peer_id:
        raise Forbidden(f"only the colleague {row.peer_id!r} may accept or decline swap "
                        f"{row.id}", field="swap_id")
    if expire_due(session, row):
        return None
    require_status(row, "pending_peer")
    before = swap_out_brief(row)
    if not accept:
        row.status, row.peer_decision, row.comment = "declined", "declined", comment
        row.updated_at = utc_now()
        record(session, who, "swap.decline", "swap", row.id, row.team_id, before,
               swap_out_brief(row))
        return None
    ctx = context_for(session, row)
    result, _ = check(ctx, row.requester_id, row.requester_date, row.peer_id, row.peer_date,
                      (row.requester_shift, row.peer_shift), local_time(session, row.team_id),
                      "acceptance")
    row.status, row.peer_decision, row.last_check = "pending_supervisor", "accepted", result
    row.updated_at = utc_now()
    record(session, who, "swap.accept", "swap", row.id, row.team_id, before, swap_out_brief(row))
    return result


def cancel(session: Session, who: Principal, row: SwapRow) -> None:
    """Either party withdraws the request before the supervisor decides."""
    if who.role != "agent" or who.team_id != row.team_id or who.agent_id not in (
            row.requester_id, row.peer_id):
        raise Forbidden(f"only {row.requester_id!r} or {row.peer_id!r} may cancel swap {row.id}",
                        field="swap_id")
    if expire_due(session, row):
        raise Conflict(f"swap {row.id} expired at {row.expires_at}", field="status")
    require_status(row, *PENDING)
    before = swap_out_brief(row)
    row.status = "cancelled"
    row.updated_at = utc_now()
    record(session, who, "swap.cancel", "swap", row.id, row.team_id, before, swap_out_brief(row))


def reject(session: Session, who: Principal, row: SwapRow, comment: str) -> None:
    who.require_supervisor(row.team_id)
    if expire_due(session, row):
        raise Conflict(f"swap {row.id} expired at {row.expires_at}", field="status")
    require_status(row, "pending_supervisor")
    before = swap_out_brief(row)
    row.status, row.comment, row.decided_by = "rejected", comment, who.id
    row.updated_at = utc_now()
    record(session, who, "swap.reject", "swap", row.id, row.team_id, before,
           {**swap_out_brief(row), "comment": comment})


def list_swaps(session: Session, who: Principal, team_id: str | None, status: str | None,
               limit: int, offset: int) -> list[SwapRow]:
    query = select(SwapRow).order_by(SwapRow.id.desc())
    if team_id is not None:
        who.require_team(team_id)
        query = query.where(SwapRow.team_id == team_id)
    if status is not None:
        query = query.where(SwapRow.status == status)
    if who.role == "agent":
        query = query.where(SwapRow.team_id == who.team_id,
                            (SwapRow.requester_id == who.agent_id)
                            | (SwapRow.peer_id == who.agent_id))
    elif who.role == "supervisor":
        query = query.where(SwapRow.team_id.in_(sorted(who.teams)))
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    for row in rows:
        expire_due(session, row)
    return rows
