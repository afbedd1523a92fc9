"""The attention exercise accepts correct answers and names each targeted mistake."""

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.exercises.attention import check_scaled_dot_attention


def not_attempted(query, value, value_mask):
    raise NotImplementedError


def independent_solution(query, value, value_mask):
    """A learner-style answer written without the package, using -inf for padding."""
    scores = np.einsum("bqd,bvd->bqv", query, value) / np.sqrt(query.shape[-1])
    scores = np.where(value_mask[:, None, :], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    return np.einsum("bqv,bvd->bqd", weights, value), weights


def _softmax(scores, axis):
    exponentials = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return exponentials / exponentials.sum(axis=axis, keepdims=True)


def wrong_axis(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=1)
    return weights @ value, weights


def no_scaling(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1)
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=-1)
    return weights @ value, weights


def divided_by_dim(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / query.shape[-1]
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=-1)
    return weights @ value, weights


def no_mask(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(scores, axis=-1)
    return weights @ value, weights


def mask_after_softmax(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(scores, axis=-1) * value_mask[:, None, :]
    return weights @ value, weights


def test_accepts_the_reference_and_an_independent_solution():
    from rnncourse.exercises.attention import reference_scaled_dot_attention

    assert check_scaled_dot_attention(reference_scaled_dot_attention, show=False)
    assert check_scaled_dot_attention(independent_solution, show=False)


def test_is_exported_from_the_exercises_package():
    assert exercises.check_scaled_dot_attention is check_scaled_dot_attention


def test_not_attempted_gives_a_hint():
    result = check_scaled_dot_attention(not_attempted, show=False)
    assert result.status == "not attempted" and "softmax" in result.message


@pytest.mark.parametrize("answer, feedback", [
    (wrong_axis, "query axis"),
    (no_scaling, "forgot the scaling"),
    (divided_by_dim, "square root"),
    (no_mask, "forgot the mask"),
    (mask_after_softmax, "after the softmax"),
])
def test_names_the_mistake(answer, feedback):
    result = check_scaled_dot_attention(answer, show=False)
    assert not result and result.status == "failed"
    assert feedback in result.message


def test_weights_only_is_a_shape_error():
    result = check_scaled_dot_attention(lambda q, v, m: independent_solution(q, v, m)[1],
                                        show=False)
    assert not result and result.status == "failed"
