"""Deep (stacked) and pyramid RNNs: builders, parameter counts and the pairing layer.

A *stacked* RNN feeds the whole output sequence of one recurrent layer
(``return_sequences=True``) into the next; every layer runs over all ``T`` steps.
A *pyramid* RNN (as in Listen, Attend and Spell) joins each pair of consecutive outputs
into one step before the next layer, so layer ``k`` runs over ``T / 2**k`` steps: a
stack of depth ``d`` costs about ``d * T`` sequential steps, a pyramid less than ``2 T``.
"""

from __future__ import annotations

from typing import Any

import keras

from rnncourse.errors import InputError
from rnncourse.validation import MAX_LENGTH, as_flag, as_int, one_of

CELLS = {"SimpleRNN": keras.layers.SimpleRNN, "GRU": keras.layers.GRU,
         "LSTM": keras.layers.LSTM}
ODD_STEPS = ("error", "pad", "drop")


def _cell_class(cell: str) -> type:
    if not isinstance(cell, str) or cell not in CELLS:
        raise InputError(f"Unknown cell {cell!r:.40}; use one of {sorted(CELLS)}.")
    return CELLS[cell]


def rnn_parameter_count(cell: str, input_size: int, units: int) -> int:
    """Weights in one Keras recurrent layer with default settings.

    ``SimpleRNN``: ``u (i + u + 1)``; ``LSTM``: four such blocks, ``4 u (i + u + 1)``;
    ``GRU`` (Keras's default ``reset_after=True`` keeps two bias vectors per gate):
    ``3 u (i + u + 2)``.
    """
    _cell_class(cell)
    input_size = as_int("input_size", input_size, minimum=1)
    units = as_int("units", units, minimum=1)
    if cell == "SimpleRNN":
        return units * (input_size + units + 1)
    if cell == "LSTM":
        return 4 * units * (input_size + units + 1)
    return 3 * units * (input_size + units + 2)


def stacked_parameter_count(cell: str, input_size: int, units: list[int] | tuple[int, ...],
                            bidirectional: bool = False, pyramid: bool = False) -> int:
    """Recurrent weights of a stack of layers with ``units[k]`` units in layer ``k``.

    Layer ``k`` reads the previous layer's outputs: ``units[k-1]`` features, doubled when
    the layers are bidirectional with ``concat`` (two directions) and doubled again in a
    pyramid (two steps joined into one). A bidirectional layer has two full sets of weights.
    """
    if not isinstance(units, list | tuple) or not units:
        raise InputError(f"units must list the units of each layer, e.g. [32, 32]; got "
                         f"{units!r:.40}.")
    directions = 2 if as_flag("bidirectional", bidirectional) else 1
    pyramid = as_flag("pyramid", pyramid)
    total, features = 0, input_size
    for layer_units in units:
        total += directions * rnn_parameter_count(cell, features, layer_units)
        features = directions * layer_units * (2 if pyramid else 1)
    return total


def pyramid_steps(steps: int, depth: int, odd_steps: str = "error") -> list[int]:
    """Time steps each layer of a pyramid of ``depth`` layers runs over.

    >>> pyramid_steps(64, 4)
    [64, 32, 16, 8]
    """
    depth = as_int("depth", depth, minimum=1, maximum=64)
    steps = as_int("steps", steps, minimum=1, maximum=MAX_LENGTH)
    lengths = [steps]
    for _ in range(depth - 1):
        lengths.append(_paired_length(lengths[-1], odd_steps))
    return lengths


def _paired_length(steps: int, odd_steps: str) -> int:
    one_of("odd_steps", odd_steps, ODD_STEPS)
    if steps < 2:
        raise InputError(f"Cannot pair {steps} time step(s): the pyramid is too deep for "
                         "this length. Use fewer layers or longer sequences.")
    if steps % 2 and odd_steps == "error":
        raise InputError(
            f"PairSteps got {steps} time steps, an odd number, so the last step has no "
            "partner. Pad or trim the sequences to an even length (a multiple of "
            "2**(depth - 1) for a whole pyramid), or use odd_steps='pad' (add a zero step) "
            "or odd_steps='drop' (discard the last step).")
    return (steps + 1) // 2 if odd_steps == "pad" else steps // 2


@keras.saving.register_keras_serializable(package="rnncourse")
class PairSteps(keras.layers.Layer):
    """Join consecutive pairs of time steps: ``(batch, T, F) -> (batch, T / 2, 2 F)``.

    Output step ``j`` is ``[x[2j], x[2j+1]]`` (features of the earlier step first). The
    time dimension must be known when the model is built (give ``keras.Input`` a length).

    Args:
        odd_steps: What to do with an odd ``T``: ``"error"`` (default) refuses with an
            explanation, ``"pad"`` appends a zero step, ``"drop"`` discards the last step.
    """

    def __init__(self, odd_steps: str = "error", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if odd_steps not in ODD_STEPS:
            raise InputError(f"odd_steps must be one of {ODD_STEPS}, got {odd_steps!r}.")
        self.odd_steps = odd_steps

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if len(input_shape) != 3:
            raise InputError(f"PairSteps expects (batch, time, features); got {input_shape}.")
        batch, steps, features = input_shape
        if steps is None or features is None:
            raise InputError("PairSteps needs a fixed number of time steps and features; "
                             "build the model with keras.Input((steps, features)).")
        return batch, _paired_length(steps, self.odd_steps), 2 * features

    def build(self, input_shape: tuple) -> None:
        self.compute_output_shape(input_shape)  # fail early, with the explanation
        self.built = True

    def call(self, inputs: Any) -> Any:
        ops = keras.ops
        _, steps, features = inputs.shape
        if steps % 2:
            if self.odd_steps == "pad":
                inputs = ops.pad(inputs, [[0, 0], [0, 1], [0, 0]])
            elif self.odd_steps == "drop":
                inputs = inputs[:, :-1]
            else:
                _paired_length(steps, self.odd_steps)  # raises the explanation
        return ops.reshape(inputs, (-1, _paired_length(steps, self.odd_steps), 2 * features))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "odd_steps": self.odd_steps}


def build_stacked_rnn(steps: int, features: int, units: int, depth: int, classes: int,
                      cell: str = "GRU") -> keras.Sequential:
    """A classifier: ``depth`` recurrent layers over all steps, then a softmax layer."""
    layer_class = _cell_class(cell)
    if depth < 1:
        raise InputError(f"depth must be at least 1, got {depth}.")
    layers: list[keras.layers.Layer] = [keras.Input((steps, features))]
    for level in range(depth):
        layers.append(layer_class(units, return_sequences=level < depth - 1,
                                  name=f"{cell.lower()}_{level + 1}"))
    layers.append(keras.layers.Dense(classes, activation="softmax", name="classes"))
    return keras.Sequential(layers, name=f"stacked_{cell.lower()}_{depth}")


def build_pyramid_rnn(steps: int, features: int, units: int, depth: int, classes: int,
                      cell: str = "GRU", odd_steps: str = "error") -> keras.Sequential:
    """A classifier whose recurrent layers halve the time steps from one to the next.

    Layer 1 reads all ``steps``; before each further layer :class:`PairSteps` joins
    neighbouring outputs, so layer ``k`` reads ``steps / 2**(k-1)`` steps of
    ``2 * units`` features (see :func:`pyramid_steps`).
    """
    layer_class = _cell_class(cell)
    pyramid_steps(steps, depth, odd_steps)  # validate the lengths up front
    layers: list[keras.layers.Layer] = [keras.Input((steps, features))]
    for level in range(depth):
        if level:
            layers.append(PairSteps(odd_steps, name=f"pair_steps_{level}"))
        layers.append(layer_class(units, return_sequences=level < depth - 1,
                                  name=f"{cell.lower()}_{level + 1}"))
    layers.append(keras.layers.Dense(classes, activation="softmax", name="classes"))
    return keras.Sequential(layers, name=f"pyramid_{cell.lower()}_{depth}")


def sequential_steps(steps: int, depth: int, pyramid: bool, odd_steps: str = "error") -> int:
    """Recurrent steps one example needs, added over the layers.

    A stack runs every layer over all ``steps``: ``depth * steps``. A pyramid runs layer
    ``k`` over ``steps / 2**(k-1)`` (see :func:`pyramid_steps`), less than ``2 * steps``
    however deep it is.
    """
    depth = as_int("depth", depth, minimum=1, maximum=64)
    steps = as_int("steps", steps, minimum=1, maximum=MAX_LENGTH)
    if not as_flag("pyramid", pyramid):
        return depth * steps
    return sum(pyramid_steps(steps, depth, odd_steps))


def first_layer_gradient_norm(model: keras.Model, x: Any, y: Any) -> float:
    """Norm of the loss gradient that reaches the first recurrent layer's input weights.

    The loss is the mean sparse categorical cross-entropy of ``model`` on ``(x, y)``; the
    gradient is taken with respect to the input-to-state weights :math:`U_1` (Keras's
    ``kernel``) of the first recurrent layer, the weights furthest from the loss.
    """
    import tensorflow as tf

    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    if not recurrent:
        raise InputError(f"{model.name} has no recurrent layer whose gradient could be measured.")
    kernel = recurrent[0].cell.kernel
    with tf.GradientTape() as tape:
        probabilities = model(tf.constant(x), training=False)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probabilities))
    return float(tf.norm(tape.gradient(loss, kernel)))


def gradient_norms_by_depth(depths: list[int] | tuple[int, ...], x: Any, y: Any, units: int,
                            classes: int, cell: str = "GRU", seeds: tuple[int, ...] = (0,)
                            ) -> dict[int, list[float]]:
    """:func:`first_layer_gradient_norm` of freshly initialised stacks of several depths.

    For every depth and seed a stack (:func:`build_stacked_rnn`) is built with
    ``keras.utils.set_random_seed(seed)`` and its first layer's gradient measured on the
    same batch ``(x, y)``, before any training.

    Returns:
        ``{depth: [norm for each seed]}``.
    """
    import numpy as np

    x = np.asarray(x, dtype="float32")
    if x.ndim != 3:
        raise InputError(f"x must have shape (batch, steps, features); got {x.shape}.")
    if not depths or not seeds:
        raise InputError("Give at least one depth and one seed.")
    norms: dict[int, list[float]] = {}
    for depth in depths:
        depth = as_int("depth", depth, minimum=1, maximum=64)
        norms[depth] = []
        for seed in seeds:
            keras.utils.set_random_seed(int(seed))
            model = build_stacked_rnn(x.shape[1], x.shape[2], units, depth, classes, cell)
            norms[depth].append(first_layer_gradient_norm(model, x, y))
    return norms


CLOCKS = ("cpu", "wall")


def time_forward_pass(model: keras.Model, x: Any, repeats: int = 5,
                      clock: str = "cpu") -> float:
    """Seconds one compiled forward pass of ``model`` over ``x`` takes (the fastest run).

    The first call traces and compiles the graph and is not counted; of the next
    ``repeats`` calls the fastest is returned.

    Args:
        model: A built Keras model.
        x: One batch of inputs.
        repeats: Timed calls after the warm-up.
        clock: ``"cpu"`` counts the processor time of this process (all its threads),
            which other programs on a busy machine barely change; ``"wall"`` counts
            elapsed time, what a user waits for, which they can inflate at random.
    """
    import time

    import tensorflow as tf

    if repeats < 1:
        raise InputError(f"repeats must be at least 1, got {repeats}.")
    if clock not in CLOCKS:
        raise InputError(f"clock must be one of {CLOCKS}, got {clock!r}.")
    timer = time.process_time if clock == "cpu" else time.perf_counter
    forward = tf.function(lambda inputs: model(inputs, training=False))
    inputs = tf.constant(x)
    forward(inputs).numpy()  # trace and warm up
    seconds = []
    for _ in range(repeats):
        start = timer()
        forward(inputs).numpy()
        seconds.append(timer() - start)
    return min(seconds)


def compare_forward_passes(models: dict[str, keras.Model], x: Any, repeats: int = 10,
                           clock: str = "cpu") -> dict[str, float]:
    """Fastest forward-pass seconds of several models, timed in turns over the same batch.

    Like :func:`time_forward_pass`, but the models take turns within every repeat, so a
    burst of load from other programs hits all of them rather than one: their ratio is
    steadier than that of separate measurements.

    Args:
        models: Name to built Keras model.
        x: One batch of inputs that every model accepts.
        repeats: Timed rounds after the warm-up.
        clock: ``"cpu"`` (processor time of this process) or ``"wall"``.

    Returns:
        Name to the fastest seconds of one forward pass.
    """
    import time

    import tensorflow as tf

    if not models:
        raise InputError("models is empty; pass {name: model} for at least one model.")
    if repeats < 1:
        raise InputError(f"repeats must be at least 1, got {repeats}.")
    if clock not in CLOCKS:
        raise InputError(f"clock must be one of {CLOCKS}, got {clock!r}.")
    timer = time.process_time if clock == "cpu" else time.perf_counter
    inputs = tf.constant(x)
    forwards = {}
    for name, model in models.items():
        forwards[name] = tf.function(lambda batch, model=model: model(batch, training=False))
        forwards[name](inputs).numpy()  # trace and warm up
    best = {name: float("inf") for name in models}
    for _ in range(repeats):
        for name, forward in forwards.items():
            start = timer()
            forward(inputs).numpy()
            best[name] = min(best[name], timer() - start)
    return best


def compare_training_steps(models: dict[str, keras.Model], x: Any, y: Any, repeats: int = 10,
                           clock: str = "cpu", learning_rate: float = 0.01) -> dict[str, float]:
    """Fastest seconds of one training step (forward, backward, update) of several models.

    Each model gets its own Adam optimiser and a compiled step that computes the mean
    sparse categorical cross-entropy on ``(x, y)``, its gradient and the update. After one
    untimed warm-up step the models take turns, ``repeats`` rounds, as in
    :func:`compare_forward_passes`. The models' weights change (they take real steps).

    Returns:
        Name to the fastest seconds of one training step.
    """
    import time

    import tensorflow as tf

    if not models:
        raise InputError("models is empty; pass {name: model} for at least one model.")
    repeats = as_int("repeats", repeats, minimum=1)
    if clock not in CLOCKS:
        raise InputError(f"clock must be one of {CLOCKS}, got {clock!r}.")
    timer = time.process_time if clock == "cpu" else time.perf_counter
    inputs, targets = tf.constant(x), tf.constant(y)
    steps = {}
    for name, model in models.items():
        optimizer = keras.optimizers.Adam(learning_rate)

        def step(batch, labels, model=model, optimizer=optimizer):
            with tf.GradientTape() as tape:
                probabilities = model(batch, training=True)
                loss = tf.reduce_mean(
                    keras.losses.sparse_categorical_crossentropy(labels, probabilities))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            return loss

        steps[name] = tf.function(step)
        steps[name](inputs, targets).numpy()  # trace and warm up
    best = {name: float("inf") for name in models}
    for _ in range(repeats):
        for name, step in steps.items():
            start = timer()
            step(inputs, targets).numpy()
            best[name] = min(best[name], timer() - start)
    return best

