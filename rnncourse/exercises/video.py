"""Exercise checks for notebook 09: what ``TimeDistributed`` does, the CRNN, one-to-many pairs.

* :func:`check_apply_per_frame`: fold time into the batch, run a per-frame function,
  unfold: the numbers ``keras.layers.TimeDistributed`` gives (Keras 3 loops over the
  frames instead).
* :func:`check_time_distributed_parameters`: count the weights of a ``TimeDistributed``
  ``Conv2D`` (the frames share them).
* :func:`check_build_crnn`: build the CRNN in Keras (a ``TimeDistributed`` CNN feeding an
  LSTM and a softmax). The learner's model and the reference get the same weights, set
  from a seed, and must give the same class probabilities on random clips of several
  shapes; a wrong model is traced to the part that differs.
* :func:`check_one_to_many_pairs`: cut a series into (past window, next ``horizon`` values)
  pairs, the training data of a one-to-many forecaster.

Every check gives a hint only when asked (``hint=True``) or after a second wrong attempt,
and no hint holds the solution's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse.exercises.checking import (
    CheckResult,
    Mistake,
    run_check,
)
from rnncourse.exercises.model_probes import (
    check_model_builder,
    find_layers,
    require_model,
    seeded_outputs,
    set_seeded_weights,
)

# --- exercise 1: TimeDistributed by hand ---------------------------------------------------


def apply_per_frame_reference(frame_fn: Callable[[np.ndarray], np.ndarray],
                              clips: np.ndarray) -> np.ndarray:
    """Apply ``frame_fn`` to every frame of ``(n, frames, ...)`` clips: ``(n, frames, features)``.

    ``frame_fn`` maps a batch of frames ``(m, height, width, channels)`` to ``(m, features)``.
    """
    n, frames = clips.shape[:2]
    folded = clips.reshape(n * frames, *clips.shape[2:])
    return frame_fn(folded).reshape(n, frames, -1)


def _linear_frame_features(seed: int, pixels: int, features: int) -> Callable:
    weights = np.random.default_rng(seed).normal(size=(pixels, features))

    def frame_features(frames: np.ndarray) -> np.ndarray:
        return np.tanh(frames.reshape(len(frames), -1) @ weights / np.sqrt(pixels))

    return frame_features


def _apply_per_frame_cases() -> list[tuple]:
    rng = np.random.default_rng(9)
    cases = []
    for n, frames, side, features in ((3, 5, 4, 6), (2, 7, 3, 4), (4, 2, 5, 3)):
        frame_fn = _linear_frame_features(n * 100 + frames, side * side, features)
        cases.append((frame_fn, rng.uniform(size=(n, frames, side, side, 1))))
    return cases


def check_apply_per_frame(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(frame_fn, clips) -> (n, frames, features)`` against the reference."""

    def time_major_fold(frame_fn, clips):
        n, frames = clips.shape[:2]
        folded = np.swapaxes(clips, 0, 1).reshape(n * frames, *clips.shape[2:])
        return frame_fn(folded).reshape(n, frames, -1)

    def time_major_unfold(frame_fn, clips):
        n, frames = clips.shape[:2]
        features = frame_fn(clips.reshape(n * frames, *clips.shape[2:]))
        return np.swapaxes(features.reshape(frames, n, -1), 0, 1)

    def first_frame_only(frame_fn, clips):
        features = frame_fn(clips[:, 0])
        return np.repeat(features[:, None, :], clips.shape[1], axis=1)

    def still_folded(frame_fn, clips):
        n, frames = clips.shape[:2]
        return frame_fn(clips.reshape(n * frames, *clips.shape[2:]))

    mistakes = [
        Mistake(time_major_fold, "You folded time-major (all clips' first frames, then all "
                "second frames, ...) but unfolded as if the rows ran clip by clip, so features "
                "land on the wrong clip and time step. Fold and unfold in the same order."),
        Mistake(time_major_unfold, "The fold is right, but the unfold treats the rows as "
                "frame by frame: the folded rows run clip by clip (all frames of clip 0 first), "
                "so they go back to (n, frames, features) in that order, with no axis swap."),
        Mistake(first_frame_only, "Every time step got the features of the first frame: "
                "frame_fn has to see all n * frames frames, not only the frames at t = 0."),
        Mistake(still_folded, "You returned the folded (n * frames, features) array: give it "
                "back its clip and time axes, (n, frames, features), so the LSTM sees one "
                "sequence per clip."),
    ]
    hint_text = ("Merge the first two axes of clips into one batch axis, so frame_fn sees an "
                 "ordinary batch of frames; then split the batch axis of its output back into "
                 "(clips, frames). Merging and splitting the same two axes in the same order "
                 "keeps every frame with its clip.")
    return run_check("apply_per_frame", learner, apply_per_frame_reference,
                     _apply_per_frame_cases(), mistakes, hint=hint_text, show=show,
                     hint_requested=hint)


# --- exercise 2: how many weights --------------------------------------------------------


def time_distributed_parameters_reference(frames: int, kernel_size: int, in_channels: int,
                                          filters: int) -> int:
    """Weights of ``TimeDistributed(Conv2D(filters, kernel_size))`` on ``frames`` frames."""
    del frames  # every frame uses the same kernel: the count does not depend on it
    return kernel_size * kernel_size * in_channels * filters + filters


def check_time_distributed_parameters(learner: Callable, show: bool = True,
                                      hint: bool = False) -> CheckResult:
    """Check ``learner(frames, kernel_size, in_channels, filters) -> int``."""
    def per_frame_copies(frames, kernel_size, in_channels, filters):
        return frames * (kernel_size * kernel_size * in_channels * filters + filters)

    def no_bias(frames, kernel_size, in_channels, filters):
        return kernel_size * kernel_size * in_channels * filters

    def no_input_channels(frames, kernel_size, in_channels, filters):
        return kernel_size * kernel_size * filters + filters

    def one_side_of_kernel(frames, kernel_size, in_channels, filters):
        return kernel_size * in_channels * filters + filters

    mistakes = [
        Mistake(per_frame_copies, "You multiplied by the number of frames. TimeDistributed "
                "applies one and the same Conv2D to every frame: the weights are shared, so "
                "the count does not grow with the clip length."),
        Mistake(no_bias, "Almost: every filter also has a bias of its own."),
        Mistake(no_input_channels, "Each filter spans all input channels: its kernel holds a "
                "kernel_size x kernel_size patch for every one of the in_channels channels."),
        Mistake(one_side_of_kernel, "A 2-D kernel is kernel_size x kernel_size, not "
                "kernel_size long."),
    ]
    cases = [(10, 3, 1, 8), (12, 3, 8, 16), (5, 5, 3, 4), (7, 1, 6, 2)]
    hint_text = ("Count one filter first: how many numbers does its kernel hold when it looks "
                 "at a square patch through every input channel, and what else does a filter "
                 "add to its sum? Then ask whether frame 2 gets a Conv2D of its own.")
    return run_check("time_distributed_parameters", learner,
                     time_distributed_parameters_reference, cases, mistakes, hint=hint_text,
                     atol=0.0, show=show, hint_requested=hint)


# --- exercise 3: the CRNN in Keras -------------------------------------------------------

CRNN_FILTERS = 8
"""Filters of the exercise CRNN's convolution (3x3, ``padding="same"``, ReLU)."""
CRNN_FEATURES = 16
"""Length of each frame's feature vector (the dense layer after ``Flatten``)."""
CRNN_UNITS = 16
"""Units of the exercise CRNN's LSTM."""


def build_crnn_reference(clip_shape: tuple[int, int, int, int], n_classes: int) -> Any:
    """The CRNN the exercise asks for (Keras).

    ``TimeDistributed`` of ``Conv2D(8, 3, padding="same", relu)``, ``MaxPooling2D(2)``,
    ``Flatten()``, ``Dense(16, relu)``; then ``LSTM(16)`` (last output) and
    ``Dense(n_classes, softmax)``.
    """
    import keras
    from keras import layers

    frame_cnn = keras.Sequential([
        keras.Input(tuple(clip_shape[1:])),
        layers.Conv2D(CRNN_FILTERS, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(CRNN_FEATURES, activation="relu"),
    ])
    return keras.Sequential([
        keras.Input(tuple(clip_shape)),
        layers.TimeDistributed(frame_cnn),
        layers.LSTM(CRNN_UNITS),
        layers.Dense(n_classes, activation="softmax"),
    ])


_CRNN_CASES = [((4, 8, 8, 1), 3, 0), ((6, 12, 12, 1), 5, 1), ((3, 9, 9, 2), 2, 2),
               ((5, 8, 12, 3), 4, 3)]
_CLIPS_PER_CASE = 3


def _case_clips(clip_shape: tuple, seed: int) -> np.ndarray:
    rng = np.random.default_rng(1000 + seed)
    return rng.uniform(size=(_CLIPS_PER_CASE, *clip_shape)).astype(np.float32)


def _require_model(model: Any) -> Any:
    return require_model(model, "build_my_crnn")


def _crnn_outputs(model: Any, clip_shape: tuple, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(weight count, probabilities)`` of a model with seeded weights on seeded clips."""
    outputs = seeded_outputs(model, _case_clips(clip_shape, seed), seed)
    return np.array([model.count_params()]), outputs


def _through_outputs(builder: Callable) -> Callable:
    """A function of one case that builds a model with ``builder`` and returns its outputs."""

    def outputs(clip_shape, n_classes, seed):
        model = _require_model(builder(clip_shape, n_classes))
        if model is None:
            return None
        return _crnn_outputs(model, clip_shape, seed)

    return outputs


def _crnn_mistake(*, sequences: bool = False, softmax: bool = True, cnn: bool = True,
                  recurrent: str = "lstm", padding: str = "same") -> Callable:
    def build(clip_shape, n_classes):
        import keras
        from keras import layers

        if cnn:
            frame_layers = [layers.Conv2D(CRNN_FILTERS, 3, padding=padding, activation="relu"),
                            layers.MaxPooling2D(2), layers.Flatten(),
                            layers.Dense(CRNN_FEATURES, activation="relu")]
        else:
            frame_layers = [layers.Flatten()]
        frame_cnn = keras.Sequential([keras.Input(tuple(clip_shape[1:])), *frame_layers])
        over_time = {"lstm": layers.LSTM(CRNN_UNITS, return_sequences=sequences),
                     "gru": layers.GRU(CRNN_UNITS),
                     "average": layers.GlobalAveragePooling1D()}[recurrent]
        return keras.Sequential([
            keras.Input(tuple(clip_shape)), layers.TimeDistributed(frame_cnn), over_time,
            layers.Dense(n_classes, activation="softmax" if softmax else None)])

    return _through_outputs(build)


def _diagnose_crnn(build: Callable) -> str:
    """Say which part of the learner's CRNN differs from the exercise's, probing one case."""
    import keras
    from keras import layers

    clip_shape, n_classes, seed = _CRNN_CASES[1]
    model = _require_model(build(clip_shape, n_classes))
    reference = build_crnn_reference(clip_shape, n_classes)
    clips = _case_clips(clip_shape, seed)
    set_seeded_weights(model, seed)
    probabilities = np.asarray(keras.ops.convert_to_numpy(model(clips, training=False)))
    if probabilities.ndim == 3 and probabilities.shape[1] == clip_shape[0]:
        return (f"Your model returns one prediction per frame, shape {probabilities.shape}: "
                "the LSTM should hand on only its last output (leave return_sequences at its "
                "default), so each clip gets one row of class probabilities.")
    if probabilities.shape != (len(clips), n_classes):
        return (f"For {len(clips)} clips and {n_classes} classes your model returns shape "
                f"{probabilities.shape}; it should return ({len(clips)}, {n_classes}).")
    if not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4) or probabilities.min() < 0:
        return ("Your outputs are not probabilities (a row does not sum to 1): the last Dense "
                "layer needs the softmax activation.")
    time_distributed = find_layers(model, layers.TimeDistributed)
    recurrent = find_layers(model, layers.LSTM)
    if not time_distributed:
        return ("Your model has no TimeDistributed layer: wrap the per-frame CNN in "
                "TimeDistributed so the same CNN runs on every frame.")
    if not recurrent:
        others = [type(layer).__name__ for layer in find_layers(model, layers.RNN)]
        if others:
            return (f"Your model reads the frames with {others[0]}; the exercise asks for an "
                    "LSTM.")
        return ("Your model has no LSTM reading the frame features in order: without one, "
                "nothing in it can tell which frame came first.")
    lstm, reference_lstm = recurrent[0], find_layers(reference, layers.LSTM)[0]
    if lstm.count_params() != reference_lstm.count_params():
        return (f"Your LSTM has {lstm.count_params():,} weights, the exercise's "
                f"{reference_lstm.count_params():,}: it should have {CRNN_UNITS} units and read "
                f"{CRNN_FEATURES} features per frame (the Dense layer at the end of the CNN).")
    frame_part = time_distributed[0].count_params()
    reference_frame_part = find_layers(reference, layers.TimeDistributed)[0].count_params()
    if frame_part != reference_frame_part:
        return (f"Your per-frame CNN has {frame_part:,} weights, the exercise's "
                f"{reference_frame_part:,}. Check its layers: {CRNN_FILTERS} filters of 3x3 "
                "with 'same' padding (so pooling halves the full frame), one pooling by 2, "
                f"Flatten, then Dense({CRNN_FEATURES}).")
    if model.count_params() != reference.count_params():
        return (f"Your model has {model.count_params():,} weights, the exercise's "
                f"{reference.count_params():,}, although its CNN and LSTM match: check the "
                f"output layer (Dense with n_classes units) and that nothing else was added.")
    backwards = np.ascontiguousarray(clips[:, ::-1])
    reversed_output = np.asarray(keras.ops.convert_to_numpy(model(backwards, training=False)))
    if np.allclose(reversed_output, probabilities, atol=1e-6):
        return ("Your model gives the same answer when the frames are played backwards, so it "
                "ignores their order: the LSTM has to read the per-frame features.")
    return ("Your model has the right parts and sizes, but with the same weights it computes "
            "other probabilities: check the order of the layers and the activations (ReLU in "
            "the convolution and the dense layer of the CNN, softmax at the end).")


def check_build_crnn(learner: Callable, show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(clip_shape, n_classes) -> keras.Model``, the exercise's CRNN.

    For several clip shapes and class counts the learner's model and the reference get the
    same weights (set from a seed, in the order Keras lists them) and must give the same
    weight count and the same class probabilities on random clips. A wrong model is traced
    to the part that differs: output shape, softmax, TimeDistributed, LSTM, the CNN's size,
    order blindness.
    """
    mistakes = [
        Mistake(_crnn_mistake(sequences=True), "Your LSTM returns its output at every frame "
                "(return_sequences=True), so the model predicts a class per frame. For one "
                "class per clip the LSTM hands on only its last output."),
        Mistake(_crnn_mistake(softmax=False), "Your outputs are not probabilities: the last "
                "Dense layer needs the softmax activation."),
        Mistake(_crnn_mistake(recurrent="average"), "You averaged the frame features over "
                "time instead of reading them with an LSTM. An average is the same whatever "
                "the order of the frames, so left and right (which differ only in order) "
                "look alike."),
        Mistake(_crnn_mistake(cnn=False), "Your LSTM reads raw pixels: the frames go "
                "through Flatten only. Put the convolution, pooling and Dense(16) inside the "
                "TimeDistributed CNN, so the LSTM reads 16 features per frame."),
        Mistake(_crnn_mistake(padding="valid"), "Your convolution uses 'valid' padding, "
                "which trims a pixel at every border, so the feature map and the Dense layer "
                "after Flatten are smaller than asked: use padding=\"same\"."),
        Mistake(_crnn_mistake(recurrent="gru"), "You used a GRU; the exercise asks for an "
                "LSTM (the GRU has three gate blocks instead of four)."),
    ]
    hint_text = ("Build the per-frame CNN as its own small model whose input is one frame "
                 "(clip_shape without the time axis). Wrapped in TimeDistributed it turns "
                 "(clips, frames, height, width, channels) into (clips, frames, 16); an LSTM "
                 "reads that sequence, and a Dense layer with one unit per class and the "
                 "softmax gives the probabilities.")
    return check_model_builder("build_crnn", learner, build_crnn_reference, _through_outputs,
                               _CRNN_CASES, mistakes, hint_text, _diagnose_crnn,
                               show=show, hint=hint)


# --- exercise 4: training pairs for a one-to-many forecaster -------------------------------


def one_to_many_pairs_reference(series: np.ndarray, window: int,
                                horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """``(inputs (n, window), targets (n, horizon))``: each window and the values after it."""
    series = np.asarray(series)
    pairs = len(series) - window - horizon + 1
    inputs = np.stack([series[i:i + window] for i in range(pairs)])
    targets = np.stack([series[i + window:i + window + horizon] for i in range(pairs)])
    return inputs, targets


def _one_to_many_cases() -> list[tuple]:
    rng = np.random.default_rng(19)
    return [(rng.normal(size=length).round(3), window, horizon)
            for length, window, horizon in ((14, 4, 3), (20, 6, 1), (11, 3, 5), (25, 5, 4))]


def check_one_to_many_pairs(learner: Callable, show: bool = True,
                            hint: bool = False) -> CheckResult:
    """Check ``learner(series, window, horizon) -> (inputs, targets)``."""

    def overlapping(series, window, horizon):
        pairs = len(series) - window - horizon + 1
        inputs = np.stack([series[i:i + window] for i in range(pairs)])
        targets = np.stack([series[i + window - 1:i + window - 1 + horizon]
                            for i in range(pairs)])
        return inputs, targets

    def only_last(series, window, horizon):
        pairs = len(series) - window - horizon + 1
        inputs = np.stack([series[i:i + window] for i in range(pairs)])
        return inputs, series[window + horizon - 1:window + horizon - 1 + pairs]

    def one_pair_short(series, window, horizon):
        inputs, targets = one_to_many_pairs_reference(series, window, horizon)
        return inputs[:-1], targets[:-1]

    mistakes = [
        Mistake(overlapping, "Your targets start on the last day of the window, so each "
                "pair's first target is already in its input: the targets are the horizon "
                "values right after the window."),
        Mistake(only_last, "You kept only the value horizon steps ahead; a one-to-many "
                "forecaster learns every one of the next horizon values, so targets has shape "
                "(pairs, horizon)."),
        Mistake(one_pair_short, "One pair is missing at the end: the last pair is the one "
                "whose targets end exactly on the last value of the series."),
    ]
    hint_text = ("Pair i starts at step i. Its input is the window of steps that begins "
                 "there; its targets are the next horizon steps after that window. The last "
                 "pair is the one whose targets end on the series' last step.")
    return run_check("one_to_many_pairs", learner, one_to_many_pairs_reference,
                     _one_to_many_cases(), mistakes, hint=hint_text, show=show,
                     hint_requested=hint)
