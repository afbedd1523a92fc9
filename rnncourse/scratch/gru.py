"""The GRU cell in NumPy, laid out exactly like Keras's ``GRUCell``, in both variants.

Keras's gate order is **z, r, h** (update gate, reset gate, candidate), side by side in
``kernel`` ``(input_dim, 3 * units)`` and ``recurrent_kernel`` ``(units, 3 * units)``::

    z  = sigmoid(x U_z + h_prev W_z + b_z)        (U: input weights, W: recurrent weights)
    r  = sigmoid(x U_r + h_prev W_r + b_r)
    reset_after=True  (Keras default, cuDNN-compatible; bias has shape (2, 3 * units):
                       row 0 is the input bias, row 1 the recurrent bias)
        h~ = tanh(x U_h + b_ih + r * (h_prev W_h + b_rh))
    reset_after=False (the original Cho et al. v1 form; bias has shape (3 * units,))
        h~ = tanh(x U_h + (r * h_prev) W_h + b_h)
    h  = z * h_prev + (1 - z) * h~                 Keras's blend

For ``reset_after=True`` the recurrent bias of z and r simply adds to the input bias;
only the candidate's recurrent bias ``b_rh`` sits inside the reset gate.

Two GRU conventions appear in textbooks. Keras (like Cho et al. 2014, PyTorch and
d2l.ai) lets z weight the *previous* state: ``h = z * h_prev + (1 - z) * h~``, so
z near 1 means "keep". Other sources (Chung et al. 2014, Wikipedia, many blog
posts) let z weight the *candidate*: ``h = (1 - z') * h_prev + z' * h~``. The two
are the same model with ``z' = 1 - z``; since ``1 - sigmoid(a) = sigmoid(-a)``,
negating the update gate's weights and biases turns one into the other
(:func:`flip_update_gate`). :class:`GRUParams` carries its ``convention``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import numpy as np

from rnncourse.errors import ShapeError
from rnncourse.scratch.activations import sigmoid
from rnncourse.scratch.gate_layout import GatedParams
from rnncourse.scratch.runner import CellStep, check_step_inputs
from rnncourse.validation import as_flag, as_int, one_of

__all__ = [
    "GRU_CONVENTIONS",
    "GRU_GATES",
    "GRUConvention",
    "GRUParams",
    "GRUStepCache",
    "flip_update_gate",
    "gru_cell_forward",
    "gru_parameter_count",
]

GRU_GATES: tuple[str, ...] = ("z", "r", "h")
"""Keras's order of the GRU blocks (update gate, reset gate, candidate)."""

GRUConvention = Literal["z_keeps_previous", "z_takes_candidate"]
"""``"z_keeps_previous"``: h = z*h_prev + (1-z)*h~ (Keras).
``"z_takes_candidate"``: h = (1-z)*h_prev + z*h~ (Chung et al., Wikipedia)."""

GRU_CONVENTIONS: tuple[str, ...] = ("z_keeps_previous", "z_takes_candidate")


@dataclass
class GRUStepCache:
    """What one GRU step computed. ``update_gate`` is the z of the params' convention."""

    x_t: np.ndarray
    h_prev: np.ndarray
    update_gate: np.ndarray
    reset_gate: np.ndarray
    candidate: np.ndarray
    recurrent_candidate: np.ndarray
    h_t: np.ndarray
    reset_after: bool
    convention: str


@dataclass
class GRUParams(GatedParams):
    """Weights of one Keras ``GRU`` layer, and how its update gate is read.

    Attributes:
        kernel: Input weights ``(input_dim, 3 * units)``, blocks z, r, h.
        recurrent_kernel: Hidden-state weights ``(units, 3 * units)``, same blocks.
        bias: ``(2, 3 * units)`` when ``reset_after`` (row 0 input bias, row 1
            recurrent bias), ``(3 * units,)`` otherwise, or ``None`` (``use_bias=False``).
        reset_after: Apply the reset gate after the recurrent matrix product (Keras's
            default and the cuDNN form) rather than before it.
        convention: ``"z_keeps_previous"`` (Keras) blends ``z*h_prev + (1-z)*h~``;
            ``"z_takes_candidate"`` blends ``(1-z)*h_prev + z*h~``.
    """

    reset_after: bool = True
    convention: GRUConvention = "z_keeps_previous"

    GATES: ClassVar[tuple[str, ...]] = GRU_GATES
    CELL: ClassVar[str] = "GRU"
    state_names: ClassVar[tuple[str, ...]] = ("h",)

    def __post_init__(self) -> None:
        one_of("convention", self.convention, GRU_CONVENTIONS)
        units = self._check_kernels()
        if self.bias is None:
            return
        expected = (2, 3 * units) if self.reset_after else (3 * units,)
        if self.bias.shape != expected:
            hint = (" A (2, 3 * units) bias belongs to reset_after=True." if
                    self.bias.shape == (2, 3 * units) else
                    " A (3 * units,) bias belongs to reset_after=False." if
                    self.bias.shape == (3 * units,) else "")
            raise ShapeError(
                f"A GRU with reset_after={self.reset_after} needs a bias of shape "
                f"{expected}; got {self.bias.shape}.{hint}"
            )

    @property
    def input_bias(self) -> np.ndarray:
        """Bias added to ``x @ kernel``, ``(3 * units,)`` (zeros without a bias)."""
        if self.bias is None:
            return np.zeros(3 * self.units)
        return self.bias[0] if self.reset_after else self.bias

    @property
    def recurrent_bias(self) -> np.ndarray:
        """Bias added to ``h_prev @ recurrent_kernel``; zeros unless ``reset_after``."""
        if self.bias is None or not self.reset_after:
            return np.zeros(3 * self.units)
        return self.bias[1]

    def with_convention(self, convention: GRUConvention) -> GRUParams:
        """The same weights read with the other blend (this changes what the cell computes)."""
        return replace(self, convention=convention)

    @classmethod
    def random(cls, input_size: int, units: int, reset_after: bool = True, seed: int = 0,
               scale: float = 0.5, use_bias: bool = True) -> GRUParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        units = as_int("units", units, minimum=1, maximum=100_000)
        bias_shape = (2, 3 * units) if reset_after else (3 * units,)
        return cls(**cls._random_arrays(input_size, units, 3, bias_shape, seed, scale,
                                        use_bias), reset_after=reset_after)

    @classmethod
    def from_keras(cls, layer: Any) -> GRUParams:
        """Copy the weights (and ``reset_after``) out of a built ``GRU`` or ``GRUCell``."""
        weights = cls._keras_arrays(layer)
        cell = getattr(layer, "cell", layer)
        return cls(*weights, reset_after=bool(cell.reset_after))

    def step(self, x_t: np.ndarray, *, states: Any) -> CellStep:
        """One time step; see :func:`gru_cell_forward`."""
        return gru_cell_forward(self, x_t, states=states)


def gru_cell_forward(params: GRUParams, x_t: np.ndarray, *, states: Any) -> CellStep:
    """One GRU step for a batch.

    Args:
        params: The layer's weights; ``params.reset_after`` picks the candidate formula
            and ``params.convention`` the blend.
        x_t: Inputs at this step, ``(batch, input_dim)``.
        states: ``(h_prev,)`` (or the array ``h_prev``), ``(batch, units)``.

    Returns:
        A :class:`~rnncourse.scratch.runner.CellStep` ``(h_t, (h_t,), cache)`` with a
        :class:`GRUStepCache`.
    """
    x_t, (h_prev,) = check_step_inputs(params, x_t, states)
    units = params.units
    x_z, x_r, x_h = np.split(x_t @ params.kernel + params.input_bias, 3, axis=1)
    if params.reset_after:
        h_all = h_prev @ params.recurrent_kernel + params.recurrent_bias
        h_z, h_r, h_h = np.split(h_all, 3, axis=1)
    else:
        h_z, h_r = np.split(h_prev @ params.recurrent_kernel[:, :2 * units], 2, axis=1)
    update_gate = sigmoid(x_z + h_z)
    reset_gate = sigmoid(x_r + h_r)
    if params.reset_after:
        recurrent_candidate = reset_gate * h_h
    else:
        recurrent_candidate = (reset_gate * h_prev) @ params.recurrent_kernel[:, 2 * units:]
    candidate = np.tanh(x_h + recurrent_candidate)
    if params.convention == "z_keeps_previous":
        h_t = update_gate * h_prev + (1.0 - update_gate) * candidate
    else:
        h_t = (1.0 - update_gate) * h_prev + update_gate * candidate
    cache = GRUStepCache(x_t, h_prev, update_gate, reset_gate, candidate,
                         recurrent_candidate, h_t, params.reset_after, params.convention)
    return CellStep(h_t, (h_t,), cache)


def flip_update_gate(params: GRUParams) -> GRUParams:
    """The same GRU written in the other update-gate convention.

    Negates the z block of the kernel, the recurrent kernel and the bias(es), so that
    the new gate is ``z' = sigmoid(-a) = 1 - z``, and switches ``convention``. The
    result computes exactly what ``params`` computes::

        run_rnn(params, x) == run_rnn(flip_update_gate(params), x)

    Applying it twice gives the original weights back.
    """
    units = params.units
    kernel = params.kernel.copy()
    recurrent_kernel = params.recurrent_kernel.copy()
    kernel[:, :units] *= -1.0
    recurrent_kernel[:, :units] *= -1.0
    bias = None
    if params.bias is not None:
        bias = params.bias.copy()
        bias[..., :units] *= -1.0
    other = [name for name in GRU_CONVENTIONS if name != params.convention][0]
    return GRUParams(kernel, recurrent_kernel, bias, reset_after=params.reset_after,
                     convention=other)


def gru_parameter_count(input_size: int, units: int, reset_after: bool = True,
                        use_bias: bool = True) -> int:
    """Weights in one Keras GRU: ``3 * units * (input + units) + bias``.

    The bias has ``3 * units`` entries, or ``6 * units`` with ``reset_after=True``
    (separate input and recurrent biases), so a Keras GRU is slightly more than 3x a
    SimpleRNN.
    """
    input_size = as_int("input_size", input_size, minimum=1)
    units = as_int("units", units, minimum=1)
    reset_after, use_bias = as_flag("reset_after", reset_after), as_flag("use_bias", use_bias)
    bias = 0 if not use_bias else (6 * units if reset_after else 3 * units)
    return 3 * units * (input_size + units) + bias
