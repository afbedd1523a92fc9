"""Keras models for notebook 09: per-frame CNNs, the CRNN, ConvLSTM2D and the digit-sequence hybrid.

All builders return *compiled* models (Adam, sparse categorical cross-entropy, accuracy),
small enough to train on a laptop CPU in seconds to a minute. Each takes ``run_eagerly``
(Keras's compile option): ``True`` runs the training steps without first building a graph,
which pays off only for a handful of batches, as in fast mode:

* :func:`build_frame_encoder`: the small CNN that turns one frame into a feature vector.
* :func:`build_single_frame_cnn`: that encoder plus a softmax, for one frame: the baseline
  that cannot see motion.
* :func:`build_crnn`: the same encoder applied to every frame with ``TimeDistributed``,
  feeding an LSTM: spatial features per frame, time modelled by the recurrent layer.
* :func:`build_convlstm`: ``ConvLSTM2D``, whose gates are convolutions, so space and time are
  modelled in one layer.
* :func:`build_digit_sequence_model`: a CRNN reading a sequence of number images and
  predicting the next number's tens and units digits (two softmax heads).
* :func:`build_cnn_forecaster`: the business scenario's hybrid, a CNN that reads a snapshot
  of many series feeding a one-to-many LSTM that emits one forecast per future day;
  :func:`linear_forecast` is the least-squares baseline on the same inputs.

:func:`train_classifier` trains one of the classifiers and scores it on held-out clips
(accuracy, predictions and the budgets a comparison must state: parameters, epochs,
seconds per epoch); :func:`multiply_adds` counts the multiply-adds a model spends on one
example, the compute budget that the number of weights does not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
from keras import layers

from rnncourse.data.generated.motion_clips import clips_dataset
from rnncourse.errors import InputError
from rnncourse.training import fit
from rnncourse.validation import as_flag, as_float_array, as_int, positive_float


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


def _compile(model: keras.Model, learning_rate: float, run_eagerly: bool = False,
             **kwargs: Any) -> keras.Model:
    kwargs["run_eagerly"] = as_flag("run_eagerly", run_eagerly)
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
                           learning_rate: float = 2e-3, run_eagerly: bool = False) -> keras.Model:
    """The baseline: the frame encoder and a softmax, classifying one frame on its own."""
    n_classes = _check_classes(n_classes)
    encoder = build_frame_encoder(frame_shape, filters, features)
    model = keras.Sequential([encoder, layers.Dense(n_classes, activation="softmax")],
                             name="single_frame_cnn")
    return _compile(model, learning_rate, run_eagerly)


def build_crnn(clip_shape: tuple[int, int, int, int], n_classes: int, filters: int = 16,
               features: int = 32, units: int = 32,
               learning_rate: float = 2e-3, run_eagerly: bool = False) -> keras.Model:
    """CRNN: ``TimeDistributed`` frame encoder, then an LSTM over the frame features.

    Args:
        clip_shape: ``(frames, height, width, channels)``.
        n_classes: Number of classes.
        filters: Filters of the second convolution (the first has half).
        features: Length of each frame's feature vector.
        units: LSTM units.
        learning_rate: Adam's learning rate.
        run_eagerly: Train without building a graph (for a handful of batches).
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
    return _compile(model, learning_rate, run_eagerly)


def build_convlstm(clip_shape: tuple[int, int, int, int], n_classes: int, filters: int = 8,
                   pool: int = 2, learning_rate: float = 2e-3,
                   run_eagerly: bool = False) -> keras.Model:
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
    return _compile(model, learning_rate, run_eagerly)


def build_digit_sequence_model(image_shape: tuple[int, int, int, int], filters: int = 16,
                               features: int = 48, units: int = 64,
                               learning_rate: float = 3e-3,
                               run_eagerly: bool = False) -> keras.Model:
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
                  metrics={"tens": ["accuracy"], "units": ["accuracy"]},
                  run_eagerly=as_flag("run_eagerly", run_eagerly))
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


# --- training and budgets -----------------------------------------------------------------


@dataclass(frozen=True)
class ClassifierRun:
    """One trained classifier, scored on held-out examples.

    Attributes:
        accuracy: Share of held-out examples classified right.
        predictions: ``(n,)`` predicted class of every held-out example.
        parameters: Number of weights.
        epochs: Epochs trained.
        seconds_per_epoch: Mean wall-clock seconds per epoch (the first left out when there
            are more, since it includes building the graph).
        final_train_accuracy: Training accuracy in the last epoch.
    """

    accuracy: float
    predictions: np.ndarray
    parameters: int
    epochs: int
    seconds_per_epoch: float
    final_train_accuracy: float


def predicted_classes(model: keras.Model, inputs: Any, batch_size: int = 256) -> np.ndarray:
    """The class with the highest probability for every example (direct calls, no tracing)."""
    inputs = np.asarray(inputs, dtype=np.float32)
    batch_size = as_int("batch_size", batch_size, minimum=1)
    if len(inputs) == 0:
        raise InputError("predicted_classes needs at least one example.")
    parts = [keras.ops.convert_to_numpy(model(inputs[start:start + batch_size], training=False))
             for start in range(0, len(inputs), batch_size)]
    return np.concatenate(parts).argmax(axis=-1)


def train_classifier(model: keras.Model, train_inputs: Any, train_labels: Any,
                     test_inputs: Any, test_labels: Any, *, name: str, epochs: int,
                     batch_size: int = 32, seed: int = 0) -> ClassifierRun:
    """Train a compiled classifier with :func:`rnncourse.training.fit`, then score it.

    The training data go through :func:`clips_dataset` (reshuffled every epoch, seeded).

    Args:
        model: A compiled classifier (softmax output, ``accuracy`` metric).
        train_inputs, train_labels: Training clips (or frames) and their classes.
        test_inputs, test_labels: Held-out examples and their classes.
        name: Names the run and its resumable backup (include notebook, model, seed, mode).
        epochs: Epochs to train.
        batch_size: Examples per batch.
        seed: Shuffle seed.

    Returns:
        A :class:`ClassifierRun`.
    """
    test_labels = np.asarray(test_labels)
    if len(test_labels) != len(test_inputs):
        raise InputError(f"{len(test_inputs)} test examples but {len(test_labels)} labels: "
                         "pass the labels of the same examples.")
    dataset = clips_dataset(train_inputs, np.asarray(train_labels), batch_size=batch_size,
                            seed=seed)
    result = fit(model, dataset, name=name, epochs=epochs, shuffle=False)
    predictions = predicted_classes(model, test_inputs)
    accuracy = result.history.get("accuracy", [float("nan")])
    return ClassifierRun(accuracy=float(np.mean(predictions == test_labels)),
                         predictions=predictions, parameters=int(model.count_params()),
                         epochs=int(epochs), seconds_per_epoch=result.mean_epoch_seconds,
                         final_train_accuracy=float(accuracy[-1]))


def independence_p_value(true_labels: Any, predicted_labels: Any) -> float:
    """p-value of a chi-square test that predictions do not depend on the true class.

    A model whose input carries no information about the class predicts the same mix of
    classes in every row of its confusion matrix; this tests exactly that. A small value
    (below 0.001, say) means the predictions do depend on the true class.

    Args:
        true_labels, predicted_labels: ``(n,)`` class indices of the same examples.
    """
    from scipy.stats import chi2_contingency  # scikit-learn's dependency, so always there

    true_labels = np.asarray(true_labels)
    predicted_labels = np.asarray(predicted_labels)
    if true_labels.shape != predicted_labels.shape or true_labels.ndim != 1 or \
            len(true_labels) == 0:
        raise InputError("true_labels and predicted_labels must be 1-D, non-empty and of the "
                         f"same length; got shapes {true_labels.shape} and "
                         f"{predicted_labels.shape}.")
    _, true_index = np.unique(true_labels, return_inverse=True)
    _, predicted_index = np.unique(predicted_labels, return_inverse=True)
    counts = np.zeros((true_index.max() + 1, predicted_index.max() + 1))
    np.add.at(counts, (true_index, predicted_index), 1)
    if min(counts.shape) < 2:
        return 1.0  # one row or one column: nothing to depend on
    return float(chi2_contingency(counts).pvalue)


def _called_shape(layer: Any) -> tuple:
    """The per-example input shape (no batch axis) a layer was called with in its model."""
    return tuple(layer.input.shape[1:])


def _layer_multiply_adds(layer: Any, shape: tuple) -> int:
    """Multiply-adds of one layer on one example whose input has ``shape`` (no batch axis)."""
    if isinstance(layer, layers.TimeDistributed):
        return int(shape[0]) * _layer_multiply_adds(layer.layer, shape[1:])
    if isinstance(layer, keras.Model):  # a Sequential or functional model used as a layer
        return sum(_layer_multiply_adds(inner, _called_shape(inner)) for inner in layer.layers
                   if not isinstance(inner, layers.InputLayer))
    if isinstance(layer, layers.ConvLSTM2D):
        kernel = int(np.prod(layer.kernel_size))
        channels, filters = int(shape[-1]), int(layer.filters)
        out_shape = layer.compute_output_shape((None, *shape))
        positions = int(np.prod(out_shape[-3:-1]))
        return int(shape[0]) * positions * 4 * filters * kernel * (channels + filters)
    if isinstance(layer, layers.Conv2D | layers.Conv1D):
        kernel = int(np.prod(layer.kernel_size))
        positions = int(np.prod(layer.compute_output_shape((None, *shape))[1:-1]))
        return positions * kernel * int(shape[-1]) * int(layer.filters)
    gates = {layers.LSTM: 4, layers.GRU: 3, layers.SimpleRNN: 1}
    for kind, count in gates.items():
        if isinstance(layer, kind):
            units = int(layer.units)
            return int(shape[0]) * count * units * (int(shape[-1]) + units)
    if isinstance(layer, layers.Dense):
        return int(np.prod(shape)) * int(layer.units)
    return 0


def multiply_adds(model: keras.Model) -> int:
    """Multiply-adds one example costs in a forward pass (Conv, Dense and recurrent layers).

    Counts the products of inputs (or states) with weights: a ``Conv2D`` pays for every
    output position, a ``TimeDistributed`` layer for every frame, a recurrent layer for every
    step, input and state parts together. Biases, activations and pooling are left out. The
    number of weights says how much a model stores; this says how much work it does.

    Args:
        model: A built Keras model (one made with ``keras.Input``).
    """
    if not isinstance(model, keras.Model):
        raise InputError(f"multiply_adds needs a Keras model; got {type(model).__name__}.")
    return int(sum(_layer_multiply_adds(layer, _called_shape(layer)) for layer in model.layers
                   if not isinstance(layer, layers.InputLayer)))


# --- the business scenario: a CNN feeding a one-to-many RNN ---------------------------------


def build_cnn_forecaster(snapshot_shape: tuple[int, int, int], horizon: int,
                         filters: int = 16, features: int = 32, units: int = 32,
                         learning_rate: float = 2e-3, run_eagerly: bool = False) -> keras.Model:
    """CNN + one-to-many LSTM: one snapshot of many series in, one forecast per future day out.

    The CNN (two 3x3 convolutions with pooling, a dense layer) turns the snapshot, series as
    rows and days as columns, into one feature vector. ``RepeatVector`` hands that vector to
    the LSTM at each of the ``horizon`` steps (one input, many outputs), and a dense layer
    applied at every step reads out that day's forecast. Compiled with Adam and the mean
    squared error, reporting the mean absolute error.

    Args:
        snapshot_shape: ``(series, days, channels)``, e.g. ``(16, 32, 1)``.
        horizon: Number of future days forecast.
        filters: Filters of both convolutions.
        features: Length of the snapshot's feature vector.
        units: LSTM units.
        learning_rate: Adam's learning rate.
        run_eagerly: Train without building a graph (for a handful of batches).

    Returns:
        A compiled model mapping ``(batch, *snapshot_shape)`` to ``(batch, horizon)``.
    """
    snapshot_shape = _check_shape("snapshot_shape", snapshot_shape, 3, "(16, 32, 1)")
    horizon = as_int("horizon", horizon, minimum=1, maximum=1000)
    learning_rate = positive_float("learning_rate", learning_rate)
    snapshot = keras.Input(snapshot_shape, name="snapshot")
    encoded = layers.Conv2D(filters, 3, padding="same", activation="relu")(snapshot)
    encoded = layers.MaxPooling2D(2, padding="same")(encoded)
    encoded = layers.Conv2D(filters, 3, padding="same", activation="relu")(encoded)
    encoded = layers.MaxPooling2D(2, padding="same")(encoded)
    encoded = layers.Flatten()(encoded)
    encoded = layers.Dense(features, activation="relu", name="snapshot_features")(encoded)
    repeated = layers.RepeatVector(horizon, name="one_copy_per_day")(encoded)
    decoded = layers.LSTM(units, return_sequences=True, name="lstm")(repeated)
    daily = layers.TimeDistributed(layers.Dense(1), name="read_out")(decoded)
    forecast = layers.Reshape((horizon,), name="forecast")(daily)
    model = keras.Model(snapshot, forecast, name="cnn_one_to_many")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", metrics=["mae"],
                  run_eagerly=as_flag("run_eagerly", run_eagerly))
    return model


def forecasts(model: keras.Model, inputs: Any, batch_size: int = 512) -> np.ndarray:
    """A forecaster's outputs for every input, by direct calls (no ``predict`` tracing)."""
    inputs = np.asarray(inputs, dtype=np.float32)
    batch_size = as_int("batch_size", batch_size, minimum=1)
    if len(inputs) == 0:
        raise InputError("forecasts needs at least one input.")
    return np.concatenate([
        keras.ops.convert_to_numpy(model(inputs[start:start + batch_size], training=False))
        for start in range(0, len(inputs), batch_size)])


def linear_forecast(train_inputs: Any, train_targets: Any, test_inputs: Any,
                    penalty: float = 1.0) -> np.ndarray:
    """Least-squares baseline: the best linear map from the flattened inputs to the targets.

    Ridge regression with an intercept, solved in closed form: weights
    ``(X^T X + penalty I)^-1 X^T Y`` on the training rows, applied to the test rows. It sees
    exactly what a neural forecaster sees, so it tells how much of a model's gain needs a
    non-linear model at all.

    Args:
        train_inputs: ``(n, ...)`` training inputs (flattened per row).
        train_targets: ``(n, outputs)`` or ``(n,)`` training targets.
        test_inputs: ``(m, ...)`` inputs to forecast, shaped like the training inputs.
        penalty: Ridge penalty (zero or more); a little keeps the solve stable.

    Returns:
        ``(m, outputs)`` (or ``(m,)``) forecasts.
    """
    train_x = as_float_array("train_inputs", train_inputs, finite=True)
    test_x = as_float_array("test_inputs", test_inputs, finite=True)
    train_y = as_float_array("train_targets", train_targets, finite=True)
    penalty = positive_float("penalty", penalty, allow_zero=True)
    if train_x.ndim < 2 or test_x.shape[1:] != train_x.shape[1:]:
        raise InputError(f"train_inputs and test_inputs need rows of the same shape; got "
                         f"{train_x.shape} and {test_x.shape}.")
    if len(train_y) != len(train_x):
        raise InputError(f"{len(train_x)} training inputs but {len(train_y)} targets.")
    design = np.c_[train_x.reshape(len(train_x), -1), np.ones(len(train_x))]
    apply = np.c_[test_x.reshape(len(test_x), -1), np.ones(len(test_x))]
    ridge = penalty * np.eye(design.shape[1])
    ridge[-1, -1] = 0.0  # the intercept is not shrunk
    weights = np.linalg.solve(design.T @ design + ridge, design.T @ train_y)
    return apply @ weights
