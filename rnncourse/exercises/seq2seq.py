"""Exercise checks for notebook 07: teacher-forcing inputs and one step of beam search."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.models.seq2seq import teacher_forcing_inputs


def _target_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.integers(2, 13, size=shape), start_id)
            for shape, start_id in (((3, 10), 1), ((1, 4), 1), ((5, 2), 7))]


def check_teacher_forcing_inputs(learner: Callable, show: bool = True,
                                 hint: bool = False) -> CheckResult:
    """Check ``learner(targets, start_id) -> decoder_inputs`` (both ``(batch, Ty)``)."""

    def no_shift(targets, start_id):
        return np.asarray(targets)

    def shifted_left(targets, start_id):
        targets = np.asarray(targets)
        return np.concatenate([targets[:, 1:], np.full((len(targets), 1), start_id)], axis=1)

    def padding_first(targets, start_id):
        return teacher_forcing_inputs(targets, 0)

    def last_kept(targets, start_id):
        targets = np.asarray(targets)
        return np.concatenate([np.full((len(targets), 1), start_id), targets], axis=1)

    mistakes = [
        Mistake(no_shift, "Your decoder inputs are the targets themselves: at step t the "
                "decoder would read the very character it must predict and learn to copy. "
                "Shift right: the start token first, then targets[:, :-1]."),
        Mistake(shifted_left, "You shifted the wrong way (targets[:, 1:] then the start "
                "token): step t would read the character *after* the one it must predict. "
                "The start token goes first, then targets[:, :-1]."),
        Mistake(padding_first, "The first input is 0, the padding id, not start_id. The "
                "decoder needs a real start token to know it must begin a date."),
        Mistake(last_kept, "Your inputs are one step too long: the start token plus *all* "
                "targets. Drop the last target (targets[:, :-1]) so inputs and targets "
                "have the same length."),
    ]
    return run_check("teacher_forcing_inputs", learner, teacher_forcing_inputs,
                     _target_cases(7), mistakes,
                     hint="np.concatenate([a column of start_id, targets[:, :-1]], axis=1).",
                     show=show, hint_requested=hint)


def reference_beam_step(scores: np.ndarray, log_probabilities: np.ndarray,
                        width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One beam-search step for one example, best first.

    Args:
        scores: ``(k,)`` total log-probability of each partial output so far.
        log_probabilities: ``(k, V)`` log-probability of each next token after each one.
        width: How many extensions to keep.

    Returns:
        ``(parents, tokens, new_scores)``, each ``(width,)``: which partial output each
        survivor extends, with which token, and its new total log-probability.
    """
    candidates = np.asarray(scores)[:, None] + np.asarray(log_probabilities)
    flat = candidates.reshape(-1)
    order = np.argsort(-flat, kind="stable")[:width]
    parents, tokens = np.divmod(order, candidates.shape[1])
    return parents, tokens, flat[order]


def _beam_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for beams, vocab, width in ((3, 5, 3), (2, 6, 4), (4, 3, 2)):
        logits = rng.normal(size=(beams, vocab)) * 2
        log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        scores = -np.sort(rng.uniform(0.5, 4.0, size=beams))
        cases.append((scores, log_probabilities, width))
    return cases


def check_beam_step(learner: Callable, show: bool = True,
                    hint: bool = False) -> CheckResult:
    """Check ``learner(scores, log_probabilities, width) -> (parents, tokens, new_scores)``."""

    def ignores_history(scores, log_probabilities, width):
        return reference_beam_step(np.zeros_like(scores), log_probabilities, width)

    def multiplies(scores, log_probabilities, width):
        flat = (np.asarray(scores)[:, None] * log_probabilities).reshape(-1)
        order = np.argsort(-flat, kind="stable")[:width]
        parents, tokens = np.divmod(order, log_probabilities.shape[1])
        return parents, tokens, flat[order]

    def worst_first(scores, log_probabilities, width):
        flat = (np.asarray(scores)[:, None] + log_probabilities).reshape(-1)
        order = np.argsort(flat, kind="stable")[:width]
        parents, tokens = np.divmod(order, log_probabilities.shape[1])
        return parents, tokens, flat[order]

    def parent_and_token_swapped(scores, log_probabilities, width):
        parents, tokens, new_scores = reference_beam_step(scores, log_probabilities, width)
        flat_index = parents * log_probabilities.shape[1] + tokens
        return flat_index % len(scores), flat_index // len(scores), new_scores

    mistakes = [
        Mistake(ignores_history, "You ranked the next tokens by their own log-probability "
                "and forgot the score of the partial output they extend. A candidate's "
                "score is scores[parent] + log_probabilities[parent, token]."),
        Mistake(multiplies, "You multiplied log-probabilities. Probabilities multiply, so "
                "their logarithms *add*: scores[:, None] + log_probabilities."),
        Mistake(worst_first, "You kept the *lowest* scores. Log-probabilities are negative; "
                "the best candidates have the largest (closest to 0) totals."),
        Mistake(parent_and_token_swapped, "Parents and tokens are mixed up. In the "
                "flattened (k * V) candidates, index i comes from parent i // V and token "
                "i % V (np.divmod(i, V))."),
    ]
    return run_check("beam_step", learner, reference_beam_step, _beam_cases(3), mistakes,
                     hint="add scores[:, None] to log_probabilities, flatten, take the "
                          "indices of the `width` largest (best first), then "
                          "np.divmod(index, V) gives (parent, token).",
                     show=show, hint_requested=hint)
