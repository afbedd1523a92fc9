"""Plots shared by the notebooks: training curves and the RNN diagrams.

Every function draws with matplotlib, returns the ``Figure`` (so tests and notebooks
can inspect or save it) and never calls ``plt.show()`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

INPUT_COLOUR = "#cfe2f3"
STATE_COLOUR = "#fce5cd"
OUTPUT_COLOUR = "#d9ead3"


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
        raise ValueError("The history is empty: train for at least one epoch first.")
    names = list(metrics) if metrics else [k for k in logs if not k.startswith("val_")]
    unknown = [name for name in names if name not in logs]
    if unknown:
        raise ValueError(f"No metric {unknown} in the history; it has {sorted(logs)}.")
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


def _box(axis: plt.Axes, x: float, y: float, text: str, colour: str,
         width: float = 0.7, height: float = 0.5) -> None:
    axis.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                  boxstyle="round,pad=0.03", facecolor=colour,
                                  edgecolor="#333333", linewidth=1))
    axis.text(x, y, text, ha="center", va="center", fontsize=10)


def _arrow(axis: plt.Axes, start: tuple[float, float], end: tuple[float, float],
           style: str = "-|>", colour: str = "#333333") -> None:
    axis.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=10,
                                   color=colour, linewidth=1.2, shrinkA=0, shrinkB=0))


# Which steps carry an input and an output, for each task shape. Encoder-decoder has
# inputs first and outputs after the whole input has been read.
TASK_SHAPES: dict[str, dict[str, Any]] = {
    "one-to-one": {"steps": 1, "inputs": [0], "outputs": [0],
                   "example": "image -> class\n(no recurrence needed)"},
    "one-to-many": {"steps": 4, "inputs": [0], "outputs": [0, 1, 2, 3],
                    "example": "image -> caption,\nfirst note -> melody"},
    "many-to-one": {"steps": 4, "inputs": [0, 1, 2, 3], "outputs": [3],
                    "example": "review -> sentiment,\nsong -> genre"},
    "many-to-many\n(aligned)": {"steps": 4, "inputs": [0, 1, 2, 3], "outputs": [0, 1, 2, 3],
                                "example": "frame labels,\nnamed entities, POS tags"},
    "encoder-decoder": {"steps": 6, "inputs": [0, 1, 2], "outputs": [3, 4, 5],
                        "example": "translation:\nT_x may differ from T_y"},
}


def plot_task_shapes() -> plt.Figure:
    """Draw the five task shapes side by side: inputs (blue), states (orange), outputs (green).

    Returns:
        The figure, one panel per shape, each with an example application.
    """
    widths = [max(shape["steps"], 2) for shape in TASK_SHAPES.values()]
    fig, axes = plt.subplots(1, len(TASK_SHAPES), figsize=(1.05 * sum(widths), 3.8),
                             gridspec_kw={"width_ratios": widths})
    for axis, (name, shape) in zip(axes, TASK_SHAPES.items(), strict=True):
        steps = shape["steps"]
        for step in range(steps):
            _box(axis, step, 1.0, "h", STATE_COLOUR)
            if step in shape["inputs"]:
                _box(axis, step, 0.0, f"x<{step + 1}>", INPUT_COLOUR)
                _arrow(axis, (step, 0.25), (step, 0.75))
            if step in shape["outputs"]:
                number = step + 1 - (min(shape["outputs"]) if name == "encoder-decoder" else 0)
                _box(axis, step, 2.0, f"y<{number}>", OUTPUT_COLOUR)
                _arrow(axis, (step, 1.25), (step, 1.75))
            if step + 1 < steps:
                _arrow(axis, (step + 0.35, 1.0), (step + 0.65, 1.0))
        axis.set_title(name, fontsize=11)
        axis.text((steps - 1) / 2, -0.75, shape["example"], ha="center", va="top", fontsize=9,
                  style="italic")
        axis.set_xlim(-0.6, max(steps, 3) - 0.4)
        axis.set_ylim(-1.5, 2.5)
        axis.set_aspect("equal")
        axis.axis("off")
    fig.suptitle("Task shapes: which steps read an input and which emit an output")
    fig.tight_layout()
    return fig


def plot_unrolled_rnn(steps: int = 4, weight_names: tuple[str, str, str] = ("W_xh", "W_hh", "W_hy")
                      ) -> plt.Figure:
    """Draw an RNN folded (a loop) and unrolled over ``steps`` time steps.

    The same three weight matrices label every step of the unrolled picture: the
    network is one cell applied again and again, not ``steps`` different layers.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}.")
    w_in, w_rec, w_out = weight_names
    fig, (folded, unrolled) = plt.subplots(1, 2, figsize=(3 + 2.2 * steps, 4),
                                           gridspec_kw={"width_ratios": [1, steps + 0.5]})
    _box(folded, 0, 0, "x<t>", INPUT_COLOUR)
    _box(folded, 0, 1.3, "h<t>", STATE_COLOUR)
    _box(folded, 0, 2.6, "y<t>", OUTPUT_COLOUR)
    _arrow(folded, (0, 0.25), (0, 1.05))
    _arrow(folded, (0, 1.55), (0, 2.35))
    folded.add_patch(FancyArrowPatch((0.35, 1.4), (0.35, 1.2), connectionstyle="arc3,rad=-2.2",
                                     arrowstyle="-|>", mutation_scale=10, color="#c0392b"))
    folded.text(0.95, 1.3, w_rec, color="#c0392b", fontsize=9, va="center")
    folded.text(0.08, 0.65, w_in, fontsize=9)
    folded.text(0.08, 1.95, w_out, fontsize=9)
    folded.set_title("folded")
    folded.set_xlim(-0.7, 1.6)

    for step in range(steps):
        x = 1.6 * step
        _box(unrolled, x, 0, f"x<{step + 1}>", INPUT_COLOUR)
        _box(unrolled, x, 1.3, f"h<{step + 1}>", STATE_COLOUR)
        _box(unrolled, x, 2.6, f"y<{step + 1}>", OUTPUT_COLOUR)
        _arrow(unrolled, (x, 0.25), (x, 1.05))
        _arrow(unrolled, (x, 1.55), (x, 2.35))
        unrolled.text(x + 0.08, 0.65, w_in, fontsize=8)
        unrolled.text(x + 0.08, 1.95, w_out, fontsize=8)
        _arrow(unrolled, (x - 1.25, 1.3), (x - 0.35, 1.3), colour="#c0392b")
        unrolled.text(x - 0.8, 1.4, w_rec, color="#c0392b", fontsize=8, ha="center")
    unrolled.text(-1.3, 1.3, "h<0>", ha="right", va="center", fontsize=9)
    unrolled.set_title(f"unrolled over {steps} steps: the same weights at every step")
    unrolled.set_xlim(-1.9, 1.6 * (steps - 1) + 0.6)
    for axis in (folded, unrolled):
        axis.set_ylim(-0.5, 3.1)
        axis.set_aspect("equal")
        axis.axis("off")
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
        raise ValueError("Give at least one radius and its gradient norms.")
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
        raise ValueError("Give the accuracy of at least one model.")
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
        raise ValueError(f"weights must be one example's (Ty, Tx) matrix; got shape "
                         f"{weights.shape}. Index the batch first: weights[i].")
    if len(output_tokens) != weights.shape[0] or len(input_tokens) > weights.shape[1]:
        raise ValueError(f"{len(output_tokens)} output and {len(input_tokens)} input tokens "
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


# --------------------------------------------------------------- notebook 04: gates

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
        raise ValueError("Give at least one panel, e.g. {'forget gate': activations}.")
    shapes = {np.shape(values) for values in panels.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f"Every panel must be one (steps, units) array; got shapes {shapes}.")
    steps, units = next(iter(shapes))
    if len(text) != steps:
        raise ValueError(f"text has {len(text)} characters but the panels have {steps} steps.")
    labels = list(unit_ids) if unit_ids is not None else list(range(units))
    if len(labels) != units:
        raise ValueError(f"unit_ids has {len(labels)} labels for {units} units.")
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


# --- notebook 09: video clips and confusion matrices ------------------------------------


def _grey_clips(clips: Any, titles: Sequence[str] | None) -> np.ndarray:
    """Validate clips for drawing and drop a trailing channel axis of size 1."""
    clips = np.asarray(clips)
    if clips.ndim == 5 and clips.shape[-1] == 1:
        clips = clips[..., 0]
    if clips.ndim != 4 or len(clips) == 0:
        raise ValueError("clips should be a non-empty (n, frames, height, width[, 1]) array; "
                         f"got shape {clips.shape}.")
    if titles is not None and len(titles) != len(clips):
        raise ValueError(f"Give one title per clip: {len(clips)} clips, {len(titles)} titles.")
    return clips


def plot_clip_strip(clips: np.ndarray, titles: Sequence[str] | None = None,
                    max_frames: int = 12, cell: float = 0.9) -> plt.Figure:
    """Draw clips as film strips: one row per clip, one column per frame.

    Args:
        clips: ``(n, frames, height, width[, 1])`` grey-scale clips.
        titles: One label per clip, written at the start of its row.
        max_frames: Show at most this many frames (evenly spaced) per clip.
        cell: Size of one frame in inches.
    """
    clips = _grey_clips(clips, titles)
    frames = clips.shape[1]
    shown = np.unique(np.linspace(0, frames - 1, min(frames, max_frames)).round().astype(int))
    fig, axes = plt.subplots(len(clips), len(shown), squeeze=False,
                             figsize=(cell * len(shown) + 0.8, cell * len(clips) + 0.3))
    for row, clip in enumerate(clips):
        for column, frame in enumerate(shown):
            axis = axes[row, column]
            axis.imshow(clip[frame], cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(f"t={frame}", fontsize=8)
        if titles is not None:
            axes[row, 0].set_ylabel(titles[row], fontsize=8, rotation=0, ha="right",
                                    va="center")
    fig.tight_layout(pad=0.3)
    return fig


def clip_animation(clips: np.ndarray, titles: Sequence[str] | None = None,
                   interval: int = 200, cell: float = 1.1) -> Any:
    """Play clips side by side as a small JavaScript animation (or a film strip).

    Uses matplotlib's ``FuncAnimation(...).to_jshtml()``, which needs no ffmpeg and plays
    in any notebook viewer that runs JavaScript. With ``RNNCOURSE_STATIC_PLOTS=1`` it returns
    :func:`plot_clip_strip`'s figure instead.

    Args:
        clips: ``(n, frames, height, width[, 1])`` grey-scale clips (keep ``n`` small).
        titles: One label per clip.
        interval: Milliseconds per frame.
        cell: Size of one clip in inches.

    Returns:
        An ``IPython.display.HTML`` animation, or a ``Figure`` in static mode.
    """
    import os

    from matplotlib import animation

    from rnncourse.widgets import STATIC_ENV

    clips = _grey_clips(clips, titles)
    if os.environ.get(STATIC_ENV, "").strip() not in ("", "0"):
        return plot_clip_strip(clips, titles)
    from IPython.display import HTML

    fig, axes = plt.subplots(1, len(clips), squeeze=False, dpi=72,
                             figsize=(cell * len(clips), cell + 0.3))
    images = []
    for index, axis in enumerate(axes[0]):
        images.append(axis.imshow(clips[index, 0], cmap="gray", vmin=0, vmax=1))
        axis.set_xticks([])
        axis.set_yticks([])
        if titles is not None:
            axis.set_title(titles[index], fontsize=8)
    fig.tight_layout(pad=0.2)

    def show_frame(frame: int) -> list:
        for index, image in enumerate(images):
            image.set_data(clips[index, frame])
        return images

    movie = animation.FuncAnimation(fig, show_frame, frames=clips.shape[1],
                                    interval=interval, blit=True)
    html = HTML(movie.to_jshtml(default_mode="loop"))
    plt.close(fig)
    return html


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
        raise ValueError("true_labels and predicted_labels must be 1-D and of the same length; "
                         f"got shapes {true_labels.shape} and {predicted_labels.shape}.")
    if true_labels.size and (min(true_labels.min(), predicted_labels.min()) < 0
                             or max(true_labels.max(), predicted_labels.max()) >= classes):
        raise ValueError(f"Labels must be class indices 0 to {classes - 1} "
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


# --- notebook 06: bidirectional and deep RNNs -------------------------------------------

def plot_direction_influence(influence: Mapping[str, Sequence[float] | np.ndarray],
                             position: int) -> plt.Figure:
    """Bars of how strongly each input step moves each direction's output at ``position``.

    Args:
        influence: ``{"forward": norms, "backward": norms}`` as returned by
            :func:`rnncourse.bidirectional.direction_influence`.
        position: The output step that was explained (marked on both panels).
    """
    if not influence:
        raise ValueError("influence is empty; pass the dict direction_influence returns.")
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
        raise ValueError("accuracy is empty; pass {model name: per-position accuracies}.")
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
        raise ValueError("histories is empty; pass {model name: history dict}.")
    missing = [name for name, logs in histories.items() if metric not in logs]
    if missing:
        raise ValueError(f"No {metric!r} in the history of {missing}.")
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
        raise ValueError("reports is empty; pass {model name: {group: accuracy}}.")
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
            :func:`rnncourse.seq2seq.accuracy_by_length`), all with the same bins.
        title: The figure title.
    """
    if not results:
        raise ValueError("Give the accuracy-by-length result of at least one model.")
    first = next(iter(results.values()))
    for name, result in results.items():
        if not np.array_equal(result.edges, first.edges):
            raise ValueError(f"Model {name!r} uses bins {list(result.edges)}, the first model "
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
