"""The NumPy bidirectional pass equals Keras; MergedBidirectional offers every merge."""

import keras
import numpy as np
import pytest

from rnncourse.errors import InputError
from rnncourse.models.bidirectional import (
    DIRECTIONS,
    MergedBidirectional,
    build_tagger,
    direction_influence,
)
from rnncourse.models.metrics import token_accuracy
from rnncourse.scratch.bidirectional import (
    MERGE_MODES,
    bidirectional_forward,
    merge_directions,
    merged_units,
)
from rnncourse.scratch.rnn_cell import RNNParams
from rnncourse.scratch.runner import run_rnn

KERAS_MODES = ("concat", "sum", "ave", "mul")


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).normal(size=(3, 6, 4)).astype(np.float32)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("merge_mode", KERAS_MODES)
def test_numpy_equals_keras_bidirectional(x, merge_mode, return_sequences):
    keras.utils.set_random_seed(1)
    layer = keras.layers.Bidirectional(
        keras.layers.SimpleRNN(5, return_sequences=return_sequences), merge_mode=merge_mode)
    expected = np.asarray(layer(x))
    forward = RNNParams.from_keras(layer.forward_layer)
    backward = RNNParams.from_keras(layer.backward_layer)
    mine = bidirectional_forward(x, forward, backward, merge_mode, return_sequences)
    assert mine.shape == expected.shape
    np.testing.assert_allclose(mine, expected, atol=1e-6)


def test_forgetting_to_flip_back_would_be_caught(x):
    """The test above can fail: unflipped backward states do not match Keras."""
    keras.utils.set_random_seed(1)
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(5, return_sequences=True))
    expected = np.asarray(layer(x))
    forward_states = run_rnn(RNNParams.from_keras(layer.forward_layer), x).outputs
    reversed_states = run_rnn(RNNParams.from_keras(layer.backward_layer), x[:, ::-1]).outputs
    wrong = np.concatenate([forward_states, reversed_states], axis=-1)
    assert np.abs(wrong - expected).max() > 1e-2


@pytest.mark.parametrize("return_sequences", [True, False])
def test_merged_bidirectional_max_is_the_elementwise_max(x, return_sequences):
    keras.utils.set_random_seed(2)
    both = keras.layers.Bidirectional(
        keras.layers.SimpleRNN(5, return_sequences=return_sequences), merge_mode=None)
    forward_out, backward_out = (np.asarray(part) for part in both(x))
    layer = MergedBidirectional(
        keras.layers.SimpleRNN(5, return_sequences=return_sequences), "max")
    layer.build(x.shape)
    layer.set_weights(both.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), np.maximum(forward_out, backward_out),
                               atol=1e-6)
    # ... and the NumPy version agrees too.
    mine = bidirectional_forward(x, RNNParams.from_keras(both.forward_layer),
                                    RNNParams.from_keras(both.backward_layer), "max",
                                    return_sequences)
    np.testing.assert_allclose(mine, np.maximum(forward_out, backward_out), atol=1e-6)


@pytest.mark.parametrize("merge_mode", KERAS_MODES)
def test_merged_bidirectional_matches_keras_for_its_modes(x, merge_mode):
    keras.utils.set_random_seed(3)
    reference = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True),
                                           merge_mode=merge_mode)
    expected = np.asarray(reference(x))
    layer = MergedBidirectional(keras.layers.GRU(4, return_sequences=True), merge_mode)
    layer.build(x.shape)
    layer.set_weights(reference.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-6)
    assert layer.compute_output_shape(x.shape) == expected.shape


@pytest.mark.parametrize("merge_mode", MERGE_MODES)
def test_merge_shapes(merge_mode):
    forward, backward = np.ones((2, 3, 4)), np.full((2, 3, 4), 3.0)
    merged = merge_directions(forward, backward, merge_mode)
    assert merged.shape[-1] == merged_units(4, merge_mode)
    expected = {"concat": 1.0, "sum": 4.0, "ave": 2.0, "mul": 3.0, "max": 3.0}[merge_mode]
    assert merged[..., 0].max() == expected


def test_bad_inputs_are_explained():
    with pytest.raises(InputError, match="'max' is the element-wise maximum"):
        merge_directions(np.ones(3), np.ones(3), "min")
    with pytest.raises(ValueError, match="same shape"):
        merge_directions(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="batch, time, features"):
        bidirectional_forward(np.ones((3, 4)), RNNParams.random(4, 2),
                                 RNNParams.random(4, 2))
    with pytest.raises(TypeError, match="recurrent layer"):
        MergedBidirectional(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="return_state"):
        MergedBidirectional(keras.layers.GRU(3, return_state=True))
    with pytest.raises(ValueError, match="direction"):
        build_tagger(5, 2, direction="sideways")
    with pytest.raises(ValueError, match="cell"):
        build_tagger(5, 2, cell="Transformer")


def test_merged_bidirectional_round_trips_through_its_config(x):
    layer = MergedBidirectional(keras.layers.SimpleRNN(3, return_sequences=True), "max")
    copy = MergedBidirectional.from_config(layer.get_config())
    assert copy.merge_mode == "max" and copy.return_sequences
    assert copy.backward_layer.go_backwards and not copy.forward_layer.go_backwards


def test_each_direction_sees_one_side(x):
    keras.utils.set_random_seed(4)
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(5, return_sequences=True))
    layer(x)
    influence = direction_influence(layer, x, position=2)
    assert (influence["forward"][3:] == 0).all() and (influence["forward"][:3] > 0).all()
    assert (influence["backward"][:2] == 0).all() and (influence["backward"][2:] > 0).all()
    with pytest.raises(ValueError, match="position"):
        direction_influence(layer, x, position=6)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_tagger_emits_one_tag_per_token(direction):
    model = build_tagger(7, 3, units=4, direction=direction)
    probabilities = model.predict(np.zeros((2, 5), dtype=np.int32), verbose=0)
    assert probabilities.shape == (2, 5, 3)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)


def test_backward_tagger_is_realigned():
    """Position t of a backward tagger depends only on tokens at t and after."""
    keras.utils.set_random_seed(5)
    model = build_tagger(7, 3, units=4, direction="backward")
    tokens = np.array([[1, 2, 3, 4, 5]])
    changed = tokens.copy()
    changed[0, 4] = 6  # change the last token only
    before, after = model.predict(tokens, verbose=0), model.predict(changed, verbose=0)
    np.testing.assert_allclose(before[0, :4] - after[0, :4] != 0, True)
    changed_first = tokens.copy()
    changed_first[0, 0] = 6
    np.testing.assert_allclose(model.predict(changed_first, verbose=0)[0, 1:], before[0, 1:],
                               atol=1e-7)


def test_max_tagger_uses_merged_bidirectional():
    model = build_tagger(7, 3, units=4, merge_mode="max")
    assert any(isinstance(layer, MergedBidirectional) for layer in model.layers)


def test_token_accuracy():
    probabilities = np.eye(3)[[[0, 1, 2], [2, 2, 1]]]
    tags = np.array([[0, 1, 1], [2, 0, 1]])
    assert token_accuracy(probabilities, tags) == pytest.approx(4 / 6)
    mask = np.array([[False, False, True], [False, True, False]])
    assert token_accuracy(probabilities, tags, mask) == 0.0
    with pytest.raises(ValueError, match="class axis"):
        token_accuracy(probabilities, tags[:, :2])
    with pytest.raises(ValueError, match="at least one True"):
        token_accuracy(probabilities, tags, np.zeros_like(mask))


def test_notebook_06_plots():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnncourse.visuals.accuracy import plot_accuracy_by_position
    from rnncourse.visuals.curves import plot_direction_influence

    figure = plot_direction_influence({"forward": [1, 2, 0], "backward": [0, 2, 1]}, 1)
    assert len(figure.axes) == 2
    figure = plot_accuracy_by_position({"a": [0.5, 1.0], "b": [1.0, 1.0]}, ceiling=0.75)
    assert len(figure.axes[0].lines) == 3
    plt.close("all")
    with pytest.raises(ValueError, match="empty"):
        plot_direction_influence({}, 0)
    with pytest.raises(ValueError, match="empty"):
        plot_accuracy_by_position({})


# --- stacked bidirectional taggers ----------------------------------------------------


def _sees(model, tokens, position, changed_position):
    """True when changing the token at ``changed_position`` moves the output at ``position``."""
    changed = tokens.copy()
    changed[0, changed_position] = (changed[0, changed_position] + 3) % 7
    before, after = model.predict(tokens, verbose=0), model.predict(changed, verbose=0)
    return not np.allclose(before[0, position], after[0, position], atol=1e-7)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_stacked_taggers_keep_one_tag_per_token_and_their_direction(direction):
    keras.utils.set_random_seed(3)
    model = build_tagger(7, 3, units=4, direction=direction, depth=2)
    recurrent = [layer for layer in model.layers
                 if isinstance(layer, keras.layers.RNN | keras.layers.Bidirectional)]
    assert len(recurrent) == 2
    tokens = np.array([[1, 2, 3, 4, 5, 6]])
    assert model.predict(tokens, verbose=0).shape == (1, 6, 3)
    sees_future, sees_past = _sees(model, tokens, 2, 4), _sees(model, tokens, 2, 0)
    assert (sees_future, sees_past) == {"forward": (False, True), "backward": (True, False),
                                        "bidirectional": (True, True)}[direction]


def test_stacked_bidirectional_tagger_counts_both_directions_per_layer():
    from rnncourse.models.pyramid import stacked_parameter_count

    model = build_tagger(9, 4, units=5, embedding_dim=6, depth=3)
    recurrent = stacked_parameter_count("GRU", 6, [5, 5, 5], bidirectional=True)
    assert model.count_params() == 9 * 6 + recurrent + (2 * 5) * 4 + 4
    with pytest.raises(InputError, match="depth"):
        build_tagger(9, 4, depth=0)


def test_from_the_second_layer_on_both_directions_see_the_whole_sequence(x):
    from rnncourse.models.bidirectional import stack_influence

    keras.utils.set_random_seed(2)
    layers = [keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True))
              for _ in range(2)]
    influence = stack_influence(layers, x, position=2)
    assert list(influence) == ["layer 1 forward", "layer 1 backward", "layer 2 forward",
                               "layer 2 backward"]
    assert (influence["layer 1 forward"][3:] == 0).all()
    assert (influence["layer 1 backward"][:2] == 0).all()
    assert (influence["layer 2 forward"] > 0).all() and (influence["layer 2 backward"] > 0).all()
    with pytest.raises(ValueError, match="merge_mode='concat'"):
        stack_influence([keras.layers.Bidirectional(keras.layers.SimpleRNN(3))], x, 0)
    with pytest.raises(ValueError, match="position"):
        stack_influence(layers, x, position=6)
