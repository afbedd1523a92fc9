"""The NumPy RNN equals Keras's SimpleRNN given the same weights."""

import keras
import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.rnn_cell import (
    RNNParams,
    rnn_cell_forward,
    rnn_readout,
    simple_rnn_parameter_count,
)
from rnncourse.scratch.runner import run_rnn


def _keras_rnn(params: RNNParams, steps: int, **flags) -> keras.layers.SimpleRNN:
    layer = keras.layers.SimpleRNN(params.hidden_size, **flags)
    layer.build((None, steps, params.input_size))
    layer.set_weights(params.keras_weights())
    return layer


@pytest.mark.parametrize("batch, steps, inputs, hidden", [
    (1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 2), (4, 3, 2, 16),
])
def test_forward_equals_keras_simple_rnn(batch, steps, inputs, hidden):
    rng = np.random.default_rng(batch * 100 + steps)
    params = RNNParams.random(inputs, hidden, seed=steps)
    x = rng.normal(size=(batch, steps, inputs)).astype(np.float32)
    h0 = rng.normal(size=(batch, hidden)).astype(np.float32)
    ours = run_rnn(params, x, initial_state=h0).outputs
    layer = _keras_rnn(params, steps, return_sequences=True)
    theirs = keras.ops.convert_to_numpy(layer(x, initial_state=[h0]))
    np.testing.assert_allclose(ours, theirs, atol=1e-6, rtol=0)


def test_go_backwards_matches_keras():
    rng = np.random.default_rng(1)
    params = RNNParams.random(3, 5, seed=1)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    ours = run_rnn(params, x, go_backwards=True).outputs
    layer = _keras_rnn(params, 6, return_sequences=True, go_backwards=True)
    theirs = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(ours, theirs, atol=1e-6, rtol=0)


def test_params_round_trip_through_keras():
    layer = keras.layers.SimpleRNN(4)
    layer.build((None, 3, 2))
    dense = keras.layers.Dense(5)
    dense.build((None, 4))
    params = RNNParams.from_keras(layer, dense)
    assert params.W_xh.shape == (2, 4) and params.W_hy.shape == (4, 5)
    for ours, theirs in zip(params.keras_weights(), layer.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_cell_is_one_step_of_the_sequence():
    params = RNNParams.random(3, 4, seed=2)
    x = np.random.default_rng(2).normal(size=(2, 1, 3))
    step = rnn_cell_forward(params, x[:, 0], states=(np.zeros((2, 4)),)).output
    sequence = run_rnn(params, x).outputs
    np.testing.assert_allclose(step, sequence[:, 0])


def test_readout_softmax_sums_to_one():
    params = RNNParams.random(3, 4, output_size=6, seed=3)
    states = run_rnn(params, np.ones((2, 5, 3))).outputs
    probabilities = softmax(rnn_readout(states, params))
    assert probabilities.shape == (2, 5, 6)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0)
    assert np.all(np.isfinite(softmax(np.array([1000.0, -1000.0]))))


def test_parameter_count_matches_keras_and_ignores_length():
    for steps in (3, 30):
        model = keras.Sequential([keras.Input((steps, 100)), keras.layers.SimpleRNN(10)])
        assert model.count_params() == simple_rnn_parameter_count(100, 10) == 10 * 111


@pytest.mark.parametrize("call, message", [
    (lambda p: run_rnn(p, np.ones((2, 3))), "rank 3"),
    (lambda p: run_rnn(p, np.ones((2, 0, 3))), "zero time steps"),
    (lambda p: run_rnn(p, np.ones((2, 4, 5))), "5 features per step but.*expects 3"),
    (lambda p: run_rnn(p, np.ones((2, 4, 3)), initial_state=np.zeros((3, 4))), r"h0 must be"),
    (lambda p: rnn_cell_forward(RNNParams(p.W_xh, p.W_hh, p.b_h), np.ones((2, 3)),
                                states=(np.zeros((3, 4)),)),
     r"h_prev must be"),
])
def test_bad_shapes_raise_clear_errors(call, message):
    with pytest.raises(ShapeError, match=message):
        call(RNNParams.random(3, 4))


def test_mismatched_weights_are_caught():
    with pytest.raises(ShapeError, match="transposed"):
        RNNParams(np.ones((4, 3)), np.ones((4, 4)), np.ones(4))
    with pytest.raises(ShapeError, match="square"):
        RNNParams(np.ones((3, 4)), np.ones((4, 5)), np.ones(4))
    with pytest.raises(ShapeError, match="b_h"):
        RNNParams(np.ones((3, 4)), np.ones((4, 4)), np.ones(3))
    with pytest.raises(ShapeError, match="W_hy"):
        RNNParams(np.ones((3, 4)), np.ones((4, 4)), np.ones(4), W_hy=np.ones((5, 2)))


def test_readout_weights_round_trip_and_bias_free_dense():
    layer = keras.layers.SimpleRNN(4)
    layer.build((None, 3, 2))
    dense = keras.layers.Dense(5)
    dense.build((None, 4))
    params = RNNParams.from_keras(layer, dense)
    for ours, theirs in zip(params.keras_readout_weights(), dense.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    no_bias = keras.layers.Dense(5, use_bias=False)
    no_bias.build((None, 4))
    params = RNNParams.from_keras(layer, no_bias)
    states = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(rnn_readout(states, params),
                               keras.ops.convert_to_numpy(no_bias(states)), atol=1e-6)
    with pytest.raises(ShapeError, match="read-out"):
        RNNParams.random(2, 4).keras_readout_weights()


def test_initial_state_of_the_wrong_shape_is_named():
    params = RNNParams.random(3, 4, seed=0)
    x = np.zeros((2, 5, 3))
    with pytest.raises(ShapeError, match=r"h0 must be \(batch, units\) = \(2, 4\)"):
        run_rnn(params, x, initial_state=np.zeros((2, 3)))
