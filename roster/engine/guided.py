"""Search first where the relaxation works: the model restricted to the LP's shifts.

The class-count relaxation (aggregate.py) uses few of the options: at 60 generated agents
its optimum puts agents on about 340 of 15,000 class options. Restricting each agent to
the (day, template, start) shifts its class takes there, with every break and queue of
those shifts, plus the current roster's options, leaves a model of a few thousand options
in which CP-SAT finds far better rosters within the same time (60 agents, 25 s: 15,946
against 16,707 on the whole model; only the break/queue of the LP's options: 16,096;
starts 30 minutes either side too: 16,470).

The restricted model is a clone with the other options fixed to 0, so its solutions are
rosters of the whole model (same variable indices) and pass every rule; its own bound
and optimality hold for the restriction only.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from roster.engine.aggregate import Relaxed
from roster.engine.model import BuiltModel


def support_mask(built: BuiltModel, relaxed: Relaxed, current: np.ndarray) -> np.ndarray:
    """True for the options of shifts in the relaxation's support and for `current` ones."""
    ctx = built.context
    mask = current.astype(bool).copy()
    for i, o in enumerate(ctx.options.options):
        if not mask[i] and (o.day, o.template, o.start) in relaxed.support.get(o.agent, ()):
            mask[i] = True
    return mask


def restricted_model(built: BuiltModel, allowed: np.ndarray) -> cp_model.CpModel:
    """A clone of the model (with its hint) in which options not `allowed` are fixed to 0."""
    model = built.model.clone()
    variables = model.proto.variables
    for i, lit in enumerate(built.context.lits):
        if not allowed[i]:
            domain = variables[lit.index].domain
            domain[0] = 0
            domain[1] = 0
    return model
