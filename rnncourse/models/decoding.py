"""Decoding loops that work with any model: greedy search and beam search.

Both take a ``step`` function, ``step(previous_tokens (B,), states) -> (log_probabilities
(B, V), new_states)``, and the initial states (an encoder's context, say), so the plain
encoder-decoder and the attention model share them. Both are pure NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnncourse.errors import ShapeError
from rnncourse.validation import MAX_LENGTH, as_int, require_callable

__all__ = ["BeamResult", "StepFunction", "beam_search", "greedy_search"]

StepFunction = Callable[[np.ndarray, list[np.ndarray]], tuple[np.ndarray, list[np.ndarray]]]
"""``step(previous_tokens (B,), states) -> (log_probabilities (B, V), new_states)``; every
state array has the batch as its first axis."""


def _check_search(states: list[np.ndarray], length: int) -> int:
    if isinstance(states, np.ndarray) or not isinstance(states, list | tuple) or not states:
        raise ShapeError("states must be a non-empty list of initial state arrays, batch "
                         "first (e.g. an encoder's [h, c]).")
    if not all(isinstance(state, np.ndarray) and state.ndim >= 1 for state in states):
        raise ShapeError("Every initial state must be a NumPy array with the batch first.")
    batch = len(states[0])
    if any(len(state) != batch for state in states):
        raise ShapeError("Every initial state must have the same batch size.")
    as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    return batch


def greedy_search(step: StepFunction, states: list[np.ndarray], start_id: int,
                  length: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with any ``step`` function: feed back the most likely token.

    Returns:
        ``(tokens, scores)``: ids ``(batch, length)`` and the summed log-probabilities
        of those tokens ``(batch,)``.
    """
    batch = _check_search(states, length)
    require_callable("step", step)
    start_id = as_int("start_id", start_id, minimum=0, maximum=2**31 - 1)
    previous = np.full(batch, start_id, dtype="int32")
    tokens, scores = [], np.zeros(batch)
    for _ in range(int(length)):
        log_probabilities, states = step(previous, states)
        previous = log_probabilities.argmax(axis=-1).astype("int32")
        scores += log_probabilities[np.arange(batch), previous]
        tokens.append(previous)
    return np.stack(tokens, axis=1), scores


@dataclass
class BeamResult:
    """What :func:`beam_search` returns, best first for every example.

    Attributes:
        sequences: ``(batch, beam_width, length)`` token ids; ``[:, 0]`` is the best.
        scores: ``(batch, beam_width)`` summed log-probabilities, descending per row.
    """

    sequences: np.ndarray
    scores: np.ndarray

    @property
    def best(self) -> np.ndarray:
        """The best sequence of every example, ``(batch, length)``."""
        return self.sequences[:, 0]


def beam_search(step: StepFunction, states: list[np.ndarray], start_id: int, length: int,
                beam_width: int = 3) -> BeamResult:
    """Beam search with any ``step`` function, batched over examples.

    At every step each of the ``beam_width`` partial outputs of an example is extended
    by every token; the ``beam_width`` extensions with the highest total log-probability
    (parent score plus the new token's log-probability) survive. Width 1 is greedy
    decoding. Outputs have a fixed ``length`` (no end token).

    Args:
        step: ``step(previous (B,), states) -> (log_probabilities (B, V), states)``.
        states: Initial states, batch first (e.g. the encoder's ``[h, c]``).
        start_id: The token fed at the first step.
        length: Number of tokens to produce.
        beam_width: Partial outputs kept per example.

    Returns:
        A :class:`BeamResult`, sequences sorted by score, best first.
    """
    batch = _check_search(states, length)
    require_callable("step", step)
    width = as_int("beam_width", beam_width, minimum=1, maximum=1000)
    start_id = as_int("start_id", start_id, minimum=0, maximum=2**31 - 1)
    # Row b * width + k holds beam k of example b. At the start only beam 0 is alive.
    states = [np.repeat(state, width, axis=0) for state in states]
    previous = np.full(batch * width, start_id, dtype="int32")
    scores = np.tile(np.r_[0.0, np.full(width - 1, -np.inf)], batch).reshape(batch, width)
    sequences = np.zeros((batch, width, 0), dtype="int32")
    rows = np.arange(batch)[:, None]
    for _ in range(int(length)):
        log_probabilities, states = step(previous, states)
        vocab = log_probabilities.shape[-1]
        candidates = scores[:, :, None] + log_probabilities.reshape(batch, width, vocab)
        flat = candidates.reshape(batch, width * vocab)
        # Stable sort on the negated scores: ties keep the lower (parent, token) index.
        order = np.argsort(-flat, axis=1, kind="stable")[:, :width]
        parents, tokens = np.divmod(order, vocab)
        scores = flat[rows, order]
        sequences = np.concatenate([sequences[rows, parents], tokens[:, :, None]], axis=2)
        flat_parents = (rows * width + parents).reshape(-1)
        states = [state[flat_parents] for state in states]
        previous = tokens.reshape(-1).astype("int32")
    return BeamResult(sequences=sequences, scores=scores)
