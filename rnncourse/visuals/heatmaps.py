"""Heatmaps: attention weights (output steps against input steps) and gate activations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from rnncourse.errors import InputError


def plot_attention_heatmap(weights: np.ndarray, input_tokens: Sequence[str],
                           output_tokens: Sequence[str], title: str = "",
                           axis: plt.Axes | None = None) -> plt.Figure:
    """Draw attention weights as a heatmap: output characters down, input characters across.

    Args:
        weights: ``(Ty, Tx)`` weights of one example; row ``t`` is where output step ``t``
            looked. Columns beyond ``len(input_tokens)`` (padding) are left out.
        input_tokens: The input characters, one per column.
        output_tokens: The output characters, one per row.
        title: The figure title.
        axis: Draw into this axis instead of a new figure.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise InputError(f"weights must be one example's (Ty, Tx) matrix; got shape "
                         f"{weights.shape}. Index the batch first: weights[i].")
    if len(output_tokens) != weights.shape[0] or len(input_tokens) > weights.shape[1]:
        raise InputError(f"{len(output_tokens)} output and {len(input_tokens)} input tokens "
                         f"do not fit weights of shape {weights.shape}: one output token per "
                         "row and at most one input token per column.")
    weights = weights[:, :len(input_tokens)]
    if axis is None:
        fig, axis = plt.subplots(figsize=(max(4.0, 0.22 * len(input_tokens) + 1.5), 3.6))
    else:
        fig = axis.figure
    image = axis.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    axis.set_xticks(range(len(input_tokens)))
    axis.set_xticklabels(["␣" if token == " " else token for token in input_tokens],
                         fontsize=8)
    axis.set_yticks(range(len(output_tokens)))
    axis.set_yticklabels(list(output_tokens), fontsize=9)
    axis.set_xlabel("input character")
    axis.set_ylabel("output character")
    if title:
        axis.set_title(title)
    fig.colorbar(image, ax=axis, fraction=0.03, pad=0.02, label="attention weight")
    fig.tight_layout()
    return fig


_GATE_RANGE_NAMES = ("gate",)  # panels whose name contains this are drawn on [0, 1]


def plot_gate_heatmap(panels: Mapping[str, np.ndarray], text: str,
                      unit_ids: Sequence[int] | None = None,
                      title: str = "Gate activations over the text") -> plt.Figure:
    """Heatmaps of gate activations: one panel per gate, characters along the bottom.

    Args:
        panels: ``{name: activations}``, each ``(steps, units)``. A name containing
            "gate" is drawn on the fixed range 0 (closed) to 1 (open); anything else
            (candidate, cell or hidden state) on a symmetric range around 0.
        text: The characters read, one per step (spaces are drawn as a visible mark).
        unit_ids: Labels for the rows (the units' indices in the layer).
        title: The figure title.

    Returns:
        The figure; rows are units, columns are time steps.
    """
    if not panels:
        raise InputError("Give at least one panel, e.g. {'forget gate': activations}.")
    shapes = {np.shape(values) for values in panels.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise InputError(f"Every panel must be one (steps, units) array; got shapes {shapes}.")
    steps, units = next(iter(shapes))
    if len(text) != steps:
        raise InputError(f"text has {len(text)} characters but the panels have {steps} steps.")
    labels = list(unit_ids) if unit_ids is not None else list(range(units))
    if len(labels) != units:
        raise InputError(f"unit_ids has {len(labels)} labels for {units} units.")
    fig, axes = plt.subplots(len(panels), 1, squeeze=False,
                             figsize=(max(6.0, 0.22 * steps + 2), 0.25 * units * len(panels)
                                      + 1.2 * len(panels) + 0.6))
    for axis, (name, values) in zip(axes[:, 0], panels.items(), strict=True):
        values = np.asarray(values, dtype=float)
        if any(word in name for word in _GATE_RANGE_NAMES):
            image = axis.imshow(values.T, aspect="auto", cmap="viridis", vmin=0, vmax=1)
        else:
            limit = max(float(np.abs(values).max()), 1e-6)
            image = axis.imshow(values.T, aspect="auto", cmap="RdBu_r", vmin=-limit,
                                vmax=limit)
        axis.set_xticks(range(steps))
        axis.set_xticklabels(["\u2423" if c == " " else c for c in text], fontsize=8,
                             fontfamily="monospace")
        axis.set_yticks(range(units))
        axis.set_yticklabels(labels, fontsize=7)
        axis.set_ylabel(f"{name}\nunit", fontsize=9)
        fig.colorbar(image, ax=axis, fraction=0.025, pad=0.01)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_series_snapshot(snapshot: np.ndarray, future: np.ndarray | None = None,
                         title: str = "One snapshot: series (rows) over days (columns)"
                         ) -> plt.Figure:
    """Draw a window of many series as an image, optionally with the target's next values.

    Args:
        snapshot: ``(series, days)`` or ``(series, days, 1)`` values, the input of a CNN.
        future: Optional values of the last series on the days after the window, drawn as
            extra columns beyond a dashed line.
        title: The figure title.
    """
    snapshot = np.asarray(snapshot, dtype=float)
    if snapshot.ndim == 3 and snapshot.shape[-1] == 1:
        snapshot = snapshot[..., 0]
    if snapshot.ndim != 2 or snapshot.size == 0:
        raise InputError(f"snapshot should be (series, days[, 1]); got shape {snapshot.shape}.")
    series, days = snapshot.shape
    shown = snapshot
    if future is not None:
        future = np.asarray(future, dtype=float).reshape(-1)
        extra = np.full((series, future.size), np.nan)
        extra[-1] = future
        shown = np.concatenate([snapshot, extra], axis=1)
    limit = np.nanmax(np.abs(shown)) or 1.0
    fig, axis = plt.subplots(figsize=(7, 3.2))
    image = axis.imshow(shown, cmap="coolwarm", vmin=-limit, vmax=limit, aspect="auto",
                        interpolation="nearest")
    if future is not None:
        axis.axvline(days - 0.5, color="black", linestyle="--", linewidth=1)
        axis.text(days + future.size / 2 - 0.5, -0.9, "to forecast", ha="center", fontsize=8)
    axis.set_xlabel("day")
    axis.set_ylabel("series")
    axis.set_title(title, fontsize=10)
    fig.colorbar(image, ax=axis, fraction=0.03, pad=0.01)
    fig.tight_layout()
    return fig
