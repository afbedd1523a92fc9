"""The NumPy LSTM and GRU equal Keras's layers given the same weights."""

import keras
import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.scratch.activations import sigmoid
from rnncourse.scratch.gru import (
    GRUParams,
    flip_update_gate,
    gru_cell_forward,
    gru_parameter_count,
)
from rnncourse.scratch.lstm import (
    LSTMParams,
    LSTMState,
    keras_initial_lstm_bias,
    lstm_cell_forward,
    lstm_parameter_count,
)
from rnncourse.scratch.runner import run_rnn
from rnncourse.validation import check_mask

TOLERANCE = 1e-6
SHAPES = [(1, 1, 1, 1), (1, 6, 3, 4), (3, 12, 7, 2), (4, 3, 2, 16), (5, 9, 4, 8)]


def _numpy(values):
    return keras.ops.convert_to_numpy(values)


def _random_inputs(batch, steps, inputs, units, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, inputs)).astype(np.float32)
    h0 = rng.normal(size=(batch, units)).astype(np.float32)
    c0 = rng.normal(size=(batch, units)).astype(np.float32)
    return x, h0, c0


def _mask_with_gaps(batch, steps, seed):
    """Rows with gaps in the middle, padding at the end, at the start, and none."""
    rng = np.random.default_rng(seed)
    mask = rng.random((batch, steps)) > 0.3
    patterns = [slice(steps // 2, None), slice(0, max(1, steps // 3)),
                slice(steps // 3, steps // 3 + 2)]
    for row in range(batch):
        mask[row] = True if row % 4 == 3 else mask[row]
        if row % 4 < 3:
            mask[row, patterns[row % 4]] = False
    return mask


def _keras_layer(layer_class, params, steps, **flags):
    layer = layer_class(params.units, return_state=True, **flags)
    layer.build((None, steps, params.input_size))
    layer.set_weights(params.keras_weights())
    return layer


# ------------------------------------------------------------------------------ LSTM


@pytest.mark.parametrize("batch, steps, inputs, units", SHAPES)
@pytest.mark.parametrize("return_sequences", [True, False])
def test_lstm_matches_keras(batch, steps, inputs, units, return_sequences):
    x, h0, c0 = _random_inputs(batch, steps, inputs, units, seed=batch + 10 * steps)
    params = LSTMParams.random(inputs, units, seed=units)
    layer = _keras_layer(keras.layers.LSTM, params, steps, return_sequences=return_sequences)
    keras_out, keras_h, keras_c = map(_numpy, layer(x, initial_state=[h0, c0]))
    ours, (h, c), caches = run_rnn(params, x, initial_state=(h0, c0),
                                   return_sequences=return_sequences)
    assert ours.shape == keras_out.shape
    assert len(caches) == steps
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=TOLERANCE, rtol=0)


@pytest.mark.parametrize("batch, steps, inputs, units", [(4, 7, 3, 5), (5, 10, 2, 3)])
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_mask_matches_keras(batch, steps, inputs, units, return_sequences, go_backwards):
    x, h0, c0 = _random_inputs(batch, steps, inputs, units, seed=7)
    mask = _mask_with_gaps(batch, steps, seed=steps)
    params = LSTMParams.random(inputs, units, seed=3)
    layer = _keras_layer(keras.layers.LSTM, params, steps, return_sequences=return_sequences,
                         go_backwards=go_backwards)
    keras_out, keras_h, keras_c = map(_numpy, layer(x, initial_state=[h0, c0], mask=mask))
    ours, (h, c), _ = run_rnn(params, x, initial_state=(h0, c0), mask=mask,
                              return_sequences=return_sequences, go_backwards=go_backwards)
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=TOLERANCE, rtol=0)


def test_masked_steps_carry_state_and_repeat_output():
    x, h0, c0 = _random_inputs(1, 5, 2, 3, seed=1)
    mask = np.array([[False, True, False, True, False]])
    outputs, state, caches = run_rnn(LSTMParams.random(2, 3), x, initial_state=(h0, c0), mask=mask)
    np.testing.assert_array_equal(outputs[:, 0], 0.0)  # no real output yet: zeros, not h0
    np.testing.assert_array_equal(outputs[:, 2], outputs[:, 1])
    np.testing.assert_array_equal(outputs[:, 4], outputs[:, 3])
    np.testing.assert_array_equal(state.h, outputs[:, 3])


def test_fully_masked_row_keeps_initial_state_but_outputs_zeros():
    x, h0, c0 = _random_inputs(2, 4, 3, 2, seed=2)
    mask = np.array([[False] * 4, [True] * 4])
    params = LSTMParams.random(3, 2, seed=5)
    layer = _keras_layer(keras.layers.LSTM, params, 4)
    keras_out, keras_h, _ = map(_numpy, layer(x, initial_state=[h0, c0], mask=mask))
    ours, state, _ = run_rnn(params, x, initial_state=(h0, c0), mask=mask, return_sequences=False)
    np.testing.assert_allclose(state.h[0], h0[0], atol=TOLERANCE)
    np.testing.assert_array_equal(ours[0], 0.0)
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(state.h, keras_h, atol=TOLERANCE, rtol=0)


def test_lstm_without_bias_and_default_initial_state():
    params = LSTMParams.random(3, 4, seed=2, use_bias=False)
    x, _, _ = _random_inputs(2, 5, 3, 4, seed=4)
    layer = _keras_layer(keras.layers.LSTM, params, 5, use_bias=False, return_sequences=True)
    keras_out, keras_h, keras_c = map(_numpy, layer(x))
    ours, state, _ = run_rnn(params, x)
    assert len(params.keras_weights()) == 2
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(state.c, keras_c, atol=TOLERANCE, rtol=0)


def test_lstm_cell_equations_and_gate_order():
    params = LSTMParams.random(3, 2, seed=9)
    x_t, h_prev, c_prev = (np.random.default_rng(0).normal(size=(4, n)) for n in (3, 2, 2))
    h_t, (_, c_t), cache = lstm_cell_forward(params, x_t, states=(h_prev, c_prev))

    def gate(name):
        kernel, recurrent, bias = params.gate(name)
        return x_t @ kernel + h_prev @ recurrent + bias

    i, f, o = sigmoid(gate("i")), sigmoid(gate("f")), sigmoid(gate("o"))
    expected_c = f * c_prev + i * np.tanh(gate("c"))
    np.testing.assert_allclose(c_t, expected_c)
    np.testing.assert_allclose(h_t, o * np.tanh(expected_c))
    np.testing.assert_allclose(cache.forget_gate, f)


def test_lstm_params_round_trip_and_unit_forget_bias_is_only_initialisation():
    flagged = keras.layers.LSTM(3, unit_forget_bias=True)
    flagged.build((None, 4, 2))
    plain = keras.layers.LSTM(3, unit_forget_bias=False)
    plain.build((None, 4, 2))
    np.testing.assert_array_equal(flagged.get_weights()[2], keras_initial_lstm_bias(3, True))
    np.testing.assert_array_equal(plain.get_weights()[2], keras_initial_lstm_bias(3, False))
    params = LSTMParams.from_keras(flagged)
    for ours, theirs in zip(params.keras_weights(), flagged.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    plain.set_weights(flagged.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 4, 2)).astype(np.float32)
    np.testing.assert_array_equal(_numpy(plain(x)), _numpy(flagged(x)))


def test_lstm_cell_of_keras_matches_one_step():
    cell = keras.layers.LSTMCell(4)
    cell.build((None, 3))
    params = LSTMParams.from_keras(cell)
    x_t, h_prev, c_prev = (np.random.default_rng(1).normal(size=(2, n)).astype(np.float32)
                           for n in (3, 4, 4))
    keras_h, (_, keras_c) = cell(x_t, [h_prev, c_prev])
    h_t, (_, c_t), _ = lstm_cell_forward(params, x_t, states=(h_prev, c_prev))
    np.testing.assert_allclose(h_t, _numpy(keras_h), atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(c_t, _numpy(keras_c), atol=TOLERANCE, rtol=0)


# ------------------------------------------------------------------------------- GRU


@pytest.mark.parametrize("batch, steps, inputs, units", SHAPES)
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_gru_matches_keras(batch, steps, inputs, units, reset_after, return_sequences):
    x, h0, _ = _random_inputs(batch, steps, inputs, units, seed=2 * batch + steps)
    params = GRUParams.random(inputs, units, reset_after=reset_after, seed=units)
    layer = _keras_layer(keras.layers.GRU, params, steps, reset_after=reset_after,
                         return_sequences=return_sequences)
    keras_out, keras_h = map(_numpy, layer(x, initial_state=h0))
    ours, (h,), caches = run_rnn(params, x, initial_state=h0, return_sequences=return_sequences)
    assert ours.shape == keras_out.shape and len(caches) == steps
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=TOLERANCE, rtol=0)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_gru_mask_matches_keras(reset_after, return_sequences, go_backwards):
    batch, steps, inputs, units = 4, 8, 3, 5
    x, h0, _ = _random_inputs(batch, steps, inputs, units, seed=11)
    mask = _mask_with_gaps(batch, steps, seed=1)
    params = GRUParams.random(inputs, units, reset_after=reset_after, seed=4)
    layer = _keras_layer(keras.layers.GRU, params, steps, reset_after=reset_after,
                         return_sequences=return_sequences, go_backwards=go_backwards)
    keras_out, keras_h = map(_numpy, layer(x, initial_state=h0, mask=mask))
    ours, (h,), _ = run_rnn(params, x, initial_state=h0, mask=mask,
                            return_sequences=return_sequences, go_backwards=go_backwards)
    np.testing.assert_allclose(ours, keras_out, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=TOLERANCE, rtol=0)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_from_keras_round_trip_without_bias(reset_after):
    layer = keras.layers.GRU(3, use_bias=False, reset_after=reset_after, return_sequences=True)
    layer.build((None, 4, 2))
    params = GRUParams.from_keras(layer)
    assert params.reset_after is reset_after and not params.use_bias
    x = np.random.default_rng(0).normal(size=(2, 4, 2)).astype(np.float32)
    ours, _, _ = run_rnn(params, x)
    np.testing.assert_allclose(ours, _numpy(layer(x)), atol=TOLERANCE, rtol=0)


def test_gru_bias_layout():
    layer = keras.layers.GRU(3, reset_after=True)
    layer.build((None, 2, 4))
    assert layer.get_weights()[2].shape == (2, 9)
    params = GRUParams.random(4, 3, reset_after=True, seed=1)
    np.testing.assert_array_equal(params.input_bias, params.bias[0])
    np.testing.assert_array_equal(params.recurrent_bias, params.bias[1])
    old_style = GRUParams.random(4, 3, reset_after=False, seed=1)
    np.testing.assert_array_equal(old_style.recurrent_bias, np.zeros(9))


def test_reset_after_candidate_formula():
    params = GRUParams.random(2, 3, reset_after=True, seed=5)
    rng = np.random.default_rng(2)
    x_t, h_prev = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    _, _, cache = gru_cell_forward(params, x_t, states=(h_prev,))
    units = 3
    recurrent_h = h_prev @ params.recurrent_kernel[:, 2 * units:] + params.bias[1, 2 * units:]
    expected = np.tanh(x_t @ params.kernel[:, 2 * units:] + params.bias[0, 2 * units:]
                       + cache.reset_gate * recurrent_h)
    np.testing.assert_allclose(cache.candidate, expected)


@pytest.mark.parametrize("reset_after", [True, False])
def test_update_gate_conventions_are_related_by_one_minus_z(reset_after):
    params = GRUParams.random(3, 4, reset_after=reset_after, seed=8)
    x, h0, _ = _random_inputs(2, 6, 3, 4, seed=3)
    keras_style, (h_keras,), caches = run_rnn(params, x, initial_state=h0)
    flipped = flip_update_gate(params)
    assert flipped.convention == "z_takes_candidate"
    textbook, (h_textbook,), flipped_caches = run_rnn(flipped, x, initial_state=h0)
    np.testing.assert_allclose(textbook, keras_style, atol=1e-12)
    np.testing.assert_allclose(h_textbook, h_keras, atol=1e-12)
    np.testing.assert_allclose(flipped_caches[0].update_gate, 1 - caches[0].update_gate)
    twice = flip_update_gate(flipped)
    np.testing.assert_array_equal(twice.kernel, params.kernel)
    different, _, _ = run_rnn(params.with_convention("z_takes_candidate"), x, initial_state=h0)
    assert not np.allclose(different, keras_style)


def test_gru_blend_by_hand():
    params = GRUParams.random(2, 2, seed=0)
    h_prev = np.array([[0.5, -0.5]])
    h_t, _, cache = gru_cell_forward(params, np.ones((1, 2)), states=(h_prev,))
    z, candidate = cache.update_gate, cache.candidate
    np.testing.assert_allclose(h_t, z * h_prev + (1 - z) * candidate)
    with pytest.raises(ValueError, match="z_keeps_previous"):
        gru_cell_forward(params.with_convention("cho"), np.ones((1, 2)), states=(h_prev,))


def test_parameter_counts_match_keras():
    for layer, count in [
        (keras.layers.LSTM(7), lstm_parameter_count(5, 7)),
        (keras.layers.GRU(7), gru_parameter_count(5, 7)),
        (keras.layers.GRU(7, reset_after=False), gru_parameter_count(5, 7, reset_after=False)),
    ]:
        layer.build((None, 3, 5))
        assert layer.count_params() == count


# ------------------------------------------------------------------------------ errors


def test_bad_shapes_raise_clear_errors():
    params = LSTMParams.random(3, 4)
    with pytest.raises(ShapeError, match="rank 3"):
        run_rnn(params, np.zeros((2, 3)))
    with pytest.raises(ShapeError, match="expects 3"):
        run_rnn(params, np.zeros((2, 5, 2)))
    with pytest.raises(ShapeError, match="zero time steps"):
        run_rnn(params, np.zeros((2, 0, 3)))
    with pytest.raises(ShapeError, match=r"h0 must be \(batch, units\) = \(2, 4\)"):
        run_rnn(params, np.zeros((2, 5, 3)), initial_state=(np.zeros((2, 3)), np.zeros((2, 4))))
    with pytest.raises(ShapeError, match="has 2 states"):
        run_rnn(params, np.zeros((2, 5, 3)), initial_state=(np.zeros((2, 4)),))
    with pytest.raises(ShapeError, match=r"mask must have shape \(batch, time\) = \(2, 5\)"):
        run_rnn(params, np.zeros((2, 5, 3)), mask=np.ones((5, 2), bool))
    with pytest.raises(ShapeError, match="booleans"):
        check_mask(np.full((2, 5), 2), 2, 5)
    with pytest.raises(ShapeError, match="transposed"):
        LSTMParams(np.zeros((16, 3)), np.zeros((4, 16)), np.zeros(16))
    with pytest.raises(ShapeError, match="4 \\* units"):
        LSTMParams(np.zeros((3, 12)), np.zeros((3, 9)))
    with pytest.raises(ShapeError, match="reset_after=True"):
        GRUParams(np.zeros((2, 9)), np.zeros((3, 9)), np.zeros((2, 9)), reset_after=False)
    with pytest.raises(ShapeError, match="c_prev"):
        lstm_cell_forward(params, np.zeros((2, 3)), states=(np.zeros((2, 4)), np.zeros((1, 4))))
    with pytest.raises(ShapeError, match="has 1 state"):
        run_rnn(GRUParams.random(2, 3), np.zeros((1, 2, 2)), initial_state=[np.zeros((1, 3))] * 2)


def test_from_keras_rejects_other_activations():
    layer = keras.layers.LSTM(2, activation="relu")
    layer.build((None, 3, 2))
    with pytest.raises(NotImplementedError, match="activation='relu'"):
        LSTMParams.from_keras(layer)


def test_integer_mask_and_state_tuple():
    params = LSTMParams.random(2, 3)
    x = np.ones((1, 3, 2))
    as_bool, _, _ = run_rnn(params, x, mask=np.array([[True, False, True]]))
    as_int, state, _ = run_rnn(params, x, mask=np.array([[1, 0, 1]]))
    np.testing.assert_array_equal(as_bool, as_int)
    assert isinstance(state, LSTMState)
    h, c = state
    assert h.shape == c.shape == (1, 3)
