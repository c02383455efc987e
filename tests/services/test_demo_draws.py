"""The demo's generator draws `random.Random`'s very numbers: a seed gives the same étude."""

import random

import pytest

from clerc_tui.demo.draws import Draws


@pytest.mark.parametrize("seed", [1, 7, "state/deadlines"])
def test_randint_and_choice_give_the_standard_numbers_and_leave_the_same_state(seed):
    ours, theirs = Draws(seed), random.Random(seed)
    # Widths around powers of two (where the rejection loop runs most), negatives, large spans.
    spans = [(0, 0), (1, 1), (0, 1), (1, 3), (0, 7), (0, 8), (5, 60), (-20, 20), (10**9, 10**10 - 1), (0, 2**40)]
    sequences = ["67", "ABCDEFGHJKLMNPQRSTVWXYZ", tuple(range(9)), list(range(16)), ("seul",)]
    for _round in range(500):
        for low, high in spans:
            assert ours.randint(low, high) == theirs.randint(low, high)
        for seq in sequences:
            assert ours.choice(seq) == theirs.choice(seq)
        assert ours.random() == theirs.random()
    assert ours.getstate() == theirs.getstate()


def test_empty_draws_are_refused_as_the_standard_ones_are():
    with pytest.raises(ValueError):
        Draws(1).randint(3, 2)
    with pytest.raises(IndexError):
        Draws(1).choice([])


@pytest.mark.parametrize("seed", [1, "state/amicable"])
def test_a_time_of_day_is_the_two_standard_draws(seed):
    ours, theirs = Draws(seed), random.Random(seed)
    for _round in range(2000):
        for first, last in ((8, 18), (10, 12), (10, 16), (0, 23)):
            assert ours.clock(first, last) == f"{theirs.randint(first, last):02d}:{theirs.randint(0, 59):02d}:00"
    assert ours.getstate() == theirs.getstate()
