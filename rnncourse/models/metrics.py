"""Scores of a model's outputs: exact match, accuracy by input length, per-item and
per-token accuracy, and the beam search error analysis.

All NumPy; they take predictions as strings or id arrays, so every model can use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError

__all__ = ["AccuracyByLength", "BeamErrorAnalysis", "accuracy_by_length", "beam_error_analysis",
           "exact_match_accuracy", "item_accuracy", "item_hits", "mean_by_group",
           "token_accuracy"]


def _as_strings(name: str, values: Sequence | np.ndarray) -> list:
    if isinstance(values, str):
        raise InputError(f"{name} must be a list of outputs, not one string; wrap it: "
                         f"[{values!r}].")
    if not isinstance(values, Sequence | np.ndarray):
        raise ArgumentTypeError(f"{name} must be a list of outputs (strings) or an (n, steps) "
                                f"id array; got {type(values).__name__}.")
    array_like = isinstance(values, np.ndarray)
    return [tuple(row.tolist()) if array_like else row for row in values]


def _check_same_kind(predicted: list, expected: list) -> None:
    """Refuse to compare token-id rows with strings: every pair would silently differ."""
    kinds = {("text" if isinstance(item, str) else "ids") for item in [*predicted, *expected]}
    if len(kinds) > 1:
        which = {"predicted": {("text" if isinstance(p, str) else "ids") for p in predicted},
                 "expected": {("text" if isinstance(e, str) else "ids") for e in expected}}
        raise InputError(
            f"predicted holds {'/'.join(sorted(which['predicted']))} and expected holds "
            f"{'/'.join(sorted(which['expected']))}: compare the same kind of outputs. decode "
            "the ids to text first (e.g. codec.decode_targets(ids)), or compare id arrays "
            "with id arrays.")


def exact_match_accuracy(predicted: Sequence | np.ndarray,
                         expected: Sequence | np.ndarray) -> float:
    """Fraction of outputs that are entirely right (every character), in ``[0, 1]``.

    Accepts lists of strings or ``(n, steps)`` id arrays. One wrong character makes the
    whole date wrong, unlike the per-character accuracy Keras reports while training.
    """
    predicted, expected = _as_strings("predicted", predicted), _as_strings("expected",
                                                                            expected)
    _check_same_kind(predicted, expected)
    if len(predicted) != len(expected):
        raise InputError(f"{len(predicted)} predictions for {len(expected)} expected "
                         "outputs; give one prediction per example.")
    if not expected:
        raise InputError("No outputs to score; give at least one example.")
    return float(np.mean([p == e for p, e in zip(predicted, expected, strict=True)]))


@dataclass
class AccuracyByLength:
    """Exact-match accuracy of the examples whose input length falls in each bin.

    Attributes:
        edges: Bin edges; bin ``i`` holds lengths ``edges[i] <= length < edges[i + 1]``.
        counts: Examples per bin.
        accuracies: Exact-match accuracy per bin (``nan`` for an empty bin).
    """

    edges: np.ndarray
    counts: np.ndarray
    accuracies: np.ndarray

    @property
    def labels(self) -> list[str]:
        """Bin names such as ``"6-9"`` (inclusive lengths)."""
        return [f"{low}-{high - 1}" for low, high in zip(self.edges[:-1], self.edges[1:],
                                                         strict=True)]

    @property
    def centres(self) -> np.ndarray:
        """The middle length of each bin, for plotting."""
        return (self.edges[:-1] + self.edges[1:] - 1) / 2

    def as_dict(self) -> dict[float, float]:
        """``{bin centre: accuracy}`` of the non-empty bins (for line plots)."""
        return {float(c): float(a) for c, a, n in zip(self.centres, self.accuracies,
                                                      self.counts, strict=True) if n}


def accuracy_by_length(texts: Sequence[str], predicted: Sequence | np.ndarray,
                       expected: Sequence | np.ndarray,
                       bins: Sequence[int]) -> AccuracyByLength:
    """Exact-match accuracy grouped by the length of the input text.

    Args:
        texts: The input texts (their lengths are binned).
        predicted, expected: Outputs as for :func:`exact_match_accuracy`.
        bins: Increasing bin edges; lengths outside ``[bins[0], bins[-1])`` raise.
    """
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise InputError("texts must be a list of the input texts, one per example.")
    try:
        if isinstance(bins, str) or not isinstance(bins, Sequence | np.ndarray):
            raise TypeError
        edges = np.asarray(bins, dtype=int)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"bins must be increasing whole-number edges such as [0, 10, 20]; "
                         f"got {bins!r:.40}.") from None
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise InputError(f"bins must be at least two increasing edges; got {list(bins)}.")
    predicted, expected = _as_strings("predicted", predicted), _as_strings("expected",
                                                                            expected)
    _check_same_kind(predicted, expected)
    if not len(texts) == len(predicted) == len(expected):
        raise InputError(f"Got {len(texts)} texts, {len(predicted)} predictions and "
                         f"{len(expected)} expected outputs; give one of each per example.")
    if not all(isinstance(text, str) for text in texts):
        raise ArgumentTypeError("texts must all be strings (the inputs, to measure their "
                                "length).")
    lengths = np.array([len(text) for text in texts])
    if lengths.size and (lengths.min() < edges[0] or lengths.max() >= edges[-1]):
        raise InputError(f"Input lengths run from {lengths.min()} to {lengths.max()}, "
                         f"outside the bins [{edges[0]}, {edges[-1]}); widen the bins.")
    correct = np.array([p == e for p, e in zip(predicted, expected, strict=True)], dtype=float)
    which = np.searchsorted(edges, lengths, side="right") - 1
    counts = np.bincount(which, minlength=len(edges) - 1)
    hits = np.bincount(which, weights=correct, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracies = np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)
    return AccuracyByLength(edges=edges, counts=counts, accuracies=accuracies)


def token_accuracy(probabilities: np.ndarray, tags: np.ndarray,
                   where: np.ndarray | None = None) -> float:
    """Share of tokens whose most probable tag is right, optionally only ``where`` is True.

    Args:
        probabilities: Model outputs ``(examples, time, classes)``.
        tags: True tags ``(examples, time)``.
        where: Optional boolean mask ``(examples, time)`` of the tokens to score.
    """
    probabilities, tags = np.asarray(probabilities), np.asarray(tags)
    if probabilities.shape[:-1] != tags.shape:
        raise ShapeError(f"probabilities {probabilities.shape} must be tags {tags.shape} "
                         "plus a class axis; predict on the same examples you score.")
    correct = probabilities.argmax(axis=-1) == tags
    if where is not None:
        where = np.asarray(where, dtype=bool)
        if where.shape != tags.shape or not where.any():
            raise InputError("where must be a boolean mask shaped like tags with at least "
                             "one True entry.")
        correct = correct[where]
    return float(correct.mean())


def item_hits(predicted: Sequence[str], expected: Sequence[str],
              separator: str = " ") -> np.ndarray:
    """Which expected items each prediction got right in place: ``(n, most items)``.

    An answer that lists several items (the ISO dates of a list, ``"2009-03-03
    1990-07-14"``) is split at ``separator``; entry ``[i, j]`` is 1.0 when prediction ``i``
    has expected item ``j`` at place ``j``, 0.0 when it does not (a prediction with too few
    items misses the rest), and ``nan`` where example ``i`` has fewer than ``j + 1`` items.
    """
    predicted, expected = _as_strings("predicted", predicted), _as_strings("expected",
                                                                            expected)
    if not all(isinstance(item, str) for item in [*predicted, *expected]):
        raise InputError("item_hits compares texts: decode the ids first "
                         "(codec.decode_targets(ids)).")
    if len(predicted) != len(expected):
        raise InputError(f"{len(predicted)} predictions for {len(expected)} expected "
                         "outputs; give one prediction per example.")
    if not expected:
        raise InputError("No outputs to score; give at least one example.")
    if not isinstance(separator, str) or not separator:
        raise InputError("separator must be a non-empty string, such as ' '.")
    wanted = [answer.split(separator) for answer in expected]
    hits = np.full((len(expected), max(len(items) for items in wanted)), np.nan)
    for row, (guess, items) in enumerate(zip(predicted, wanted, strict=True)):
        got = guess.split(separator)
        hits[row, :len(items)] = [j < len(got) and got[j] == item for j, item in enumerate(items)]
    return hits


def item_accuracy(predicted: Sequence[str], expected: Sequence[str],
                  separator: str = " ") -> np.ndarray:
    """Per example, the share of the expected items that the prediction got right in place.

    See :func:`item_hits`; extra predicted items cost nothing here (exact match catches
    them). Unlike exact match of the whole answer, which falls with the number of items
    even when every item is equally hard (``p ** k``), this measures how well each item
    comes through.

    Returns:
        ``(n,)`` shares in ``[0, 1]``.
    """
    return np.nanmean(item_hits(predicted, expected, separator), axis=1)


def mean_by_group(values: Sequence[float] | np.ndarray,
                  groups: Sequence | np.ndarray) -> dict:
    """``{group: mean of the values in it}``, groups in sorted order (e.g. per list size)."""
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    if values.shape != groups.shape or values.ndim != 1 or not values.size:
        raise InputError(f"values and groups must be 1-D, non-empty and of the same length; "
                         f"got shapes {values.shape} and {groups.shape}.")
    return {group.item() if hasattr(group, "item") else group: float(values[groups == group].mean())
            for group in np.unique(groups)}


@dataclass
class BeamErrorAnalysis:
    """Whose fault each wrong output is: the search's or the model's.

    For every wrong output the model's own score of the right answer is compared with its
    score of the output the search chose. If the right answer scores *higher*, the model
    would have preferred it and the search missed it: a **search error** (a wider beam
    may fix it). If it scores lower, the model really prefers the wrong output: a
    **model error** (no search can fix it; the model, its data or its training must change).

    Attributes:
        wrong: Number of wrong outputs analysed.
        search_errors: Wrong outputs whose right answer the model scores higher.
        model_errors: Wrong outputs the model scores at least as high as the right answer.
        margins: ``(wrong,)`` right-answer score minus chosen score (positive: search error).
    """

    wrong: int
    search_errors: int
    model_errors: int
    margins: np.ndarray

    @property
    def search_share(self) -> float:
        """The share of the wrong outputs that are search errors (``nan`` if none is wrong)."""
        return self.search_errors / self.wrong if self.wrong else float("nan")


def beam_error_analysis(chosen_scores: Sequence[float] | np.ndarray,
                        right_scores: Sequence[float] | np.ndarray,
                        correct: Sequence[bool] | np.ndarray,
                        tolerance: float = 1e-4) -> BeamErrorAnalysis:
    """Split the wrong outputs into search errors and model errors (see the class).

    Args:
        chosen_scores: ``(n,)`` the model's score of the output the search chose (the
            beam's own score, e.g. ``beam.scores[:, 0]``).
        right_scores: ``(n,)`` the model's score of the right answer, on the same scale
            (the same length penalty), e.g. from
            :func:`rnncourse.models.seq2seq.sequence_log_probability`.
        correct: ``(n,)`` True where the chosen output is right (those are skipped).
        tolerance: Score differences this small count as a tie (a model error): the
            two scores come from different computations and differ by rounding.
    """
    chosen = np.asarray(chosen_scores, dtype=float)
    right = np.asarray(right_scores, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    if not chosen.shape == right.shape == correct.shape or chosen.ndim != 1:
        raise InputError(f"chosen_scores, right_scores and correct must be 1-D and of the same "
                         f"length; got shapes {chosen.shape}, {right.shape} and "
                         f"{correct.shape}.")
    margins = (right - chosen)[~correct]
    search = int((margins > tolerance).sum())
    return BeamErrorAnalysis(wrong=int(margins.size), search_errors=search,
                             model_errors=int(margins.size) - search, margins=margins)
