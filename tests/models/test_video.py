"""Notebook 09's models: shapes, shared TimeDistributed weights, errors, and a quick fit."""

import keras
import numpy as np
import pytest

from rnncourse.data.generated.motion_clips import clips_dataset, make_motion_clips
from rnncourse.exercises.video import time_distributed_parameters_reference
from rnncourse.models.video import (
    build_cnn_forecaster,
    build_convlstm,
    build_crnn,
    build_digit_sequence_model,
    build_frame_encoder,
    build_single_frame_cnn,
    forecasts,
    linear_forecast,
    multiply_adds,
    next_number_predictions,
    predicted_classes,
    train_classifier,
)

CLIP = (6, 16, 16, 1)


def test_output_shapes():
    clips = np.zeros((3, *CLIP), dtype=np.float32)
    assert build_single_frame_cnn(CLIP[1:], 6)(clips[:, 0]).shape == (3, 6)
    assert build_crnn(CLIP, 6)(clips).shape == (3, 6)
    assert build_convlstm(CLIP, 4)(clips).shape == (3, 4)
    outputs = build_digit_sequence_model((4, 8, 16, 1))(np.zeros((2, 4, 8, 16, 1)))
    assert outputs["tens"].shape == (2, 10) and outputs["units"].shape == (2, 10)


def test_time_distributed_shares_the_frame_encoder():
    """The CRNN has the encoder's weights once, whatever the number of frames."""
    short = build_crnn((3, 16, 16, 1), 6)
    long = build_crnn((12, 16, 16, 1), 6)
    assert short.count_params() == long.count_params()
    encoder = build_frame_encoder((16, 16, 1))
    lstm_and_head = long.get_layer("lstm").count_params() + long.get_layer("class").count_params()
    assert long.count_params() == encoder.count_params() + lstm_and_head


def test_time_distributed_equals_the_encoder_frame_by_frame():
    model = build_crnn(CLIP, 6)
    per_frame = model.get_layer("per_frame_cnn")
    clips = np.random.default_rng(0).uniform(size=(2, *CLIP)).astype(np.float32)
    together = keras.ops.convert_to_numpy(per_frame(clips))
    one_by_one = np.stack([keras.ops.convert_to_numpy(per_frame.layer(clips[:, t]))
                           for t in range(CLIP[0])], axis=1)
    np.testing.assert_allclose(together, one_by_one, atol=1e-6)


@pytest.mark.parametrize("frames, kernel, channels, filters", [(10, 3, 1, 8), (4, 5, 3, 2)])
def test_parameter_formula_matches_keras(frames, kernel, channels, filters):
    layer = keras.layers.TimeDistributed(keras.layers.Conv2D(filters, kernel))
    layer.build((None, frames, 12, 12, channels))
    assert layer.count_params() == time_distributed_parameters_reference(
        frames, kernel, channels, filters)


def test_bad_shapes_are_explained():
    with pytest.raises(ValueError, match="clip_shape"):
        build_crnn((16, 16, 1), 6)
    with pytest.raises(ValueError, match="frame_shape"):
        build_single_frame_cnn((16, 16), 6)
    with pytest.raises(ValueError, match="n_classes"):
        build_convlstm(CLIP, 1)
    with pytest.raises(ValueError, match="tens"):
        next_number_predictions(build_crnn(CLIP, 6), np.zeros((1, *CLIP)))


def test_crnn_learns_motion_quickly():
    """A few hundred clips and three epochs already beat chance clearly."""
    keras.utils.set_random_seed(0)
    train = make_motion_clips(600, frames=8, frame_size=16, seed=0,
                                 classes=("right", "left", "down", "up"))
    test = make_motion_clips(200, frames=8, frame_size=16, seed=1, digit_subset="test",
                                classes=("right", "left", "down", "up"))
    model = build_crnn(train.clips.shape[1:], 4)
    model.fit(clips_dataset(train.clips, train.labels, seed=0), epochs=3, verbose=0,
              shuffle=False)
    assert model.evaluate(test.clips, test.labels, verbose=0)[1] > 0.5


def test_multiply_adds_of_single_layers_by_hand():
    dense = keras.Sequential([keras.Input((7,)), keras.layers.Dense(5)])
    assert multiply_adds(dense) == 7 * 5
    conv = keras.Sequential([keras.Input((6, 8, 3)), keras.layers.Conv2D(4, 3)])
    assert multiply_adds(conv) == (4 * 6) * (3 * 3 * 3) * 4  # 'valid': a 4 x 6 output map
    lstm = keras.Sequential([keras.Input((9, 3)), keras.layers.LSTM(5)])
    assert multiply_adds(lstm) == 9 * 4 * 5 * (3 + 5)
    convlstm = keras.Sequential([keras.Input((4, 6, 6, 2)),
                                 keras.layers.ConvLSTM2D(3, 3, padding="same")])
    assert multiply_adds(convlstm) == 4 * 36 * 4 * 3 * 9 * (2 + 3)
    wrapped = keras.Sequential([keras.Input((5, 7)),
                                keras.layers.TimeDistributed(keras.layers.Dense(2))])
    assert multiply_adds(wrapped) == 5 * 7 * 2


def test_multiply_adds_grow_with_frames_while_weights_do_not():
    short, long = build_crnn((3, 16, 16, 1), 6), build_crnn((9, 16, 16, 1), 6)
    assert short.count_params() == long.count_params()
    head = 32 * 6
    assert multiply_adds(long) - head == 3 * (multiply_adds(short) - head)
    encoder = build_frame_encoder((16, 16, 1))
    lstm = 4 * 32 * (32 + 32)
    assert multiply_adds(short) == 3 * (multiply_adds(encoder) + lstm) + head
    with pytest.raises(ValueError, match="Keras model"):
        multiply_adds("crnn")


def test_convlstm_stores_fewer_weights_but_computes_more_than_the_crnn():
    crnn, convlstm = build_crnn((10, 24, 24, 1), 6), build_convlstm((10, 24, 24, 1), 6)
    assert crnn.count_params() > 5 * convlstm.count_params()
    assert multiply_adds(convlstm) > 1.4 * multiply_adds(crnn)


def test_train_classifier_reports_its_budgets(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path))
    keras.utils.set_random_seed(1)
    clips = make_motion_clips(64, frames=4, frame_size=12, seed=0)
    model = build_crnn(clips.clips.shape[1:], 6)
    result = train_classifier(model, clips.clips, clips.labels, clips.clips[:20],
                              clips.labels[:20], name="test-train-classifier", epochs=2,
                              batch_size=16, seed=0)
    assert result.epochs == 2 and result.parameters == model.count_params()
    assert result.predictions.shape == (20,)
    assert result.accuracy == pytest.approx(np.mean(result.predictions == clips.labels[:20]))
    np.testing.assert_array_equal(result.predictions, predicted_classes(model, clips.clips[:20],
                                                                        batch_size=7))
    assert result.seconds_per_epoch > 0 and 0 <= result.final_train_accuracy <= 1
    with pytest.raises(ValueError, match="labels"):
        train_classifier(model, clips.clips, clips.labels, clips.clips[:5], clips.labels[:4],
                         name="x", epochs=1)


def test_cnn_forecaster_emits_one_value_per_future_day():
    model = build_cnn_forecaster((6, 12, 1), horizon=4)
    snapshots = np.random.default_rng(0).normal(size=(5, 6, 12, 1)).astype(np.float32)
    out = forecasts(model, snapshots, batch_size=2)
    assert out.shape == (5, 4)
    assert model.get_layer("one_copy_per_day").output.shape[1] == 4
    repeated = keras.Model(model.input, model.get_layer("one_copy_per_day").output)
    copies = keras.ops.convert_to_numpy(repeated(snapshots[:2]))
    np.testing.assert_allclose(copies[:, 0], copies[:, -1])  # the same vector every day
    with pytest.raises(ValueError, match="snapshot_shape"):
        build_cnn_forecaster((6, 12), horizon=4)
    with pytest.raises(ValueError, match="horizon"):
        build_cnn_forecaster((6, 12, 1), horizon=0)


def test_cnn_forecaster_learns_a_lead_lag_rule(tmp_path):
    """The last row repeats the first row three days later: the CNN can read it off."""
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    snapshots = rng.normal(size=(600, 3, 8, 1)).astype(np.float32)
    targets = snapshots[:, 0, 5:8, 0]  # the next 3 days of the last row = row 0's last 3
    model = build_cnn_forecaster((3, 8, 1), horizon=3)
    model.fit(snapshots[:500], targets[:500], epochs=30, batch_size=32, verbose=0)
    error = np.abs(forecasts(model, snapshots[500:]) - targets[500:]).mean()
    naive = np.abs(snapshots[500:, -1, -1, 0][:, None] - targets[500:]).mean()
    assert error < 0.5 * naive


def test_linear_forecast_recovers_a_linear_map():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(200, 3, 4))
    weights = rng.normal(size=(12, 2))
    targets = inputs.reshape(200, -1) @ weights + 0.5
    out = linear_forecast(inputs[:150], targets[:150], inputs[150:], penalty=0.0)
    np.testing.assert_allclose(out, targets[150:], atol=1e-8)
    one = linear_forecast(inputs[:150], targets[:150, 0], inputs[150:], penalty=1e-9)
    assert one.shape == (50,)
    with pytest.raises(ValueError, match="same shape"):
        linear_forecast(inputs[:150], targets[:150], inputs[150:, :2])
    with pytest.raises(ValueError, match="targets"):
        linear_forecast(inputs[:150], targets[:100], inputs[150:])


def test_independence_p_value_tells_informed_from_blind_predictions():
    from rnncourse.models.video import independence_p_value

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 150)
    blind = rng.integers(0, 4, size=600)
    informed = np.where(rng.uniform(size=600) < 0.5, labels, blind)
    assert independence_p_value(labels, blind) > 0.001
    assert independence_p_value(labels, informed) < 1e-6
    assert independence_p_value(labels, np.zeros(600, dtype=int)) == 1.0
    with pytest.raises(ValueError, match="same length"):
        independence_p_value(labels, blind[:10])


def test_the_fold_of_exercise_1_gives_what_time_distributed_gives():
    """Keras 3 loops over the frames; folding time into the batch gives the same numbers."""
    from rnncourse.exercises.video import apply_per_frame_reference

    model = build_crnn(CLIP, 6)
    per_frame = model.get_layer("per_frame_cnn")
    clips = np.random.default_rng(1).uniform(size=(3, *CLIP)).astype(np.float32)
    folded = apply_per_frame_reference(
        lambda frames: keras.ops.convert_to_numpy(per_frame.layer(frames)), clips)
    np.testing.assert_allclose(folded, keras.ops.convert_to_numpy(per_frame(clips)), atol=1e-5)


def test_builders_pass_run_eagerly_to_keras():
    assert build_crnn(CLIP, 6, run_eagerly=True).run_eagerly
    assert not build_crnn(CLIP, 6).run_eagerly
    assert build_convlstm(CLIP, 6, run_eagerly=True).run_eagerly
    assert build_single_frame_cnn(CLIP[1:], 6, run_eagerly=True).run_eagerly
    assert build_digit_sequence_model((4, 8, 16, 1), run_eagerly=True).run_eagerly
    assert build_cnn_forecaster((4, 8, 1), 3, run_eagerly=True).run_eagerly
    with pytest.raises(ValueError, match="run_eagerly"):
        build_crnn(CLIP, 6, run_eagerly="yes")
