"""How well a model does, broken down: by length, by position, by group, by class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rnncourse.errors import InputError


def plot_accuracy_by_length(accuracy: Mapping[str, Mapping[int, float]],
                            chance: float | None = None,
                            title: str = "Accuracy as the dependency gets longer") -> plt.Figure:
    """Plot test accuracy against sequence length, one line per model.

    Args:
        accuracy: ``{model_name: {length: accuracy}}``.
        chance: Accuracy of guessing, drawn as a dashed line.
        title: The figure title.
    """
    if not accuracy:
        raise InputError("Give the accuracy of at least one model.")
    fig, axis = plt.subplots(figsize=(6.5, 3.8))
    for name, by_length in accuracy.items():
        lengths = sorted(by_length)
        axis.plot(lengths, [by_length[length] for length in lengths], marker="o", label=name)
    if chance is not None:
        axis.axhline(chance, color="grey", linestyle="--", label="chance")
    axis.set_xlabel("sequence length")
    axis.set_ylabel("test accuracy")
    axis.set_ylim(0, 1.05)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend()
    fig.tight_layout()
    return fig


def plot_accuracy_by_position(accuracy: Mapping[str, Sequence[float] | np.ndarray],
                              ceiling: float | None = None,
                              title: str = "Accuracy at each position") -> plt.Figure:
    """Per-position token accuracy of several taggers, with an optional reference line.

    Args:
        accuracy: Model name to its accuracy at each position.
        ceiling: A horizontal line to draw (e.g. the best a one-way reader can do overall).
        title: The figure title.
    """
    if not accuracy:
        raise InputError("accuracy is empty; pass {model name: per-position accuracies}.")
    fig, axis = plt.subplots(figsize=(6.5, 3.0))
    for name, values in accuracy.items():
        values = np.asarray(values, dtype=float)
        axis.plot(np.arange(values.size), values, marker="o", label=name)
    if ceiling is not None:
        axis.axhline(ceiling, color="grey", linestyle="--", label="one-way ceiling (mean)")
    axis.set_ylim(0, 1.05)
    axis.set_xlabel("position in the sequence")
    axis.set_ylabel("accuracy")
    axis.set_title(title)
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_grouped_accuracy(reports: Mapping[str, Mapping[str, float]],
                          groups: Sequence[str] = ("others", "twins"),
                          chance: float | None = 0.5,
                          title: str = "Test accuracy by kind of sentence") -> plt.Figure:
    """Bars of accuracy per model and group (e.g. order-dependent twins vs the rest).

    Args:
        reports: Model name to ``{group: accuracy}`` (as ``accuracy_report`` returns).
        groups: Which keys of each report to draw, one bar each per model.
        chance: Draw a dashed line at this accuracy (``None``: no line).
        title: The figure title.
    """
    if not reports:
        raise InputError("reports is empty; pass {model name: {group: accuracy}}.")
    names = list(reports)
    width = 0.8 / len(groups)
    fig, axis = plt.subplots(figsize=(1.6 * len(names) + 2, 3.0))
    for offset, group in enumerate(groups):
        values = [reports[name][group] for name in names]
        axis.bar(np.arange(len(names)) + (offset - (len(groups) - 1) / 2) * width, values,
                 width, label=group)
    if chance is not None:
        axis.axhline(chance, color="grey", linestyle="--", label="chance")
    axis.set_xticks(np.arange(len(names)), names)
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("accuracy")
    axis.set_title(title)
    axis.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_accuracy_by_input_length(results: Mapping[str, Any],
                                  title: str = "Exact-match accuracy by input length"
                                  ) -> plt.Figure:
    """Grouped bars of exact-match accuracy per input-length bin, one colour per model.

    Args:
        results: ``{model_name: AccuracyByLength}`` (from
            :func:`rnncourse.models.metrics.accuracy_by_length`), all with the same bins.
        title: The figure title.
    """
    if not results:
        raise InputError("Give the accuracy-by-length result of at least one model.")
    first = next(iter(results.values()))
    for name, result in results.items():
        if not np.array_equal(result.edges, first.edges):
            raise InputError(f"Model {name!r} uses bins {list(result.edges)}, the first model "
                             f"{list(first.edges)}; compute all with the same bins.")
    fig, axis = plt.subplots(figsize=(7.5, 3.8))
    positions = np.arange(len(first.labels))
    width = 0.8 / len(results)
    for index, (name, result) in enumerate(results.items()):
        offset = (index - (len(results) - 1) / 2) * width
        axis.bar(positions + offset, np.nan_to_num(result.accuracies), width, label=name)
    axis.set_xticks(positions, [f"{label}\n(n={count})" for label, count
                                in zip(first.labels, first.counts, strict=True)])
    axis.set_xlabel("input length in characters (test examples per bin)")
    axis.set_ylabel("exact-match accuracy")
    axis.set_ylim(0, 1.05)
    axis.set_title(title)
    axis.grid(alpha=0.3, axis="y")
    axis.legend()
    fig.tight_layout()
    return fig


def plot_confusion_matrix(true_labels: Sequence[int] | np.ndarray,
                          predicted_labels: Sequence[int] | np.ndarray,
                          class_names: Sequence[str],
                          title: str = "Confusion matrix") -> plt.Figure:
    """Plot a confusion matrix: rows are true classes, columns predictions, cells counts.

    Args:
        true_labels: True class index of every example.
        predicted_labels: Predicted class index of every example (same length).
        class_names: Name of every class index.
        title: The figure title.
    """
    true_labels = np.asarray(true_labels, dtype=int)
    predicted_labels = np.asarray(predicted_labels, dtype=int)
    classes = len(class_names)
    if true_labels.shape != predicted_labels.shape or true_labels.ndim != 1:
        raise InputError("true_labels and predicted_labels must be 1-D and of the same length; "
                         f"got shapes {true_labels.shape} and {predicted_labels.shape}.")
    if true_labels.size and (min(true_labels.min(), predicted_labels.min()) < 0
                             or max(true_labels.max(), predicted_labels.max()) >= classes):
        raise InputError(f"Labels must be class indices 0 to {classes - 1} "
                         f"(one per name in class_names).")
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (true_labels, predicted_labels), 1)
    fig, axis = plt.subplots(figsize=(1.0 + 0.6 * classes, 0.8 + 0.55 * classes))
    axis.imshow(counts, cmap="Blues")
    for row in range(classes):
        for column in range(classes):
            colour = "white" if counts[row, column] > counts.max() / 2 else "black"
            axis.text(column, row, str(counts[row, column]), ha="center", va="center",
                      color=colour, fontsize=8)
    axis.set_xticks(range(classes), class_names, rotation=45, ha="right")
    axis.set_yticks(range(classes), class_names)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    axis.set_title(title)
    fig.tight_layout()
    return fig
