"""An interactive alignment viewer: pick an example, see where each output character looked.

:func:`alignment_viewer` shows a menu of examples (input, prediction, right or wrong) and
redraws the attention heatmap of the chosen one. Without widgets (a plain Python process,
``RNNCOURSE_STATIC_PLOTS=1``, a static notebook viewer) it draws the first example of the
menu once, through :func:`rnncourse.visuals.widgets.interactive_plot`, which sizes the menu to
its longest label (labels such as ``"5: the seventeenth of August, twenty twenty-two ->
2022-08-17 (right)"`` are never cut), shows the panel once, and leaves the first heatmap in
saved outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rnncourse.errors import InputError, OutOfRangeError
from rnncourse.visuals.heatmaps import plot_attention_heatmap
from rnncourse.visuals.widgets import interactive_plot


def example_labels(sources: Sequence[str], predictions: Sequence[str],
                   expected: Sequence[str] | None = None) -> list[str]:
    """Menu labels such as ``"3: 3 March 2009 -> 2009-03-03 (right)"``, one per example."""
    if len(predictions) != len(sources) or (expected is not None
                                            and len(expected) != len(sources)):
        raise InputError(f"Got {len(sources)} sources, {len(predictions)} predictions and "
                         f"{'no' if expected is None else len(expected)} expected outputs; "
                         "give one of each per example.")
    labels = []
    for index, (source, predicted) in enumerate(zip(sources, predictions, strict=True)):
        verdict = "" if expected is None else \
            (" (right)" if predicted == expected[index] else f" (wrong, want {expected[index]})")
        labels.append(f"{index}: {source} -> {predicted}{verdict}")
    return labels


def draw_alignment(weights: np.ndarray, sources: Sequence[str], predictions: Sequence[str],
                   index: int, expected: Sequence[str] | None = None) -> plt.Figure:
    """The attention heatmap of example ``index`` (input characters across, output down)."""
    weights = np.asarray(weights)
    if weights.ndim != 3 or len(weights) != len(sources):
        raise InputError(f"weights must have shape (examples, Ty, Tx) with one row per "
                         f"source; got {weights.shape} for {len(sources)} sources.")
    if not 0 <= index < len(sources):
        raise OutOfRangeError(f"Example {index} does not exist; pick 0 to {len(sources) - 1}.")
    title = f"{sources[index]!r} -> {predictions[index]}"
    if expected is not None and predictions[index] != expected[index]:
        title += f" (wrong, want {expected[index]})"
    return plot_attention_heatmap(weights[index], list(sources[index]),
                                  list(predictions[index]), title=title)


def alignment_viewer(weights: np.ndarray, sources: Sequence[str], predictions: Sequence[str],
                     expected: Sequence[str] | None = None, *,
                     choices: Sequence[int] | None = None) -> Any:
    """Pick an example from a menu and see its attention heatmap (static: the first choice).

    Args:
        weights: ``(examples, Ty, Tx)`` attention weights.
        sources: The input texts, one per example.
        predictions: The model's outputs, one string per example (``Ty`` characters).
        expected: The right outputs, to mark wrong predictions (optional).
        choices: Which example indices the menu offers, in order (default: the first 30).

    Returns:
        The ipywidgets panel, or the static figure.
    """
    labels = example_labels(sources, predictions, expected)
    choices = list(range(min(30, len(sources)))) if choices is None else list(choices)
    if not choices:
        raise InputError("choices is empty; offer at least one example index.")
    for index in choices:
        if not 0 <= index < len(sources):
            raise OutOfRangeError(f"Example {index} does not exist; pick 0 to {len(sources) - 1}.")
    by_label = {labels[index]: index for index in choices}

    def draw(example: str) -> plt.Figure:
        return draw_alignment(weights, sources, predictions, by_label[example], expected)

    return interactive_plot(draw, example=list(by_label))
