"""The strong search: first roster, redundant constraints, LNS and `search` end to end."""

from __future__ import annotations

import random
import threading
import time
from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from roster.bench.curtois import parse_instance, to_problem
from roster.checker import check_roster
from roster.engine.demand import ShiftDemand
from roster.engine.first_solution import SPREAD, _spread, greedy_options, residual_demands
from roster.engine.lns import Incumbent, Lns
from roster.engine.model import BuiltModel, build_model
from roster.engine.redundant import add_redundant
from roster.engine.search import SearchOptions, search
from roster.engine.variables import Option

TEXT = """\
SECTION_HORIZON
14
SECTION_SHIFTS
E,480,
L,480,E
SECTION_STAFF
A,E=14|L=14,4800,2880,4,2,2,1
B,E=14|L=0,4800,2880,5,2,2,1
C,E=0|L=14,4800,2400,3,1,2,2
SECTION_DAYS_OFF
A,3
C,10,11
SECTION_SHIFT_ON_REQUESTS
A,0,E,2
B,5,E,3
C,6,L,1
SECTION_SHIFT_OFF_REQUESTS
B,1,E,2
A,8,L,3
SECTION_COVER
""" + "".join(f"{d},E,{1 + d % 2},100,1\n{d},L,1,100,1\n" for d in range(14))
PROBLEM = to_problem(parse_instance(TEXT, "Tiny"))


def optimum(with_redundant: bool) -> int:
    built = build_model(PROBLEM)
    if with_redundant:
        add_redundant(built.context)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_redundant_constraints_keep_the_optimum() -> None:
    assert optimum(True) == optimum(False)


def test_residual_demand_subtracts_what_is_covered() -> None:
    day = PROBLEM.period.start
    chosen = [Option(0, 0, "E", 0, 480, None, 0, "cover"),
              Option(1, 0, "E", 0, 480, None, 0, "cover")]
    left = {(d.day, d.template): d.required for d in residual_demands(PROBLEM, chosen)
            if isinstance(d, ShiftDemand)}
    assert left[day, "E"] == 0  # needed 1, two cover it (never below 0)
    assert left[day, "L"] == 1
    assert left[date.fromordinal(day.toordinal() + 1), "E"] == 2


def test_spread_weighs_a_short_shift_by_the_shifts_still_needed() -> None:
    day = PROBLEM.period.start
    demands = [ShiftDemand(day, "E", 3, under_weight=100, over_weight=1),
               ShiftDemand(day, "L", 1, under_weight=100, over_weight=1),
               ShiftDemand(day, "N", 0, under_weight=100, over_weight=1)]
    spread = _spread(demands)
    assert [d.under_weight for d in spread] == [100 * (1 + 2 * SPREAD), 100, 100]
    assert [(d.required, d.over_weight) for d in spread] == [(3, 1), (1, 1), (0, 1)]


def test_first_roster_keeps_every_hard_rule() -> None:
    chosen, failed = greedy_options(PROBLEM, seconds_per_agent=5)
    assert failed == []
    built = build_model(PROBLEM)
    index = {o: i for i, o in enumerate(built.context.options.options)}
    assert all(o in index for o in chosen)
    roster = search(PROBLEM, SearchOptions(time_limit=20, lns=False)).roster
    assert roster is not None and check_roster(PROBLEM.team, roster) == []


def greedy_incumbent(built: BuiltModel) -> Incumbent:
    """The agent-by-agent first roster of PROBLEM on `built`, scored by a fixed solve."""
    chosen, _ = greedy_options(PROBLEM, seconds_per_agent=5)
    index = {o: i for i, o in enumerate(built.context.options.options)}
    values = np.zeros(len(built.context.lits), dtype=np.int8)
    values[[index[o] for o in chosen]] = 1
    return scored(built, values)


def scored(built: BuiltModel, values: np.ndarray) -> Incumbent:
    """`values` (0/1 per option) with its objective, from a solve with every option fixed."""
    fixed = built.model.clone()
    fixed.proto.constraints.add().bool_and.literals.extend(
        [lit.index if v else -lit.index - 1 for lit, v in zip(built.context.lits, values,
                                                               strict=True)])
    solver = cp_model.CpSolver()
    assert solver.solve(fixed) == cp_model.OPTIMAL
    return Incumbent(values, round(solver.objective_value))


def test_the_two_window_neighbourhood_frees_every_agent_on_two_equal_windows() -> None:
    built = build_model(PROBLEM)
    lns = Lns(built)
    days = built.context.days  # 14
    agents = {int(a) for a in lns.agents}
    for seed in range(40):
        rng = random.Random(seed)
        lns.sizes["all_agents_pair"] = rng.choice([0.01, 0.15, 0.4, 1.0])
        width = max(1, min(days // 2, round(lns.sizes["all_agents_pair"] * days / 2)))
        free = lns.neighbourhood("all_agents_pair", rng)
        free_days = sorted(set(lns.day[free].tolist()))
        # every option of a freed day is free, for every agent
        assert np.array_equal(free, np.isin(lns.day, free_days))
        assert {int(a) for a in lns.agent[free]} == agents
        # one window, or two of `width` days (overlapping or touching ones merge)
        runs = np.split(np.array(free_days), np.flatnonzero(np.diff(free_days) > 1) + 1)
        assert len(runs) <= 2 and width <= len(free_days) <= 2 * width
        assert all(len(run) >= width for run in runs)
        assert len(runs) == 1 or all(len(run) == width for run in runs)
    # the smallest size gives one-day windows
    lns.sizes["all_agents_pair"] = 0.01
    assert len(set(lns.day[lns.neighbourhood("all_agents_pair", random.Random(0))])) <= 2


def test_lns_never_worsens_and_reaches_the_optimum() -> None:
    best = optimum(False)
    built = build_model(PROBLEM)
    start = greedy_incumbent(built)
    seen: list[int] = []
    lns = Lns(built, seed=3, step_seconds=2)
    result = lns.run(start, time.perf_counter() + 20, workers=2,
                     on_improve=lambda inc: seen.append(inc.objective))
    assert result.objective <= start.objective
    assert seen == sorted(seen, reverse=True)
    assert result.objective == best


def optimum_and_first(problem) -> tuple[BuiltModel, np.ndarray, int, Incumbent]:
    """The built model, its optimal roster and objective, and a worse first roster."""
    built = build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    best_values = np.asarray(solver.boolean_values(built.context.lits), dtype=np.int8)
    best = round(solver.objective_value)
    start = greedy_incumbent(built)
    assert start.objective > best
    return built, best_values, best, start


def test_lns_takes_a_better_roster_offered_during_its_run_and_only_then() -> None:
    built, best_values, best, start = optimum_and_first(PROBLEM)
    # sub-solves with no time cannot improve, so only the offers move the incumbent
    lns = Lns(built, seed=1, step_seconds=0.05, step_deterministic=0.0)
    assert not lns.offer(best_values, best) and not lns.add_thread()  # no run yet
    answers: list[bool] = []

    def offer_during_run() -> None:
        time.sleep(0.3)
        answers.append(lns.offer(start.values, start.objective + 1))  # worse than the incumbent
        answers.append(lns.offer(best_values, best))
        answers.append(lns.add_thread())

    threading.Thread(target=offer_during_run).start()
    seen: list[int] = []
    result = lns.run(start, time.perf_counter() + 1.5, workers=1,
                     on_improve=lambda inc: seen.append(inc.objective))
    assert answers == [False, True, True]
    assert seen == [best] and result.objective == best
    assert np.array_equal(result.values, best_values)
    assert not lns.offer(best_values, best - 1)  # the run is over


def test_lns_stops_once_its_incumbent_reaches_a_bound_given_before_or_during_its_run(
) -> None:
    built, best_values, best, start = optimum_and_first(PROBLEM)
    # sub-solves with no time cannot improve, so only offers move the incumbent
    lns = Lns(built, seed=1, step_seconds=0.05, step_deterministic=0.0)
    lns.set_bound(start.objective)  # reached before the run: not one step
    assert lns.run(start, time.perf_counter() + 60).objective == start.objective
    assert lns.stats.steps == {}

    lns = Lns(built, seed=1, step_seconds=0.05, step_deterministic=0.0)
    answers: list[bool] = []

    def bound_then_offer() -> None:
        time.sleep(0.3)
        lns.set_bound(best)
        answers.append(lns.add_thread())  # not reached yet: the run goes on
        answers.append(lns.offer(best_values, best))
        answers.append(lns.add_thread())  # reached: the run is stopping

    threading.Thread(target=bound_then_offer).start()
    result = lns.run(start, time.perf_counter() + 60, workers=1)
    assert answers == [True, True, False]
    assert result.objective == best and sum(lns.stats.steps.values()) > 0


def test_search_above_the_full_model_size_keeps_the_first_roster_without_lns() -> None:
    built = build_model(PROBLEM)
    first = greedy_incumbent(built).objective / 100
    options = SearchOptions(time_limit=20, workers=2, seed=1, lns=False, full_solve_up_to=0)
    result = search(PROBLEM, options)
    # no full-model phase: no bound, and without LNS the first roster is the answer
    assert result.status == "FEASIBLE" and result.bound is None
    assert result.objective == first > optimum(False) / 100
    assert result.roster is not None and check_roster(PROBLEM.team, result.roster) == []


def test_search_returns_a_checked_roster_and_its_objective() -> None:
    result = search(PROBLEM, SearchOptions(time_limit=20, workers=2, seed=1))
    assert result.roster is not None
    assert check_roster(PROBLEM.team, result.roster) == []
    assert result.objective == optimum(False) / 100
    assert result.first_solution_seconds is not None


SWAP = """\
SECTION_HORIZON
2
SECTION_SHIFTS
E,480,
L,480,
SECTION_STAFF
A,E=2|L=2,960,0,2,1,1,1
B,E=2|L=2,960,0,2,1,1,1
C,E=2|L=2,960,0,2,1,1,1
SECTION_SHIFT_ON_REQUESTS
A,0,L,3
B,0,E,2
C,1,E,4
SECTION_COVER
0,E,1,100,1
0,L,1,100,1
1,E,1,100,1
1,L,1,100,1
"""


def incumbent_of(built: BuiltModel, cells: dict[tuple[int, int], str]) -> Incumbent:
    """The assignment working (agent, day) -> template, scored by a fixed solve."""
    return scored(built, np.array([int(cells.get((o.agent, o.day)) == o.template)
                                   for o in built.context.options.options], dtype=np.int8))


def worked_cells(lns: Lns, values: np.ndarray) -> set[tuple[int, int]]:
    return {(int(lns.agent[i]), int(lns.day[i])) for i in np.flatnonzero(values)}


def test_a_shift_types_step_trades_shifts_and_keeps_the_days_worked() -> None:
    built = build_model(to_problem(parse_instance(SWAP, "Swap")))
    # A and B work both days, A early on day 0 though it asks for late, B the reverse;
    # C is off on day 1 where it asks for early, which only a day's change could grant
    start = incumbent_of(built, {(0, 0): "E", (1, 0): "L", (0, 1): "E", (1, 1): "L",
                                 (2, 0): "E"})
    assert start.objective == 100 * (3 + 2 + 4) + 100 * 1  # requests, and E over on day 0
    lns = Lns(built)
    lns.sizes["shift_types"] = 1.0
    values, objective, solved = lns.step(start, "shift_types", random.Random(0), 10.0)
    assert values is not None and solved
    # A and B swap on day 0 (both requests met); C stays off on day 1 (its request unmet)
    assert objective == 100 * 4 + 100 * 1
    assert worked_cells(lns, values) == worked_cells(lns, start.values)
    # freeing the days too grants C its day: C takes early on day 1, A or B goes off
    values, objective, _ = lns.step(start, "all_agents_window", random.Random(0), 10.0)
    assert objective is not None and objective < 100 * 4 + 100 * 1


def test_shift_types_steps_keep_each_day_worked_or_off_and_never_lose() -> None:
    built = build_model(PROBLEM)
    start = greedy_incumbent(built)
    lns = Lns(built)
    days = built.context.days
    for seed in range(12):
        rng = random.Random(seed)
        lns.sizes["shift_types"] = rng.choice([0.01, 0.2, 0.5, 1.0])
        width = max(1, min(days, round(lns.sizes["shift_types"] * days)))
        window = lns.neighbourhood("shift_types", random.Random(seed))
        free, groups = lns.keep_days_worked(window, start.values)
        # only options of cells worked inside the window are free, one group per cell
        assert len(set(lns.day[window].tolist())) == width
        assert worked_cells(lns, free.astype(np.int8)) <= worked_cells(lns, start.values)
        assert len(groups) == len(worked_cells(lns, start.values * window))
        values, objective, _ = lns.step(start, "shift_types", random.Random(seed), 2.0)
        assert values is not None and objective is not None
        assert objective <= start.objective
        assert worked_cells(lns, values) == worked_cells(lns, start.values)
        outside = ~np.isin(lns.day, sorted(set(lns.day[window].tolist())))
        assert np.array_equal(values[outside], start.values[outside])
