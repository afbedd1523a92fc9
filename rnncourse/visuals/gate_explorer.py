"""The gate explorer: sliders over recorded sentences, gates and units (static without widgets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnncourse.errors import InputError
from rnncourse.models.gates import GateRecording, most_active_units
from rnncourse.visuals.heatmaps import plot_gate_heatmap
from rnncourse.visuals.widgets import interactive_plot

__all__ = ["gate_explorer"]


def gate_explorer(recordings: Sequence[GateRecording], units_to_show: int = 16) -> Any:
    """Sliders and menus over recorded texts and gates; a static heatmap without widgets.

    Args:
        recordings: One :class:`GateRecording` per sentence (same cell type).
        units_to_show: Largest number of units the slider offers.

    Returns:
        What :func:`rnncourse.visuals.widgets.interactive_plot` returns.
    """
    if not recordings:
        raise InputError("Give at least one GateRecording.")
    names = recordings[0].names
    upper = max(2, min(units_to_show, recordings[0].units))

    def draw(sentence: int, quantity: str, units: int) -> Any:
        recording = recordings[sentence]
        chosen = most_active_units(recording, quantity, units)
        return plot_gate_heatmap({quantity: recording[quantity][:, chosen]}, recording.text,
                                 unit_ids=chosen,
                                 title=f"{recording.cell} {quantity}, the {len(chosen)} "
                                       "units that vary most")

    return interactive_plot(draw, sentence=(0, len(recordings) - 1, 1, 0), quantity=names,
                            units=(2, upper, 1, min(8, upper)))
