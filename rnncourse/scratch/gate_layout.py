"""What the gated cells share: Keras's layout of gate blocks side by side in one matrix.

An LSTM stores its four gates and a GRU its three blocks next to each other along the
last axis of ``kernel`` ``(input_dim, G * units)`` and ``recurrent_kernel``
``(units, G * units)``. These helpers check that layout once for every gated cell, and
check that a Keras layer uses the activations the NumPy cells implement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rnncourse.errors import ShapeError, UnknownNameError, UnsupportedError
from rnncourse.validation import (
    as_flag,
    as_float_array,
    as_int,
    generator_from,
    positive_float,
    require_rank,
)

__all__ = ["GatedParams", "KernelSizes", "check_gate_weights", "gate_block",
           "require_default_activations"]


def check_gate_weights(kernel: np.ndarray, recurrent_kernel: np.ndarray, gates: int,
                       cell: str) -> int:
    """Check the kernel pair of a gated layer with ``gates`` blocks; return ``units``."""
    require_rank("kernel", kernel, 2, f"(input_dim, {gates} * units)")
    require_rank("recurrent_kernel", recurrent_kernel, 2, f"(units, {gates} * units)")
    units = recurrent_kernel.shape[0]
    if recurrent_kernel.shape != (units, gates * units):
        raise ShapeError(
            f"An {cell} recurrent_kernel must be (units, {gates} * units), i.e. "
            f"({units}, {gates * units}) for {units} units; got {recurrent_kernel.shape}. "
            f"The {gates} gate blocks sit side by side along the last axis."
        )
    if kernel.shape[1] != gates * units:
        raise ShapeError(
            f"kernel has {kernel.shape[1]} columns but recurrent_kernel implies {units} "
            f"units, so {gates} * {units} = {gates * units} were expected. Did you pass the "
            "kernel transposed, or weights of another cell type?"
        )
    return units


def gate_block(gates: tuple[str, ...], name: str, units: int) -> slice:
    """The columns of gate ``name`` in a matrix whose blocks come in the order ``gates``."""
    if name not in gates:
        raise UnknownNameError(f"The gates are {gates}; got {name!r}.")
    index = gates.index(name)
    return slice(index * units, (index + 1) * units)


def require_default_activations(layer: Any) -> None:
    """Refuse a Keras LSTM/GRU whose activations differ from the NumPy cells' tanh/sigmoid."""
    cell = getattr(layer, "cell", layer)
    names = {
        "activation": getattr(cell.activation, "__name__", str(cell.activation)),
        "recurrent_activation": getattr(cell.recurrent_activation, "__name__",
                                        str(cell.recurrent_activation)),
    }
    expected = {"activation": "tanh", "recurrent_activation": "sigmoid"}
    for setting, name in names.items():
        if name != expected[setting]:
            raise UnsupportedError(
                f"{layer.name} uses {setting}={name!r}; the NumPy cells implement only the "
                f"default {setting}={expected[setting]!r}."
            )


class KernelSizes:
    """``input_size`` and ``units`` read off ``kernel`` and ``recurrent_kernel`` (a mixin)."""

    kernel: np.ndarray
    recurrent_kernel: np.ndarray

    @property
    def input_size(self) -> int:
        """Number of input features per step."""
        return self.kernel.shape[0]

    @property
    def units(self) -> int:
        """Number of hidden units (the size of every state)."""
        return self.recurrent_kernel.shape[0]


@dataclass
class GatedParams(KernelSizes):
    """The weights every gated Keras layer has: ``kernel``, ``recurrent_kernel``, ``bias``.

    Subclasses set :attr:`GATES` (the block order) and :attr:`CELL` (the name used in
    messages); the LSTM and GRU parameters build on this.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None = None

    GATES: ClassVar[tuple[str, ...]] = ()
    CELL: ClassVar[str] = ""

    def _check_kernels(self) -> int:
        self.kernel = as_float_array("kernel", self.kernel)
        self.recurrent_kernel = as_float_array("recurrent_kernel", self.recurrent_kernel)
        units = check_gate_weights(self.kernel, self.recurrent_kernel, len(self.GATES),
                                   self.CELL)
        if self.bias is not None:
            self.bias = as_float_array("bias", self.bias)
        return units

    @property
    def use_bias(self) -> bool:
        """Whether the layer has a bias."""
        return self.bias is not None

    @staticmethod
    def _random_arrays(input_size: int, units: int, gates: int, bias_shape: tuple[int, ...],
                       seed: int, scale: float, use_bias: bool) -> dict[str, Any]:
        input_size = as_int("input_size", input_size, minimum=1, maximum=100_000)
        units = as_int("units", units, minimum=1, maximum=100_000)
        scale = positive_float("scale", scale)
        use_bias = as_flag("use_bias", use_bias)
        rng = generator_from(seed)
        return {
            "kernel": rng.uniform(-scale, scale, size=(input_size, gates * units)),
            "recurrent_kernel": rng.uniform(-scale, scale, size=(units, gates * units)),
            "bias": rng.uniform(-scale, scale, size=bias_shape) if use_bias else None,
        }

    @classmethod
    def _keras_arrays(cls, layer: Any) -> list[np.ndarray]:
        """The weight arrays of a built Keras layer of this cell type, checked."""
        require_default_activations(layer)
        weights = layer.get_weights()
        if len(weights) not in (2, 3):
            raise ShapeError(
                f"{layer.name} has {len(weights)} weight arrays; a {cls.CELL} has kernel, "
                "recurrent_kernel and (with use_bias=True) bias. Is the layer built?"
            )
        return weights

    def keras_weights(self) -> list[np.ndarray]:
        """``[kernel, recurrent_kernel(, bias)]`` as float32, for the layer's ``set_weights``."""
        arrays = [self.kernel, self.recurrent_kernel]
        if self.bias is not None:
            arrays.append(self.bias)
        return [array.astype(np.float32) for array in arrays]
