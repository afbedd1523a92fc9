"""Stacked and pyramid RNNs: step counts, parameter counts, PairSteps and timing."""

import keras
import numpy as np
import pytest

from rnncourse.models.pyramid import (
    PairSteps,
    build_pyramid_rnn,
    build_stacked_rnn,
    compare_forward_passes,
    pyramid_steps,
    rnn_parameter_count,
    sequential_steps,
    stacked_parameter_count,
    time_forward_pass,
)


def test_pyramid_steps_halve():
    assert pyramid_steps(64, 4) == [64, 32, 16, 8]
    assert pyramid_steps(7, 2, odd_steps="pad") == [7, 4]
    assert pyramid_steps(7, 2, odd_steps="drop") == [7, 3]
    with pytest.raises(ValueError, match="odd number"):
        pyramid_steps(12, 4)  # 12 -> 6 -> 3 -> cannot pair 3
    with pytest.raises(ValueError, match="too deep"):
        pyramid_steps(2, 3, odd_steps="pad")
    with pytest.raises(ValueError, match="depth"):
        pyramid_steps(8, 0)


def test_sequential_steps():
    assert sequential_steps(128, 4, pyramid=False) == 512
    assert sequential_steps(128, 4, pyramid=True) == 128 + 64 + 32 + 16
    assert sequential_steps(1024, 8, pyramid=True) < 2 * 1024
    with pytest.raises(ValueError, match="steps"):
        sequential_steps(0, 2, pyramid=False)


def test_pair_steps_layer():
    x = np.arange(2 * 6 * 3, dtype=np.float32).reshape(2, 6, 3)
    paired = np.asarray(PairSteps()(x))
    assert paired.shape == (2, 3, 6)
    np.testing.assert_array_equal(paired[:, 1], np.concatenate([x[:, 2], x[:, 3]], -1))
    odd = x[:, :5]
    assert np.asarray(PairSteps("pad")(odd)).shape == (2, 3, 6)
    np.testing.assert_array_equal(np.asarray(PairSteps("pad")(odd))[:, -1, 3:], 0)
    assert np.asarray(PairSteps("drop")(odd)).shape == (2, 2, 6)
    with pytest.raises(ValueError, match="odd number"):
        PairSteps()(odd)
    with pytest.raises(ValueError, match="odd_steps"):
        PairSteps("round")


def test_pair_steps_needs_a_known_length():
    with pytest.raises(ValueError, match="fixed number of time steps"):
        PairSteps().compute_output_shape((None, None, 4))


@pytest.mark.parametrize("cell", ["SimpleRNN", "GRU", "LSTM"])
def test_parameter_counts_match_keras(cell):
    layer_class = getattr(keras.layers, cell)
    model = keras.Sequential([keras.Input((10, 3)), layer_class(5, return_sequences=True),
                              layer_class(7)])
    assert model.count_params() == stacked_parameter_count(cell, 3, [5, 7])
    bidirectional = keras.Sequential([
        keras.Input((10, 3)), keras.layers.Bidirectional(layer_class(5, return_sequences=True)),
        keras.layers.Bidirectional(layer_class(7))])
    assert bidirectional.count_params() == stacked_parameter_count(
        cell, 3, [5, 7], bidirectional=True)


def test_builders_and_pyramid_parameters():
    stack = build_stacked_rnn(16, 2, 4, 3, 5)
    pyr = build_pyramid_rnn(16, 2, 4, 3, 5)
    x = np.zeros((2, 16, 2), dtype=np.float32)
    assert stack(x).shape == pyr(x).shape == (2, 5)
    dense = 4 * 5 + 5
    assert stack.count_params() == stacked_parameter_count("GRU", 2, [4, 4, 4]) + dense
    assert pyr.count_params() == stacked_parameter_count(
        "GRU", 2, [4, 4, 4], pyramid=True) + dense
    with pytest.raises(ValueError, match="cell"):
        build_stacked_rnn(16, 2, 4, 2, 5, cell="Transformer")
    with pytest.raises(ValueError, match="odd number"):
        build_pyramid_rnn(12, 2, 4, 4, 5)


def test_bad_counts_are_explained():
    with pytest.raises(ValueError, match="positive"):
        rnn_parameter_count("GRU", 0, 3)
    with pytest.raises(ValueError, match="units of each layer"):
        stacked_parameter_count("GRU", 3, [])


def test_pyramid_forward_pass_is_faster():
    """Fewer sequential steps, less work: 240 instead of 512 GRU steps per example."""
    x = np.random.default_rng(0).normal(size=(64, 128, 1)).astype(np.float32)
    models = {"stack": build_stacked_rnn(128, 1, 16, 4, 3),
              "pyramid": build_pyramid_rnn(128, 1, 16, 4, 3)}
    seconds = compare_forward_passes(models, x, repeats=5)
    assert seconds["stack"] > 1.2 * seconds["pyramid"], seconds
    assert 0 < time_forward_pass(models["pyramid"], x, repeats=1, clock="wall")
    assert 0 <= time_forward_pass(models["pyramid"], x, repeats=1)
    with pytest.raises(ValueError, match="repeats"):
        time_forward_pass(models["stack"], x, repeats=0)
    with pytest.raises(ValueError, match="clock"):
        time_forward_pass(models["stack"], x, clock="sundial")
    with pytest.raises(ValueError, match="clock"):
        compare_forward_passes(models, x, clock="sundial")
    with pytest.raises(ValueError, match="empty"):
        compare_forward_passes({}, x)
    with pytest.raises(ValueError, match="repeats"):
        compare_forward_passes(models, x, repeats=0)


def test_the_first_layer_gradient_is_measured_on_the_input_weights():
    import tensorflow as tf

    from rnncourse.models.pyramid import first_layer_gradient_norm

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 12, 2)).astype("float32"), rng.integers(0, 3, 8)
    keras.utils.set_random_seed(0)
    model = build_stacked_rnn(12, 2, 5, 2, 3)
    kernel = model.layers[0].cell.kernel
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    expected = float(tf.norm(tape.gradient(loss, kernel)))
    assert first_layer_gradient_norm(model, x, y) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="no recurrent layer"):
        first_layer_gradient_norm(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]),
                                  np.zeros((1, 3)), np.zeros(1))


def test_deeper_gru_stacks_pass_less_gradient_to_their_first_layer():
    from rnncourse.models.pyramid import gradient_norms_by_depth

    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 20, 1)).astype("float32"), rng.integers(0, 3, 16)
    norms = gradient_norms_by_depth((1, 4), x, y, units=8, classes=3, seeds=(0, 1))
    assert set(norms) == {1, 4} and all(len(values) == 2 for values in norms.values())
    assert np.mean(norms[4]) < np.mean(norms[1]) / 2
    with pytest.raises(ValueError, match="batch, steps, features"):
        gradient_norms_by_depth((1,), x[0], y, units=8, classes=3)
