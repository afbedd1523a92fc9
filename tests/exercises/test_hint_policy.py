"""Hints come only when asked for, or after a second wrong attempt, for every check."""

from __future__ import annotations

import pytest

from rnncourse import exercises
from rnncourse.exercises.checking import HINT_OFFER, attempts

CHECKS = [getattr(exercises, name) for name in exercises.__all__ if name.startswith("check_")]


def _not_written(*args):
    raise NotImplementedError


def _crashes(*args):
    raise ValueError("a learner's bug")



@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_a_first_look_offers_the_hint_without_giving_it(check):
    result = check(_not_written, show=False)
    assert result.status == "not attempted"
    assert "Hint:" not in result.message and HINT_OFFER in result.message


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_asking_gives_the_hint(check):
    assert "Hint:" in check(_not_written, show=False, hint=True).message


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_the_second_wrong_attempt_brings_the_hint(check):
    first = check(_crashes, show=False)
    assert "Hint:" not in first.message and "a learner's bug" in first.message
    second = check(_crashes, show=False)
    assert "Hint:" in second.message
    assert attempts(first.exercise) == 2


def test_not_attempting_does_not_count_as_a_wrong_attempt():
    for _ in range(3):
        result = exercises.check_rnn_cell(_not_written, show=False)
    assert attempts(result.exercise) == 0 and "Hint:" not in result.message
