"""One runner for every cell: the NumPy mirror of ``keras.layers.RNN(cell)``.

Keras splits a recurrent layer in two. A *cell* holds the math of one time step; the
generic ``keras.layers.RNN`` runs any cell over a sequence and handles everything that
has nothing to do with the cell: zero initial states, padding masks, ``go_backwards``
and ``return_sequences``. The from-scratch code is built the same way:

* every cell's parameters (:class:`~rnncourse.scratch.rnn_cell.RNNParams`,
  :class:`~rnncourse.scratch.lstm.LSTMParams`, :class:`~rnncourse.scratch.gru.GRUParams`,
  :class:`~rnncourse.scratch.peephole.PeepholeLSTMParams`) know their ``units``, their
  ``input_size``, the names of their states and how to take one ``step``;
* :func:`run_rnn` runs any of them over ``(batch, time, features)`` inputs.

One convention for every cell: the parameters come first, states and options are passed
by keyword, a step returns a :class:`CellStep` ``(output, states, cache)`` and the
runner a :class:`SequenceResult` ``(outputs, states, caches)``, states always a tuple in
Keras's order (``(h,)`` for the tanh RNN and the GRU, ``(h, c)`` for the LSTMs).

Masking follows Keras's generic (non-cuDNN) loop exactly: at a masked step the states
are carried forward unchanged and the output repeats the previous *output*; before the
first unmasked step that previous output is zeros, even when an initial state is given.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from rnncourse.errors import ShapeError
from rnncourse.validation import as_flag, as_float_array, check_mask

__all__ = [
    "Cell",
    "CellStep",
    "SequenceResult",
    "check_step_inputs",
    "run_rnn",
    "time_order",
]


class CellStep(NamedTuple):
    """What one cell step returns.

    Attributes:
        output: What the layer emits at this step, ``(batch, units)``.
        states: The new states, a tuple in Keras's order (``(h,)`` or ``(h, c)``).
        cache: What a backward pass (or a gate plot) needs from this step.
    """

    output: np.ndarray
    states: tuple[np.ndarray, ...]
    cache: Any


class SequenceResult(NamedTuple):
    """What :func:`run_rnn` returns.

    Attributes:
        outputs: ``(batch, time, units)`` with ``return_sequences``, else ``(batch, units)``;
            with ``go_backwards`` the steps come in processing order, as in Keras.
        states: The final states, the ones Keras returns with ``return_state=True``.
        caches: One cache per processed step, in processing order.
    """

    outputs: np.ndarray
    states: tuple[np.ndarray, ...]
    caches: list[Any]


@runtime_checkable
class Cell(Protocol):
    """What :func:`run_rnn` needs of a cell's parameters."""

    state_names: tuple[str, ...]

    @property
    def units(self) -> int:
        """Size of every state."""

    @property
    def input_size(self) -> int:
        """Features per input step."""

    def step(self, x_t: np.ndarray, *, states: tuple[np.ndarray, ...]) -> CellStep:
        """One time step for a batch."""


def time_order(steps: int, go_backwards: bool = False) -> range:
    """The order in which the steps are read: ``0 .. T-1``, or ``T-1 .. 0`` backwards."""
    return range(steps - 1, -1, -1) if go_backwards else range(steps)


def check_step_inputs(cell: Cell, x_t: Any, states: Any) -> tuple[np.ndarray,
                                                                   tuple[np.ndarray, ...]]:
    """Validate one step's input ``(batch, input_dim)`` and states for ``cell``.

    Returns:
        ``(x_t, states)`` as float64 arrays.
    """
    x_t = as_float_array("x_t", x_t, rank=2, meaning="(batch, input_dim)")
    if x_t.shape[1] != cell.input_size:
        raise ShapeError(f"x_t has {x_t.shape[1]} features but the cell's kernel expects "
                         f"{cell.input_size} inputs.")
    states = _as_state_tuple(cell, states)
    checked = []
    for name, state in zip(cell.state_names, states, strict=True):
        state = as_float_array(f"{name}_prev", state)
        if state.shape != (x_t.shape[0], cell.units):
            raise ShapeError(f"{name}_prev must be (batch, units) = ({x_t.shape[0]}, "
                             f"{cell.units}); got {state.shape}.")
        checked.append(state)
    return x_t, tuple(checked)


def _as_state_tuple(cell: Cell, states: Any) -> tuple[Any, ...]:
    """Accept one array for a one-state cell, or a tuple/list of one array per state."""
    names = cell.state_names
    if isinstance(states, np.ndarray) or not isinstance(states, tuple | list):
        states = (states,)
    if len(states) != len(names):
        listed = ", ".join(f"{name}0" for name in names)
        raise ShapeError(f"This cell has {len(names)} state{'s' * (len(names) > 1)} "
                         f"({listed}); got {len(states)}. Pass one array per state, or None "
                         "for zeros.")
    return tuple(states)


def _initial_states(cell: Cell, initial_state: Any, batch: int) -> tuple[np.ndarray, ...]:
    if initial_state is None:
        return tuple(np.zeros((batch, cell.units)) for _ in cell.state_names)
    given = _as_state_tuple(cell, initial_state)
    states = []
    for name, state in zip(cell.state_names, given, strict=True):
        if state is None:
            states.append(np.zeros((batch, cell.units)))
            continue
        state = as_float_array(f"{name}0", state)
        if state.shape != (batch, cell.units):
            raise ShapeError(f"{name}0 must be (batch, units) = ({batch}, {cell.units}); got "
                             f"{state.shape}. Pass None to start from zeros, as Keras does.")
        states.append(state)
    return tuple(states)


def _same_kind(states: tuple, values: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """``values`` as the same kind of tuple as ``states`` (a named ``LSTMState`` stays one)."""
    return states._make(values) if hasattr(states, "_make") else tuple(values)


def run_rnn(cell: Cell, x: Any, *, initial_state: Any = None, mask: Any = None,
            return_sequences: bool = True, go_backwards: bool = False) -> SequenceResult:
    """Run any cell over whole sequences, as ``keras.layers.RNN(cell)`` does.

    Args:
        cell: A cell's parameters (tanh RNN, LSTM, GRU, peephole LSTM, or your own
            object with ``units``, ``input_size``, ``state_names`` and ``step``).
        x: Inputs, ``(batch, time, input_dim)``.
        initial_state: ``None`` for zeros, one array for a one-state cell, or one array
            per state (``(h0, c0)`` for an LSTM), each ``(batch, units)``.
        mask: Optional ``(batch, time)`` booleans, ``False`` at padded steps.
        return_sequences: Return every step's output, or only the last one.
        go_backwards: Read the sequence from the last step to the first.

    Returns:
        A :class:`SequenceResult` ``(outputs, states, caches)``.
    """
    if not isinstance(cell, Cell):
        raise ShapeError(f"run_rnn needs a cell's parameters (RNNParams, LSTMParams, GRUParams, "
                         f"PeepholeLSTMParams); got {type(cell).__name__}.")
    return_sequences = as_flag("return_sequences", return_sequences)
    go_backwards = as_flag("go_backwards", go_backwards)
    x = as_float_array("x", x, rank=3, meaning="(batch, time, input_dim)")
    batch, steps, features = x.shape
    if steps == 0:
        raise ShapeError("x has zero time steps; a sequence needs at least one.")
    if features != cell.input_size:
        raise ShapeError(f"x has {features} features per step but the cell's kernel expects "
                         f"{cell.input_size}; x must be (batch, time, input_dim).")
    states = _initial_states(cell, initial_state, batch)
    mask = check_mask(mask, batch, steps)

    outputs = np.empty((batch, steps, cell.units))
    previous_output = np.zeros((batch, cell.units))
    caches = []
    for position, step in enumerate(time_order(steps, go_backwards)):
        output, new_states, cache = cell.step(x[:, step], states=states)
        if mask is None:
            states = new_states
        else:  # a padded step keeps the states and repeats the previous output
            keep = mask[:, step][:, None]
            output = np.where(keep, output, previous_output)
            states = _same_kind(new_states, [np.where(keep, new, old)
                                             for new, old in zip(new_states, states, strict=True)])
        outputs[:, position] = output
        previous_output = output
        caches.append(cache)
    returned = outputs if return_sequences else outputs[:, -1]
    return SequenceResult(returned, states, caches)
