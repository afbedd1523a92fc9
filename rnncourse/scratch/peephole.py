"""The peephole LSTM cell (Gers & Schmidhuber, 2000) in NumPy, twin of the Keras cell.

In a plain LSTM the gates see only ``x_t`` and ``h_(t-1)``. Peephole connections let
them look at the cell state too, through one diagonal (element-wise) weight vector per
gate::

    i = sigmoid(x U_i + h_prev W_i + c_prev * p_i + b_i)
    f = sigmoid(x U_f + h_prev W_f + c_prev * p_f + b_f)
    c = f * c_prev + i * tanh(x U_c + h_prev W_c + b_c)
    o = sigmoid(x U_o + h_prev W_o + c * p_o + b_o)        # the *new* cell state
    h = o * tanh(c)

The weights are those of :class:`rnncourse.models.peephole_cell.PeepholeLSTMCell` (Keras's
LSTM layout plus three peephole vectors), so running this cell with
:func:`rnncourse.scratch.runner.run_rnn` reproduces ``keras.layers.RNN(PeepholeLSTMCell)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rnncourse.errors import ArgumentTypeError, ShapeError
from rnncourse.scratch.activations import sigmoid
from rnncourse.scratch.gate_layout import KernelSizes, check_gate_weights
from rnncourse.scratch.lstm import LSTMState, LSTMStepCache
from rnncourse.scratch.runner import CellStep, check_step_inputs
from rnncourse.validation import as_float_array, as_int, generator_from, positive_float

__all__ = [
    "PEEPHOLE_NAMES",
    "PeepholeLSTMParams",
    "peephole_lstm_cell_forward",
    "peephole_lstm_parameter_count",
]

PEEPHOLE_NAMES: tuple[str, ...] = ("input_peephole", "forget_peephole", "output_peephole")


@dataclass
class PeepholeLSTMParams(KernelSizes):
    """Weights of a peephole LSTM cell, as float64 NumPy arrays.

    Attributes:
        kernel: ``(input_dim, 4 * units)``, blocks i, f, c, o (Keras's LSTM layout).
        recurrent_kernel: ``(units, 4 * units)``.
        input_peephole, forget_peephole, output_peephole: ``(units,)`` each (p_i, p_f, p_o).
        bias: ``(4 * units,)``.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    input_peephole: np.ndarray
    forget_peephole: np.ndarray
    output_peephole: np.ndarray
    bias: np.ndarray

    state_names: ClassVar[tuple[str, ...]] = ("h", "c")

    def __post_init__(self) -> None:
        for name in ("kernel", "recurrent_kernel", *PEEPHOLE_NAMES, "bias"):
            setattr(self, name, as_float_array(name, getattr(self, name)))
        units = check_gate_weights(self.kernel, self.recurrent_kernel, 4, "LSTM")
        for name in PEEPHOLE_NAMES:
            if getattr(self, name).shape != (units,):
                raise ShapeError(
                    f"{name} must be a vector of shape ({units},), one weight per unit "
                    f"(peepholes are diagonal); got {getattr(self, name).shape}."
                )
        if self.bias.shape != (4 * units,):
            raise ShapeError(f"bias must have shape ({4 * units},); got {self.bias.shape}.")

    @classmethod
    def random(cls, input_size: int, units: int, seed: int = 0,
               scale: float = 0.5) -> PeepholeLSTMParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        input_size = as_int("input_size", input_size, minimum=1, maximum=100_000)
        units = as_int("units", units, minimum=1, maximum=100_000)
        scale = positive_float("scale", scale)
        rng = generator_from(seed)

        def draw(*shape: int) -> np.ndarray:
            return rng.uniform(-scale, scale, size=shape)

        return cls(draw(input_size, 4 * units), draw(units, 4 * units), draw(units),
                   draw(units), draw(units), draw(4 * units))

    @classmethod
    def from_keras(cls, layer_or_cell: Any) -> PeepholeLSTMParams:
        """Copy the weights out of a built peephole cell or a ``keras.layers.RNN`` around one."""
        cell = getattr(layer_or_cell, "cell", layer_or_cell)
        if type(cell).__name__ != "PeepholeLSTMCell":
            raise ArgumentTypeError(f"Expected a PeepholeLSTMCell; got {type(cell).__name__}.")
        if not cell.built:
            raise ShapeError("The cell is not built yet; call the layer on data first.")
        return cls(*cell.get_weights())

    def keras_weights(self) -> list[np.ndarray]:
        """The six arrays, float32, in the cell's ``set_weights`` order."""
        return [array.astype(np.float32) for array in (
            self.kernel, self.recurrent_kernel, self.input_peephole, self.forget_peephole,
            self.output_peephole, self.bias)]

    def step(self, x_t: np.ndarray, *, states: Any) -> CellStep:
        """One time step; see :func:`peephole_lstm_cell_forward`."""
        return peephole_lstm_cell_forward(self, x_t, states=states)


def peephole_lstm_cell_forward(params: PeepholeLSTMParams, x_t: np.ndarray, *,
                               states: Any) -> CellStep:
    """One peephole-LSTM step for a batch.

    Returns:
        A :class:`~rnncourse.scratch.runner.CellStep` ``(h_t, LSTMState(h_t, c_t), cache)``
        with an :class:`~rnncourse.scratch.lstm.LSTMStepCache` (the gates include the
        peepholes' contributions).
    """
    x_t, (h_prev, c_prev) = check_step_inputs(params, x_t, states)
    pre_activations = x_t @ params.kernel + h_prev @ params.recurrent_kernel + params.bias
    a_i, a_f, a_c, a_o = np.split(pre_activations, 4, axis=1)
    input_gate = sigmoid(a_i + c_prev * params.input_peephole)
    forget_gate = sigmoid(a_f + c_prev * params.forget_peephole)
    candidate = np.tanh(a_c)
    c_t = forget_gate * c_prev + input_gate * candidate
    output_gate = sigmoid(a_o + c_t * params.output_peephole)
    tanh_c_t = np.tanh(c_t)
    h_t = output_gate * tanh_c_t
    cache = LSTMStepCache(x_t, h_prev, c_prev, input_gate, forget_gate, candidate,
                          output_gate, c_t, tanh_c_t, h_t)
    return CellStep(h_t, LSTMState(h_t, c_t), cache)


def peephole_lstm_parameter_count(input_size: int, units: int) -> int:
    """An LSTM's ``4 * units * (input + units + 1)`` plus ``3 * units`` peephole weights."""
    input_size = as_int("input_size", input_size, minimum=1)
    units = as_int("units", units, minimum=1)
    return 4 * units * (input_size + units + 1) + 3 * units
