"""The weekend plan: a HiGHS plan of weekend shifts, and the costs that steer a roster to it."""

from __future__ import annotations

import logging
import random

import numpy as np
import pytest

from roster.bench.curtois import parse_instance, to_problem
from roster.bench.objective import evaluate
from roster.engine.first_solution import greedy_options
from roster.engine.model import build_model
from roster.engine.search import SearchOptions, search
from roster.engine.weekend_plan import (
    GUIDE_FACTOR,
    guidance,
    guide_by_agent,
    guided_model,
    plan_weekends,
)

# two weeks (weekends on days 5-6 and 12-13); L cannot be followed by E
HEAD = """\
SECTION_HORIZON
14
SECTION_SHIFTS
E,480,
L,480,E
SECTION_STAFF
"""


def instance(staff: str, cover: str, on: str = "", days_off: str = ""):
    text = (HEAD + staff + "SECTION_DAYS_OFF\n" + days_off + "SECTION_SHIFT_ON_REQUESTS\n" + on
            + "SECTION_SHIFT_OFF_REQUESTS\nSECTION_COVER\n" + cover)
    return parse_instance(text, "Hand")


def chosen_cells(built, plan) -> set[tuple[str, int, str]]:
    ctx = built.context
    return {(ctx.team.agents[o.agent].id, o.day, o.template)
            for o in (ctx.option(int(i)) for i in np.flatnonzero(plan.chosen))}


def two_agents_one_weekend_each():
    """Two agents, one weekend each, four weekend shifts to cover: nothing is short only if
    both work both days of different weekends; A asks for E on day 12."""
    return instance("A,,9600,0,7,1,1,1\nB,,9600,0,7,1,1,1\n",
                    "5,E,1,100,1\n6,E,1,100,1\n12,E,1,100,1\n13,E,1,100,1\n",
                    on="A,12,E,3\n")


def test_each_agent_gets_the_weekend_its_request_asks_for() -> None:
    inst = two_agents_one_weekend_each()
    built = build_model(to_problem(inst))
    plan = plan_weekends(built, 10)
    assert plan is not None
    assert chosen_cells(built, plan) == {("A", 12, "E"), ("A", 13, "E"), ("B", 5, "E"),
                                         ("B", 6, "E")}
    # nothing short: the objective is the granted request's coefficient in the model
    assert plan.objective == -built.context.points("preference_shift", 3)


def test_forbidden_succession_inside_a_weekend_leaves_one_shift_short() -> None:
    # A alone may work one weekend; L on Saturday cannot be followed by E on Sunday
    inst = instance("A,,9600,0,7,1,1,1\n", "5,L,1,100,1\n6,E,1,100,1\n")
    built = build_model(to_problem(inst))
    plan = plan_weekends(built, 10)
    assert plan is not None
    assert len(chosen_cells(built, plan)) == 1
    assert plan.objective == built.context.points("shift_cover_under", 100)


def test_days_off_and_limits_are_respected() -> None:
    # A is off on day 5 and may work one weekend; the cover wants 2 a day on both weekends
    inst = instance("A,,9600,0,7,1,1,1\nB,,9600,0,7,1,1,1\n",
                    "".join(f"{d},E,2,100,1\n" for d in (5, 6, 12, 13)), days_off="A,5\n")
    built = build_model(to_problem(inst))
    plan = plan_weekends(built, 10)
    assert plan is not None
    cells = chosen_cells(built, plan)
    assert ("A", 5, "E") not in cells
    for who in ("A", "B"):
        weekends = {day // 7 for name, day, _ in cells if name == who}
        assert len(weekends) == 1
    # 8 shifts wanted, B gives 2, A at most 2 (4 if its weekend were day 12-13)
    assert len(cells) == 4
    assert plan.objective == 4 * built.context.points("shift_cover_under", 100)


def test_no_plan_when_no_weekend_limit_binds() -> None:
    inst = instance("A,,9600,0,7,1,1,2\n", "5,E,1,100,1\n")
    assert plan_weekends(build_model(to_problem(inst)), 10) is None


def test_guidance_costs_and_the_guided_objective() -> None:
    inst = two_agents_one_weekend_each()
    built = build_model(to_problem(inst))
    plan = plan_weekends(built, 10)
    assert plan is not None
    costs = guidance(built, plan)
    big = GUIDE_FACTOR * built.context.points("shift_cover_under", 100)
    ctx = built.context
    for i, o in enumerate(ctx.options.options):
        expected = (-big if plan.chosen[i] else big) if o.day in (5, 6, 12, 13) else 0
        assert costs[i] == expected
    before = dict(zip(built.model.proto.objective.vars, built.model.proto.objective.coeffs,
                      strict=True))
    model = guided_model(built, costs)
    after = dict(zip(model.proto.objective.vars, model.proto.objective.coeffs, strict=True))
    for i, lit in enumerate(ctx.lits):
        assert after.get(lit.index, 0) == before.get(lit.index, 0) + costs[i]
    others = {v for v in before if v not in {lit.index for lit in ctx.lits}}
    assert all(after[v] == before[v] for v in others)


def test_first_roster_follows_the_plan() -> None:
    inst = two_agents_one_weekend_each()
    problem = to_problem(inst)
    built = build_model(problem)
    plan = plan_weekends(built, 10)
    assert plan is not None
    chosen, failed = greedy_options(problem, guide=guide_by_agent(built, guidance(built, plan)))
    assert not failed
    weekend = {(problem.team.agents[o.agent].id, o.day, o.template) for o in chosen
               if o.day in (5, 6, 12, 13)}
    assert weekend == chosen_cells(built, plan)


def random_instance(seed: int):
    rng = random.Random(seed)
    staff = "".join(f"S{k},,{rng.choice([4800, 7200])},0,{rng.randint(3, 6)},1,1,"
                    f"{rng.randint(0, 1)}\n" for k in range(rng.randint(2, 5)))
    cover = "".join(f"{d},{s},{rng.randint(0, 2)},100,1\n" for d in range(14) for s in "EL")
    on = "".join(f"S{rng.randrange(2)},{rng.randrange(14)},{rng.choice('EL')},"
                 f"{rng.randint(1, 3)}\n" for _ in range(rng.randint(0, 4)))
    off = "".join(f"S{k},{rng.randrange(14)}\n" for k in range(2) if rng.random() < 0.5)
    return instance(staff, cover, on=on, days_off=off)


@pytest.mark.parametrize("seed", range(8))
def test_generated_plans_keep_the_weekend_rules_and_search_stays_correct(
        seed: int, caplog: pytest.LogCaptureFixture) -> None:
    inst = random_instance(seed)
    problem = to_problem(inst)
    built = build_model(problem)
    plan = plan_weekends(built, 10)
    limits = {s.id: s.max_weekends for s in inst.staff}
    if plan is not None:
        cells = chosen_cells(built, plan)
        days = [(who, day) for who, day, _ in cells]
        assert len(days) == len(set(days))  # one shift a day
        for who, most in limits.items():
            assert len({day // 7 for name, day, _ in cells if name == who}) <= most
        for who, day, shift in cells:  # no L on Saturday followed by E on Sunday
            assert not (shift == "L" and (who, day + 1, "E") in cells and day % 7 == 5)
            assert day not in inst.days_off.get(who, [])
    # the plan is made on models the whole model does not run beside: every model here
    caplog.set_level(logging.INFO, logger="roster.engine.search")
    planned = search(problem, SearchOptions(time_limit=5, workers=1, seed=seed,
                                            whole_lp_up_to=0))
    assert ("weekend plan:" in caplog.text) == (plan is not None)
    plain = search(problem, SearchOptions(time_limit=5, workers=1, seed=seed,
                                          weekend_plan=False))
    for result in (planned, plain):
        assert result.roster is not None
        checked = evaluate(inst, result.roster)
        assert checked.violations == []
        assert checked.objective == round(result.objective)
