"""Notebook 09's models: shapes, shared TimeDistributed weights, errors, and a quick fit."""

import keras
import numpy as np
import pytest

from rnncourse.data.generated.motion_clips import clips_dataset, make_motion_clips
from rnncourse.exercises.video import time_distributed_parameters_reference
from rnncourse.models.video import (
    build_convlstm,
    build_crnn,
    build_digit_sequence_model,
    build_frame_encoder,
    build_single_frame_cnn,
    next_number_predictions,
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
