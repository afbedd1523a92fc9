"""The gate explorer: pick a recorded line, a gate and how many units (static without widgets).

The menu lists the recorded texts themselves, so a learner picks "Explicit is better than
implicit." rather than a line number; the panel is shown once, and its first heatmap stays
in saved outputs (see :mod:`rnncourse.visuals.widgets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnncourse.errors import InputError
from rnncourse.models.gates import GateRecording, most_active_units
from rnncourse.validation import as_int
from rnncourse.visuals.heatmaps import plot_gate_heatmap
from rnncourse.visuals.widgets import interactive_plot

__all__ = ["gate_explorer", "line_labels"]


def line_labels(recordings: Sequence[GateRecording]) -> list[str]:
    """Menu labels, one per recording: ``"0: Beautiful is better than ugly."``."""
    return [f"{index}: {recording.text}" for index, recording in enumerate(recordings)]


def gate_explorer(recordings: Sequence[GateRecording], units_to_show: int = 16) -> Any:
    """Menus over recorded texts and gates, a slider over units; a static heatmap without widgets.

    Args:
        recordings: One :class:`GateRecording` per sentence (same cell type).
        units_to_show: Largest number of units the slider offers.

    Returns:
        What :func:`rnncourse.visuals.widgets.interactive_plot` returns.
    """
    recordings = list(recordings)
    if not recordings or not all(isinstance(r, GateRecording) for r in recordings):
        raise InputError("Give at least one GateRecording (from rnncourse.models.gates."
                         "record_gates), one per sentence.")
    units_to_show = as_int("units_to_show", units_to_show, minimum=1)
    first = recordings[0]
    for recording in recordings[1:]:
        if recording.names != first.names or recording.units != first.units:
            raise InputError(f"Every recording must come from the same layer; {recording.text!r} "
                             f"has {recording.units} units and {recording.names}, the first "
                             f"{first.units} units and {first.names}.")
    upper = max(2, min(units_to_show, first.units))
    labels = line_labels(recordings)
    by_label = dict(zip(labels, recordings, strict=True))

    def draw(line: str, quantity: str, units: int) -> Any:
        recording = by_label[line]
        chosen = most_active_units(recording, quantity, units)
        return plot_gate_heatmap({quantity: recording[quantity][:, chosen]}, recording.text,
                                 unit_ids=chosen,
                                 title=f"{recording.cell} {quantity}, the {len(chosen)} "
                                       "units that vary most")

    return interactive_plot(draw, line=labels, quantity=first.names,
                            units=(2, upper, 1, min(8, upper)))
