"""A first roster, agent by agent: each agent's best week against what is still uncovered.

Every hard rule of the engine binds one agent at a time (coverage is soft), so rostering
agents one after another — each a small CP-SAT model over that agent's options, scored
against the demand the agents before them left uncovered — always gives a complete roster
when each agent's own rules can be met. It is the warm start for the full model and LNS.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import replace

from ortools.sat.python import cp_model

from roster.engine.demand import Demand, ShiftDemand
from roster.engine.model import RosterProblem, build_model
from roster.engine.variables import Option, to_datetime


def residual_demands(problem: RosterProblem, chosen: list[Option]) -> list[Demand]:
    """The problem's demand less what the chosen options already cover (never below 0)."""
    period = problem.period
    step = period.interval_minutes
    by_shift = Counter(((period.start.toordinal() + o.day), o.template) for o in chosen)
    by_interval: Counter[tuple[int, str]] = Counter()
    for o in chosen:
        for start, end in o.worked():
            for t in range(start // step, math.ceil(end / step)):
                by_interval[t, o.queue] += 1
    out: list[Demand] = []
    for demand in problem.demands:
        if isinstance(demand, ShiftDemand):
            have = by_shift[demand.day.toordinal(), demand.template]
            out.append(replace(demand, required=max(0, demand.required - have)))
        else:
            minutes = int((demand.start - to_datetime(period, 0)).total_seconds() // 60)
            have = by_interval[minutes // step, demand.queue]
            out.append(replace(demand, agents=max(0, demand.agents - have)))
    return out


def greedy_options(problem: RosterProblem, seconds_per_agent: float = 1.0,
                   deadline: float | None = None,
                   order: list[int] | None = None) -> tuple[list[Option], list[int]]:
    """Options chosen agent by agent, and the agents for whom no roster was found.

    Each agent's model holds only its own options and rules, against the residual demand;
    the agent's solve stops at `seconds_per_agent` (or the deadline) with its best so far.
    """
    agents = order if order is not None else (
        problem.agents if problem.agents is not None else list(range(len(problem.team.agents))))
    chosen: list[Option] = []
    failed: list[int] = []
    for a in agents:
        left = seconds_per_agent if deadline is None else min(
            seconds_per_agent, deadline - time.perf_counter())
        if left <= 0.05:
            failed.append(a)
            continue
        single = replace(problem, agents=[a], demands=residual_demands(problem, chosen))
        built = build_model(single)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = left
        code = solver.solve(built.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            failed.append(a)
            continue
        ctx = built.context
        chosen += [ctx.option(i) for i, lit in enumerate(ctx.lits) if solver.boolean_value(lit)]
    return chosen, failed
