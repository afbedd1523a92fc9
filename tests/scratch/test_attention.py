"""The NumPy attention equals Keras's Attention and AdditiveAttention on the same weights."""

import keras
import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.attention import (
    additive_attention,
    additive_scores,
    attend,
    bahdanau_scores,
    dot_product_attention,
    dot_scores,
    general_scores,
    keras_attention,
    scaled_dot_scores,
)

# Keras warns that a softmax over one value step is always 1; that case is tested on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax")

SHAPES = [(1, 1, 1, 1), (3, 5, 7, 4), (2, 9, 3, 16), (4, 6, 12, 8), (1, 11, 2, 3)]
LAYERS = {
    "dot": lambda dtype: keras.layers.Attention(dtype=dtype),
    "dot-scaled": lambda dtype: keras.layers.Attention(use_scale=True, dtype=dtype),
    "concat": lambda dtype: keras.layers.Attention(score_mode="concat", dtype=dtype),
    "concat-scaled": lambda dtype: keras.layers.Attention(score_mode="concat", use_scale=True,
                                                          dtype=dtype),
    "additive": lambda dtype: keras.layers.AdditiveAttention(dtype=dtype),
    "additive-no-scale": lambda dtype: keras.layers.AdditiveAttention(use_scale=False,
                                                                      dtype=dtype),
}


def _inputs(batch, query_steps, value_steps, dim, seed, dtype="float64", with_key=False):
    rng = np.random.default_rng(seed)
    query = rng.normal(size=(batch, query_steps, dim)).astype(dtype)
    value = rng.normal(size=(batch, value_steps, dim + 2)).astype(dtype) if with_key else \
        rng.normal(size=(batch, value_steps, dim)).astype(dtype)
    key = rng.normal(size=(batch, value_steps, dim)).astype(dtype)
    value_mask = rng.random((batch, value_steps)) > 0.4
    value_mask[np.arange(batch), rng.integers(0, value_steps, batch)] = True  # one per row
    query_mask = rng.random((batch, query_steps)) > 0.3
    inputs = [query, value, key] if with_key else [query, value]
    return inputs, [query_mask, value_mask], rng


def _keras_layer(kind, inputs, rng, dtype):
    layer = LAYERS[kind](dtype)
    layer(inputs)  # build
    for weight in layer.weights:  # random, not the initial ones (ones would hide mistakes)
        weight.assign(rng.normal(size=weight.shape).astype(dtype))
    return layer


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("masked", [False, True], ids=["no-mask", "masked"])
def test_equals_keras_in_float64(kind, shape, masked):
    inputs, mask, rng = _inputs(*shape, seed=sum(shape))
    layer = _keras_layer(kind, inputs, rng, "float64")
    mask = mask if masked else None
    keras_context, keras_weights = layer(inputs, mask=mask, return_attention_scores=True)
    context, weights = keras_attention(layer, inputs, mask)
    np.testing.assert_allclose(context, keras.ops.convert_to_numpy(keras_context), atol=1e-6)
    np.testing.assert_allclose(weights, keras.ops.convert_to_numpy(keras_weights), atol=1e-6)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-12)
    if masked:
        assert np.all(weights[~np.broadcast_to(mask[1][:, None, :], weights.shape)] < 1e-12)
        assert np.all(context[~mask[0]] == 0)


@pytest.mark.parametrize("kind", LAYERS)
def test_equals_keras_float32_layers(kind):
    inputs, mask, rng = _inputs(3, 5, 7, 6, seed=11, dtype="float32")
    layer = _keras_layer(kind, inputs, rng, "float32")
    keras_context, keras_weights = layer(inputs, mask=mask, return_attention_scores=True)
    context, weights = keras_attention(layer, inputs, mask)
    np.testing.assert_allclose(context, keras.ops.convert_to_numpy(keras_context), atol=1e-5)
    np.testing.assert_allclose(weights, keras.ops.convert_to_numpy(keras_weights), atol=1e-5)


@pytest.mark.parametrize("kind", ["dot", "dot-scaled", "additive"])
def test_separate_key_equals_keras(kind):
    inputs, mask, rng = _inputs(2, 4, 6, 5, seed=3, with_key=True)
    layer = _keras_layer(kind, inputs, rng, "float64")
    keras_context, keras_weights = layer(inputs, mask=mask, return_attention_scores=True)
    context, weights = keras_attention(layer, inputs, mask)
    assert context.shape == (2, 4, 7)  # the value's feature size, not the key's
    np.testing.assert_allclose(context, keras.ops.convert_to_numpy(keras_context), atol=1e-6)
    np.testing.assert_allclose(weights, keras.ops.convert_to_numpy(keras_weights), atol=1e-6)


def test_softmax_rows_sum_to_one_and_are_stable():
    scores = np.array([[1000.0, 1001.0, 999.0], [-5.0, 0.0, 5.0]])
    weights = softmax(scores)
    assert np.all(np.isfinite(weights))
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    np.testing.assert_allclose(weights[0], softmax(scores[1:] * 0 + [0.0, 1.0, -1.0])[0])


def test_weights_are_a_softmax_over_the_value_axis():
    rng = np.random.default_rng(0)
    query, value = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    context, weights = dot_product_attention(query, value)
    scores = np.einsum("bqd,bvd->bqv", query, value)
    expected = np.exp(scores) / np.exp(scores).sum(axis=2, keepdims=True)
    np.testing.assert_allclose(weights, expected, atol=1e-12)
    np.testing.assert_allclose(context, np.einsum("bqv,bvd->bqd", expected, value), atol=1e-12)


def test_scaled_dot_divides_by_sqrt_dim():
    rng = np.random.default_rng(1)
    query, key = rng.normal(size=(2, 3, 16)), rng.normal(size=(2, 4, 16))
    np.testing.assert_allclose(scaled_dot_scores(query, key), dot_scores(query, key) / 4.0)


def test_general_score_equals_dense_then_keras_dot_attention():
    rng = np.random.default_rng(2)
    query, value = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 6))
    matrix = rng.normal(size=(4, 6))
    projection = keras.layers.Dense(6, use_bias=False, dtype="float64")
    projection.build((None, None, 4))
    projection.kernel.assign(matrix)
    keras_context, keras_weights = keras.layers.Attention(dtype="float64")(
        [projection(query), value], return_attention_scores=True)
    result = attend(general_scores(query, value, matrix), value)
    np.testing.assert_allclose(result.weights, keras.ops.convert_to_numpy(keras_weights),
                               atol=1e-10)
    np.testing.assert_allclose(result.context, keras.ops.convert_to_numpy(keras_context),
                               atol=1e-10)


def test_bahdanau_score_equals_two_dense_layers_then_additive_attention():
    rng = np.random.default_rng(3)
    query, value = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 6))
    query_kernel, key_kernel, vector = (rng.normal(size=(4, 8)), rng.normal(size=(6, 8)),
                                        rng.normal(size=8))
    scores = bahdanau_scores(query, value, query_kernel, key_kernel, vector)
    expected = additive_scores(query @ query_kernel, value @ key_kernel, vector)
    np.testing.assert_allclose(scores, expected)
    by_hand = np.array([[[vector @ np.tanh(query[b, i] @ query_kernel + value[b, j] @ key_kernel)
                          for j in range(5)] for i in range(3)] for b in range(2)])
    np.testing.assert_allclose(scores, by_hand, atol=1e-12)
    layer = keras.layers.AdditiveAttention(dtype="float64")
    projected = [query @ query_kernel, value, value @ key_kernel]
    layer(projected)
    layer.scale.assign(vector)
    _, keras_weights = layer(projected, return_attention_scores=True)
    np.testing.assert_allclose(softmax(scores), keras.ops.convert_to_numpy(keras_weights),
                               atol=1e-10)


def test_one_true_value_gets_all_the_weight():
    rng = np.random.default_rng(4)
    query, value = rng.normal(size=(1, 2, 3)), rng.normal(size=(1, 4, 3))
    mask = np.array([[False, False, True, False]])
    context, weights = additive_attention(query, value, value_mask=mask)
    np.testing.assert_allclose(weights, [[[0, 0, 1, 0], [0, 0, 1, 0]]], atol=1e-12)
    np.testing.assert_allclose(context[0], np.repeat(value[0, 2:3], 2, axis=0), atol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 3))), "same feature"),
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((3, 5, 4))), "batch size"),
    (lambda: dot_product_attention(np.zeros((3, 4)), np.zeros((2, 5, 4))), "(batch, steps"),
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)),
                                   np.zeros((2, 6, 4))), "one key per value"),
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)),
                                   value_mask=np.ones((2, 3), bool)), "value_mask must"),
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)),
                                   query_mask=np.ones((2, 5), bool)), "query_mask must"),
    (lambda: dot_product_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)),
                                   value_mask=np.zeros((2, 5), bool)), "nothing to attend"),
    (lambda: additive_attention(np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), scale=np.ones(3)),
     "scale vector"),
    (lambda: general_scores(np.zeros((2, 3, 4)), np.zeros((2, 5, 6)), np.zeros((6, 4))),
     "(query_dim, key_dim)"),
    (lambda: bahdanau_scores(np.zeros((2, 3, 4)), np.zeros((2, 5, 6)), np.zeros((4, 8)),
                             np.zeros((4, 8)), np.zeros(8)), "key_kernel"),
])
def test_mismatched_shapes_raise_clear_errors(call, message):
    with pytest.raises(ShapeError, match=message.replace("(", r"\(").replace(
            ")", r"\)")):
        call()


def test_unknown_score_mode_and_layer_raise():
    with pytest.raises(ValueError, match="score_mode"):
        dot_product_attention(np.zeros((1, 2, 3)), np.zeros((1, 2, 3)), score_mode="cosine")
    with pytest.raises(TypeError, match="Attention"):
        dense = keras.layers.Dense(2)
        dense.build((None, 3))
        keras_attention(dense, [np.zeros((1, 2, 3)), np.zeros((1, 2, 3))])
    with pytest.raises(ValueError, match="build"):
        keras_attention(keras.layers.Attention(), [np.zeros((1, 2, 3)), np.zeros((1, 2, 3))])
