"""The squashing functions every from-scratch cell shares: sigmoid, tanh's slope, softmax."""

from __future__ import annotations

import numpy as np

from rnncourse.errors import InputError, ShapeError
from rnncourse.validation import as_float_array, as_int

__all__ = ["sigmoid", "softmax", "tanh_derivative"]


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-a))``, computed without overflow warnings."""
    values = as_float_array("values", values)
    out = np.empty_like(values)
    positive = values >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-values[positive]))
    exp_values = np.exp(values[~positive])
    out[~positive] = exp_values / (1.0 + exp_values)
    return out


def tanh_derivative(tanh_values: np.ndarray) -> np.ndarray:
    """The slope of tanh where it produced ``tanh_values``: ``1 - tanh(a)**2``."""
    return 1.0 - np.asarray(tanh_values) ** 2


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis`` (the maximum is subtracted first)."""
    logits = as_float_array("logits", logits)
    if logits.size == 0:
        raise ShapeError("logits is empty: softmax needs at least one score.")
    axis = as_int("axis", axis)
    if not -max(logits.ndim, 1) <= axis < max(logits.ndim, 1):
        raise InputError(f"axis={axis} does not exist for logits of shape {logits.shape}.")
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=axis, keepdims=True)
