"""Attention written in NumPy, equal to Keras's ``Attention`` and ``AdditiveAttention`` layers.

Every attention mechanism in this module does the same three things:

1. **score** each query position against each key position, giving ``scores`` of shape
   ``(batch, Tq, Tv)``;
2. turn each row of scores into **weights** with a softmax over the key/value axis (the
   last one), so that the weights of one query position are positive and sum to 1;
3. return the **context**: the weighted average of the values, ``weights @ value``, of
   shape ``(batch, Tq, value_dim)``.

Shapes are batch-first as in Keras: ``query`` is ``(batch, Tq, dim)``, ``value`` is
``(batch, Tv, value_dim)`` and the optional ``key`` is ``(batch, Tv, dim)`` (it defaults
to ``value``, the usual case in an encoder-decoder, where the encoder outputs play both
roles).

The score functions, for one query vector ``q`` and one key vector ``k``:

* ``dot`` (Luong): ``q . k``; with a scalar ``scale``, ``scale * (q . k)``;
* ``scaled dot`` (Transformer): ``(q . k) / sqrt(dim)``, the dot score with
  ``scale = 1 / sqrt(dim)``;
* ``general`` (Luong): ``q W k``, the dot score after a learned matrix ``W``;
* ``additive`` (Bahdanau): ``v . tanh(q W_q + k W_k)``. Keras's ``AdditiveAttention``
  expects ``q W_q`` and ``k W_k`` already computed (by ``Dense`` layers) and holds only
  ``v``, its ``scale`` vector: ``sum(scale * tanh(q + k))``;
* ``concat`` (Keras ``Attention(score_mode="concat")``):
  ``concat_score_weight * sum(tanh(scale * (q + k)))``.

Masks follow Keras exactly. A ``value_mask`` of shape ``(batch, Tv)`` (True = a real
position) subtracts ``1e9`` from the scores of padded positions before the softmax, so
they get weight 0. A ``query_mask`` of shape ``(batch, Tq)`` zeroes the context of padded
query positions (their weights are still returned unchanged, as Keras does). A batch row
whose value mask is all False has no position to attend to; Keras returns meaningless
uniform weights there, and this module raises an error instead.

:func:`dot_product_attention` equals ``keras.layers.Attention`` and
:func:`additive_attention` equals ``keras.layers.AdditiveAttention`` (both with
``return_attention_scores=True``) given the same weights; :func:`keras_attention` reads
the weights out of a built Keras layer and calls the right one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError
from rnncourse.scratch.activations import softmax
from rnncourse.validation import as_float_array, check_mask, one_of

MASK_PENALTY = 1.0e9  # what Keras subtracts from the scores of masked positions


class AttentionResult(NamedTuple):
    """What an attention call returns.

    Attributes:
        context: The weighted averages of the values, ``(batch, Tq, value_dim)``.
        weights: The attention weights after masking and softmax, ``(batch, Tq, Tv)``;
            every row sums to 1.
    """

    context: np.ndarray
    weights: np.ndarray


# --- validation -------------------------------------------------------------------------


def _as_3d(name: str, array: Any) -> np.ndarray:
    array = as_float_array(name, array)
    if array.ndim != 3:
        raise ShapeError(
            f"{name} must have shape (batch, steps, features); got shape {array.shape}. "
            "Add a time axis with x[:, None, :] for a single query step, or a batch axis "
            "with x[None] for a single example.")
    return array


def _check_inputs(query: Any, value: Any, key: Any,
                  same_dim: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convert to float64 arrays and check that query, key and value fit together."""
    query, value = _as_3d("query", query), _as_3d("value", value)
    key = value if key is None else _as_3d("key", key)
    if value.shape[1] == 0:
        raise ShapeError("value has zero steps (Tv = 0): attention needs at least one position "
                         "to attend to.")
    if not query.shape[0] == key.shape[0] == value.shape[0]:
        raise ShapeError(
            f"query, key and value must have the same batch size; got {query.shape[0]}, "
            f"{key.shape[0]} and {value.shape[0]}.")
    if key.shape[1] != value.shape[1]:
        raise ShapeError(
            f"key and value must have the same number of steps Tv (one key per value); got "
            f"key {key.shape} and value {value.shape}.")
    if same_dim and query.shape[-1] != key.shape[-1]:
        raise ShapeError(
            f"query and key must have the same feature size to be compared; got query "
            f"{query.shape} and key {key.shape}. Project one of them first (a Dense layer, "
            "or the matrix of the 'general' score).")
    return query, value, key


# --- score functions --------------------------------------------------------------------


def dot_scores(query: Any, key: Any, scale: float | None = None) -> np.ndarray:
    """Luong's dot score ``q . k`` for every query/key pair, times ``scale`` if given.

    Args:
        query: ``(batch, Tq, dim)``.
        key: ``(batch, Tv, dim)``.
        scale: Optional scalar multiplier (Keras's ``Attention(use_scale=True)`` weight).

    Returns:
        Scores of shape ``(batch, Tq, Tv)``.
    """
    query, _, key = _check_inputs(query, key, key)
    scores = query @ np.swapaxes(key, -1, -2)
    if scale is not None:
        scores = scores * float(np.asarray(scale).reshape(()))
    return scores


def scaled_dot_scores(query: Any, key: Any) -> np.ndarray:
    """The Transformer's scaled dot score ``(q . k) / sqrt(dim)``, shape ``(batch, Tq, Tv)``.

    Dividing by ``sqrt(dim)`` keeps the scores' spread near 1 whatever the feature size,
    so the softmax does not saturate for large ``dim``.
    """
    query = _as_3d("query", query)
    return dot_scores(query, key, scale=1.0 / np.sqrt(query.shape[-1]))


def general_scores(query: Any, key: Any, matrix: Any) -> np.ndarray:
    """Luong's general score ``q W k`` with a learned ``(query_dim, key_dim)`` matrix ``W``."""
    query = _as_3d("query", query)
    key = _as_3d("key", key)
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.shape != (query.shape[-1], key.shape[-1]):
        raise ShapeError(
            f"the general score's matrix must have shape (query_dim, key_dim) = "
            f"{(query.shape[-1], key.shape[-1])}; got {matrix.shape}.")
    return dot_scores(query @ matrix, key)


def additive_scores(query: Any, key: Any, scale: Any = None) -> np.ndarray:
    """Keras's additive score ``sum(scale * tanh(q + k))`` for every query/key pair.

    Args:
        query: ``(batch, Tq, dim)``, already projected (``q W_q`` in Bahdanau's notation).
        key: ``(batch, Tv, dim)``, already projected (``k W_k``).
        scale: The ``(dim,)`` vector ``v``; ``None`` means all ones (``use_scale=False``).

    Returns:
        Scores of shape ``(batch, Tq, Tv)``.
    """
    query, _, key = _check_inputs(query, key, key)
    scale = _check_scale_vector(scale, query.shape[-1])
    summed = np.tanh(query[:, :, None, :] + key[:, None, :, :])
    return (summed * scale).sum(axis=-1)


def bahdanau_scores(query: Any, key: Any, query_kernel: Any, key_kernel: Any,
                    vector: Any) -> np.ndarray:
    """Bahdanau's score ``v . tanh(q W_q + k W_k)`` with its three learned arrays.

    Args:
        query: ``(batch, Tq, query_dim)`` (the decoder state).
        key: ``(batch, Tv, key_dim)`` (the encoder outputs).
        query_kernel: ``W_q``, ``(query_dim, units)``.
        key_kernel: ``W_k``, ``(key_dim, units)``.
        vector: ``v``, ``(units,)``.
    """
    query, key = _as_3d("query", query), _as_3d("key", key)
    query_kernel = np.asarray(query_kernel, dtype=np.float64)
    key_kernel = np.asarray(key_kernel, dtype=np.float64)
    if query_kernel.ndim != 2 or query_kernel.shape[0] != query.shape[-1]:
        raise ShapeError(
            f"query_kernel must have shape (query_dim, units) with query_dim = "
            f"{query.shape[-1]}; got {query_kernel.shape}.")
    if key_kernel.shape != (key.shape[-1], query_kernel.shape[1]):
        raise ShapeError(
            f"key_kernel must have shape (key_dim, units) = "
            f"{(key.shape[-1], query_kernel.shape[1])}; got {key_kernel.shape}.")
    return additive_scores(query @ query_kernel, key @ key_kernel, vector)


def concat_scores(query: Any, key: Any, scale: float | None = None,
                  concat_score_weight: float = 1.0) -> np.ndarray:
    """Keras's ``Attention(score_mode="concat")`` score.

    ``concat_score_weight * sum(tanh(scale * (q + k)))`` (without ``scale`` when it is
    ``None``). Despite the name, the query and key are added, not concatenated.
    """
    query, _, key = _check_inputs(query, key, key)
    summed = query[:, :, None, :] + key[:, None, :, :]
    if scale is not None:
        summed = summed * float(np.asarray(scale).reshape(()))
    return float(np.asarray(concat_score_weight).reshape(())) * np.tanh(summed).sum(axis=-1)


def _check_scale_vector(scale: Any, dim: int) -> np.ndarray:
    if scale is None:
        return np.ones(dim)
    scale = np.asarray(scale, dtype=np.float64)
    if scale.shape != (dim,):
        raise ShapeError(
            f"the additive score's scale vector must have shape (dim,) = ({dim},); got "
            f"{scale.shape}.")
    return scale


# --- from scores to context ---------------------------------------------------------------


def attend(scores: Any, value: Any, value_mask: Any = None,
           query_mask: Any = None) -> AttentionResult:
    """Masked softmax over the value axis, then the weighted average of the values.

    Args:
        scores: ``(batch, Tq, Tv)`` from one of the score functions.
        value: ``(batch, Tv, value_dim)``.
        value_mask: Optional ``(batch, Tv)`` booleans; False positions get weight 0.
        query_mask: Optional ``(batch, Tq)`` booleans; False positions get context 0.

    Returns:
        An :class:`AttentionResult` ``(context, weights)``.
    """
    scores = _as_3d("scores", scores)
    value = _as_3d("value", value)
    batch, query_steps, value_steps = scores.shape
    if value_steps == 0:
        raise ShapeError("scores have zero value steps (Tv = 0): attention needs at least one "
                         "position to attend to.")
    if value.shape[:2] != (batch, value_steps):
        raise ShapeError(
            f"scores {scores.shape} and value {value.shape} do not fit: scores need shape "
            "(batch, Tq, Tv) and value (batch, Tv, value_dim).")
    value_mask = check_mask(value_mask, batch, value_steps, name="value_mask")
    query_mask = check_mask(query_mask, batch, query_steps, name="query_mask")
    if value_mask is not None:
        empty = np.flatnonzero(~value_mask.any(axis=1))
        if empty.size:
            raise ShapeError(
                f"value_mask hides every position of batch row(s) {empty.tolist()}, so "
                "there is nothing to attend to. Keep at least one True per row.")
        scores = np.where(value_mask[:, None, :], scores, scores - MASK_PENALTY)
    weights = softmax(scores, axis=-1)
    context = weights @ value
    if query_mask is not None:
        context = np.where(query_mask[:, :, None], context, 0.0)
    return AttentionResult(context, weights)


def dot_product_attention(query: Any, value: Any, key: Any = None, *,
                          scale: float | None = None, score_mode: str = "dot",
                          concat_score_weight: float = 1.0, value_mask: Any = None,
                          query_mask: Any = None) -> AttentionResult:
    """Luong-style attention, equal to ``keras.layers.Attention`` on the same weights.

    Args:
        query: ``(batch, Tq, dim)`` (the decoder states).
        value: ``(batch, Tv, value_dim)`` (the encoder outputs).
        key: ``(batch, Tv, dim)``; ``None`` uses ``value``.
        scale: The layer's scalar ``scale`` weight (``use_scale=True``), or ``None``.
            ``1 / sqrt(dim)`` gives scaled dot-product attention.
        score_mode: ``"dot"`` or ``"concat"``, as in Keras.
        concat_score_weight: The layer's ``concat_score_weight`` (``"concat"`` only).
        value_mask, query_mask: Optional boolean masks, see :func:`attend`.

    Returns:
        An :class:`AttentionResult` ``(context, weights)``.
    """
    query, value, key = _check_inputs(query, value, key)
    one_of("score_mode", score_mode, ("dot", "concat"))
    if score_mode == "dot":
        scores = dot_scores(query, key, scale)
    else:
        scores = concat_scores(query, key, scale, concat_score_weight)
    return attend(scores, value, value_mask, query_mask)


def additive_attention(query: Any, value: Any, key: Any = None, *, scale: Any = None,
                       value_mask: Any = None, query_mask: Any = None) -> AttentionResult:
    """Bahdanau-style attention, equal to ``keras.layers.AdditiveAttention``.

    Args:
        query: ``(batch, Tq, dim)``, already projected.
        value: ``(batch, Tv, value_dim)``.
        key: ``(batch, Tv, dim)``, already projected; ``None`` uses ``value``.
        scale: The layer's ``(dim,)`` scale vector (``use_scale=True``, the Keras
            default), or ``None`` for ``use_scale=False``.
        value_mask, query_mask: Optional boolean masks, see :func:`attend`.

    Returns:
        An :class:`AttentionResult` ``(context, weights)``.
    """
    query, value, key = _check_inputs(query, value, key)
    return attend(additive_scores(query, key, scale), value, value_mask, query_mask)


def keras_attention(layer: Any, inputs: list, mask: list | None = None) -> AttentionResult:
    """Run the NumPy twin of a built Keras attention layer on the same inputs and mask.

    Args:
        layer: A built ``keras.layers.Attention`` or ``keras.layers.AdditiveAttention``.
        inputs: ``[query, value]`` or ``[query, value, key]``, as for the layer.
        mask: ``[query_mask, value_mask]`` (either may be ``None``), as for the layer.

    Returns:
        The :class:`AttentionResult` the layer gives with ``return_attention_scores=True``.
    """
    if not isinstance(inputs, list | tuple) or len(inputs) not in (2, 3):
        raise ShapeError("inputs must be a list [query, value] or [query, value, key], as "
                         f"for the Keras layer; got {type(inputs).__name__}.")
    # Read the layer by duck typing: this layer of the package never imports Keras.
    kinds = {klass.__name__ for klass in type(layer).__mro__}
    if "Attention" not in kinds:  # AdditiveAttention subclasses Attention
        raise ArgumentTypeError(f"Expected keras.layers.Attention or AdditiveAttention; got "
                                f"{type(layer).__name__}.")
    if not layer.built:
        raise InputError("Call the Keras layer once (or build it) before copying its "
                         "weights into NumPy.")
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) == 3 else None
    query_mask, value_mask = (None, None) if mask is None else (mask[0], mask[1])
    scale = None if layer.scale is None else np.asarray(layer.scale.numpy())
    if "AdditiveAttention" in kinds:
        return additive_attention(query, value, key, scale=scale, value_mask=value_mask,
                                  query_mask=query_mask)
    concat_weight = 1.0 if layer.concat_score_weight is None else \
        np.asarray(layer.concat_score_weight.numpy())
    return dot_product_attention(query, value, key, scale=scale, score_mode=layer.score_mode,
                                 concat_score_weight=concat_weight, value_mask=value_mask,
                                 query_mask=query_mask)


# --- one output step of an attention decoder ----------------------------------------------


class AttentionStep(NamedTuple):
    """What :func:`attention_output_step` returns for one output step.

    Attributes:
        probabilities: ``(batch, V)`` the softmax over the output vocabulary.
        weights: ``(batch, Tx)`` the attention weights on the input positions.
        context: ``(batch, dim)`` the context ``ctx_t``, the weighted average of the
            encoder outputs.
        attentional_state: ``(batch, units)`` ``tanh([ctx_t; s_t] W_c + b_c)``.
    """

    probabilities: np.ndarray
    weights: np.ndarray
    context: np.ndarray
    attentional_state: np.ndarray


def attention_output_step(decoder_output: Any, encoder_outputs: Any, w_combine: Any,
                          b_combine: Any, w_out: Any, b_out: Any, *,
                          value_mask: Any = None) -> AttentionStep:
    """One output step of a Luong attention decoder after its LSTM, with the dot score.

    Given the decoder's LSTM output ``s_t`` (the query), it scores every encoder output
    ``h_j`` by ``s_t . h_j``, takes the masked softmax over the input positions (the
    weights ``alpha_tj``), averages the encoder outputs with them (the context ``ctx_t``),
    combines context and state into ``tanh([ctx_t; s_t] W_c + b_c)`` (context first, as the
    course's Keras model concatenates them) and reads out ``softmax(. W_out + b_out)``.

    Args:
        decoder_output: ``(batch, dim)`` the decoder LSTM's output ``s_t``.
        encoder_outputs: ``(batch, Tx, dim)`` the encoder outputs ``h_j``.
        w_combine, b_combine: ``(2 dim, units)`` and ``(units,)``.
        w_out, b_out: ``(units, V)`` and ``(V,)``.
        value_mask: Optional ``(batch, Tx)`` booleans, False at padding.

    Returns:
        An :class:`AttentionStep`.
    """
    query = as_float_array("decoder_output", decoder_output)
    if query.ndim != 2:
        raise ShapeError(f"decoder_output must have shape (batch, dim); got {query.shape}.")
    values = _as_3d("encoder_outputs", encoder_outputs)
    w_combine = as_float_array("w_combine", w_combine, rank=2)
    w_out = as_float_array("w_out", w_out, rank=2)
    b_combine = as_float_array("b_combine", b_combine, rank=1)
    b_out = as_float_array("b_out", b_out, rank=1)
    dim = query.shape[1]
    if w_combine.shape[0] != 2 * dim or b_combine.shape != (w_combine.shape[1],) or \
            w_out.shape[0] != w_combine.shape[1] or b_out.shape != (w_out.shape[1],):
        raise ShapeError(
            f"The weights do not fit a state of {dim} numbers: w_combine must be "
            f"({2 * dim}, units), b_combine (units,), w_out (units, V) and b_out (V,); got "
            f"{w_combine.shape}, {b_combine.shape}, {w_out.shape} and {b_out.shape}.")
    attention = dot_product_attention(query[:, None, :], values, value_mask=value_mask)
    context = attention.context[:, 0]
    state = np.tanh(np.concatenate([context, query], axis=-1) @ w_combine + b_combine)
    return AttentionStep(softmax(state @ w_out + b_out, axis=-1), attention.weights[:, 0],
                         context, state)
