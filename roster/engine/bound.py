"""A lower bound on the objective from the class-count relaxation (aggregate.py).

CP-SAT's own LP on these models is large (every rule's rows and its helper variables) and
does not finish its root solve within a 30 s limit on a shared 2-core machine, so its
bound stays at the trivial one. `lp_bound` solves the relaxation of aggregate.py (alike
agents merged into classes) with GLOP; `add_bound` states it in the CP-SAT model
(objective >= bound), where it becomes the solver's bound.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from roster.engine.aggregate import aggregate_bound
from roster.engine.model import BuiltModel


def lp_bound(built: BuiltModel, seconds: float = 60.0) -> int | None:
    """The linear relaxation's optimum (solver units, rounded down with a margin for
    floating-point error), or None when GLOP does not finish in time."""
    return aggregate_bound(built, seconds)


def add_bound(built: BuiltModel, bound: int) -> None:
    """State objective >= bound in the CP-SAT model (a redundant cut: the bound is valid)."""
    proto = built.model.proto
    objective = proto.objective
    expr = cp_model.LinearExpr.weighted_sum(
        [built.model.get_int_var_from_proto_index(v) for v in objective.vars],
        list(objective.coeffs))
    built.model.add(expr >= bound - int(objective.offset))
