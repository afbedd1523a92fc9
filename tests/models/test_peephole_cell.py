"""The peephole LSTM cell runs in keras.layers.RNN, saves, trains and equals its NumPy twin."""

import keras
import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.models.peephole_cell import PeepholeLSTMCell
from rnncourse.scratch.lstm import LSTMParams
from rnncourse.scratch.peephole import (
    PeepholeLSTMParams,
    peephole_lstm_cell_forward,
    peephole_lstm_parameter_count,
)
from rnncourse.scratch.runner import run_rnn

TOLERANCE = 1e-6


def _numpy(values):
    return keras.ops.convert_to_numpy(values)


def _peephole_rnn(params, steps, **flags):
    layer = keras.layers.RNN(PeepholeLSTMCell(params.units), return_state=True, **flags)
    layer.build((None, steps, params.input_size))
    layer.set_weights(params.keras_weights())
    return layer


@pytest.mark.parametrize("batch, steps, inputs, units", [
    (1, 1, 1, 1), (2, 5, 3, 4), (3, 9, 2, 6), (4, 3, 5, 2),
])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_cell_in_keras_rnn_matches_numpy_twin(batch, steps, inputs, units, return_sequences):
    rng = np.random.default_rng(batch * steps)
    x = rng.normal(size=(batch, steps, inputs)).astype(np.float32)
    h0, c0 = (rng.normal(size=(batch, units)).astype(np.float32) for _ in range(2))
    params = PeepholeLSTMParams.random(inputs, units, seed=units)
    layer = _peephole_rnn(params, steps, return_sequences=return_sequences)
    keras_out, keras_h, keras_c = map(_numpy, layer(x, initial_state=[h0, c0]))
    ours, (h, c), caches = run_rnn(params, x, initial_state=(h0, c0),
                                   return_sequences=return_sequences)
    assert len(caches) == steps
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=TOLERANCE, rtol=0)


def test_masked_peephole_matches_keras():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 6, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 0, 1, 1], [1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 0]], bool)
    params = PeepholeLSTMParams.random(2, 4, seed=1)
    layer = _peephole_rnn(params, 6, return_sequences=True)
    keras_out, keras_h, keras_c = map(_numpy, layer(x, mask=mask))
    ours, (h, c), _ = run_rnn(params, x, mask=mask)
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=TOLERANCE, rtol=0)


def test_peephole_equations_by_hand():
    params = PeepholeLSTMParams.random(2, 3, seed=4)
    rng = np.random.default_rng(0)
    x_t, h_prev, c_prev = rng.normal(size=(1, 2)), rng.normal(size=(1, 3)), rng.normal(size=(1, 3))
    h_t, (_, c_t), cache = peephole_lstm_cell_forward(params, x_t, states=(h_prev, c_prev))
    a_i, a_f, a_c, a_o = np.split(x_t @ params.kernel + h_prev @ params.recurrent_kernel
                                  + params.bias, 4, axis=1)

    def sig(values):
        return 1 / (1 + np.exp(-values))

    i = sig(a_i + c_prev * params.input_peephole)
    f = sig(a_f + c_prev * params.forget_peephole)
    c = f * c_prev + i * np.tanh(a_c)
    o = sig(a_o + c * params.output_peephole)  # the output gate peeks at the *new* c
    np.testing.assert_allclose(c_t, c)
    np.testing.assert_allclose(h_t, o * np.tanh(c))
    np.testing.assert_allclose(cache.output_gate, o)


def test_zero_peepholes_reduce_to_keras_lstm():
    lstm = LSTMParams.random(3, 4, seed=2)
    zeros = np.zeros(4)
    peephole = PeepholeLSTMParams(lstm.kernel, lstm.recurrent_kernel, zeros, zeros, zeros,
                                  lstm.bias)
    x = np.random.default_rng(1).normal(size=(2, 5, 3))
    np.testing.assert_allclose(run_rnn(peephole, x)[0], run_rnn(lstm, x)[0])


def test_default_initialisation_and_weight_names():
    cell = PeepholeLSTMCell(3)
    layer = keras.layers.RNN(cell)
    layer.build((None, 4, 2))
    assert [weight.name for weight in cell.weights] == [
        "kernel", "recurrent_kernel", "input_peephole", "forget_peephole", "output_peephole",
        "bias"]
    np.testing.assert_array_equal(_numpy(cell.bias), [0, 0, 0, 1, 1, 1] + [0] * 6)
    np.testing.assert_array_equal(_numpy(cell.input_peephole), 0)
    assert layer.count_params() == peephole_lstm_parameter_count(2, 3)
    params = PeepholeLSTMParams.from_keras(layer)
    for ours, theirs in zip(params.keras_weights(), cell.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_config_round_trip_and_saved_model(tmp_path):
    cell = PeepholeLSTMCell(4, peephole_initializer="random_normal", unit_forget_bias=False,
                            name="peep")
    rebuilt = PeepholeLSTMCell.from_config(cell.get_config())
    assert rebuilt.units == 4 and rebuilt.unit_forget_bias is False
    assert rebuilt.get_config()["peephole_initializer"] == cell.get_config()[
        "peephole_initializer"]

    inputs = keras.Input((5, 3))
    model = keras.Model(inputs, keras.layers.RNN(PeepholeLSTMCell(4))(inputs))
    path = tmp_path / "peephole.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(_numpy(loaded(x)), _numpy(model(x)), atol=1e-7)
    assert isinstance(loaded.layers[-1].cell, PeepholeLSTMCell)


def test_training_reduces_loss():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 2)).astype(np.float32)
    y = x[:, :, 0].sum(axis=1, keepdims=True).astype(np.float32) / 4
    model = keras.Sequential([
        keras.Input((8, 2)),
        keras.layers.RNN(PeepholeLSTMCell(8, peephole_initializer="random_normal")),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", jit_compile=False)
    history = model.fit(x, y, epochs=10, batch_size=64, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    peepholes = model.layers[0].cell.output_peephole
    assert np.all(np.isfinite(_numpy(peepholes)))


def test_bad_shapes_raise_clear_errors():
    params = PeepholeLSTMParams.random(2, 3)
    with pytest.raises(ShapeError, match="expects 2"):
        run_rnn(params, np.zeros((1, 4, 5)))
    with pytest.raises(ShapeError, match="diagonal"):
        PeepholeLSTMParams(params.kernel, params.recurrent_kernel, np.zeros((3, 3)),
                           params.forget_peephole, params.output_peephole, params.bias)
    with pytest.raises(ShapeError, match="c0"):
        run_rnn(params, np.zeros((1, 4, 2)), initial_state=(np.zeros((1, 3)), np.zeros((2, 3))))
    with pytest.raises(TypeError, match="PeepholeLSTMCell"):
        PeepholeLSTMParams.from_keras(keras.layers.LSTM(3))
    with pytest.raises(ValueError, match="units"):
        PeepholeLSTMCell(0)
