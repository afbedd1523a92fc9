"""Exercise checks for notebook 08: masked scaled dot-product attention."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.attention import dot_product_attention


def _attention_cases(seed: int) -> list[tuple]:
    """(query, value, value_mask) triples; every mask hides some positions, none all."""
    rng = np.random.default_rng(seed)
    cases = []
    for batch, query_steps, value_steps, dim in ((2, 3, 5, 4), (1, 4, 6, 9), (3, 2, 7, 16)):
        query = rng.normal(size=(batch, query_steps, dim))
        value = rng.normal(size=(batch, value_steps, dim))
        mask = np.ones((batch, value_steps), dtype=bool)
        mask[:, -2:] = False  # right padding, as in a padded batch of inputs
        mask[0, 1] = False
        cases.append((query, value, mask))
    return cases


def reference_scaled_dot_attention(query: np.ndarray, value: np.ndarray,
                                   value_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masked scaled dot-product attention: ``(context, weights)``."""
    result = dot_product_attention(query, value, scale=1.0 / np.sqrt(query.shape[-1]),
                                   value_mask=value_mask)
    return result.context, result.weights


def _scores(query: np.ndarray, value: np.ndarray, scaled: bool = True) -> np.ndarray:
    scores = query @ np.swapaxes(value, 1, 2)
    return scores / np.sqrt(query.shape[-1]) if scaled else scores


def _masked(scores: np.ndarray, value_mask: np.ndarray) -> np.ndarray:
    return np.where(value_mask[:, None, :], scores, -1e9)


def _softmax_over_query_axis(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value), value_mask), axis=1)
    return weights @ value, weights


def _no_scaling(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value, scaled=False), value_mask))
    return weights @ value, weights


def _divided_by_dim(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value, scaled=False) / query.shape[-1],
                              value_mask))
    return weights @ value, weights


def _no_mask(query, value, value_mask):
    weights = softmax(_scores(query, value))
    return weights @ value, weights


def _mask_after_softmax(query, value, value_mask):
    weights = softmax(_scores(query, value)) * value_mask[:, None, :]
    return weights @ value, weights


def check_scaled_dot_attention(learner: Callable, show: bool = True,
                               hint: bool = False) -> CheckResult:
    """Check ``learner(query, value, value_mask) -> (context, weights)``.

    ``query`` is ``(batch, Tq, dim)``, ``value`` is ``(batch, Tv, dim)`` (it is also the
    key) and ``value_mask`` is ``(batch, Tv)`` booleans, False at padding. The answer must
    be the context ``(batch, Tq, dim)`` and the weights ``(batch, Tq, Tv)`` of masked
    scaled dot-product attention.
    """
    mistakes = [
        Mistake(_softmax_over_query_axis,
                "Your softmax runs over the query axis (axis 1), so each *input* position's "
                "weights sum to 1. Each output step must spread its attention over the "
                "value positions: take the softmax over the last axis (axis=-1)."),
        Mistake(_no_scaling,
                "You forgot the scaling: divide the dot products by sqrt(dim), the square "
                "root of the feature size (query.shape[-1]), before the softmax."),
        Mistake(_divided_by_dim,
                "You divided the scores by dim; scaled dot-product attention divides by "
                "its square root, sqrt(dim)."),
        Mistake(_no_mask,
                "You forgot the mask: padded positions still receive attention. Set their "
                "scores to a very negative number (e.g. np.where(value_mask[:, None, :], "
                "scores, -1e9)) before the softmax."),
        Mistake(_mask_after_softmax,
                "You masked after the softmax, so the weights no longer sum to 1. Mask the "
                "scores before the softmax instead (very negative scores at padding)."),
    ]
    hint_text = ("scores = query @ value.transpose(0, 2, 1) / sqrt(dim); set masked scores to "
            "-1e9; weights = softmax over the last axis; context = weights @ value.")
    return run_check("scaled_dot_attention", learner, reference_scaled_dot_attention,
                     _attention_cases(8), mistakes, hint=hint_text, show=show, hint_requested=hint)
