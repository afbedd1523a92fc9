"""Gated recurrent cells (LSTM and GRU) written in NumPy, laid out exactly like Keras.

The conventions are those of :mod:`rnncourse.numpy_rnn`, so weights copy across from
``keras.layers.LSTM`` and ``keras.layers.GRU`` without transposes:

* inputs are batch-first, ``x`` has shape ``(batch, time, input_dim)``;
* a layer with ``units`` hidden units stores its gates side by side in three arrays:
  ``kernel`` ``(input_dim, G * units)``, ``recurrent_kernel`` ``(units, G * units)`` and
  ``bias``, where ``G`` is 4 for an LSTM and 3 for a GRU;
* one step multiplies row vectors from the left: ``x_t @ kernel + h_prev @ recurrent_kernel``.

LSTM (Keras gate order **i, f, c, o** along the last axis)::

    i = sigmoid(x W_i + h_prev U_i + b_i)          input gate
    f = sigmoid(x W_f + h_prev U_f + b_f)          forget gate
    g = tanh(x W_c + h_prev U_c + b_c)             candidate ("c bar")
    o = sigmoid(x W_o + h_prev U_o + b_o)          output gate
    c = f * c_prev + i * g                         cell state, the "highway"
    h = o * tanh(c)                                hidden state and output

Keras's ``unit_forget_bias=True`` (the default) only changes how the bias is
*initialised*: the forget-gate slice starts at 1 instead of 0, so that a fresh LSTM
remembers by default. It is not part of the forward computation, so it has no
counterpart here; copying trained weights reproduces the layer whatever the flag was
(:func:`keras_initial_lstm_bias` shows the starting values).

GRU (Keras gate order **z, r, h**; z is the update gate, r the reset gate)::

    z  = sigmoid(x W_z + h_prev U_z + b_z)
    r  = sigmoid(x W_r + h_prev U_r + b_r)
    reset_after=True  (Keras default, cuDNN-compatible; bias has shape (2, 3 * units):
                       row 0 is the input bias, row 1 the recurrent bias)
        h~ = tanh(x W_h + b_ih + r * (h_prev U_h + b_rh))
    reset_after=False (the original Cho et al. v1 form; bias has shape (3 * units,))
        h~ = tanh(x W_h + (r * h_prev) U_h + b_h)
    h  = z * h_prev + (1 - z) * h~                 Keras's blend

For ``reset_after=True`` the recurrent bias of z and r simply adds to the input bias;
only the candidate's recurrent bias ``b_rh`` sits inside the reset gate.

Two GRU conventions appear in textbooks. Keras (like Cho et al. 2014, PyTorch and
d2l.ai) lets z weight the *previous* state: ``h = z * h_prev + (1 - z) * h~``, so
z near 1 means "keep". Other sources (Chung et al. 2014, Wikipedia, many blog
posts) let z weight the *candidate*: ``h = (1 - z') * h_prev + z' * h~``. The two
are the same model with ``z' = 1 - z``; since ``1 - sigmoid(a) = sigmoid(-a)``,
negating the update gate's weights and biases turns one into the other
(:func:`flip_update_gate`). :func:`gru_forward` takes ``convention=`` to choose.

Masking follows Keras's generic (non-cuDNN) loop exactly: at a masked step the
states are carried forward unchanged and the output repeats the previous *output*;
before the first unmasked step that previous output is zeros, even when an initial
state is given.

Forward functions return a cache per step in the CS231n forward/backward style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

from rnncourse.numpy_rnn import ShapeError

__all__ = [
    "LSTM_GATES",
    "GRU_GATES",
    "GRUConvention",
    "LSTMParams",
    "GRUParams",
    "LSTMState",
    "LSTMStepCache",
    "GRUStepCache",
    "ShapeError",
    "sigmoid",
    "lstm_cell_forward",
    "lstm_forward",
    "gru_cell_forward",
    "gru_forward",
    "flip_update_gate",
    "keras_initial_lstm_bias",
    "lstm_parameter_count",
    "gru_parameter_count",
    "check_mask",
]

LSTM_GATES: tuple[str, ...] = ("i", "f", "c", "o")
"""Keras's order of the LSTM gate blocks along the last axis of its weights."""

GRU_GATES: tuple[str, ...] = ("z", "r", "h")
"""Keras's order of the GRU blocks (update gate, reset gate, candidate)."""

GRUConvention = Literal["z_keeps_previous", "z_takes_candidate"]
"""``"z_keeps_previous"``: h = z*h_prev + (1-z)*h~ (Keras).
``"z_takes_candidate"``: h = (1-z)*h_prev + z*h~ (Chung et al., Wikipedia)."""


# --------------------------------------------------------------------------- helpers


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-a))``, computed without overflow warnings."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    positive = values >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-values[positive]))
    exp_values = np.exp(values[~positive])
    out[~positive] = exp_values / (1.0 + exp_values)
    return out


def _as_float(name: str, array: Any) -> np.ndarray:
    try:
        return np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ShapeError(f"{name} must be a numeric array; got {type(array).__name__}.") from error


def _require_rank(name: str, array: np.ndarray, rank: int, meaning: str) -> None:
    if array.ndim != rank:
        raise ShapeError(f"{name} must have rank {rank} {meaning}; got shape {array.shape}.")


def _check_gate_weights(kernel: np.ndarray, recurrent_kernel: np.ndarray, gates: int,
                        cell: str) -> int:
    """Check the kernel pair of a gated layer with ``gates`` blocks; return ``units``."""
    _require_rank("kernel", kernel, 2, f"(input_dim, {gates} * units)")
    _require_rank("recurrent_kernel", recurrent_kernel, 2, f"(units, {gates} * units)")
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


def check_mask(mask: Any, batch: int, steps: int) -> np.ndarray | None:
    """Validate a padding mask and return it as a ``(batch, time)`` bool array.

    ``True`` (or 1) marks a real step, ``False`` (or 0) a padded one, as in Keras.
    """
    if mask is None:
        return None
    mask_array = np.asarray(mask)
    if mask_array.shape != (batch, steps):
        raise ShapeError(
            f"mask must have shape (batch, time) = ({batch}, {steps}); got {mask_array.shape}."
        )
    if mask_array.dtype != bool:
        if not np.isin(mask_array, (0, 1)).all():
            raise ShapeError("mask must hold booleans (or 0/1): True for real steps.")
        mask_array = mask_array.astype(bool)
    return mask_array


def _check_sequence(x: Any, input_size: int) -> np.ndarray:
    x = _as_float("x", x)
    _require_rank("x", x, 3, "(batch, time, input_dim)")
    if x.shape[1] == 0:
        raise ShapeError("x has zero time steps; a sequence needs at least one.")
    if x.shape[2] != input_size:
        raise ShapeError(
            f"x has {x.shape[2]} features per step but the layer's kernel expects "
            f"{input_size}; x must be (batch, time, input_dim)."
        )
    return x


def _check_state(name: str, state: Any, batch: int, units: int) -> np.ndarray:
    if state is None:
        return np.zeros((batch, units))
    state = _as_float(name, state)
    if state.shape != (batch, units):
        raise ShapeError(
            f"{name} must be (batch, units) = ({batch}, {units}); got {state.shape}."
        )
    return state


def _check_step_inputs(x_t: Any, input_size: int, states: dict[str, Any],
                       units: int) -> tuple[np.ndarray, list[np.ndarray]]:
    x_t = _as_float("x_t", x_t)
    _require_rank("x_t", x_t, 2, "(batch, input_dim)")
    if x_t.shape[1] != input_size:
        raise ShapeError(
            f"x_t has {x_t.shape[1]} features but the kernel expects {input_size} inputs."
        )
    checked = []
    for name, state in states.items():
        state = _as_float(name, state)
        if state.shape != (x_t.shape[0], units):
            raise ShapeError(
                f"{name} must be (batch, units) = ({x_t.shape[0]}, {units}); "
                f"got {state.shape}."
            )
        checked.append(state)
    return x_t, checked


def _time_order(steps: int, go_backwards: bool) -> range:
    return range(steps - 1, -1, -1) if go_backwards else range(steps)


def _require_default_activations(layer: Any) -> None:
    cell = getattr(layer, "cell", layer)
    names = {
        "activation": getattr(cell.activation, "__name__", str(cell.activation)),
        "recurrent_activation": getattr(cell.recurrent_activation, "__name__",
                                        str(cell.recurrent_activation)),
    }
    expected = {"activation": "tanh", "recurrent_activation": "sigmoid"}
    for setting, name in names.items():
        if name != expected[setting]:
            raise NotImplementedError(
                f"{layer.name} uses {setting}={name!r}; the NumPy cells implement only the "
                f"default {setting}={expected[setting]!r}."
            )


# ------------------------------------------------------------------------------ LSTM


class LSTMState(NamedTuple):
    """The two LSTM states, in Keras's order: hidden ``h`` then cell ``c``."""

    h: np.ndarray
    c: np.ndarray


@dataclass
class LSTMParams:
    """Weights of one Keras ``LSTM`` layer.

    Attributes:
        kernel: Input weights ``(input_dim, 4 * units)``, gate blocks i, f, c, o.
        recurrent_kernel: Hidden-state weights ``(units, 4 * units)``, same blocks.
        bias: ``(4 * units,)``, or ``None`` for a layer built with ``use_bias=False``.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.kernel = _as_float("kernel", self.kernel)
        self.recurrent_kernel = _as_float("recurrent_kernel", self.recurrent_kernel)
        units = _check_gate_weights(self.kernel, self.recurrent_kernel, 4, "LSTM")
        if self.bias is not None:
            self.bias = _as_float("bias", self.bias)
            if self.bias.shape != (4 * units,):
                raise ShapeError(
                    f"An LSTM bias must have shape (4 * units,) = ({4 * units},); "
                    f"got {self.bias.shape}."
                )

    @property
    def input_size(self) -> int:
        """Number of input features per step."""
        return self.kernel.shape[0]

    @property
    def units(self) -> int:
        """Number of hidden units (the size of both h and c)."""
        return self.recurrent_kernel.shape[0]

    @property
    def use_bias(self) -> bool:
        """Whether the layer has a bias vector."""
        return self.bias is not None

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(W, U, b)`` of one gate: ``"i"``, ``"f"``, ``"c"`` or ``"o"``."""
        if name not in LSTM_GATES:
            raise KeyError(f"LSTM gates are {LSTM_GATES}; got {name!r}.")
        block = slice(LSTM_GATES.index(name) * self.units,
                      (LSTM_GATES.index(name) + 1) * self.units)
        bias = self.bias[block] if self.bias is not None else np.zeros(self.units)
        return self.kernel[:, block], self.recurrent_kernel[:, block], bias

    @classmethod
    def random(cls, input_size: int, units: int, seed: int = 0, scale: float = 0.5,
               use_bias: bool = True) -> LSTMParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        rng = np.random.default_rng(seed)
        return cls(
            kernel=rng.uniform(-scale, scale, size=(input_size, 4 * units)),
            recurrent_kernel=rng.uniform(-scale, scale, size=(units, 4 * units)),
            bias=rng.uniform(-scale, scale, size=4 * units) if use_bias else None,
        )

    @classmethod
    def from_keras(cls, layer: Any) -> LSTMParams:
        """Copy the weights out of a built ``keras.layers.LSTM`` (or ``LSTMCell``)."""
        _require_default_activations(layer)
        weights = layer.get_weights()
        if len(weights) not in (2, 3):
            raise ShapeError(
                f"{layer.name} has {len(weights)} weight arrays; an LSTM has kernel, "
                "recurrent_kernel and (with use_bias=True) bias. Is the layer built?"
            )
        return cls(*weights)

    def keras_weights(self) -> list[np.ndarray]:
        """``[kernel, recurrent_kernel(, bias)]`` as float32, for ``LSTM.set_weights``."""
        arrays = [self.kernel, self.recurrent_kernel]
        if self.bias is not None:
            arrays.append(self.bias)
        return [array.astype(np.float32) for array in arrays]


@dataclass
class LSTMStepCache:
    """What one LSTM step computed, for a backward pass or for plotting the gates.

    ``step_mask`` is ``None`` for a cell called on its own; :func:`lstm_forward` fills
    it with the ``(batch,)`` mask of that step when a mask is given.
    """

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
    step_mask: np.ndarray | None = None


def lstm_cell_forward(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
                      params: LSTMParams) -> tuple[np.ndarray, np.ndarray, LSTMStepCache]:
    """One LSTM step for a batch (the LSTMCELL of the lecture).

    Args:
        x_t: Inputs at this step, ``(batch, input_dim)``.
        h_prev: Previous hidden state, ``(batch, units)``.
        c_prev: Previous cell state, ``(batch, units)``.
        params: The layer's weights.

    Returns:
        ``(h_t, c_t, cache)``.
    """
    x_t, (h_prev, c_prev) = _check_step_inputs(
        x_t, params.input_size, {"h_prev": h_prev, "c_prev": c_prev}, params.units)
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
    return h_t, c_t, cache


def lstm_forward(x: np.ndarray, params: LSTMParams,
                 initial_state: tuple[np.ndarray, np.ndarray] | None = None,
                 mask: np.ndarray | None = None, return_sequences: bool = True,
                 go_backwards: bool = False,
                 ) -> tuple[np.ndarray, LSTMState, list[LSTMStepCache]]:
    """Run an LSTM over whole sequences, as ``keras.layers.LSTM`` does.

    Args:
        x: Inputs, ``(batch, time, input_dim)``.
        params: The layer's weights.
        initial_state: ``(h0, c0)``, each ``(batch, units)``; ``None`` means zeros.
        mask: Optional ``(batch, time)`` booleans, ``False`` at padded steps. A padded
            step keeps h and c and repeats the previous output (zeros before the first
            real step), exactly like Keras's ``mask=`` argument.
        return_sequences: Return every step's output ``(batch, time, units)``, or only
            the last one ``(batch, units)``.
        go_backwards: Read the sequence from the end (outputs then come in processing
            order, as Keras returns them).

    Returns:
        ``(outputs, LSTMState(h, c), caches)``: the final states are those Keras returns
        with ``return_state=True``; one cache per processed step.
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
        h_new, c_new, cache = lstm_cell_forward(x[:, step], h, c, params)
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


def keras_initial_lstm_bias(units: int, unit_forget_bias: bool = True) -> np.ndarray:
    """The bias a fresh ``keras.layers.LSTM`` starts with (default ``bias_initializer``).

    ``unit_forget_bias=True`` puts ones in the forget-gate block (f starts near
    ``sigmoid(1) = 0.73``, so the cell keeps its memory early in training); the other
    blocks start at zero. It changes only this starting value, never the forward pass.
    """
    bias = np.zeros(4 * units)
    if unit_forget_bias:
        bias[units:2 * units] = 1.0
    return bias


def lstm_parameter_count(input_size: int, units: int, use_bias: bool = True) -> int:
    """Weights in one LSTM layer: ``4 * units * (input + units + 1)``, 4x a SimpleRNN."""
    return 4 * units * (input_size + units + (1 if use_bias else 0))


# ------------------------------------------------------------------------------- GRU


@dataclass
class GRUParams:
    """Weights of one Keras ``GRU`` layer.

    Attributes:
        kernel: Input weights ``(input_dim, 3 * units)``, blocks z, r, h.
        recurrent_kernel: Hidden-state weights ``(units, 3 * units)``, same blocks.
        bias: ``(2, 3 * units)`` when ``reset_after`` (row 0 input bias, row 1
            recurrent bias), ``(3 * units,)`` otherwise, or ``None`` (``use_bias=False``).
        reset_after: Apply the reset gate after the recurrent matrix product (Keras's
            default and the cuDNN form) rather than before it.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None = None
    reset_after: bool = True

    def __post_init__(self) -> None:
        self.kernel = _as_float("kernel", self.kernel)
        self.recurrent_kernel = _as_float("recurrent_kernel", self.recurrent_kernel)
        units = _check_gate_weights(self.kernel, self.recurrent_kernel, 3, "GRU")
        if self.bias is None:
            return
        self.bias = _as_float("bias", self.bias)
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
    def input_size(self) -> int:
        """Number of input features per step."""
        return self.kernel.shape[0]

    @property
    def units(self) -> int:
        """Number of hidden units."""
        return self.recurrent_kernel.shape[0]

    @property
    def use_bias(self) -> bool:
        """Whether the layer has a bias."""
        return self.bias is not None

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

    @classmethod
    def random(cls, input_size: int, units: int, reset_after: bool = True, seed: int = 0,
               scale: float = 0.5, use_bias: bool = True) -> GRUParams:
        """Random weights, uniform in ``[-scale, scale]``, from a seeded generator."""
        rng = np.random.default_rng(seed)
        bias_shape = (2, 3 * units) if reset_after else (3 * units,)
        return cls(
            kernel=rng.uniform(-scale, scale, size=(input_size, 3 * units)),
            recurrent_kernel=rng.uniform(-scale, scale, size=(units, 3 * units)),
            bias=rng.uniform(-scale, scale, size=bias_shape) if use_bias else None,
            reset_after=reset_after,
        )

    @classmethod
    def from_keras(cls, layer: Any) -> GRUParams:
        """Copy the weights (and ``reset_after``) out of a built ``GRU`` or ``GRUCell``."""
        _require_default_activations(layer)
        weights = layer.get_weights()
        if len(weights) not in (2, 3):
            raise ShapeError(
                f"{layer.name} has {len(weights)} weight arrays; a GRU has kernel, "
                "recurrent_kernel and (with use_bias=True) bias. Is the layer built?"
            )
        cell = getattr(layer, "cell", layer)
        return cls(*weights, reset_after=bool(cell.reset_after))

    def keras_weights(self) -> list[np.ndarray]:
        """``[kernel, recurrent_kernel(, bias)]`` as float32, for ``GRU.set_weights``."""
        arrays = [self.kernel, self.recurrent_kernel]
        if self.bias is not None:
            arrays.append(self.bias)
        return [array.astype(np.float32) for array in arrays]


@dataclass
class GRUStepCache:
    """What one GRU step computed. ``update_gate`` is the z of the chosen convention."""

    x_t: np.ndarray
    h_prev: np.ndarray
    update_gate: np.ndarray
    reset_gate: np.ndarray
    candidate: np.ndarray
    recurrent_candidate: np.ndarray
    h_t: np.ndarray
    reset_after: bool
    convention: str
    step_mask: np.ndarray | None = None


def _check_convention(convention: str) -> None:
    if convention not in ("z_keeps_previous", "z_takes_candidate"):
        raise ValueError(
            "convention must be 'z_keeps_previous' (Keras: h = z*h_prev + (1-z)*h~) or "
            f"'z_takes_candidate' (h = (1-z)*h_prev + z*h~); got {convention!r}."
        )


def gru_cell_forward(x_t: np.ndarray, h_prev: np.ndarray, params: GRUParams,
                     convention: GRUConvention = "z_keeps_previous",
                     ) -> tuple[np.ndarray, GRUStepCache]:
    """One GRU step for a batch.

    Args:
        x_t: Inputs at this step, ``(batch, input_dim)``.
        h_prev: Previous hidden state, ``(batch, units)``.
        params: The layer's weights; ``params.reset_after`` picks the candidate formula.
        convention: ``"z_keeps_previous"`` (Keras) blends ``z*h_prev + (1-z)*h~``;
            ``"z_takes_candidate"`` blends ``(1-z)*h_prev + z*h~``.

    Returns:
        ``(h_t, cache)``.
    """
    _check_convention(convention)
    x_t, (h_prev,) = _check_step_inputs(x_t, params.input_size, {"h_prev": h_prev},
                                        params.units)
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
    if convention == "z_keeps_previous":
        h_t = update_gate * h_prev + (1.0 - update_gate) * candidate
    else:
        h_t = (1.0 - update_gate) * h_prev + update_gate * candidate
    cache = GRUStepCache(x_t, h_prev, update_gate, reset_gate, candidate,
                         recurrent_candidate, h_t, params.reset_after, convention)
    return h_t, cache


def gru_forward(x: np.ndarray, params: GRUParams, initial_state: np.ndarray | None = None,
                mask: np.ndarray | None = None, return_sequences: bool = True,
                go_backwards: bool = False,
                convention: GRUConvention = "z_keeps_previous",
                ) -> tuple[np.ndarray, np.ndarray, list[GRUStepCache]]:
    """Run a GRU over whole sequences, as ``keras.layers.GRU`` does.

    Args:
        x: Inputs, ``(batch, time, input_dim)``.
        params: The layer's weights (both ``reset_after`` variants).
        initial_state: ``h0`` of shape ``(batch, units)``; ``None`` means zeros.
        mask: Optional ``(batch, time)`` booleans; see :func:`lstm_forward`.
        return_sequences: All outputs ``(batch, time, units)`` or the last ``(batch, units)``.
        go_backwards: Read the sequence from the end, as Keras's flag does.
        convention: Which blend z controls; see :func:`gru_cell_forward`. Keras's layer
            equals the default.

    Returns:
        ``(outputs, h_final, caches)``.
    """
    x = _check_sequence(x, params.input_size)
    batch, steps, _ = x.shape
    if isinstance(initial_state, (list, tuple)):
        if len(initial_state) != 1:
            raise ShapeError(f"A GRU has one state (h0); got {len(initial_state)} states.")
        initial_state = initial_state[0]
    h = _check_state("h0", initial_state, batch, params.units)
    mask = check_mask(mask, batch, steps)

    outputs = np.empty((batch, steps, params.units))
    previous_output = np.zeros((batch, params.units))
    caches = []
    for position, step in enumerate(_time_order(steps, go_backwards)):
        h_new, cache = gru_cell_forward(x[:, step], h, params, convention)
        if mask is None:
            h, output = h_new, h_new
        else:
            keep = mask[:, step][:, None]
            output = np.where(keep, h_new, previous_output)
            h = np.where(keep, h_new, h)
            cache.step_mask = mask[:, step]
        outputs[:, position] = output
        previous_output = output
        caches.append(cache)
    returned = outputs if return_sequences else outputs[:, -1]
    return returned, h, caches


def flip_update_gate(params: GRUParams) -> GRUParams:
    """Translate GRU weights between the two update-gate conventions.

    Negates the z block of the kernel, the recurrent kernel and the bias(es), so that
    the new gate is ``z' = sigmoid(-a) = 1 - z``. Hence::

        gru_forward(x, params, convention="z_keeps_previous")
        == gru_forward(x, flip_update_gate(params), convention="z_takes_candidate")

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
    return GRUParams(kernel, recurrent_kernel, bias, reset_after=params.reset_after)


def gru_parameter_count(input_size: int, units: int, reset_after: bool = True,
                        use_bias: bool = True) -> int:
    """Weights in one Keras GRU: ``3 * units * (input + units) + bias``.

    The bias has ``3 * units`` entries, or ``6 * units`` with ``reset_after=True``
    (separate input and recurrent biases), so a Keras GRU is slightly more than 3x a
    SimpleRNN.
    """
    bias = 0 if not use_bias else (6 * units if reset_after else 3 * units)
    return 3 * units * (input_size + units) + bias
