"""A peephole LSTM (Gers & Schmidhuber, 2000) as a custom Keras 3 cell, plus its NumPy twin.

In a plain LSTM the gates see only ``x_t`` and ``h_(t-1)``. Peephole connections let
them look at the cell state too, through one diagonal (element-wise) weight vector per
gate::

    i = sigmoid(x W_i + h_prev U_i + c_prev * p_i + b_i)
    f = sigmoid(x W_f + h_prev U_f + c_prev * p_f + b_f)
    c = f * c_prev + i * tanh(x W_c + h_prev U_c + b_c)
    o = sigmoid(x W_o + h_prev U_o + c * p_o + b_o)        # the *new* cell state
    h = o * tanh(c)

The kernels use Keras's LSTM layout (blocks i, f, c, o side by side), so a
:class:`PeepholeLSTMCell` with zero peephole weights is exactly ``keras.layers.LSTM``.

Use it like any cell::

    layer = keras.layers.RNN(PeepholeLSTMCell(32), return_sequences=True)

The cell is written with ``keras.ops`` only, so it runs on any Keras backend, and is
registered for serialisation (``get_config`` / ``model.save`` / ``keras.models.load_model``).
Keras never runs a custom cell on the fused cuDNN kernel: expect it to be slower than
``keras.layers.LSTM`` on a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
from keras import ops

from rnncourse.numpy_gated import (
    LSTMState,
    ShapeError,
    _check_sequence,
    _check_state,
    _check_step_inputs,
    _require_rank,
    _time_order,
    check_mask,
    sigmoid,
)

__all__ = [
    "PeepholeLSTMCell",
    "PeepholeLSTMParams",
    "PeepholeStepCache",
    "peephole_lstm_cell_forward",
    "peephole_lstm_forward",
    "peephole_lstm_parameter_count",
]


@keras.saving.register_keras_serializable(package="rnncourse")
class PeepholeLSTMCell(keras.layers.Layer):
    """One step of a peephole LSTM, for use inside ``keras.layers.RNN``.

    Args:
        units: Size of the hidden and cell states.
        kernel_initializer: Initialiser of the input weights ``(input_dim, 4 * units)``.
        recurrent_initializer: Initialiser of ``(units, 4 * units)`` hidden weights.
        peephole_initializer: Initialiser of the three peephole vectors ``(units,)``;
            ``"zeros"`` (default) starts training from a plain LSTM.
        bias_initializer: Initialiser of the bias ``(4 * units,)``.
        unit_forget_bias: Start the forget-gate bias at 1, as Keras's LSTM does.
        **kwargs: Passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).

    Weights (in this order for ``get_weights``/``set_weights``): ``kernel``,
    ``recurrent_kernel``, ``input_peephole``, ``forget_peephole``, ``output_peephole``,
    ``bias``.
    """

    def __init__(self, units: int, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal",
                 peephole_initializer: Any = "zeros", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"units must be a positive integer; got {units!r}.")
        self.units = int(units)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        # keras.layers.RNN reads these to create zero initial states and output shapes.
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the weights once the number of input features is known."""
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("PeepholeLSTMCell needs a known number of input features.")
        units = self.units
        self.kernel = self.add_weight(shape=(input_dim, 4 * units), name="kernel",
                                      initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer)
        self.input_peephole = self.add_weight(shape=(units,), name="input_peephole",
                                              initializer=self.peephole_initializer)
        self.forget_peephole = self.add_weight(shape=(units,), name="forget_peephole",
                                               initializer=self.peephole_initializer)
        self.output_peephole = self.add_weight(shape=(units,), name="output_peephole",
                                               initializer=self.peephole_initializer)
        if self.unit_forget_bias:
            base_initializer = self.bias_initializer

            def bias_initializer(shape: Any, dtype: Any = None) -> Any:
                return ops.concatenate([
                    base_initializer((units,), dtype=dtype),
                    ops.ones((units,), dtype=dtype),
                    base_initializer((2 * units,), dtype=dtype),
                ])
        else:
            bias_initializer = self.bias_initializer
        self.bias = self.add_weight(shape=(4 * units,), name="bias",
                                    initializer=bias_initializer)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple[Any, list[Any]]:
        """One step: ``inputs`` ``(batch, input_dim)``, ``states`` ``[h_prev, c_prev]``."""
        h_prev, c_prev = states[0], states[1]
        pre_activations = (ops.matmul(inputs, self.kernel)
                           + ops.matmul(h_prev, self.recurrent_kernel) + self.bias)
        a_i, a_f, a_c, a_o = ops.split(pre_activations, 4, axis=-1)
        input_gate = ops.sigmoid(a_i + c_prev * self.input_peephole)
        forget_gate = ops.sigmoid(a_f + c_prev * self.forget_peephole)
        c_new = forget_gate * c_prev + input_gate * ops.tanh(a_c)
        output_gate = ops.sigmoid(a_o + c_new * self.output_peephole)
        h_new = output_gate * ops.tanh(c_new)
        return h_new, [h_new, c_new]

    def get_config(self) -> dict[str, Any]:
        """Everything ``from_config`` needs to rebuild the cell."""
        config = super().get_config()
        config.update({
            "units": self.units,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "peephole_initializer": keras.initializers.serialize(self.peephole_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
        })
        return config


# ----------------------------------------------------------------------- NumPy twin


@dataclass
class PeepholeLSTMParams:
    """Weights of a :class:`PeepholeLSTMCell`, as float64 NumPy arrays.

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

    def __post_init__(self) -> None:
        for name in ("kernel", "recurrent_kernel", "input_peephole", "forget_peephole",
                     "output_peephole", "bias"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        _require_rank("kernel", self.kernel, 2, "(input_dim, 4 * units)")
        _require_rank("recurrent_kernel", self.recurrent_kernel, 2, "(units, 4 * units)")
        units = self.recurrent_kernel.shape[0]
        if self.recurrent_kernel.shape != (units, 4 * units):
            raise ShapeError(
                f"recurrent_kernel must be (units, 4 * units) = ({units}, {4 * units}); "
                f"got {self.recurrent_kernel.shape}."
            )
        if self.kernel.shape[1] != 4 * units:
            raise ShapeError(
                f"kernel has {self.kernel.shape[1]} columns; {units} units need "
                f"4 * {units} = {4 * units}. Is it transposed?"
            )
        for name in ("input_peephole", "forget_peephole", "output_peephole"):
            if getattr(self, name).shape != (units,):
                raise ShapeError(
                    f"{name} must be a vector of shape ({units},), one weight per unit "
                    f"(peepholes are diagonal); got {getattr(self, name).shape}."
                )
        if self.bias.shape != (4 * units,):
            raise ShapeError(f"bias must have shape ({4 * units},); got {self.bias.shape}.")

    @property
    def input_size(self) -> int:
        """Number of input features per step."""
        return self.kernel.shape[0]

    @property
    def units(self) -> int:
        """Size of the hidden and cell states."""
        return self.recurrent_kernel.shape[0]

    @classmethod
    def random(cls, input_size: int, units: int, seed: int = 0,
               scale: float = 0.5) -> PeepholeLSTMParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        rng = np.random.default_rng(seed)

        def draw(*shape: int) -> np.ndarray:
            return rng.uniform(-scale, scale, size=shape)

        return cls(draw(input_size, 4 * units), draw(units, 4 * units), draw(units),
                   draw(units), draw(units), draw(4 * units))

    @classmethod
    def from_keras(cls, layer_or_cell: Any) -> PeepholeLSTMParams:
        """Copy the weights out of a built cell or a ``keras.layers.RNN`` wrapping one."""
        cell = getattr(layer_or_cell, "cell", layer_or_cell)
        if not isinstance(cell, PeepholeLSTMCell):
            raise TypeError(f"Expected a PeepholeLSTMCell; got {type(cell).__name__}.")
        if not cell.built:
            raise ShapeError("The cell is not built yet; call the layer on data first.")
        return cls(*cell.get_weights())

    def keras_weights(self) -> list[np.ndarray]:
        """The six arrays, float32, in the cell's ``set_weights`` order."""
        return [array.astype(np.float32) for array in (
            self.kernel, self.recurrent_kernel, self.input_peephole, self.forget_peephole,
            self.output_peephole, self.bias)]


@dataclass
class PeepholeStepCache:
    """What one peephole-LSTM step computed."""

    x_t: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    c_t: np.ndarray
    h_t: np.ndarray
    step_mask: np.ndarray | None = None


def peephole_lstm_cell_forward(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
                               params: PeepholeLSTMParams,
                               ) -> tuple[np.ndarray, np.ndarray, PeepholeStepCache]:
    """One peephole-LSTM step for a batch; returns ``(h_t, c_t, cache)``."""
    x_t, (h_prev, c_prev) = _check_step_inputs(
        x_t, params.input_size, {"h_prev": h_prev, "c_prev": c_prev}, params.units)
    pre_activations = x_t @ params.kernel + h_prev @ params.recurrent_kernel + params.bias
    a_i, a_f, a_c, a_o = np.split(pre_activations, 4, axis=1)
    input_gate = sigmoid(a_i + c_prev * params.input_peephole)
    forget_gate = sigmoid(a_f + c_prev * params.forget_peephole)
    candidate = np.tanh(a_c)
    c_t = forget_gate * c_prev + input_gate * candidate
    output_gate = sigmoid(a_o + c_t * params.output_peephole)
    h_t = output_gate * np.tanh(c_t)
    cache = PeepholeStepCache(x_t, h_prev, c_prev, input_gate, forget_gate, candidate,
                              output_gate, c_t, h_t)
    return h_t, c_t, cache


def peephole_lstm_forward(x: np.ndarray, params: PeepholeLSTMParams,
                          initial_state: tuple[np.ndarray, np.ndarray] | None = None,
                          mask: np.ndarray | None = None, return_sequences: bool = True,
                          go_backwards: bool = False,
                          ) -> tuple[np.ndarray, LSTMState, list[PeepholeStepCache]]:
    """Run the peephole LSTM over whole sequences, as ``keras.layers.RNN(cell)`` does.

    Arguments and masking behave as in :func:`rnncourse.numpy_gated.lstm_forward`.

    Returns:
        ``(outputs, LSTMState(h, c), caches)``.
    """
    x = _check_sequence(x, params.input_size)
    batch, steps, _ = x.shape
    if initial_state is None:
        initial_state = (None, None)
    if len(initial_state) != 2:
        raise ShapeError(f"An LSTM needs two initial states (h0, c0); got {len(initial_state)}.")
    h = _check_state("h0", initial_state[0], batch, params.units)
    c = _check_state("c0", initial_state[1], batch, params.units)
    mask = check_mask(mask, batch, steps)

    outputs = np.empty((batch, steps, params.units))
    previous_output = np.zeros((batch, params.units))
    caches = []
    for position, step in enumerate(_time_order(steps, go_backwards)):
        h_new, c_new, cache = peephole_lstm_cell_forward(x[:, step], h, c, params)
        if mask is None:
            h, c, output = h_new, c_new, h_new
        else:
            keep = mask[:, step][:, None]
            output = np.where(keep, h_new, previous_output)
            h = np.where(keep, h_new, h)
            c = np.where(keep, c_new, c)
            cache.step_mask = mask[:, step]
        outputs[:, position] = output
        previous_output = output
        caches.append(cache)
    returned = outputs if return_sequences else outputs[:, -1]
    return returned, LSTMState(h, c), caches


def peephole_lstm_parameter_count(input_size: int, units: int) -> int:
    """An LSTM's ``4 * units * (input + units + 1)`` plus ``3 * units`` peephole weights."""
    return 4 * units * (input_size + units + 1) + 3 * units
