"""Keras models for notebook 09: per-frame CNNs, the CRNN, ConvLSTM2D and the digit-sequence hybrid.

All builders return *compiled* models (Adam, sparse categorical cross-entropy, accuracy),
small enough to train on a laptop CPU in seconds to a minute:

* :func:`build_frame_encoder`: the small CNN that turns one frame into a feature vector.
* :func:`build_single_frame_cnn`: that encoder plus a softmax, for one frame: the baseline
  that cannot see motion.
* :func:`build_crnn`: the same encoder applied to every frame with ``TimeDistributed``,
  feeding an LSTM: spatial features per frame, time modelled by the recurrent layer.
* :func:`build_convlstm`: ``ConvLSTM2D``, whose gates are convolutions, so space and time are
  modelled in one layer.
* :func:`build_digit_sequence_model`: a CRNN reading a sequence of number images and
  predicting the next number's tens and units digits (two softmax heads).

:func:`model_summary_row` collects what the comparison table reports.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers

from rnncourse.errors import InputError


def _check_shape(name: str, shape: Any, rank: int, example: str) -> tuple[int, ...]:
    shape = tuple(shape)
    if len(shape) != rank or not all(isinstance(s, int) and s > 0 for s in shape):
        raise InputError(f"{name} should be {rank} positive integers such as {example}; "
                         f"got {shape!r}.")
    return shape


def _check_classes(n_classes: Any) -> int:
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise InputError(f"n_classes must be an integer of at least 2; got {n_classes!r}.")
    return n_classes


def _compile(model: keras.Model, learning_rate: float, **kwargs: Any) -> keras.Model:
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], **kwargs)
    return model


def build_frame_encoder(frame_shape: tuple[int, int, int], filters: int = 16,
                        features: int = 32, name: str = "frame_encoder") -> keras.Model:
    """A small CNN mapping one frame ``(height, width, channels)`` to ``features`` numbers.

    Two 3x3 convolutions with max pooling, then a dense layer on the flattened map, so
    the features keep *where* things are (a global average pool would throw the position
    away, and position over time is what motion is).
    """
    frame_shape = _check_shape("frame_shape", frame_shape, 3, "(24, 24, 1)")
    return keras.Sequential([
        keras.Input(frame_shape),
        layers.Conv2D(filters // 2, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(filters, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(features, activation="relu"),
    ], name=name)


def build_single_frame_cnn(frame_shape: tuple[int, int, int], n_classes: int,
                           filters: int = 16, features: int = 32,
                           learning_rate: float = 2e-3) -> keras.Model:
    """The baseline: the frame encoder and a softmax, classifying one frame on its own."""
    n_classes = _check_classes(n_classes)
    encoder = build_frame_encoder(frame_shape, filters, features)
    model = keras.Sequential([encoder, layers.Dense(n_classes, activation="softmax")],
                             name="single_frame_cnn")
    return _compile(model, learning_rate)


def build_crnn(clip_shape: tuple[int, int, int, int], n_classes: int, filters: int = 16,
               features: int = 32, units: int = 32,
               learning_rate: float = 2e-3) -> keras.Model:
    """CRNN: ``TimeDistributed`` frame encoder, then an LSTM over the frame features.

    Args:
        clip_shape: ``(frames, height, width, channels)``.
        n_classes: Number of classes.
        filters: Filters of the second convolution (the first has half).
        features: Length of each frame's feature vector.
        units: LSTM units.
        learning_rate: Adam's learning rate.
    """
    clip_shape = _check_shape("clip_shape", clip_shape, 4, "(10, 24, 24, 1)")
    n_classes = _check_classes(n_classes)
    encoder = build_frame_encoder(clip_shape[1:], filters, features)
    model = keras.Sequential([
        keras.Input(clip_shape),
        layers.TimeDistributed(encoder, name="per_frame_cnn"),
        layers.LSTM(units, name="lstm"),
        layers.Dense(n_classes, activation="softmax", name="class"),
    ], name="crnn")
    return _compile(model, learning_rate)


def build_convlstm(clip_shape: tuple[int, int, int, int], n_classes: int, filters: int = 8,
                   pool: int = 2, learning_rate: float = 2e-3) -> keras.Model:
    """``ConvLSTM2D`` classifier: an LSTM whose input and state transforms are convolutions.

    The frames are first max-pooled by ``pool`` (cheaper recurrent convolutions), the
    ConvLSTM keeps a ``filters``-channel state map, and its last state is pooled once
    more, flattened and classified.
    """
    clip_shape = _check_shape("clip_shape", clip_shape, 4, "(10, 24, 24, 1)")
    n_classes = _check_classes(n_classes)
    model = keras.Sequential([
        keras.Input(clip_shape),
        layers.TimeDistributed(layers.MaxPooling2D(pool), name="downsample"),
        layers.ConvLSTM2D(filters, 3, padding="same", name="conv_lstm"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(n_classes, activation="softmax", name="class"),
    ], name="conv_lstm")
    return _compile(model, learning_rate)


def build_digit_sequence_model(image_shape: tuple[int, int, int, int], filters: int = 16,
                               features: int = 48, units: int = 64,
                               learning_rate: float = 3e-3) -> keras.Model:
    """Hybrid for the digit-sequence task: read number images, predict the next number.

    A ``TimeDistributed`` CNN reads each term's image, an LSTM runs over the terms, and two
    softmax heads give the next number's ``tens`` and ``units`` digits.

    Args:
        image_shape: ``(terms, height, width, channels)``, e.g. ``(4, 8, 16, 1)``.
    """
    image_shape = _check_shape("image_shape", image_shape, 4, "(4, 8, 16, 1)")
    terms, height, width, channels = image_shape
    encoder = keras.Sequential([
        keras.Input((height, width, channels)),
        layers.Conv2D(filters, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(2 * filters, 3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(features, activation="relu"),
    ], name="number_reader")
    inputs = keras.Input(image_shape, name="number_images")
    read = layers.TimeDistributed(encoder, name="per_term_cnn")(inputs)
    state = layers.LSTM(units, name="lstm")(read)
    tens = layers.Dense(10, activation="softmax", name="tens")(state)
    units_digit = layers.Dense(10, activation="softmax", name="units")(state)
    model = keras.Model(inputs, {"tens": tens, "units": units_digit},
                        name="digit_sequence_crnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss={"tens": "sparse_categorical_crossentropy",
                        "units": "sparse_categorical_crossentropy"},
                  metrics={"tens": ["accuracy"], "units": ["accuracy"]})
    return model


def next_number_predictions(model: keras.Model, images: Any,
                            batch_size: int = 256) -> np.ndarray:
    """The next numbers a :func:`build_digit_sequence_model` predicts: ``10 * tens + units``."""
    images = np.asarray(images, dtype=np.float32)
    predictions = []
    for start in range(0, len(images), batch_size):
        # Calling the model directly avoids re-tracing ``predict`` for every new size.
        outputs = model(images[start:start + batch_size], training=False)
        if not isinstance(outputs, dict) or not {"tens", "units"} <= set(outputs):
            raise InputError("next_number_predictions needs a model with 'tens' and 'units' "
                             "outputs, as build_digit_sequence_model makes.")
        tens = keras.ops.convert_to_numpy(outputs["tens"]).argmax(axis=-1)
        units = keras.ops.convert_to_numpy(outputs["units"]).argmax(axis=-1)
        predictions.append(tens * 10 + units)
    return np.concatenate(predictions)
