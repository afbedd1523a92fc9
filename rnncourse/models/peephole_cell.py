"""A peephole LSTM (Gers & Schmidhuber, 2000) as a custom Keras 3 cell for ``keras.layers.RNN``.

In a plain LSTM the gates see only ``x_t`` and ``h_(t-1)``. Peephole connections let
them look at the cell state too, through one diagonal (element-wise) weight vector per
gate (the equations are in :mod:`rnncourse.scratch.peephole`, the NumPy twin that
checks this cell). The kernels use Keras's LSTM layout (blocks i, f, c, o side by side),
so a :class:`PeepholeLSTMCell` with zero peephole weights is exactly ``keras.layers.LSTM``.

Use it like any cell::

    layer = keras.layers.RNN(PeepholeLSTMCell(32), return_sequences=True)

The cell is written with ``keras.ops`` only, so it runs on any Keras backend, and is
registered for serialisation (``get_config`` / ``model.save`` / ``keras.models.load_model``).
Keras never runs a custom cell on the fused cuDNN kernel: expect it to be slower than
``keras.layers.LSTM`` on a GPU.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from rnncourse.errors import InputError
from rnncourse.validation import as_int

__all__ = ["PeepholeLSTMCell"]


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
        self.units = as_int("units", units, minimum=1)
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
            raise InputError("PeepholeLSTMCell needs a known number of input features.")
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
