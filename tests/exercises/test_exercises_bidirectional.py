"""The notebook 06 exercises accept correct answers and name each targeted mistake."""

import numpy as np
import pytest

from rnncourse.exercises.bidirectional import (
    ALIGN_MISTAKES,
    PAIR_MISTAKES,
    check_align_and_concat,
    check_pair_steps,
)
from rnncourse.exercises.checking import ERROR, FAILED, NOT_ATTEMPTED, PASSED


def not_attempted(*args):
    raise NotImplementedError


def align_with_loop(forward_states, backward_states):
    """A learner-style answer written step by step, without slicing tricks."""
    steps = forward_states.shape[1]
    columns = [np.concatenate([forward_states[:, t], backward_states[:, steps - 1 - t]], -1)
               for t in range(steps)]
    return np.stack(columns, axis=1)


def pair_with_loop(x):
    return np.stack([np.concatenate([x[:, 2 * j], x[:, 2 * j + 1]], axis=-1)
                     for j in range(x.shape[1] // 2)], axis=1)


def test_align_accepts_a_correct_answer():
    assert check_align_and_concat(align_with_loop, show=False).status == PASSED


def test_pair_accepts_a_correct_answer():
    assert check_pair_steps(pair_with_loop, show=False).status == PASSED


@pytest.mark.parametrize("mistake", ALIGN_MISTAKES)
def test_align_names_each_mistake(mistake):
    result = check_align_and_concat(mistake.function, show=False)
    assert result.status == FAILED
    assert result.message == mistake.feedback


@pytest.mark.parametrize("mistake", PAIR_MISTAKES)
def test_pair_names_each_mistake(mistake):
    result = check_pair_steps(mistake.function, show=False)
    assert result.status == FAILED
    assert result.message == mistake.feedback


def test_forgetting_the_flip_is_explained():
    result = check_align_and_concat(lambda f, b: np.concatenate([f, b], axis=-1), show=False)
    assert not result
    assert "Flip them along the time axis" in result.message


def test_not_attempted_and_errors_do_not_crash(capsys):
    assert check_align_and_concat(not_attempted).status == NOT_ATTEMPTED
    assert "Hint" in capsys.readouterr().out
    assert check_pair_steps(lambda x: x.reshape(-1, 7)).status == ERROR


def test_unknown_wrong_answer_gets_generic_feedback():
    result = check_pair_steps(lambda x: pair_with_loop(x) + 1.0, show=False)
    assert result.status == FAILED
    assert "values differ" in result.message
