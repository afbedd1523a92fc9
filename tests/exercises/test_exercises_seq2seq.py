"""The notebook 07 exercises accept correct answers and name each targeted mistake."""

import numpy as np
import pytest

from rnncourse.exercises.checking import FAILED, NOT_ATTEMPTED, PASSED
from rnncourse.exercises.seq2seq import check_beam_step, check_teacher_forcing_inputs


def not_attempted(*args):
    raise NotImplementedError


def teacher_forcing_solution(targets, start_id):
    targets = np.asarray(targets)
    out = np.empty_like(targets)
    out[:, 0] = start_id
    out[:, 1:] = targets[:, :-1]
    return out


def beam_step_solution(scores, log_probabilities, width):
    """A learner-style loop, without the package."""
    candidates = []
    for parent, score in enumerate(scores):
        for token, log_p in enumerate(log_probabilities[parent]):
            candidates.append((score + log_p, parent, token))
    candidates.sort(key=lambda item: -item[0])
    best = candidates[:width]
    return (np.array([p for _, p, _ in best]), np.array([t for _, _, t in best]),
            np.array([s for s, _, _ in best]))


def test_teacher_forcing_accepts_a_solution_and_reports_not_attempted():
    assert check_teacher_forcing_inputs(teacher_forcing_solution, show=False).status == PASSED
    assert check_teacher_forcing_inputs(not_attempted, show=False).status == NOT_ATTEMPTED


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda t, s: np.asarray(t), "learn to copy"),
    (lambda t, s: np.concatenate([np.asarray(t)[:, 1:], np.full((len(t), 1), s)], axis=1),
     "wrong way"),
    (lambda t, s: teacher_forcing_solution(t, 0), "padding id"),
    (lambda t, s: np.concatenate([np.full((len(t), 1), s), np.asarray(t)], axis=1),
     "one step too long"),
])
def test_teacher_forcing_names_each_mistake(wrong, phrase):
    result = check_teacher_forcing_inputs(wrong, show=False)
    assert result.status == FAILED and phrase in result.message


def test_beam_step_accepts_a_loop_solution_and_reports_not_attempted():
    assert check_beam_step(beam_step_solution, show=False).status == PASSED
    assert check_beam_step(not_attempted, show=False).status == NOT_ATTEMPTED


def _ignores_history(scores, log_probabilities, width):
    return beam_step_solution(np.zeros_like(scores), log_probabilities, width)


def _multiplies(scores, log_probabilities, width):
    flat = (scores[:, None] * log_probabilities).reshape(-1)
    order = np.argsort(-flat)[:width]
    return order // log_probabilities.shape[1], order % log_probabilities.shape[1], flat[order]


def _worst_first(scores, log_probabilities, width):
    flat = (scores[:, None] + log_probabilities).reshape(-1)
    order = np.argsort(flat)[:width]
    return order // log_probabilities.shape[1], order % log_probabilities.shape[1], flat[order]


def _swapped(scores, log_probabilities, width):
    flat = (scores[:, None] + log_probabilities).reshape(-1)
    order = np.argsort(-flat)[:width]
    return order % len(scores), order // len(scores), flat[order]


@pytest.mark.parametrize(("wrong", "phrase"), [
    (_ignores_history, "forgot the score"), (_multiplies, "*add*"),
    (_worst_first, "*lowest*"), (_swapped, "mixed up")])
def test_beam_step_names_each_mistake(wrong, phrase):
    result = check_beam_step(wrong, show=False)
    assert result.status == FAILED and phrase in result.message
