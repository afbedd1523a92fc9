"""Gate recordings equal the trained Keras layer; the heatmap and explorer draw."""

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.data.text import (  # noqa: E402
    char_windows,
    character_vocabulary,  # noqa: E402
    one_hot_text,
)
from rnncourse.models.gates import (
    GRU_GATE_FIELDS,
    LSTM_GATE_FIELDS,
    GateRecording,
    build_char_model,
    keras_hidden_states,
    mean_by_character_class,
    most_active_units,
    record_gates,
    recurrent_layer,
)  # noqa: E402
from rnncourse.scratch.activations import sigmoid  # noqa: E402
from rnncourse.visuals.gate_explorer import gate_explorer  # noqa: E402
from rnncourse.visuals.heatmaps import plot_gate_heatmap  # noqa: E402

TEXT = "Simple is better than complex. Flat is better than nested."


@pytest.fixture(scope="module")
def vocabulary():
    return character_vocabulary(TEXT)


def test_char_windows_overlap_and_shift_by_one(vocabulary):
    characters, char_to_id = vocabulary
    inputs, targets = char_windows(TEXT, 10, char_to_id, stride=3)
    assert inputs.shape == (len(range(0, len(TEXT) - 10, 3)), 10, len(characters))
    decoded = "".join(characters[i] for i in inputs[1].argmax(axis=1))
    assert decoded == TEXT[3:13]
    assert "".join(characters[i] for i in targets[1]) == TEXT[4:14]
    with pytest.raises(ValueError, match="needs at least steps"):
        char_windows("abc", 5, char_to_id)
    with pytest.raises(ValueError, match="must be a positive whole number"):
        char_windows(TEXT, 0, char_to_id)


def test_one_hot_text_rejects_unknown_characters(vocabulary):
    _, char_to_id = vocabulary
    assert one_hot_text("Flat", char_to_id).shape == (1, 4, len(char_to_id))
    with pytest.raises(ValueError, match=r"'Z' are not in the vocabulary"):
        one_hot_text("Zen", char_to_id)


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_recorded_gates_reproduce_the_keras_layer(vocabulary, cell):
    characters, char_to_id = vocabulary
    keras.utils.set_random_seed(0)
    model = build_char_model(len(characters), 6, cell)
    layer = recurrent_layer(model)
    weights = [w + np.random.default_rng(1).normal(scale=0.3, size=w.shape).astype("float32")
               for w in layer.get_weights()]  # move away from the initial weights
    layer.set_weights(weights)
    sentence = "Flat is better."
    x = one_hot_text(sentence, char_to_id)
    recording = record_gates(layer, x, sentence)
    assert recording.cell == cell and recording.units == 6
    expected = LSTM_GATE_FIELDS if cell == "LSTM" else GRU_GATE_FIELDS
    assert recording.names == list(expected)
    np.testing.assert_allclose(recording["hidden state"],
                               keras_hidden_states(model, x), atol=1e-5)
    for name in recording.names:
        assert recording[name].shape == (len(sentence), 6)
        if "gate" in name:
            assert recording[name].min() >= 0 and recording[name].max() <= 1
    if cell == "LSTM":  # the first step's forget gate follows from the weights by hand
        kernel, recurrent_kernel, bias = layer.get_weights()
        first = x[0, 0] @ kernel + bias
        np.testing.assert_allclose(recording["forget gate"][0], sigmoid(first[6:12]),
                                   atol=1e-6)
    with pytest.raises(KeyError, match="No 'output gate'") if cell == "GRU" else \
            pytest.raises(KeyError, match="No 'reset gate'"):
        recording["output gate" if cell == "GRU" else "reset gate"]


def test_record_gates_checks_its_inputs(vocabulary):
    _, char_to_id = vocabulary
    model = build_char_model(len(char_to_id), 3)
    layer = recurrent_layer(model)
    x = one_hot_text("Flat", char_to_id)
    with pytest.raises(ValueError, match="one character per step"):
        record_gates(layer, x, "Fla")
    with pytest.raises(ValueError, match=r"one sequence, \(1, steps"):
        record_gates(layer, np.concatenate([x, x]), "Flat")
    with pytest.raises(TypeError, match="LSTM or GRU layer"):
        record_gates(keras.layers.Dense(3), x, "Flat")
    with pytest.raises(ValueError, match="no LSTM or GRU layer"):
        recurrent_layer(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="'LSTM', 'GRU'"):
        build_char_model(5, 3, "SimpleRNN")


def _recording():
    steps, units = 6, 5
    values = np.linspace(0, 1, steps * units).reshape(steps, units)
    values[:, 2] = 0.5  # a unit that never moves
    values[[2, 5], 3] = [0.0, 0.1]  # a unit that reacts at the spaces of "ab cd "
    values[[0, 1, 3, 4], 3] = 0.9
    return GateRecording("ab cd ", "LSTM", {"forget gate": values,
                                               "cell state": values * 4 - 2})


def test_most_active_units_and_means_by_character_class():
    recording = _recording()
    chosen = most_active_units(recording, "forget gate", 2)
    assert 3 in chosen and 2 not in chosen and list(chosen) == sorted(chosen)
    assert len(most_active_units(recording, "forget gate", 99)) == 5
    at_spaces, elsewhere = mean_by_character_class(recording, "forget gate", " ")
    assert at_spaces[3] == pytest.approx(0.05) and elsewhere[3] == pytest.approx(0.9)
    with pytest.raises(ValueError, match="both with and without"):
        mean_by_character_class(recording, "forget gate", "xyz")


def test_heatmap_draws_one_panel_per_gate_and_validates():
    recording = _recording()
    figure = plot_gate_heatmap({"forget gate": recording["forget gate"],
                                "cell state": recording["cell state"]}, recording.text,
                               unit_ids=[10, 11, 12, 13, 14])
    heatmaps = [axis for axis in figure.axes if axis.images and axis.get_ylabel()]
    assert len(heatmaps) == 2
    assert heatmaps[0].images[0].get_clim() == (0, 1)  # gates on a fixed 0..1 scale
    low, high = heatmaps[1].images[0].get_clim()
    assert low == -high == pytest.approx(-2)  # states on a symmetric scale
    assert [t.get_text() for t in heatmaps[0].get_xticklabels()][2] == "\u2423"
    plt.close(figure)
    with pytest.raises(ValueError, match="text has 3 characters"):
        plot_gate_heatmap({"forget gate": recording["forget gate"]}, "abc")
    with pytest.raises(ValueError, match="at least one panel"):
        plot_gate_heatmap({}, "abc")
    with pytest.raises(ValueError, match="unit_ids has 2 labels"):
        plot_gate_heatmap({"forget gate": recording["forget gate"]}, recording.text,
                          unit_ids=[1, 2])


def test_explorer_falls_back_to_a_static_figure(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_STATIC_PLOTS", "1")
    figure = gate_explorer([_recording(), _recording()])
    assert isinstance(figure, plt.Figure)
    assert "forget gate" in figure.axes[0].get_ylabel()
    plt.close(figure)
    with pytest.raises(ValueError, match="at least one GateRecording"):
        gate_explorer([])
