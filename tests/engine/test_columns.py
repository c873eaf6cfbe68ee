"""Column generation over whole-period schedules: a valid bound, exact costs, real rosters."""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model

from roster.bench.curtois import read_instance, to_problem
from roster.bench.objective import evaluate
from roster.engine.columns import PRICE_SCALE, ColumnGeneration, decomposable, round_up
from roster.engine.demand import IntervalDemand
from roster.engine.first_solution import greedy_options
from roster.engine.lns import Incumbent, Lns
from roster.engine.model import build_model
from roster.engine.search import _ColumnsAlongside, _full_solve, _Values
from roster.engine.solve import extract_roster, fixed_solve
from roster.engine.weights import SCALE
from tests.engine.test_weekend_plan import (
    instance,
    random_instance,
    two_agents_one_weekend_each,
)


def optimum(built) -> int:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def scored(built, values: np.ndarray) -> int:
    code, solver = _full_solve(built, values, 10.0, 1, 0, fix=True)
    assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return round(solver.objective_value)


def test_one_agent_one_weekend_bound_and_roster_are_exact() -> None:
    # A may work one of the two weekends; each weekend day wants one E: two days short at
    # best, in the LP too (any mix of the two weekends leaves 2 shifts short in all)
    inst = instance("A,,9600,0,7,1,1,1\n",
                    "".join(f"{d},E,1,100,1\n" for d in (5, 6, 12, 13)))
    built = build_model(to_problem(inst))
    assert decomposable(built)
    generation = ColumnGeneration(built)
    result = generation.run(time.perf_counter() + 30, mip_seconds=5)
    two_short = 2 * built.context.points("shift_cover_under", 100)
    assert result.converged
    assert result.bound is not None and math.ceil(result.bound - 1e-6) == two_short
    assert result.values is not None and result.objective == two_short
    assert scored(built, result.values) == two_short
    assert optimum(built) == two_short


def test_bounds_round_up_to_values_the_objective_can_take() -> None:
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 9, "x"), model.new_bool_var("y")
    model.minimize(3 * x + 6 * y + 2)  # values 2, 5, 8, ...
    assert [round_up(model, b) for b in (1.5, 2, 2.01, 4.99, 5, 7.5)] == [2, 2, 5, 5, 5, 8]


def test_a_roster_added_is_a_column_priced_at_its_own_points() -> None:
    inst = instance("A,,9600,0,7,1,1,1\nB,,9600,0,7,1,1,1\n",
                    "5,E,1,100,1\n6,E,1,100,1\n12,E,1,100,1\n13,E,1,100,1\n",
                    on="A,12,E,3\n")
    built = build_model(to_problem(inst))
    generation = ColumnGeneration(built)
    values = np.zeros(len(built.context.lits), dtype=np.int8)  # nobody works
    generation.add_roster(values)
    assert len(generation.columns) == 2
    # A's empty schedule misses its request; the roster's objective adds the cover
    assert generation.objective(values) == scored(built, values)
    costs = sorted(cost for *_, cost in generation.columns)
    assert costs == [0, built.context.points("preference_shift", 3)]


@pytest.mark.parametrize("seed", range(6))
def test_every_schedule_pricing_returns_keeps_the_rules_at_its_own_cost(seed: int) -> None:
    # all the schedules a pricing solve passed through are columns: each is a schedule of
    # that agent alone, costed at its own points, and the last one is the cheapest
    built = build_model(to_problem(random_instance(seed)))
    generation = ColumnGeneration(built)
    rng = np.random.default_rng(seed)
    earning = rng.uniform(0, 150 * SCALE, generation.cover.shape[1])
    slack = 0.5 * built.context.days / PRICE_SCALE  # the earnings' rounding, per schedule
    for k, agent_model in enumerate(generation.models):
        found = generation.price(k, earning, 5.0)
        assert found is not None
        schedules, lower = found
        reduced = []
        for options, cost in schedules:
            assert set(options.tolist()) <= set(generation.local_options[k].tolist())
            mine = np.isin(generation.local_options[k], options).astype(np.int8)
            agent_model.model.minimize(generation.objectives[k])
            code, solver = fixed_solve(agent_model, mine, 5.0)
            assert code == cp_model.OPTIMAL and solver.objective_value == cost
            reduced.append(cost - float(earning[generation.key_of_option[options]].sum()))
        assert reduced[-1] <= min(reduced) + slack
        assert lower <= reduced[-1] + 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_generated_bound_is_below_the_optimum_and_the_master_roster_is_exact(
        seed: int) -> None:
    inst = random_instance(seed)
    built = build_model(to_problem(inst))
    assert decomposable(built)
    best = optimum(built)
    generation = ColumnGeneration(built)
    result = generation.run(time.perf_counter() + 30, mip_seconds=5)
    assert result.bound is not None and result.bound <= best + 1e-6
    assert result.values is not None
    # the master's objective is the whole model's: the problem splits exactly
    assert result.objective == scored(built, result.values) >= best
    evaluation = evaluate(inst, _roster(built, result.values))
    assert evaluation.violations == []
    assert evaluation.objective * SCALE == result.objective


def test_dive_on_one_agent_one_weekend_ends_at_the_optimum() -> None:
    # whichever weekend the LP mixes, fixing the agent's column leaves two shifts short
    inst = instance("A,,9600,0,7,1,1,1\n",
                    "".join(f"{d},E,1,100,1\n" for d in (5, 6, 12, 13)))
    built = build_model(to_problem(inst))
    generation = ColumnGeneration(built)
    generation.generate(time.perf_counter() + 30)
    dived = generation.dive(time.perf_counter() + 30)
    assert dived is not None
    two_short = 2 * built.context.points("shift_cover_under", 100)
    assert dived[1] == scored(built, dived[0]) == two_short
    assert generation.fixed == {}


def test_dive_gives_the_request_to_the_agent_who_asked() -> None:
    # two agents, one weekend each, four weekend shifts: the only optimum covers all four
    # and gives A the E on day 12 it asked for
    inst = two_agents_one_weekend_each()
    built = build_model(to_problem(inst))
    generation = ColumnGeneration(built)
    generation.generate(time.perf_counter() + 30)
    dived = generation.dive(time.perf_counter() + 30)
    assert dived is not None
    assert dived[1] == scored(built, dived[0]) == optimum(built) == 0  # nothing unmet


@pytest.mark.parametrize("seed", range(8))
def test_generated_dives_give_true_rosters_at_their_own_objective(seed: int) -> None:
    inst = random_instance(seed)
    built = build_model(to_problem(inst))
    best = optimum(built)
    generation = ColumnGeneration(built)
    generation.generate(time.perf_counter() + 30)
    for stop_at in (time.perf_counter() + 30, time.perf_counter()):  # in time, and late
        dived = generation.dive(stop_at)
        assert dived is not None
        values, objective = dived
        assert objective == scored(built, values) >= best
        evaluation = evaluate(inst, _roster(built, values))
        assert evaluation.violations == []
        assert evaluation.objective * SCALE == objective
        assert generation.fixed == {}


def test_a_stopped_dive_returns_nothing() -> None:
    built = build_model(to_problem(random_instance(1)))
    generation = ColumnGeneration(built)
    generation.generate(time.perf_counter() + 30)
    assert generation.dive(time.perf_counter() + 30, should_stop=lambda: True) is None
    assert generation.fixed == {}


def _roster(built, values: np.ndarray):
    return extract_roster(built, _Values(built, values))


def test_generation_gives_up_within_a_round_that_already_runs_too_long() -> None:
    # with no time to converge the first round stops before pricing anyone: no bound from
    # a partial round, and no pricing beyond the one column each agent needs to start
    built = build_model(to_problem(random_instance(0)))
    generation = ColumnGeneration(built)
    priced: list[int] = []
    price = generation.price
    generation.price = lambda k, *rest: priced.append(k) or price(k, *rest)
    bound, rounds, converged = generation.generate(time.perf_counter() + 30,
                                                   converge_by=time.perf_counter())
    assert (bound, rounds, converged) == (None, 1, False)
    assert priced == list(range(len(generation.agents)))
    # given the time, the same generation goes on and converges
    bound, rounds, converged = generation.generate(time.perf_counter() + 30)
    assert converged and bound is not None and rounds > 1


def test_interval_demand_does_not_decompose() -> None:
    inst = random_instance(0)
    problem = to_problem(inst)
    first = datetime.combine(problem.period.start, dtime(8))
    problem.demands.append(IntervalDemand(start=first, queue="q", agents=1))
    assert not decomposable(build_model(problem))


def test_columns_beside_the_lns_give_the_exact_bound() -> None:
    # the one-agent weekend case from four shifts short: the columns' bound is two shifts
    # short, which the search reaches (the master's roster or the LNS's own), and then ends
    inst = instance("A,,9600,0,7,1,1,1\n",
                    "".join(f"{d},E,1,100,1\n" for d in (5, 6, 12, 13)))
    built = build_model(to_problem(inst))
    two_short = 2 * built.context.points("shift_cover_under", 100)
    nothing = np.zeros(len(built.context.lits), dtype=np.int8)  # four shifts short
    start = Incumbent(nothing, scored(built, nothing))
    assert start.objective == 2 * two_short
    lns = Lns(built, seed=0)
    began = time.perf_counter()
    alongside = _ColumnsAlongside(built, lns, start, began + 60, 0, patience=5.0,
                                  converge=30.0, dive=10.0)
    alongside.start()
    best = lns.run(start, began + 60, 1)
    alongside.stop_and_join()
    assert alongside.bound == two_short
    assert best.objective == scored(built, best.values) == two_short
    assert time.perf_counter() - began < 30


BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"


@pytest.mark.slow
@pytest.mark.skipif(not (BENCH / "Instance5.txt").is_file(),
                    reason=f"benchmark files not present at {BENCH}")
def test_columns_beside_the_search_on_instance5_give_their_bound_and_a_true_roster(
        caplog: pytest.LogCaptureFixture) -> None:
    # the worker beside the LNS as search() wires it, with time enough for the columns to
    # converge (about 5 s here) and dive; best known 1,143, CP-SAT's own bound
    # stays under 1,000 here
    problem = to_problem(read_instance(BENCH / "Instance5.txt"))
    built = build_model(problem)
    chosen, _ = greedy_options(problem)
    first = np.zeros(len(built.context.lits), dtype=np.int8)
    index = {o: i for i, o in enumerate(built.context.options.options)}
    first[[index[o] for o in chosen]] = 1
    start = Incumbent(first, scored(built, first))
    caplog.set_level(logging.INFO, logger="roster.engine.columns")
    caplog.set_level(logging.INFO, logger="roster.engine.search")
    lns = Lns(built, seed=0)
    deadline = time.perf_counter() + 40
    alongside = _ColumnsAlongside(built, lns, start, deadline, 0, patience=5.0, converge=30.0,
                                  dive=5.0)
    alongside.start()
    best = lns.run(start, deadline, 1)
    alongside.stop_and_join()
    assert "converged True" in caplog.text
    assert "dive roster" in caplog.text and "dive roster None" not in caplog.text
    assert alongside.bound is not None and 1_100 * SCALE <= alongside.bound <= 1_143 * SCALE
    assert best.objective == scored(built, best.values) >= 1_143 * SCALE
    assert evaluate(read_instance(BENCH / "Instance5.txt"),
                    _roster(built, best.values)).violations == []
