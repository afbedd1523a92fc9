"""Look inside a trained LSTM or GRU: its gate activations over a real sentence.

Keras layers return only their hidden states, not their gates. The NumPy twins of
:mod:`rnncourse.scratch.lstm` and :mod:`rnncourse.scratch.gru` compute exactly what the
layer computes (to float32 rounding) and keep every gate in their per-step caches, so the
recipe is:

1. train a small character model (:func:`build_char_model`,
   :func:`rnncourse.data.text.char_windows`);
2. copy the recurrent layer's weights into the twin and run it on a sentence
   (:func:`record_gates`), checking that the twin's hidden states equal the layer's
   (:func:`keras_hidden_states`);
3. draw the gates as a heatmap, characters along the bottom, units up the side
   (:func:`rnncourse.visuals.heatmaps.plot_gate_heatmap`), or browse them with
   :func:`rnncourse.visuals.gate_explorer.gate_explorer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError, UnknownNameError
from rnncourse.scratch.gru import GRUParams
from rnncourse.scratch.lstm import LSTMParams
from rnncourse.scratch.runner import run_rnn
from rnncourse.validation import as_int, one_of

__all__ = [
    "LSTM_GATE_FIELDS",
    "GRU_GATE_FIELDS",
    "GateRecording",
    "build_char_model",
    "recurrent_layer",
    "record_gates",
    "keras_hidden_states",
    "most_active_units",
    "mean_by_character_class",
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
            raise UnknownNameError(f"No {name!r} recorded; this {self.cell} has {self.names}.")
        return self.activations[name]


def build_char_model(vocabulary: int, units: int, cell: str = "LSTM") -> keras.Sequential:
    """One-hot characters -> ``LSTM``/``GRU`` (all steps) -> logits of the next character.

    The recurrent layer is named ``"recurrent"``; compile with
    ``SparseCategoricalCrossentropy(from_logits=True)``.
    """
    one_of("cell", cell, ("LSTM", "GRU"))
    as_int("vocabulary", vocabulary, minimum=2)
    units = as_int("units", units, minimum=1)
    layer = getattr(keras.layers, cell)(units, return_sequences=True, name="recurrent")
    return keras.Sequential([keras.Input((None, vocabulary)), layer,
                             keras.layers.Dense(vocabulary, name="next_character")],
                            name=f"char_{cell.lower()}")


def recurrent_layer(model: keras.Model) -> keras.layers.Layer:
    """The first ``LSTM`` or ``GRU`` layer of ``model``."""
    for layer in model.layers:
        if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
            return layer
    raise InputError(f"{model.name} has no LSTM or GRU layer; its layers are "
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
        raise ShapeError(f"inputs must be one sequence, (1, steps, features); got "
                         f"{inputs.shape}.")
    if len(text) != inputs.shape[1]:
        raise InputError(f"text has {len(text)} characters but inputs have "
                         f"{inputs.shape[1]} steps; give one character per step.")
    if isinstance(layer, keras.layers.LSTM):
        caches = run_rnn(LSTMParams.from_keras(layer), inputs).caches
        fields, cell = LSTM_GATE_FIELDS, "LSTM"
    elif isinstance(layer, keras.layers.GRU):
        caches = run_rnn(GRUParams.from_keras(layer), inputs).caches
        fields, cell = GRU_GATE_FIELDS, "GRU"
    else:
        raise ArgumentTypeError(f"record_gates needs a keras LSTM or GRU layer; got "
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
        raise InputError(f"The text needs steps both with and without {characters!r}.")
    return values[chosen].mean(axis=0), values[~chosen].mean(axis=0)
