"""Curves over time or epochs: training histories, a series, gradient norms through time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rnncourse.errors import InputError


def plot_history(history: Any, metrics: Sequence[str] | None = None,
                 title: str = "Training curves") -> plt.Figure:
    """Plot training and validation curves from a Keras ``History`` or a dict of lists.

    Args:
        history: ``model.fit(...)``'s return value, or ``{"loss": [...], ...}``.
        metrics: Which metrics to draw (default: every metric that has no ``val_``
            prefix); each gets its own panel with the validation curve beside it.
        title: The figure title.
    """
    logs: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    if not logs:
        raise InputError("The history is empty: train for at least one epoch first.")
    names = list(metrics) if metrics else [k for k in logs if not k.startswith("val_")]
    unknown = [name for name in names if name not in logs]
    if unknown:
        raise InputError(f"No metric {unknown} in the history; it has {sorted(logs)}.")
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.2), squeeze=False)
    for axis, name in zip(axes[0], names, strict=True):
        epochs = np.arange(1, len(logs[name]) + 1)
        axis.plot(epochs, logs[name], marker="o", markersize=3, label="training")
        if f"val_{name}" in logs:
            axis.plot(epochs, logs[f"val_{name}"], marker="o", markersize=3, label="validation")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
        axis.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves_with_best_epoch(histories: Mapping[str, Mapping[str, Sequence[float]]],
                                best_epochs: Mapping[str, int] | None = None,
                                metric: str = "loss",
                                title: str = "Training and validation curves") -> plt.Figure:
    """One panel per model: training and validation ``metric`` per epoch, best epoch marked.

    Args:
        histories: Model name to a Keras history dict (with ``metric`` and ``val_<metric>``).
        best_epochs: Model name to the 1-based epoch whose weights early stopping kept.
        metric: The metric to draw, e.g. ``"loss"`` or ``"accuracy"``.
        title: The figure title.
    """
    if not histories:
        raise InputError("histories is empty; pass {model name: history dict}.")
    missing = [name for name, logs in histories.items() if metric not in logs]
    if missing:
        raise InputError(f"No {metric!r} in the history of {missing}.")
    fig, axes = plt.subplots(1, len(histories), figsize=(3.6 * len(histories), 3.0),
                             squeeze=False, sharey=True)
    for axis, (name, logs) in zip(axes[0], histories.items(), strict=True):
        epochs = np.arange(1, len(logs[metric]) + 1)
        axis.plot(epochs, logs[metric], marker="o", markersize=3, label="training")
        if f"val_{metric}" in logs:
            axis.plot(epochs, logs[f"val_{metric}"], marker="o", markersize=3,
                      label="validation")
        if best_epochs and name in best_epochs:
            axis.axvline(best_epochs[name], color="grey", linestyle="--", label="kept epoch")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
    axes[0, 0].set_ylabel(metric)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_series(values: Sequence[float] | np.ndarray, dates: Any = None, label: str = "",
                marks: Sequence[int] | None = None, axis: plt.Axes | None = None) -> plt.Axes:
    """Plot one series against time, optionally shading positions in ``marks``."""
    if axis is None:
        _, axis = plt.subplots(figsize=(10, 3))
    x_values = np.arange(len(values)) if dates is None else dates
    axis.plot(x_values, values, linewidth=0.9, label=label or None)
    if marks is not None:
        marked = np.asarray(marks, dtype=bool)
        axis.fill_between(x_values, 0, 1, where=marked, transform=axis.get_xaxis_transform(),
                          alpha=0.15, color="tab:blue", linewidth=0)
    if label:
        axis.legend(loc="upper right")
    axis.grid(alpha=0.3)
    return axis


def plot_gradient_norms(norms_by_radius: Mapping[float, Sequence[float] | np.ndarray],
                        title: str = "How far back does the gradient reach?") -> plt.Figure:
    """Plot gradient norm against distance in time (log scale), one line per radius.

    Args:
        norms_by_radius: ``{spectral_radius: norms}`` where ``norms[d]`` is the norm of
            the gradient ``d`` steps before the loss.
        title: The figure title.
    """
    if not norms_by_radius:
        raise InputError("Give at least one radius and its gradient norms.")
    fig, axis = plt.subplots(figsize=(6.5, 3.8))
    for radius, norms in sorted(norms_by_radius.items()):
        norms = np.asarray(norms, dtype=float)
        axis.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-300),
                      label=f"radius {radius:g}")
    axis.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axis.set_xlabel("distance in time from the loss (steps)")
    axis.set_ylabel("gradient norm ||dL/dh||")
    axis.set_title(title)
    axis.grid(alpha=0.3, which="both")
    axis.legend()
    fig.tight_layout()
    return fig


def plot_gradient_norm_panels(panels: Mapping[str, Mapping[str, Sequence[float] | np.ndarray]],
                              title: str = "How far back does the gradient reach?",
                              ) -> plt.Figure:
    """Gradient norm against distance in time (log scale), one panel per model, same axes.

    Args:
        panels: ``{panel title: {line label: norms}}``, e.g. ``{"linear RNN": {...},
            "tanh RNN": {...}}``; ``norms[d]`` is the norm ``d`` steps before the loss.
            Lines with the same label get the same colour in every panel.
        title: The figure title.
    """
    if not panels or not all(panels.values()):
        raise InputError("Give at least one panel, each with at least one line of norms.")
    labels = list(dict.fromkeys(label for lines in panels.values() for label in lines))
    colours = {label: f"C{index % 10}" for index, label in enumerate(labels)}
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.8), sharey=True,
                             squeeze=False)
    for axis, (name, lines) in zip(axes[0], panels.items(), strict=True):
        for label, norms in lines.items():
            norms = np.asarray(norms, dtype=float)
            axis.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-300), label=label,
                          color=colours[label])
        axis.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
        axis.set_title(name)
        axis.set_xlabel("distance in time from the loss (steps)")
        axis.grid(alpha=0.3, which="both")
    axes[0, 0].set_ylabel("gradient norm ||dL/dh||")
    axes[0, -1].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_direction_influence(influence: Mapping[str, Sequence[float] | np.ndarray],
                             position: int) -> plt.Figure:
    """Bars of how strongly each input step moves each direction's output at ``position``.

    Args:
        influence: ``{"forward": norms, "backward": norms}`` as returned by
            :func:`rnncourse.models.bidirectional.direction_influence`.
        position: The output step that was explained (marked on both panels).
    """
    if not influence:
        raise InputError("influence is empty; pass the dict direction_influence returns.")
    fig, axes = plt.subplots(1, len(influence), figsize=(4.2 * len(influence), 2.8),
                             sharey=True, squeeze=False)
    for axis, (name, norms) in zip(axes[0], influence.items(), strict=True):
        norms = np.asarray(norms, dtype=float)
        colours = ["#c0504d" if step == position else "#4f81bd" for step in range(norms.size)]
        axis.bar(np.arange(norms.size), norms, color=colours)
        axis.set_title(f"{name} direction, output at step {position}")
        axis.set_xlabel("input step")
    axes[0, 0].set_ylabel("gradient norm")
    fig.tight_layout()
    return fig


def plot_error_by_step(errors: Mapping[str, Sequence[float] | np.ndarray],
                       noise_floor: float | None = None,
                       title: str = "Forecast error by day ahead",
                       ylabel: str = "mean absolute error") -> plt.Figure:
    """Plot a multi-step forecaster's error against how many steps ahead it forecasts.

    Args:
        errors: ``{forecaster name: error at step 1, 2, ...}``, one line each.
        noise_floor: The error a perfect forecast of the noise-free signal would make,
            drawn as a dashed line (no forecaster can go below it on average).
        title: The figure title.
        ylabel: What the errors are.
    """
    if not errors:
        raise InputError("Give the errors of at least one forecaster.")
    fig, axis = plt.subplots(figsize=(6.5, 3.6))
    for name, values in errors.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise InputError(f"The errors of {name!r} should be one number per step ahead; "
                             f"got shape {values.shape}.")
        axis.plot(np.arange(1, values.size + 1), values, marker="o", label=name)
    if noise_floor is not None:
        axis.axhline(noise_floor, color="grey", linestyle="--", label="noise floor")
    steps = max(np.asarray(values).size for values in errors.values())
    axis.set_xticks(np.arange(1, steps + 1))
    axis.set_xlabel("steps ahead")
    axis.set_ylabel(ylabel)
    axis.set_ylim(bottom=0)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_gradient_by_depth(norms: Mapping[int, Sequence[float] | np.ndarray],
                           title: str = "Gradient reaching the first layer") -> plt.Figure:
    """Gradient norm at the first layer against the number of stacked layers (log scale).

    Args:
        norms: ``{depth: [norm for each initialisation]}``, e.g. from
            :func:`rnncourse.models.pyramid.gradient_norms_by_depth`; every value is a dot,
            the geometric mean of each depth is joined by a line.
        title: The figure title.
    """
    if not norms or not all(len(values) for values in norms.values()):
        raise InputError("Give at least one depth with at least one gradient norm.")
    depths = sorted(norms)
    fig, axis = plt.subplots(figsize=(5.5, 3.4))
    for depth in depths:
        values = np.asarray(norms[depth], dtype=float)
        axis.scatter(np.full(values.size, depth), values, color="C0", alpha=0.6, s=18)
    means = [float(np.exp(np.mean(np.log(np.asarray(norms[d], dtype=float))))) for d in depths]
    axis.plot(depths, means, color="C0", marker="o", label="geometric mean")
    axis.set_yscale("log")
    axis.set_xscale("log", base=2)
    axis.set_xticks(depths, [str(depth) for depth in depths])
    axis.set_xlabel("stacked recurrent layers")
    axis.set_ylabel("||dL/dU_1||")
    axis.set_title(title)
    axis.grid(alpha=0.3, which="both")
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_loss_curves(curves: Mapping[str, Sequence[float] | np.ndarray],
                     title: str = "Training loss", ylabel: str = "training loss",
                     reference: float | None = None,
                     reference_label: str = "loss of guessing") -> plt.Figure:
    """One line per model: a per-epoch curve (loss, accuracy) against the epoch.

    Args:
        curves: ``{model name: value per epoch}``.
        title: The figure title.
        ylabel: What the values are.
        reference: A horizontal line to draw, e.g. the loss of always guessing.
        reference_label: Its legend entry.
    """
    if not curves or not all(len(values) for values in curves.values()):
        raise InputError("Give at least one curve with at least one value.")
    fig, axis = plt.subplots(figsize=(6.5, 3.4))
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        axis.plot(np.arange(1, values.size + 1), values, marker="o", markersize=3, label=name)
    if reference is not None:
        axis.axhline(reference, color="grey", linestyle="--", label=reference_label)
    axis.set_xlabel("epoch")
    axis.set_ylabel(ylabel)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig
