"""Decoding loops that work with any model: greedy search and beam search.

Both take a ``step`` function, ``step(previous_tokens (B,), states) -> (log_probabilities
(B, V), new_states)``, and the initial states (an encoder's context, say), so the plain
encoder-decoder and the attention model share them. Both are pure NumPy.

Outputs of a fixed length (an ISO date has ten characters) need no end token. Outputs of
different lengths end with one (``end_id``): greedy search then stops an example once it
has written the end token, and beam search moves every hypothesis that ends into a pool
of **finished hypotheses** kept aside, while the beam carries on with the ``beam_width``
best unfinished ones. Finished hypotheses of different lengths are compared by their
log-probability divided by ``length ** length_penalty`` (:func:`length_normalised`):
a plain sum favours short outputs, since every extra token adds a negative number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnncourse.errors import InputError, ShapeError
from rnncourse.validation import MAX_LENGTH, as_float, as_int, require_callable

__all__ = ["BeamResult", "StepFunction", "beam_search", "greedy_search", "length_normalised"]

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


def _check_end(end_id: int | None, pad_id: int, start_id: int) -> int | None:
    pad_id = as_int("pad_id", pad_id, minimum=0, maximum=2**31 - 1)
    if end_id is None:
        return None
    end_id = as_int("end_id", end_id, minimum=0, maximum=2**31 - 1)
    if end_id in (pad_id, start_id):
        raise InputError(f"end_id={end_id} must differ from the padding id ({pad_id}) and "
                         f"the start id ({start_id}): give the codec's end token id.")
    return end_id


def length_normalised(log_probability: np.ndarray | float, length: np.ndarray | int,
                      length_penalty: float) -> np.ndarray:
    """The score beam search ranks finished hypotheses by: ``log p / length ** alpha``.

    ``length_penalty`` (``alpha``) 0 keeps the plain summed log-probability, which favours
    short outputs (each token adds a negative number); 1 divides by the length, giving the
    mean log-probability per token; values in between (0.6 to 0.8 are common) compromise.

    Args:
        log_probability: Summed log-probabilities (``<= 0``).
        length: The number of tokens each was summed over (the end token included).
        length_penalty: ``alpha >= 0``.
    """
    alpha = as_float("length_penalty", length_penalty)
    if alpha < 0:
        raise InputError(f"length_penalty must be 0 or more; got {alpha}.")
    length = np.asarray(length, dtype=float)
    if np.any(length < 1):
        raise InputError("Every length must be at least 1 token.")
    return np.asarray(log_probability, dtype=float) / length ** alpha


def greedy_search(step: StepFunction, states: list[np.ndarray], start_id: int,
                  length: int, *, end_id: int | None = None,
                  pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with any ``step`` function: feed back the most likely token.

    Args:
        step: ``step(previous (B,), states) -> (log_probabilities (B, V), states)``.
        states: Initial states, batch first (e.g. the encoder's ``[h, c]``).
        start_id: The token fed at the first step.
        length: The most tokens to produce.
        end_id: The end token, for outputs of different lengths: an example that has
            written it is finished (its later positions hold ``pad_id`` and add nothing
            to its score), and the loop stops when every example is. ``None``: every
            output has ``length`` tokens.
        pad_id: What fills an output after its end token.

    Returns:
        ``(tokens, scores)``: ids ``(batch, length)`` and the summed log-probabilities
        of those tokens ``(batch,)`` (up to and including the end token).
    """
    batch = _check_search(states, length)
    require_callable("step", step)
    start_id = as_int("start_id", start_id, minimum=0, maximum=2**31 - 1)
    end_id = _check_end(end_id, pad_id, start_id)
    previous = np.full(batch, start_id, dtype="int32")
    tokens = np.full((batch, int(length)), pad_id, dtype="int32")
    scores = np.zeros(batch)
    finished = np.zeros(batch, dtype=bool)
    for t in range(int(length)):
        log_probabilities, states = step(previous, states)
        chosen = log_probabilities.argmax(axis=-1).astype("int32")
        alive = ~finished
        scores[alive] += log_probabilities[np.arange(batch), chosen][alive]
        tokens[alive, t] = chosen[alive]
        previous = np.where(alive, chosen, pad_id).astype("int32")
        if end_id is not None:
            finished |= chosen == end_id
            if finished.all():
                break
    return tokens, scores


@dataclass
class BeamResult:
    """What :func:`beam_search` returns, best first for every example.

    Attributes:
        sequences: ``(batch, beam_width, length)`` token ids; ``[:, 0]`` is the best.
            With an end token, each hypothesis is followed by padding.
        scores: ``(batch, beam_width)`` the scores the hypotheses were ranked by,
            descending per row: summed log-probabilities, divided by ``length **
            length_penalty`` when a length penalty was given.
        log_probabilities: ``(batch, beam_width)`` summed log-probabilities (the same as
            ``scores`` without a length penalty); ``None`` means equal to ``scores``.
        lengths: ``(batch, beam_width)`` tokens per hypothesis (the end token included);
            ``None`` means every hypothesis has the full length.
        finished: ``(batch, beam_width)`` True where the hypothesis ended with the end
            token (False for one cut off at the length limit); ``None`` without an end token.
    """

    sequences: np.ndarray
    scores: np.ndarray
    log_probabilities: np.ndarray | None = None
    lengths: np.ndarray | None = None
    finished: np.ndarray | None = None

    @property
    def best(self) -> np.ndarray:
        """The best sequence of every example, ``(batch, length)``."""
        return self.sequences[:, 0]


def beam_search(step: StepFunction, states: list[np.ndarray], start_id: int, length: int,
                beam_width: int = 3, *, end_id: int | None = None,
                length_penalty: float = 0.0, pad_id: int = 0) -> BeamResult:
    """Beam search with any ``step`` function, batched over examples.

    At every step each of the ``beam_width`` partial outputs of an example is extended
    by every token; the ``beam_width`` extensions with the highest total log-probability
    (parent score plus the new token's log-probability) survive. Width 1 is greedy
    decoding.

    Without ``end_id`` every output has ``length`` tokens. With it, an extension by the end
    token is a *finished hypothesis*: it leaves the beam and joins a pool kept aside for
    its example (the pool keeps the ``beam_width`` best by :func:`length_normalised`
    score), while the beam goes on with the best unfinished extensions. Hypotheses still
    unfinished after ``length`` tokens join the pool as they are (``finished`` False).
    An example stops early once its pool is full and no unfinished hypothesis could still
    beat the worst one in it (log-probabilities only fall as tokens are added); the loop
    stops when every example has.

    Args:
        step: ``step(previous (B,), states) -> (log_probabilities (B, V), states)``.
        states: Initial states, batch first (e.g. the encoder's ``[h, c]``).
        start_id: The token fed at the first step.
        length: The most tokens to produce.
        beam_width: Partial outputs kept per example (and finished ones returned).
        end_id: The end token, for outputs of different lengths (``None``: fixed length).
        length_penalty: ``alpha`` of :func:`length_normalised`; only used with ``end_id``.
        pad_id: What fills a finished hypothesis after its end token.

    Returns:
        A :class:`BeamResult`, hypotheses sorted by score, best first.
    """
    batch = _check_search(states, length)
    require_callable("step", step)
    width = as_int("beam_width", beam_width, minimum=1, maximum=1000)
    start_id = as_int("start_id", start_id, minimum=0, maximum=2**31 - 1)
    end_id = _check_end(end_id, pad_id, start_id)
    length_normalised(0.0, 1, length_penalty)  # validates the penalty
    length = int(length)
    # Row b * width + k holds beam k of example b. At the start only beam 0 is alive.
    states = [np.repeat(state, width, axis=0) for state in states]
    previous = np.full(batch * width, start_id, dtype="int32")
    scores = np.tile(np.r_[0.0, np.full(width - 1, -np.inf)], batch).reshape(batch, width)
    sequences = np.zeros((batch, width, 0), dtype="int32")
    rows = np.arange(batch)[:, None]
    pool = _Pool(batch, width, length, pad_id) if end_id is not None else None
    for t in range(length):
        log_probabilities, states = step(previous, states)
        vocab = log_probabilities.shape[-1]
        candidates = scores[:, :, None] + log_probabilities.reshape(batch, width, vocab)
        if pool is not None:
            if not 0 <= end_id < vocab:
                raise InputError(f"end_id={end_id} is not one of the {vocab} tokens the "
                                 "step function scores.")
            ended = np.concatenate([sequences, np.full((batch, width, 1), end_id)], axis=2)
            pool.add(ended, candidates[:, :, end_id], t + 1, True, length_penalty)
            candidates[:, :, end_id] = -np.inf  # an ended hypothesis leaves the beam
        flat = candidates.reshape(batch, width * vocab)
        # Stable sort on the negated scores: ties keep the lower (parent, token) index.
        order = np.argsort(-flat, axis=1, kind="stable")[:, :width]
        parents, tokens = np.divmod(order, vocab)
        scores = flat[rows, order]
        sequences = np.concatenate([sequences[rows, parents], tokens[:, :, None]], axis=2)
        if pool is not None:
            if t == length - 1:  # out of room: the unfinished join the pool as they are
                pool.add(sequences, scores, length, False, length_penalty)
                break
            # The best any unfinished hypothesis can still reach (its log-probability can
            # only fall; the longest length divides it the most).
            pool.close_examples(length_normalised(np.minimum(scores.max(axis=1), 0.0),
                                                  length, length_penalty))
            if pool.closed.all():
                break
        flat_parents = (rows * width + parents).reshape(-1)
        states = [state[flat_parents] for state in states]
        previous = tokens.reshape(-1).astype("int32")
    if pool is None:
        return BeamResult(sequences=sequences, scores=scores)
    return pool.result()


class _Pool:
    """The finished hypotheses of every example, best ``width`` by normalised score."""

    def __init__(self, batch: int, width: int, length: int, pad_id: int) -> None:
        self.width, self.length, self.pad_id = width, length, pad_id
        self.sequences = np.full((batch, width, length), pad_id, dtype="int32")
        self.scores = np.full((batch, width), -np.inf)
        self.log_probabilities = np.full((batch, width), -np.inf)
        self.lengths = np.zeros((batch, width), dtype=int)
        self.finished = np.zeros((batch, width), dtype=bool)
        self.closed = np.zeros(batch, dtype=bool)

    def add(self, sequences: np.ndarray, log_probabilities: np.ndarray, length: int,
            finished: bool, length_penalty: float) -> None:
        batch, width = log_probabilities.shape
        padded = np.full((batch, width, self.length), self.pad_id, dtype="int32")
        padded[:, :, :sequences.shape[2]] = sequences
        new_scores = np.where(np.isfinite(log_probabilities),
                              length_normalised(np.nan_to_num(log_probabilities, neginf=0.0),
                                                length, length_penalty), -np.inf)
        merged = {
            "sequences": np.concatenate([self.sequences, padded], axis=1),
            "scores": np.concatenate([self.scores, new_scores], axis=1),
            "log_probabilities": np.concatenate([self.log_probabilities, log_probabilities],
                                                axis=1),
            "lengths": np.concatenate([self.lengths, np.full((batch, width), length)], axis=1),
            "finished": np.concatenate([self.finished, np.full((batch, width), finished)],
                                       axis=1),
        }
        order = np.argsort(-merged["scores"], axis=1, kind="stable")[:, :self.width]
        rows = np.arange(batch)[:, None]
        keep = ~self.closed[:, None]
        for name, values in merged.items():
            chosen = values[rows, order]
            current = getattr(self, name)
            mask = keep[:, :, None] if current.ndim == 3 else keep
            setattr(self, name, np.where(mask, chosen, current))

    def close_examples(self, best_reachable: np.ndarray) -> None:
        """Close the examples whose pool is full and beyond the reach of the live beam."""
        full = np.isfinite(self.scores[:, -1])
        self.closed |= full & (best_reachable <= self.scores[:, -1])

    def result(self) -> BeamResult:
        return BeamResult(sequences=self.sequences, scores=self.scores,
                          log_probabilities=self.log_probabilities, lengths=self.lengths,
                          finished=self.finished)
