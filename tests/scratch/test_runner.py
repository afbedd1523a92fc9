"""run_rnn with every cell against the Keras layer it mirrors, on random shapes and masks."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.models.peephole_cell import PeepholeLSTMCell
from rnncourse.scratch.gru import GRUParams
from rnncourse.scratch.lstm import LSTMParams
from rnncourse.scratch.peephole import PeepholeLSTMParams
from rnncourse.scratch.rnn_cell import RNNParams
from rnncourse.scratch.runner import Cell, CellStep, SequenceResult, run_rnn

CELLS = ("SimpleRNN", "LSTM", "GRU", "GRU-v1", "peephole")


def _random_case(seed: int):
    rng = np.random.default_rng(seed)
    batch, steps = int(rng.integers(1, 5)), int(rng.integers(1, 9))
    features, units = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    x = rng.normal(size=(batch, steps, features)).astype("float32")
    mask = rng.random((batch, steps)) < 0.7
    mask[:, 0] = rng.random(batch) < 0.5  # some rows start padded, some do not
    return rng, x, mask, units


def _layer_and_params(cell: str, features: int, units: int, rng, **flags):
    """A built Keras layer with random weights, and the same weights as NumPy params."""
    if cell == "SimpleRNN":
        layer, params_of = keras.layers.SimpleRNN(units, **flags), RNNParams.from_keras
    elif cell == "LSTM":
        layer, params_of = keras.layers.LSTM(units, **flags), LSTMParams.from_keras
    elif cell in ("GRU", "GRU-v1"):
        layer = keras.layers.GRU(units, reset_after=cell == "GRU", **flags)
        params_of = GRUParams.from_keras
    else:
        layer = keras.layers.RNN(PeepholeLSTMCell(units), **flags)
        params_of = PeepholeLSTMParams.from_keras
    layer.build((None, None, features))
    layer.set_weights([rng.normal(scale=0.6, size=w.shape).astype("float32")
                       for w in layer.get_weights()])
    return layer, params_of(layer)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_run_rnn_equals_keras_with_masks(cell, seed, go_backwards):
    rng, x, mask, units = _random_case(seed)
    layer, params = _layer_and_params(cell, x.shape[2], units, rng, return_sequences=True,
                                      return_state=True, go_backwards=go_backwards)
    keras_out = [np.asarray(t) for t in layer(x, mask=mask)]
    ours = run_rnn(params, x, mask=mask, go_backwards=go_backwards)
    assert isinstance(params, Cell)
    np.testing.assert_allclose(ours.outputs, keras_out[0], atol=1e-6, rtol=0)
    for mine, theirs in zip(ours.states, keras_out[1:], strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_initial_state_and_last_output_equal_keras(cell):
    rng, x, _, units = _random_case(11)
    layer, params = _layer_and_params(cell, x.shape[2], units, rng)
    states = [rng.normal(size=(x.shape[0], units)).astype("float32")
              for _ in params.state_names]
    expected = np.asarray(layer(x, initial_state=states))
    ours = run_rnn(params, x, initial_state=tuple(states), return_sequences=False)
    assert ours.outputs.shape == (x.shape[0], units)
    np.testing.assert_allclose(ours.outputs, expected, atol=1e-6, rtol=0)


def test_one_step_returns_the_same_kind_of_result_for_every_cell():
    x_t = np.ones((2, 3))
    for params in (RNNParams.random(3, 4), LSTMParams.random(3, 4), GRUParams.random(3, 4),
                   PeepholeLSTMParams.random(3, 4)):
        states = tuple(np.zeros((2, 4)) for _ in params.state_names)
        step = params.step(x_t, states=states)
        assert isinstance(step, CellStep)
        assert step.output.shape == (2, 4) and len(step.states) == len(params.state_names)
        result = run_rnn(params, np.ones((2, 5, 3)))
        assert isinstance(result, SequenceResult) and len(result.caches) == 5


def test_a_cell_of_your_own_runs_too():
    """Anything with units, input_size, state_names and step(x_t, states=...) is a cell."""

    class RunningSum:
        state_names = ("total",)
        units = input_size = 2

        def step(self, x_t, *, states):
            total = states[0] + x_t
            return CellStep(total, (total,), None)

    result = run_rnn(RunningSum(), np.ones((1, 4, 2)))
    np.testing.assert_array_equal(result.outputs[0, :, 0], [1, 2, 3, 4])


def test_run_rnn_refuses_what_is_not_a_cell():
    with pytest.raises(ShapeError, match="needs a cell's parameters"):
        run_rnn(np.eye(3), np.ones((1, 2, 3)))
