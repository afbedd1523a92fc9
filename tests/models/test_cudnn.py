"""cudnn_compatibility names each setting that keeps Keras off the fused cuDNN kernel."""

import keras
import numpy as np
import pytest

from rnncourse.models.cudnn import (
    CUDNN_RUNTIME_CAVEATS,
    cudnn_compatibility,
    cudnn_report,
    mask_cudnn_problems,
)
from rnncourse.models.peephole_cell import PeepholeLSTMCell

BLOCKERS = [
    ({"activation": "relu"}, "activation='relu'"),
    ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation='hard_sigmoid'"),
    ({"recurrent_dropout": 0.2}, "recurrent_dropout=0.2 disables cuDNN"),
    ({"unroll": True}, "unroll=True"),
    ({"use_bias": False}, "use_bias=False"),
]


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
def test_defaults_are_compatible(layer_class):
    assert cudnn_compatibility(layer_class(8)) == (True, [])
    assert cudnn_compatibility(layer_class(8).get_config()) == (True, [])


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
@pytest.mark.parametrize("setting, expected", BLOCKERS)
def test_each_documented_condition_flips_the_answer(layer_class, setting, expected):
    compatible, reasons = cudnn_compatibility(layer_class(8, **setting))
    assert not compatible
    assert len(reasons) == 1 and expected in reasons[0]
    from_config = cudnn_compatibility(layer_class(8, **setting).get_config())
    assert from_config == (compatible, reasons)


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
def test_use_cudnn_false_and_its_missing_config_entry(layer_class):
    layer = layer_class(8, use_cudnn=False)
    assert cudnn_compatibility(layer) == (False, ["use_cudnn=False turns cuDNN off explicitly"])
    assert cudnn_compatibility({"units": 8, "use_cudnn": False}, kind=layer_class.__name__)[
        1] == ["use_cudnn=False turns cuDNN off explicitly"]
    # Keras 3.15's get_config leaves use_cudnn out, so a reloaded layer is back to "auto".
    if "use_cudnn" not in layer.get_config():
        assert layer_class.from_config(layer.get_config()).use_cudnn == "auto"


def test_settings_that_keep_cudnn():
    for flags in [{"dropout": 0.3}, {"go_backwards": True}, {"return_sequences": True},
                  {"stateful": True}, {"activation": keras.activations.tanh},
                  {"recurrent_activation": keras.ops.sigmoid}, {"use_cudnn": True}]:
        assert cudnn_compatibility(keras.layers.LSTM(4, **flags)) == (True, []), flags


def test_gru_reset_after():
    compatible, reasons = cudnn_compatibility(keras.layers.GRU(4, reset_after=False))
    assert not compatible and reasons == ["reset_after=False disables cuDNN (needs "
                                          "reset_after=True)"]
    assert cudnn_compatibility({"units": 4, "reset_after": False})[0] is False


def test_several_blockers_are_all_listed():
    layer = keras.layers.LSTM(4, recurrent_dropout=0.1, unroll=True, activation="relu")
    compatible, reasons = cudnn_compatibility(layer)
    assert not compatible and len(reasons) == 3
    assert "cuDNN" in cudnn_report(layer) and "unroll=True" in cudnn_report(layer)


def test_config_forms():
    full = keras.saving.serialize_keras_object(keras.layers.GRU(3, recurrent_dropout=0.5))
    assert cudnn_compatibility(full)[1] == [
        "recurrent_dropout=0.5 disables cuDNN (needs recurrent_dropout=0; use dropout= on "
        "the inputs instead)"]
    assert cudnn_compatibility({"units": 3}, kind="LSTM") == (True, [])
    with pytest.raises(ValueError, match="kind='LSTM'"):
        cudnn_compatibility({"units": 3})
    with pytest.raises(TypeError):
        cudnn_compatibility(42)


def test_generic_rnn_and_custom_cells_never_use_cudnn():
    for layer in [keras.layers.RNN(keras.layers.LSTMCell(4)), keras.layers.RNN(
            PeepholeLSTMCell(4)), keras.layers.SimpleRNN(4)]:
        compatible, reasons = cudnn_compatibility(layer)
        assert not compatible and "never uses cuDNN" in reasons[0]


def test_bidirectional_checks_both_directions():
    assert cudnn_compatibility(keras.layers.Bidirectional(keras.layers.LSTM(4)))[0]
    compatible, reasons = cudnn_compatibility(
        keras.layers.Bidirectional(keras.layers.GRU(4, recurrent_dropout=0.1)))
    assert not compatible and len(reasons) == 1


def test_mask_is_a_runtime_condition():
    right_padded = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    left_padded = np.array([[0, 1, 1, 1], [1, 1, 1, 1]], bool)
    gap = np.array([[1, 0, 1, 1], [1, 1, 1, 1]], bool)
    empty_row = np.array([[0, 0, 0, 0], [1, 1, 0, 0]], bool)
    assert mask_cudnn_problems(right_padded) == []
    layer = keras.layers.LSTM(4)
    assert cudnn_compatibility(layer, mask=right_padded) == (True, [])
    for bad, words in [(left_padded, "right-padded"), (gap, "right-padded"),
                       (empty_row, "fully padded")]:
        compatible, reasons = cudnn_compatibility(layer, mask=bad)
        assert not compatible and words in reasons[0]
    assert any("right-padded" in caveat for caveat in CUDNN_RUNTIME_CAVEATS)


def test_runtime_check_reports_missing_gpu():
    import tensorflow as tf

    compatible, reasons = cudnn_compatibility(keras.layers.LSTM(4), check_runtime=True)
    has_gpu = bool(tf.config.list_logical_devices("GPU"))
    assert compatible is has_gpu
    if not has_gpu:
        assert "no GPU" in reasons[0]
