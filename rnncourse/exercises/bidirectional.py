"""Exercise checks for notebook 06: aligning the backward direction, pairing time steps."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check


def _align_cases(seed: int = 0) -> list[tuple]:
    rng = np.random.default_rng(seed)
    # Batch and time differ from each other and from units, so a flip along the wrong
    # axis gives different numbers (with batch 1 a flip of axis 0 would go unnoticed).
    return [(rng.normal(size=(batch, steps, units)), rng.normal(size=(batch, steps, units)))
            for batch, steps, units in ((2, 5, 3), (3, 4, 2), (4, 7, 5))]


def reference_align_and_concat(forward_states: np.ndarray,
                               backward_states: np.ndarray) -> np.ndarray:
    """Concatenate forward outputs with backward outputs flipped back to time order.

    Args:
        forward_states: ``(batch, time, units)``, step ``t`` is input step ``t``.
        backward_states: ``(batch, time, units)`` as the backward RNN produced them: its
            step ``0`` is the one that read input step ``time - 1``.

    Returns:
        ``(batch, time, 2 * units)``: forward features first, then backward ones.
    """
    return np.concatenate([forward_states, backward_states[:, ::-1]], axis=-1)


ALIGN_MISTAKES = (
    Mistake(lambda f, b: np.concatenate([f, b], axis=-1),
            "The backward outputs are still in processing order: their first step is the "
            "one that read the LAST input. Flip them along the time axis "
            "(backward_states[:, ::-1]) before concatenating."),
    Mistake(lambda f, b: np.concatenate([f, b[::-1]], axis=-1),
            "You flipped axis 0, the batch axis, which swaps examples. Time is axis 1: "
            "use backward_states[:, ::-1]."),
    Mistake(lambda f, b: np.concatenate([f, b[:, :, ::-1]], axis=-1),
            "You flipped the feature axis (the units), not time. Time is axis 1: use "
            "backward_states[:, ::-1]."),
    Mistake(lambda f, b: np.concatenate([f[:, ::-1], b], axis=-1),
            "You flipped the forward outputs; they are already in time order. Flip the "
            "backward ones instead."),
    Mistake(lambda f, b: np.concatenate([b[:, ::-1], f], axis=-1),
            "The alignment is right but the order is not: Keras puts the forward features "
            "first, then the backward ones."),
    Mistake(lambda f, b: np.concatenate([f, b[:, ::-1]], axis=1),
            "You joined along the time axis (axis 1), which makes the sequence twice as "
            "long. Concatenate along the features (axis=-1)."),
)


def check_align_and_concat(learner: Callable[[np.ndarray, np.ndarray], np.ndarray],
                           show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(forward_states, backward_states)`` against the aligned concatenation."""
    return run_check(
        "Align and concatenate the two directions",
        learner, reference_align_and_concat, _align_cases(), ALIGN_MISTAKES,
        hint="flip the backward states along time (axis 1), then np.concatenate([...], "
             "axis=-1) with the forward states first.",
        show=show, hint_requested=hint,
    )


def _pair_cases(seed: int = 1) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(batch, steps, features)),)
            for batch, steps, features in ((2, 6, 3), (3, 8, 2), (1, 4, 5))]


def reference_pair_steps(x: np.ndarray) -> np.ndarray:
    """Join steps ``2j`` and ``2j+1``: ``(batch, T, F) -> (batch, T // 2, 2 F)``.

    Output step ``j`` holds the features of input step ``2j`` followed by those of ``2j+1``.
    """
    batch, steps, features = x.shape
    return x.reshape(batch, steps // 2, 2 * features)


def _split_halves(x: np.ndarray) -> np.ndarray:
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, half:]], axis=-1)


PAIR_MISTAKES = (
    Mistake(lambda x: x[:, ::2],
            "You kept every other step and threw the rest away. A pyramid keeps all the "
            "information: join steps 2j and 2j+1 side by side, doubling the features."),
    Mistake(lambda x: (x[:, ::2] + x[:, 1::2]) / 2,
            "You averaged each pair, which halves the steps but mixes the two steps' "
            "features. Put them side by side instead, so the next layer sees both."),
    Mistake(lambda x: np.concatenate([x[:, 1::2], x[:, ::2]], axis=-1),
            "The pairs are right but each is in the wrong order: the earlier step 2j "
            "comes first, then 2j+1."),
    Mistake(_split_halves,
            "You joined step j with step j + T/2 (the two halves of the sequence), not "
            "neighbours. Pair consecutive steps 2j and 2j+1, e.g. with one reshape to "
            "(batch, T // 2, 2 * features)."),
)


def check_pair_steps(learner: Callable[[np.ndarray], np.ndarray],
                     show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(x)``, the pyramid's step pairing, against the reference."""
    return run_check(
        "Pair consecutive time steps",
        learner, reference_pair_steps, _pair_cases(), PAIR_MISTAKES,
        hint="x.reshape(batch, steps // 2, 2 * features) puts steps 2j and 2j+1 side by "
             "side, because a step's features are contiguous in memory.",
        show=show, hint_requested=hint,
    )
