"""The work/off pattern programme against brute force over every pattern of two weeks."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from roster.bench.curtois import parse_instance, to_problem
from roster.engine.model import build_model
from roster.engine.patterns import best_pattern

DAYS = 12


def problem(max_on: int, min_on: int, min_off: int, weekends: int, least: int, most: int,
            off: list[int]):
    text = (f"SECTION_HORIZON\n{DAYS}\nSECTION_SHIFTS\nE,60,\nSECTION_STAFF\n"
            f"A,E={DAYS},{most * 60},{least * 60},{max_on},{min_on},{min_off},{weekends}\n"
            + (f"SECTION_DAYS_OFF\nA,{','.join(map(str, off))}\n" if off else "")
            + "SECTION_COVER\n0,E,1,100,1\n")
    return to_problem(parse_instance(text, "P"))


def allowed(pattern: tuple[bool, ...], max_on: int, min_on: int, min_off: int, weekends: int,
            least: int, most: int, off: list[int]) -> bool:
    if any(pattern[d] for d in off) or not least <= sum(pattern) <= most:
        return False
    if sum(pattern[w] or pattern[w + 1] for w in range(5, DAYS, 7)) > weekends:
        return False
    d = 0
    while d < DAYS:
        end = d
        while end < DAYS and pattern[end] == pattern[d]:
            end += 1
        inner = d > 0 and end < DAYS
        length = end - d
        if pattern[d] and (length > max_on or (inner and length < min_on)):
            return False
        if not pattern[d] and inner and length < min_off:
            return False
        d = end
    return True


@settings(max_examples=20, deadline=None)
@given(max_on=st.integers(2, 5), min_on=st.integers(1, 3), min_off=st.integers(1, 3),
       weekends=st.integers(0, 2), least=st.integers(0, 9), spread=st.integers(0, 4),
       off=st.lists(st.integers(0, DAYS - 1), max_size=3, unique=True),
       seed=st.integers(0, 1000))
def test_pattern_is_the_best_allowed_one(max_on: int, min_on: int, min_off: int, weekends: int,
                                         least: int, spread: int, off: list[int],
                                         seed: int) -> None:
    min_on = min(min_on, max_on)
    most = least + spread
    built = build_model(problem(max_on, min_on, min_off, weekends, least, most, off))
    score = np.random.default_rng(seed).integers(-3, 10, DAYS).astype(float)
    found = best_pattern(built.context, 0, score)
    rules = (max_on, min_on, min_off, weekends, least, most, sorted(off))
    best = None
    for pattern in itertools.product((False, True), repeat=DAYS):
        if allowed(pattern, *rules):
            value = float(score[list(pattern)].sum())
            best = value if best is None else max(best, value)
    if best is None:
        assert found is None
    else:
        assert found is not None and allowed(tuple(found), *rules)
        assert float(score[found].sum()) == best
