"""Look inside a trained LSTM or GRU: its gate activations over a real sentence.

Keras layers return only their hidden states, not their gates. The NumPy twins of
:mod:`rnncourse.numpy_gated` compute exactly what the layer computes (to float32
rounding) and keep every gate in their per-step caches, so the recipe is:

1. train a small character model (:func:`build_char_model`, :func:`char_windows`);
2. copy the recurrent layer's weights into the twin and run it on a sentence
   (:func:`record_gates`), checking that the twin's hidden states equal the layer's
   (:func:`keras_hidden_states`);
3. draw the gates as a heatmap, characters along the bottom, units up the side
   (:func:`rnncourse.plotting.plot_gate_heatmap`), or browse them with
   :func:`gate_explorer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from rnncourse.numpy_gated import GRUParams, LSTMParams, gru_forward, lstm_forward

__all__ = [
    "LSTM_GATE_FIELDS",
    "GRU_GATE_FIELDS",
    "GateRecording",
    "char_windows",
    "one_hot_text",
    "build_char_model",
    "recurrent_layer",
    "record_gates",
    "keras_hidden_states",
    "most_active_units",
    "mean_by_character_class",
    "gate_explorer",
]

LSTM_GATE_FIELDS: dict[str, str] = {
    "forget gate": "forget_gate", "input gate": "input_gate", "candidate": "candidate",
    "output gate": "output_gate", "cell state": "c_t", "hidden state": "h_t",
}
"""What :func:`record_gates` records for an LSTM: display name -> cache attribute."""

GRU_GATE_FIELDS: dict[str, str] = {
    "update gate": "update_gate", "reset gate": "reset_gate", "candidate": "candidate",
    "hidden state": "h_t",
}
"""What :func:`record_gates` records for a GRU (update gate in Keras's convention)."""


@dataclass
class GateRecording:
    """The activations of one recurrent layer over one text, step by step.

    Attributes:
        text: The characters read, one per step.
        cell: ``"LSTM"`` or ``"GRU"``.
        activations: Display name (``"forget gate"``, ...) -> array ``(steps, units)``.
    """

    text: str
    cell: str
    activations: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The recorded quantities, gates first."""
        return list(self.activations)

    @property
    def units(self) -> int:
        """Number of hidden units."""
        return next(iter(self.activations.values())).shape[1]

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.activations:
            raise KeyError(f"No {name!r} recorded; this {self.cell} has {self.names}.")
        return self.activations[name]


def one_hot_text(text: str, char_to_id: dict[str, int]) -> np.ndarray:
    """``text`` as a float32 one-hot batch of one, ``(1, len(text), vocabulary)``."""
    unknown = sorted({character for character in text if character not in char_to_id})
    if unknown:
        raise ValueError(f"The characters {unknown} are not in the vocabulary; use text "
                         "made of the training text's characters.")
    if not text:
        raise ValueError("The text is empty.")
    ids = [char_to_id[character] for character in text]
    return np.eye(len(char_to_id), dtype="float32")[ids][None]


def char_windows(text: str, steps: int, char_to_id: dict[str, int],
                 stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping windows for next-character prediction.

    Args:
        text: The training text.
        steps: Characters per window.
        char_to_id: Character -> id (see :func:`rnncourse.text.character_vocabulary`).
        stride: Characters between the starts of two windows.

    Returns:
        ``(inputs, targets)``: float32 one-hot ``(windows, steps, vocabulary)`` and int
        ``(windows, steps)``, where ``targets[k, t]`` is the character after
        ``inputs[k, t]``.
    """
    if steps < 1 or stride < 1:
        raise ValueError(f"steps and stride must be at least 1; got {steps}, {stride}.")
    if len(text) < steps + 1:
        raise ValueError(f"The text has {len(text)} characters; a window of {steps} steps "
                         "needs at least steps + 1.")
    ids = np.array([char_to_id[character] for character in text])
    starts = np.arange(0, len(ids) - steps, stride)
    positions = starts[:, None] + np.arange(steps)[None, :]
    inputs = np.eye(len(char_to_id), dtype="float32")[ids[positions]]
    return inputs, ids[positions + 1]


def build_char_model(vocabulary: int, units: int, cell: str = "LSTM") -> keras.Sequential:
    """One-hot characters -> ``LSTM``/``GRU`` (all steps) -> logits of the next character.

    The recurrent layer is named ``"recurrent"``; compile with
    ``SparseCategoricalCrossentropy(from_logits=True)``.
    """
    if cell not in ("LSTM", "GRU"):
        raise ValueError(f"cell must be 'LSTM' or 'GRU'; got {cell!r}.")
    if vocabulary < 2 or units < 1:
        raise ValueError(f"Need vocabulary >= 2 and units >= 1; got {vocabulary}, {units}.")
    layer = getattr(keras.layers, cell)(units, return_sequences=True, name="recurrent")
    return keras.Sequential([keras.Input((None, vocabulary)), layer,
                             keras.layers.Dense(vocabulary, name="next_character")],
                            name=f"char_{cell.lower()}")


def recurrent_layer(model: keras.Model) -> keras.layers.Layer:
    """The first ``LSTM`` or ``GRU`` layer of ``model``."""
    for layer in model.layers:
        if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            return layer
    raise ValueError(f"{model.name} has no LSTM or GRU layer; its layers are "
                     f"{[layer.name for layer in model.layers]}.")


def record_gates(layer: Any, inputs: np.ndarray, text: str) -> GateRecording:
    """Run the NumPy twin of a trained ``LSTM``/``GRU`` layer and keep every gate.

    Args:
        layer: A built ``keras.layers.LSTM`` or ``keras.layers.GRU``.
        inputs: What the layer reads, ``(1, steps, features)`` (e.g. :func:`one_hot_text`).
        text: The characters those steps stand for (for labels), ``len(text) == steps``.

    Returns:
        A :class:`GateRecording` of every gate and state, each ``(steps, units)``.
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 3 or inputs.shape[0] != 1:
        raise ValueError(f"inputs must be one sequence, (1, steps, features); got "
                         f"{inputs.shape}.")
    if len(text) != inputs.shape[1]:
        raise ValueError(f"text has {len(text)} characters but inputs have "
                         f"{inputs.shape[1]} steps; give one character per step.")
    if isinstance(layer, keras.layers.LSTM):
        _, _, caches = lstm_forward(inputs, LSTMParams.from_keras(layer))
        fields, cell = LSTM_GATE_FIELDS, "LSTM"
    elif isinstance(layer, keras.layers.GRU):
        _, _, caches = gru_forward(inputs, GRUParams.from_keras(layer))
        fields, cell = GRU_GATE_FIELDS, "GRU"
    else:
        raise TypeError(f"record_gates needs a keras LSTM or GRU layer; got "
                        f"{type(layer).__name__}.")
    activations = {name: np.stack([getattr(cache, attribute)[0] for cache in caches])
                   for name, attribute in fields.items()}
    return GateRecording(text=text, cell=cell, activations=activations)


def keras_hidden_states(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """The recurrent layer's own outputs on ``inputs``, ``(steps, units)`` for batch 0."""
    layer = recurrent_layer(model)
    probe = keras.Model(model.inputs[0], layer.output)
    return keras.ops.convert_to_numpy(probe(inputs))[0]


def most_active_units(recording: GateRecording, name: str, count: int) -> np.ndarray:
    """Indices of the ``count`` units whose ``name`` activation varies most over the text.

    Sorted by unit index, so heatmap rows keep their order.
    """
    values = recording[name]
    count = max(1, min(int(count), values.shape[1]))
    spread = values.std(axis=0)
    return np.sort(np.argsort(spread)[::-1][:count])


def mean_by_character_class(recording: GateRecording, name: str,
                            characters: str = " ") -> tuple[np.ndarray, np.ndarray]:
    """Mean activation per unit at the steps reading ``characters`` and at all others.

    Returns ``(at_those_characters, elsewhere)``, each ``(units,)``. Comparing them shows
    units that react to, say, the spaces between words.
    """
    values = recording[name]
    chosen = np.array([character in characters for character in recording.text])
    if chosen.all() or not chosen.any():
        raise ValueError(f"The text needs steps both with and without {characters!r}.")
    return values[chosen].mean(axis=0), values[~chosen].mean(axis=0)


def gate_explorer(recordings: Sequence[GateRecording], units_to_show: int = 16) -> Any:
    """Sliders and menus over recorded texts and gates; a static heatmap without widgets.

    Args:
        recordings: One :class:`GateRecording` per sentence (same cell type).
        units_to_show: Largest number of units the slider offers.

    Returns:
        What :func:`rnncourse.widgets.interactive_plot` returns.
    """
    from rnncourse.plotting import plot_gate_heatmap
    from rnncourse.widgets import interactive_plot

    if not recordings:
        raise ValueError("Give at least one GateRecording.")
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
