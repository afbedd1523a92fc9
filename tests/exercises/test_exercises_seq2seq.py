"""The notebook 07 exercises accept correct answers and name each targeted mistake."""

import numpy as np
import pytest

from rnncourse.exercises.checking import FAILED, HINT_OFFER, NOT_ATTEMPTED, PASSED
from rnncourse.exercises.seq2seq import (
    ToyDecoder,
    check_beam_step,
    check_greedy_decode,
    check_masked_loss,
    check_teacher_forcing_inputs,
    reference_greedy_decode,
)
from rnncourse.models.seq2seq import greedy_decode


def not_attempted(*args):
    raise NotImplementedError


# --- exercise 1: teacher forcing ----------------------------------------------------------


def teacher_forcing_solution(targets, start_id):
    targets = np.asarray(targets)
    out = np.empty_like(targets)
    out[:, 0] = start_id
    out[:, 1:] = targets[:, :-1]
    return out


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


# --- exercise 2: the greedy inference loop ------------------------------------------------


def greedy_solution(model, sources, length, start_id):
    """A learner-style loop that writes into a preallocated array."""
    out = np.zeros((len(sources), length), dtype=int)
    states = model.encode(sources)
    token = np.array([start_id] * len(sources))
    for t in range(length):
        log_p, states = model.step(token, states)
        token = np.argmax(log_p, axis=1)
        out[:, t] = token
    return out


def test_the_reference_loop_equals_the_package_decoder():
    model = ToyDecoder(3)
    sources = np.random.default_rng(0).integers(1, 9, size=(5, 6))
    np.testing.assert_array_equal(reference_greedy_decode(model, sources, 7, 1),
                                  greedy_decode(model, sources, 7, 1))


def test_greedy_accepts_a_solution_on_toy_and_keras_models():
    assert check_greedy_decode(greedy_solution, show=False).status == PASSED
    assert check_greedy_decode(not_attempted, show=False, with_keras=False).status == \
        NOT_ATTEMPTED


def _never_feeds_back(model, sources, length, start_id):
    states, out = model.encode(sources), []
    for _ in range(length):
        log_p, states = model.step(np.full(len(sources), start_id), states)
        out.append(log_p.argmax(-1))
    return np.array(out).T


def _forgets_states(model, sources, length, start_id):
    context, token, out = model.encode(sources), np.full(len(sources), start_id), []
    for _ in range(length):
        log_p, _ = model.step(token, context)
        token = log_p.argmax(-1)
        out.append(token)
    return np.array(out).T


def _with_start(model, sources, length, start_id):
    ids = greedy_solution(model, sources, length, start_id)
    return np.hstack([np.full((len(sources), 1), start_id), ids[:, :-1]])


@pytest.mark.parametrize(("wrong", "phrase"), [
    (_never_feeds_back, "never feeds back"),
    (_forgets_states, "throws away the states"),
    (_with_start, "begins with the start token"),
    (lambda m, s, n, i: greedy_solution(m, s, n, i).T, "(length, batch)"),
])
def test_greedy_names_each_mistake(wrong, phrase):
    result = check_greedy_decode(wrong, show=False, with_keras=False)
    assert result.status == FAILED and phrase in result.message


def test_the_greedy_hint_waits_for_a_request_and_gives_no_code():
    first = check_greedy_decode(not_attempted, show=False, with_keras=False)
    assert HINT_OFFER in first.message and "Hint:" not in first.message
    asked = check_greedy_decode(not_attempted, show=False, hint=True, with_keras=False)
    assert "Hint:" in asked.message
    assert "argmax" not in asked.message and "np." not in asked.message


# --- exercise 3: one step of beam search --------------------------------------------------


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


# --- exercise 4: the masked loss ----------------------------------------------------------


def masked_loss_solution(probabilities, targets, pad_id):
    total, count = 0.0, 0
    for b in range(targets.shape[0]):
        for t in range(targets.shape[1]):
            if targets[b, t] != pad_id:
                total -= np.log(probabilities[b, t, targets[b, t]])
                count += 1
    return total / count


def _picked(probabilities, targets):
    return np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda p, t, pad: -np.log(_picked(p, t)).mean(), "counts the padded positions"),
    (lambda p, t, pad: -np.log(_picked(p, t))[t != pad].sum() / t.size,
     "number of all positions"),
    (lambda p, t, pad: float(((-np.log(_picked(p, t)) * (t != pad)).sum(1)
                              / (t != pad).sum(1)).mean()), "within each example"),
    (lambda p, t, pad: -np.log(_picked(p, t))[t != pad].sum(), "summed"),
    (lambda p, t, pad: np.log(_picked(p, t))[t != pad].mean(), "negative"),
    (lambda p, t, pad: -np.log(_picked(p, t))[t != 0].mean(), "ignores the pad_id"),
])
def test_masked_loss_names_each_mistake(wrong, phrase):
    result = check_masked_loss(wrong, show=False)
    assert result.status == FAILED and phrase in result.message


def test_masked_loss_accepts_a_loop_solution_and_reports_not_attempted():
    assert check_masked_loss(masked_loss_solution, show=False).status == PASSED
    assert check_masked_loss(not_attempted, show=False).status == NOT_ATTEMPTED


@pytest.mark.parametrize("check", [check_teacher_forcing_inputs, check_beam_step,
                                   check_masked_loss])
def test_hints_come_only_when_asked_or_after_two_wrong_answers(check):
    def crashes(*args):
        raise ValueError("a learner's bug")

    assert "Hint:" not in check(not_attempted, show=False).message
    assert "Hint:" in check(not_attempted, show=False, hint=True).message
    assert "Hint:" not in check(crashes, show=False).message
    assert "Hint:" in check(crashes, show=False).message
