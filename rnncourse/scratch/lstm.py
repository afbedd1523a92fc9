"""The LSTM cell in NumPy, laid out exactly like Keras's ``LSTMCell``.

Weights copy across from ``keras.layers.LSTM`` without transposes:

* inputs are batch-first, ``x`` has shape ``(batch, time, input_dim)``;
* the four gate blocks sit side by side, in Keras's order **i, f, c, o**, in
  ``kernel`` ``(input_dim, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)``
  and ``bias`` ``(4 * units,)``;
* one step multiplies row vectors from the left: ``x_t @ kernel + h_prev @ recurrent_kernel``.

One step (the course's notation, notebooks/notation.md: ``U`` input weights, ``W``
recurrent weights, one block of each per gate)::

    i = sigmoid(x U_i + h_prev W_i + b_i)          input gate
    f = sigmoid(x U_f + h_prev W_f + b_f)          forget gate
    g = tanh(x U_c + h_prev W_c + b_c)             candidate ("c tilde")
    o = sigmoid(x U_o + h_prev W_o + b_o)          output gate
    c = f * c_prev + i * g                         cell state, the "highway"
    h = o * tanh(c)                                hidden state and output

Keras's ``unit_forget_bias=True`` (the default) only changes how the bias is
*initialised*: the forget-gate slice starts at 1 instead of 0, so that a fresh LSTM
remembers by default. It is not part of the forward computation, so it has no
counterpart here; copying trained weights reproduces the layer whatever the flag was
(:func:`keras_initial_lstm_bias` shows the starting values).

Run the cell over sequences with :func:`rnncourse.scratch.runner.run_rnn`, which
reproduces ``keras.layers.LSTM`` including masks and ``go_backwards``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from rnncourse.errors import ShapeError
from rnncourse.scratch.activations import sigmoid
from rnncourse.scratch.gate_layout import GatedParams, gate_block
from rnncourse.scratch.runner import CellStep, check_step_inputs
from rnncourse.validation import as_flag, as_int

__all__ = [
    "LSTM_GATES",
    "LSTMParams",
    "LSTMState",
    "LSTMStepCache",
    "keras_initial_lstm_bias",
    "lstm_cell_forward",
    "lstm_parameter_count",
]

LSTM_GATES: tuple[str, ...] = ("i", "f", "c", "o")
"""Keras's order of the LSTM gate blocks along the last axis of its weights."""


class LSTMState(NamedTuple):
    """The two LSTM states, in Keras's order: hidden ``h`` then cell ``c``."""

    h: np.ndarray
    c: np.ndarray


@dataclass
class LSTMStepCache:
    """What one LSTM step computed, for a backward pass or for plotting the gates."""

    x_t: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    c_t: np.ndarray
    tanh_c_t: np.ndarray
    h_t: np.ndarray


@dataclass
class LSTMParams(GatedParams):
    """Weights of one Keras ``LSTM`` layer.

    Attributes:
        kernel: Input weights ``(input_dim, 4 * units)``, gate blocks i, f, c, o.
        recurrent_kernel: Hidden-state weights ``(units, 4 * units)``, same blocks.
        bias: ``(4 * units,)``, or ``None`` for a layer built with ``use_bias=False``.
    """

    GATES: ClassVar[tuple[str, ...]] = LSTM_GATES
    CELL: ClassVar[str] = "LSTM"
    state_names: ClassVar[tuple[str, ...]] = ("h", "c")

    def __post_init__(self) -> None:
        units = self._check_kernels()
        if self.bias is not None and self.bias.shape != (4 * units,):
            raise ShapeError(
                f"An LSTM bias must have shape (4 * units,) = ({4 * units},); "
                f"got {self.bias.shape}."
            )

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(U, W, b)`` of one gate (``"i"``, ``"f"``, ``"c"`` or ``"o"``): its block of the
        input weights ``kernel``, of the recurrent weights and of the bias."""
        block = gate_block(LSTM_GATES, name, self.units)
        bias = self.bias[block] if self.bias is not None else np.zeros(self.units)
        return self.kernel[:, block], self.recurrent_kernel[:, block], bias

    @classmethod
    def random(cls, input_size: int, units: int, seed: int = 0, scale: float = 0.5,
               use_bias: bool = True) -> LSTMParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        units = as_int("units", units, minimum=1, maximum=100_000)
        return cls(**cls._random_arrays(input_size, units, 4, (4 * units,), seed, scale,
                                        use_bias))

    @classmethod
    def from_keras(cls, layer: Any) -> LSTMParams:
        """Copy the weights out of a built ``keras.layers.LSTM`` (or ``LSTMCell``)."""
        return cls(*cls._keras_arrays(layer))

    def step(self, x_t: np.ndarray, *, states: Any) -> CellStep:
        """One time step; see :func:`lstm_cell_forward`."""
        return lstm_cell_forward(self, x_t, states=states)


def lstm_cell_forward(params: LSTMParams, x_t: np.ndarray, *, states: Any) -> CellStep:
    """One LSTM step for a batch (the LSTMCELL of the lesson).

    Args:
        params: The layer's weights.
        x_t: Inputs at this step, ``(batch, input_dim)``.
        states: ``(h_prev, c_prev)``, each ``(batch, units)``.

    Returns:
        A :class:`~rnncourse.scratch.runner.CellStep` ``(h_t, LSTMState(h_t, c_t), cache)``
        with an :class:`LSTMStepCache`.
    """
    x_t, (h_prev, c_prev) = check_step_inputs(params, x_t, states)
    pre_activations = x_t @ params.kernel + h_prev @ params.recurrent_kernel
    if params.bias is not None:
        pre_activations = pre_activations + params.bias
    a_i, a_f, a_c, a_o = np.split(pre_activations, 4, axis=1)
    input_gate = sigmoid(a_i)
    forget_gate = sigmoid(a_f)
    candidate = np.tanh(a_c)
    output_gate = sigmoid(a_o)
    c_t = forget_gate * c_prev + input_gate * candidate
    tanh_c_t = np.tanh(c_t)
    h_t = output_gate * tanh_c_t
    cache = LSTMStepCache(x_t, h_prev, c_prev, input_gate, forget_gate, candidate,
                          output_gate, c_t, tanh_c_t, h_t)
    return CellStep(h_t, LSTMState(h_t, c_t), cache)


def keras_initial_lstm_bias(units: int, unit_forget_bias: bool = True) -> np.ndarray:
    """The bias a fresh ``keras.layers.LSTM`` starts with (default ``bias_initializer``).

    ``unit_forget_bias=True`` puts ones in the forget-gate block (f starts near
    ``sigmoid(1) = 0.73``, so the cell keeps its memory early in training); the other
    blocks start at zero. It changes only this starting value, never the forward pass.
    """
    units = as_int("units", units, minimum=1, maximum=100_000)
    bias = np.zeros(4 * units)
    if as_flag("unit_forget_bias", unit_forget_bias):
        bias[gate_block(LSTM_GATES, "f", units)] = 1.0
    return bias


def lstm_parameter_count(input_size: int, units: int, use_bias: bool = True) -> int:
    """Weights in one LSTM layer: ``4 * units * (input + units + 1)``, 4x a SimpleRNN."""
    input_size = as_int("input_size", input_size, minimum=1)
    units = as_int("units", units, minimum=1)
    use_bias = as_flag("use_bias", use_bias)
    return 4 * units * (input_size + units + (1 if use_bias else 0))
