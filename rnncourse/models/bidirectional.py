"""Bidirectional Keras layers: a wrapper with every merge mode, per-direction gradients, a tagger.

:class:`MergedBidirectional` is a small ``keras.layers.Bidirectional``-like layer that
also offers the element-wise maximum; :func:`direction_influence` shows that BPTT runs
through each direction separately, and :func:`stack_influence` that in a stack of
bidirectional layers both directions see the whole sequence from the second layer on;
:func:`build_tagger` builds the many-to-many
token taggers of the lesson (forward, backward or bidirectional, one layer or a stack).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError
from rnncourse.scratch.bidirectional import MERGE_MODES, check_merge_mode, merge_with
from rnncourse.validation import as_float_array, as_int, one_of

__all__ = ["DIRECTIONS", "MERGE_MODES", "MergedBidirectional", "build_tagger",
           "direction_influence", "stack_influence"]


@keras.saving.register_keras_serializable(package="rnncourse")
class MergedBidirectional(keras.layers.Layer):
    """A Bidirectional-like wrapper with every merge mode, element-wise ``"max"`` included.

    It keeps the given RNN layer as the forward direction, makes a fresh copy of it with
    ``go_backwards`` flipped as the backward direction, re-reverses the backward outputs
    when the layer returns sequences, and merges. The weights are ordered like
    ``keras.layers.Bidirectional``'s (forward, then backward), so ``set_weights`` accepts
    the weights of a ``Bidirectional`` with the same inner layer. Masks and
    ``return_state`` are not supported.

    Args:
        layer: A Keras RNN layer (``SimpleRNN``, ``GRU``, ``LSTM``) without
            ``return_state``.
        merge_mode: One of :data:`MERGE_MODES`.
    """

    def __init__(self, layer: keras.layers.Layer, merge_mode: str = "max",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_merge_mode(merge_mode)
        config = layer.get_config()
        if "go_backwards" not in config:
            raise ArgumentTypeError(f"MergedBidirectional wraps a recurrent layer (SimpleRNN, GRU, "
                                    f"LSTM); got {type(layer).__name__}.")
        if config.get("return_state"):
            raise InputError("MergedBidirectional does not support return_state=True; use "
                             "keras.layers.Bidirectional when you need the final states.")
        self.merge_mode = merge_mode
        self.return_sequences = bool(config.get("return_sequences", False))
        self.forward_layer = layer
        backward_config = dict(config, go_backwards=not config["go_backwards"],
                               name=f"backward_{config['name']}")
        self.backward_layer = type(layer).from_config(backward_config)

    def build(self, input_shape: tuple) -> None:
        self.forward_layer.build(input_shape)
        self.backward_layer.build(input_shape)
        self.built = True

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        forward = self.forward_layer(inputs, training=training)
        backward = self.backward_layer(inputs, training=training)
        if self.return_sequences:
            backward = keras.ops.flip(backward, axis=1)
        return merge_with(keras.ops, forward, backward, self.merge_mode)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        shape = list(self.forward_layer.compute_output_shape(input_shape))
        if self.merge_mode == "concat" and shape[-1] is not None:
            shape[-1] *= 2
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(layer=keras.saving.serialize_keras_object(self.forward_layer),
                      merge_mode=self.merge_mode)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MergedBidirectional:
        config = dict(config)
        config["layer"] = keras.saving.deserialize_keras_object(config["layer"])
        return cls(**config)


def direction_influence(layer: keras.layers.Bidirectional, x: np.ndarray,
                        position: int) -> dict[str, np.ndarray]:
    """How much each input step moves each direction's output at ``position``.

    Differentiates the sum of one direction's outputs at ``position`` (backward outputs
    re-aligned to forward time order) with respect to the input, and returns the gradient
    norm per input step. The forward direction has exactly zero gradient for steps after
    ``position`` and the backward direction for steps before it: each one's BPTT runs
    through its own half of the sequence only.

    Args:
        layer: A built ``keras.layers.Bidirectional`` whose inner layer returns sequences.
        x: Inputs ``(batch, time, features)``.
        position: The output step to explain, ``0 <= position < time``.

    Returns:
        ``{"forward": norms, "backward": norms}``, each of shape ``(time,)``.
    """
    import tensorflow as tf

    x = as_float_array("x", x, rank=3, meaning="(batch, time, features)").astype(np.float32)
    if not 0 <= position < x.shape[1]:
        raise InputError(f"position must be between 0 and {x.shape[1] - 1} (the time "
                         f"steps of x), got {position}.")
    if not getattr(layer.forward_layer, "return_sequences", False):
        raise InputError("The wrapped RNN must return sequences (return_sequences=True) to "
                         "have an output at every position.")
    inputs = tf.constant(x)
    norms = {}
    for name, rnn in (("forward", layer.forward_layer), ("backward", layer.backward_layer)):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = rnn(inputs)
            if name == "backward":
                outputs = tf.reverse(outputs, axis=[1])  # processing order -> time order
            target = tf.reduce_sum(outputs[:, position])
        gradient = tape.gradient(target, inputs).numpy()
        norms[name] = np.sqrt((gradient ** 2).sum(axis=(0, 2)))
    return norms


def stack_influence(layers: list[keras.layers.Bidirectional], x: np.ndarray,
                    position: int) -> dict[str, np.ndarray]:
    """:func:`direction_influence` for every layer of a stack of bidirectional layers.

    The layers are applied one after the other to ``x``; each must concatenate its two
    directions and return sequences, so that the first half of its features at a step is
    the forward direction's output and the second half the backward direction's (already
    in time order). For each layer and direction, the norm of the gradient of that half at
    ``position`` with respect to every input step is returned. In the first layer the
    forward half sees only steps up to ``position``; from the second layer on both halves
    see the whole sequence, because they read the first layer's merged outputs.

    Returns:
        ``{"layer 1 forward": norms, "layer 1 backward": norms, "layer 2 forward": ...}``,
        each of shape ``(time,)``.
    """
    import tensorflow as tf

    x = as_float_array("x", x, rank=3, meaning="(batch, time, features)").astype(np.float32)
    if not 0 <= position < x.shape[1]:
        raise InputError(f"position must be between 0 and {x.shape[1] - 1} (the time "
                         f"steps of x), got {position}.")
    if not layers:
        raise InputError("layers is empty; pass the Bidirectional layers of the stack.")
    for layer in layers:
        if not isinstance(layer, keras.layers.Bidirectional) or layer.merge_mode != "concat" \
                or not getattr(layer.forward_layer, "return_sequences", False):
            raise InputError("Every layer must be keras.layers.Bidirectional with "
                             "merge_mode='concat' around an RNN with return_sequences=True.")
    inputs = tf.constant(x)
    norms: dict[str, np.ndarray] = {}
    for depth in range(1, len(layers) + 1):
        for name in ("forward", "backward"):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                outputs = inputs
                for layer in layers[:depth]:
                    outputs = layer(outputs)
                half = outputs.shape[-1] // 2
                part = outputs[..., :half] if name == "forward" else outputs[..., half:]
                target = tf.reduce_sum(part[:, position])
            gradient = tape.gradient(target, inputs).numpy()
            norms[f"layer {depth} {name}"] = np.sqrt((gradient ** 2).sum(axis=(0, 2)))
    return norms


DIRECTIONS = ("forward", "backward", "bidirectional")


def build_tagger(vocabulary_size: int, classes: int, units: int = 32,
                 direction: str = "bidirectional", merge_mode: str = "concat",
                 embedding_dim: int = 16, cell: str = "GRU",
                 learning_rate: float = 0.01, depth: int = 1) -> keras.Sequential:
    """A compiled sequence tagger: embedding, ``depth`` recurrent layers, a softmax per token.

    Every recurrent layer returns sequences, so the next layer (and finally the ``Dense``
    layer) gets an input at every step, and the model emits one tag distribution per input
    token (many-to-many, aligned). With ``depth > 1`` and ``direction="bidirectional"``
    this is a *stacked bidirectional encoder*: layer ``k + 1`` reads, at every position,
    both directions' summaries from layer ``k``.

    Args:
        vocabulary_size: Number of distinct tokens.
        classes: Number of tags.
        units: Units per direction.
        direction: ``"forward"`` (reads left to right), ``"backward"`` (right to left,
            outputs re-aligned) or ``"bidirectional"`` (both, merged).
        merge_mode: How the bidirectional outputs are merged (:data:`MERGE_MODES`);
            ``"max"`` uses :class:`MergedBidirectional`.
        embedding_dim: Size of the token embeddings.
        cell: ``"SimpleRNN"``, ``"GRU"`` or ``"LSTM"``.
        learning_rate: Adam's learning rate.
        depth: Number of stacked recurrent layers (each one bidirectional when
            ``direction="bidirectional"``).
    """
    cells = {"SimpleRNN": keras.layers.SimpleRNN, "GRU": keras.layers.GRU,
             "LSTM": keras.layers.LSTM}
    one_of("cell", cell, sorted(cells))
    one_of("direction", direction, DIRECTIONS)
    check_merge_mode(merge_mode)
    depth = as_int("depth", depth, minimum=1, maximum=64)
    layers: list[Any] = [keras.Input((None,), dtype="int32"),
                         keras.layers.Embedding(vocabulary_size, embedding_dim,
                                                name="embedding")]
    for level in range(1, depth + 1):
        suffix = "" if depth == 1 else f"_{level}"
        rnn = cells[cell](units, return_sequences=True, go_backwards=direction == "backward",
                          name=f"{cell.lower()}_{direction}{suffix}")
        if direction == "bidirectional" and merge_mode == "max":
            layers.append(MergedBidirectional(rnn, "max", name=f"bidirectional{suffix}"))
        elif direction == "bidirectional":
            layers.append(keras.layers.Bidirectional(rnn, merge_mode=merge_mode,
                                                     name=f"bidirectional{suffix}"))
        else:
            layers.append(rnn)
            if direction == "backward":  # go_backwards returns steps last-to-first
                layers.append(keras.layers.Lambda(lambda t: keras.ops.flip(t, axis=1),
                                                  name=f"realign{suffix}"))
    layers.append(keras.layers.Dense(classes, activation="softmax", name="tag"))
    name = f"{direction}_tagger" if depth == 1 else f"stacked_{direction}_tagger_{depth}"
    model = keras.Sequential(layers, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
