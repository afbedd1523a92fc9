"""Probing a Keras model that a learner built: seeded weights, layer search, typed answers.

A check cannot compare two freshly built Keras models by their outputs, because each one
starts from its own random weights. These helpers give every weight a value fixed by a
seed, its position in ``model.weights`` and its shape, so two models with the same layers
in the same order compute exactly the same function, and a model with other layers (or
other sizes) computes a different one. The checks of lessons 05 and 06 build on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnncourse.exercises.checking import (
    FAILED,
    TIMEOUT_MESSAGE,
    CheckResult,
    LearnerTimeout,
    Mistake,
    check_timeout,
    guarded,
    run_check,
    with_hint,
)

__all__ = ["check_model_builder", "find_layers", "require_model", "seeded_outputs",
           "set_seeded_weights"]

# Building and calling Keras models takes seconds, so model checks get at least this long.
MODEL_CHECK_TIMEOUT_S = 60.0


def set_seeded_weights(model: Any, seed: int) -> None:
    """Give every weight of ``model`` a value fixed by ``seed``, its position and its shape.

    Values are Gaussian, scaled by ``1 / sqrt(fan_in)`` (the product of all but the last
    dimension) so that activations stay in a useful range, and 0.1 for vectors (biases).
    """
    for index, weight in enumerate(model.weights):
        shape = tuple(int(size) for size in weight.shape)
        rng = np.random.default_rng([int(seed), index, *shape])
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 0
        scale = 1.0 / np.sqrt(fan_in) if fan_in else 0.1
        weight.assign((scale * rng.standard_normal(shape)).astype(weight.dtype))


def require_model(model: Any, function_name: str) -> Any:
    """``model`` itself if it is a Keras model, ``None`` if it is ``None``, else a TypeError.

    ``None`` passes through so that the check can say "did you forget return?".
    """
    import keras

    if model is None:
        return None
    if not isinstance(model, keras.Model):
        raise TypeError(f"{function_name} should return the Keras model it built (a "
                        f"keras.Model or keras.Sequential); it returned {type(model).__name__}")
    return model


def seeded_outputs(model: Any, inputs: np.ndarray, seed: int) -> np.ndarray:
    """``model``'s outputs on ``inputs`` after :func:`set_seeded_weights` (inference mode)."""
    import keras

    set_seeded_weights(model, seed)
    outputs = model(inputs, training=False)
    return np.asarray(keras.ops.convert_to_numpy(outputs), dtype=np.float64)


def find_layers(model: Any, kind: type | tuple[type, ...]) -> list[Any]:
    """Every layer of ``kind`` in ``model``, looking inside nested models and wrappers
    (``Bidirectional``, ``TimeDistributed``), in the order they appear."""
    import keras

    found: list[Any] = []
    for layer in model.layers:
        if isinstance(layer, kind):
            found.append(layer)
        for inner in (getattr(layer, "forward_layer", None), getattr(layer, "layer", None)):
            if inner is not None and inner is not layer:
                if isinstance(inner, kind) and inner not in found:
                    found.append(inner)
                if isinstance(inner, keras.Model):
                    found.extend(find_layers(inner, kind))
                break
        if isinstance(layer, keras.Model):
            found.extend(find_layers(layer, kind))
    return found


def check_model_builder(exercise: str, learner: Callable, reference: Callable,
                        through: Callable[[Callable], Callable], cases: Sequence[dict],
                        mistakes: Sequence[Mistake], hint_text: str,
                        diagnose: Callable[[Callable], str], *, show: bool,
                        hint: bool) -> CheckResult:
    """Run a model-building exercise's check: outputs first, then a diagnosis of the model.

    ``through(builder)`` turns a model builder into a function of one case's arguments
    that returns the built model's seeded outputs, so learner and reference are compared
    on the same weights. When the outputs differ and no known mistake explains them,
    ``diagnose(guarded_learner)`` inspects the learner's model and names what differs
    (a crash or a timeout while probing is reported as feedback too).
    """
    timeout = max(check_timeout(), MODEL_CHECK_TIMEOUT_S)
    result = run_check(exercise, through(learner), through(reference), cases, mistakes,
                       hint=hint_text, atol=1e-5, show=False, timeout=timeout,
                       hint_requested=hint)
    if result.unexplained:
        try:
            message = diagnose(guarded(learner, timeout))
        except LearnerTimeout:
            message = TIMEOUT_MESSAGE.format(seconds=timeout)
        except Exception as error:  # noqa: BLE001 - a crash on the probe is feedback too
            message = f"Your model raised {type(error).__name__} on a probe: {error}."
        result = CheckResult(result.exercise, FAILED,
                             with_hint(result.exercise, message, hint_text, hint))
    if show:
        print(result)
    return result
