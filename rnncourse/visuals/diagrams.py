"""Diagrams of recurrent networks: the five task shapes and an RNN folded and unrolled."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from rnncourse.errors import InputError

INPUT_COLOUR = "#cfe2f3"


STATE_COLOUR = "#fce5cd"


OUTPUT_COLOUR = "#d9ead3"


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
        raise InputError(f"steps must be at least 1; got {steps}.")
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
