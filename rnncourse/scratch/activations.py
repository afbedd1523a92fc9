"""The squashing functions every from-scratch cell shares: sigmoid, tanh's slope, softmax."""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "softmax", "tanh_derivative"]


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-a))``, computed without overflow warnings."""
    values = np.asarray(values, dtype=np.float64)
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
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=axis, keepdims=True)
