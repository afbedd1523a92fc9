"""Bidirectional RNNs: a NumPy forward pass, the five merges, and a Keras wrapper with max.

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

``keras.layers.Bidirectional`` offers the first four. :class:`MergedBidirectional` is a
small Bidirectional-like layer that offers all five, built from the same two pieces.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from rnncourse.numpy_rnn import RNNParams, rnn_forward

MERGE_MODES = ("concat", "sum", "ave", "mul", "max")


class MergeModeError(ValueError):
    """An unknown merge mode was asked for."""


def _check_merge_mode(merge_mode: str) -> None:
    if merge_mode not in MERGE_MODES:
        raise MergeModeError(
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
    _check_merge_mode(merge_mode)
    forward, backward = np.asarray(forward), np.asarray(backward)
    if forward.shape != backward.shape:
        raise ValueError(f"The two directions must have the same shape to be merged; got "
                         f"{forward.shape} and {backward.shape}.")
    return _merge_with(np, forward, backward, merge_mode)


def _merge_with(ops: Any, forward: Any, backward: Any, merge_mode: str) -> Any:
    """The five merges, written once for NumPy arrays (``ops=np``) and Keras tensors."""
    if merge_mode == "concat":
        return ops.concatenate([forward, backward], axis=-1)
    if merge_mode == "sum":
        return forward + backward
    if merge_mode == "ave":
        return (forward + backward) / 2
    if merge_mode == "mul":
        return forward * backward
    return ops.maximum(forward, backward)


def bidirectional_forward(x: np.ndarray, forward_params: RNNParams,
                          backward_params: RNNParams, merge_mode: str = "concat",
                          return_sequences: bool = True) -> np.ndarray:
    """A bidirectional tanh RNN in NumPy, equal to ``Bidirectional(SimpleRNN(...))``.

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
    _check_merge_mode(merge_mode)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, time, features); got shape {x.shape}.")
    forward_states, _ = rnn_forward(x, None, forward_params)
    reversed_states, _ = rnn_forward(x[:, ::-1], None, backward_params)
    if not return_sequences:
        return merge_directions(forward_states[:, -1], reversed_states[:, -1], merge_mode)
    backward_states = reversed_states[:, ::-1]  # back into forward time order
    return merge_directions(forward_states, backward_states, merge_mode)


def merged_units(units: int, merge_mode: str) -> int:
    """Output features of a bidirectional layer of ``units`` per direction."""
    _check_merge_mode(merge_mode)
    return 2 * units if merge_mode == "concat" else units


def _merge_tensors(forward: Any, backward: Any, merge_mode: str) -> Any:
    return _merge_with(keras.ops, forward, backward, merge_mode)


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
        _check_merge_mode(merge_mode)
        config = layer.get_config()
        if "go_backwards" not in config:
            raise TypeError(f"MergedBidirectional wraps a recurrent layer (SimpleRNN, GRU, "
                            f"LSTM); got {type(layer).__name__}.")
        if config.get("return_state"):
            raise ValueError("MergedBidirectional does not support return_state=True; use "
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
        return _merge_tensors(forward, backward, self.merge_mode)

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

    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, time, features); got shape {x.shape}.")
    if not 0 <= position < x.shape[1]:
        raise ValueError(f"position must be between 0 and {x.shape[1] - 1} (the time "
                         f"steps of x), got {position}.")
    if not getattr(layer.forward_layer, "return_sequences", False):
        raise ValueError("The wrapped RNN must return sequences (return_sequences=True) to "
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


DIRECTIONS = ("forward", "backward", "bidirectional")


def build_tagger(vocabulary_size: int, classes: int, units: int = 32,
                 direction: str = "bidirectional", merge_mode: str = "concat",
                 embedding_dim: int = 16, cell: str = "GRU",
                 learning_rate: float = 0.01) -> keras.Sequential:
    """A compiled sequence tagger: embedding, one recurrent layer, a softmax per token.

    The recurrent layer returns sequences, so the ``Dense`` layer is applied at every step
    and the model emits one tag distribution per input token (many-to-many, aligned).

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
    """
    cells = {"SimpleRNN": keras.layers.SimpleRNN, "GRU": keras.layers.GRU,
             "LSTM": keras.layers.LSTM}
    if cell not in cells:
        raise ValueError(f"Unknown cell {cell!r}; use one of {sorted(cells)}.")
    if direction not in DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}; use one of {DIRECTIONS}.")
    _check_merge_mode(merge_mode)
    rnn = cells[cell](units, return_sequences=True, go_backwards=direction == "backward",
                      name=f"{cell.lower()}_{direction}")
    layers: list[Any] = [keras.Input((None,), dtype="int32"),
                         keras.layers.Embedding(vocabulary_size, embedding_dim,
                                                name="embedding")]
    if direction == "bidirectional" and merge_mode == "max":
        layers.append(MergedBidirectional(rnn, "max", name="bidirectional"))
    elif direction == "bidirectional":
        layers.append(keras.layers.Bidirectional(rnn, merge_mode=merge_mode,
                                                 name="bidirectional"))
    else:
        layers.append(rnn)
        if direction == "backward":  # go_backwards returns steps last-to-first
            layers.append(keras.layers.Lambda(lambda t: keras.ops.flip(t, axis=1),
                                              name="realign"))
    layers.append(keras.layers.Dense(classes, activation="softmax", name="tag"))
    model = keras.Sequential(layers, name=f"{direction}_tagger")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def token_accuracy(probabilities: np.ndarray, tags: np.ndarray,
                   where: np.ndarray | None = None) -> float:
    """Share of tokens whose most probable tag is right, optionally only ``where`` is True.

    Args:
        probabilities: Model outputs ``(examples, time, classes)``.
        tags: True tags ``(examples, time)``.
        where: Optional boolean mask ``(examples, time)`` of the tokens to score.
    """
    probabilities, tags = np.asarray(probabilities), np.asarray(tags)
    if probabilities.shape[:-1] != tags.shape:
        raise ValueError(f"probabilities {probabilities.shape} must be tags {tags.shape} "
                         "plus a class axis; predict on the same examples you score.")
    correct = probabilities.argmax(axis=-1) == tags
    if where is not None:
        where = np.asarray(where, dtype=bool)
        if where.shape != tags.shape or not where.any():
            raise ValueError("where must be a boolean mask shaped like tags with at least "
                             "one True entry.")
        correct = correct[where]
    return float(correct.mean())
