"""Bidirectional RNNs in NumPy: the two-direction pass and the five ways to merge them.

A bidirectional layer is two independent RNNs over the same input. The forward one reads
steps ``0 .. T-1``; the backward one reads ``T-1 .. 0``, so its outputs come out in
reversed order and must be flipped back before they are lined up with the forward ones.
The two aligned outputs are then merged:

==========  =============================  ============================
merge       formula                        output features
==========  =============================  ============================
``concat``  ``[forward, backward]``        ``2 * units``
``sum``     ``forward + backward``         ``units``
``ave``     ``(forward + backward) / 2``   ``units``
``mul``     ``forward * backward``         ``units``
``max``     ``maximum(forward, backward)`` ``units``
==========  =============================  ============================

``keras.layers.Bidirectional`` offers the first four;
:class:`rnncourse.models.bidirectional.MergedBidirectional` offers all five, merging with
the same :func:`merge_with` written here once for NumPy arrays and Keras tensors alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnncourse.errors import InputError, ShapeError
from rnncourse.scratch.runner import Cell, run_rnn
from rnncourse.validation import as_flag, as_float_array

__all__ = ["MERGE_MODES", "bidirectional_forward", "check_merge_mode", "merge_directions",
           "merge_with", "merged_units"]

MERGE_MODES = ("concat", "sum", "ave", "mul", "max")


def check_merge_mode(merge_mode: str) -> None:
    """Raise :class:`~rnncourse.errors.InputError` unless ``merge_mode`` is one of the five."""
    if not isinstance(merge_mode, str) or merge_mode not in MERGE_MODES:
        raise InputError(
            f"Unknown merge mode {merge_mode!r}; use one of {MERGE_MODES} ('max' is the "
            "element-wise maximum, which keras.layers.Bidirectional does not offer).")


def merge_directions(forward: np.ndarray, backward: np.ndarray,
                     merge_mode: str = "concat") -> np.ndarray:
    """Merge aligned forward and backward outputs (NumPy), as Keras does.

    Args:
        forward: Forward outputs, ``(..., units)``.
        backward: Backward outputs *already in forward time order*, same shape.
        merge_mode: One of :data:`MERGE_MODES`.
    """
    check_merge_mode(merge_mode)
    # Keep the callers' dtype (float32 Keras outputs stay float32): only check it is numeric.
    forward = np.asarray(as_float_array("forward", forward) if _not_numeric(forward) else forward)
    backward = np.asarray(as_float_array("backward", backward) if _not_numeric(backward)
                          else backward)
    if forward.shape != backward.shape:
        raise ShapeError(f"The two directions must have the same shape to be merged; got "
                         f"{forward.shape} and {backward.shape}.")
    return merge_with(np, forward, backward, merge_mode)


def _not_numeric(values: Any) -> bool:
    return not np.issubdtype(np.asarray(values).dtype, np.number)


def merge_with(ops: Any, forward: Any, backward: Any, merge_mode: str) -> Any:
    """The five merges, written once for NumPy arrays (``ops=np``) and Keras tensors
    (``ops=keras.ops``)."""
    if merge_mode == "concat":
        return ops.concatenate([forward, backward], axis=-1)
    if merge_mode == "sum":
        return forward + backward
    if merge_mode == "ave":
        return (forward + backward) / 2
    if merge_mode == "mul":
        return forward * backward
    return ops.maximum(forward, backward)


def bidirectional_forward(x: np.ndarray, forward_params: Cell,
                          backward_params: Cell, merge_mode: str = "concat",
                          return_sequences: bool = True) -> np.ndarray:
    """A bidirectional RNN in NumPy, equal to ``Bidirectional(SimpleRNN(...))`` (or any cell).

    The backward RNN runs on the time-reversed input; its state sequence is reversed again
    so that position ``t`` of both directions refers to input step ``t``.

    Args:
        x: Inputs ``(batch, time, features)``.
        forward_params, backward_params: The two directions' weights (independent).
        merge_mode: One of :data:`MERGE_MODES`.
        return_sequences: Return every step ``(batch, time, out)``; otherwise the last
            forward state merged with the backward state after it has read step 0,
            which is what Keras returns.
    """
    check_merge_mode(merge_mode)
    return_sequences = as_flag("return_sequences", return_sequences)
    x = as_float_array("x", x, rank=3, meaning="(batch, time, features)")
    forward_states = run_rnn(forward_params, x).outputs
    reversed_states = run_rnn(backward_params, x[:, ::-1]).outputs
    if not return_sequences:
        return merge_directions(forward_states[:, -1], reversed_states[:, -1], merge_mode)
    backward_states = reversed_states[:, ::-1]  # back into forward time order
    return merge_directions(forward_states, backward_states, merge_mode)


def merged_units(units: int, merge_mode: str) -> int:
    """Output features of a bidirectional layer of ``units`` per direction."""
    check_merge_mode(merge_mode)
    return 2 * units if merge_mode == "concat" else units
