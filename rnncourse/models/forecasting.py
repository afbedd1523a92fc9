"""Forecasters for windows of a daily series (lesson 01), trained alike, scored against baselines.

A forecaster reads a window of past days, shape ``(batch, days, features)``, and predicts
one number about the next day:

* task ``"probability"``: the chance of an event (rain tomorrow); sigmoid output, trained
  with binary cross-entropy, scored with :func:`log_loss` and :func:`accuracy`;
* task ``"value"``: a measurement (tomorrow's maximum temperature); linear output, trained
  with the mean squared error on targets standardised with *training* statistics, scored
  with :func:`mean_absolute_error` in the original units.

Two families, built by :func:`build_forecaster`:

* ``"dense"``: the window is flattened into one vector, then one hidden ReLU layer. Every
  (day, feature) pair gets its own weights, so the size grows with the window and the
  input length is fixed;
* ``"simple_rnn"``, ``"gru"``, ``"lstm"``: a recurrent layer reads the days in order with
  one set of weights, then a ``Dense`` read-out of its final state. The size does not
  depend on the window, and any length is accepted.

A comparison is only fair when every model gets the same budget, so
:func:`train_forecaster` trains all of them alike: the same training windows, the same
optimiser (Adam), batch size and number of epochs, and it keeps the weights of the epoch
with the lowest *validation* loss (the test days are never looked at). The parameter
count, the epoch kept and the seconds spent travel with the result, so a table can state
its budgets. :func:`persistence` is the baseline no trained model may ignore: tomorrow
equals today.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import keras
import numpy as np
import pandas as pd

from rnncourse.data.sequences import StandardScaler
from rnncourse.errors import InputError, ShapeError
from rnncourse.training import fit
from rnncourse.validation import as_float_array, as_int, as_seed, one_of, positive_float

__all__ = [
    "KINDS",
    "TASKS",
    "TrainedForecaster",
    "WindowSplits",
    "accuracy",
    "build_forecaster",
    "forecast_table",
    "least_squares_forecast",
    "log_loss",
    "mean_absolute_error",
    "paired_bootstrap",
    "persistence",
    "train_forecaster",
]

KINDS = ("dense", "simple_rnn", "gru", "lstm")
"""The model families :func:`build_forecaster` knows."""
TASKS = ("probability", "value")
"""``"probability"``: P(event tomorrow); ``"value"``: tomorrow's measurement."""

_RECURRENT = {"simple_rnn": keras.layers.SimpleRNN, "gru": keras.layers.GRU,
              "lstm": keras.layers.LSTM}
PARTS = ("train", "validation", "test")
STEPS_PER_EXECUTION = 32


def build_forecaster(kind: str, days: int | None, features: int, units: int, *,
                     task: str = "probability", learning_rate: float = 0.005,
                     l2: float = 1e-3) -> keras.Model:
    """A compiled forecaster for windows of ``days`` steps with ``features`` per step.

    Args:
        kind: ``"dense"`` (flatten, one hidden ReLU layer of ``units`` with an L2 penalty
            ``l2`` on its weights) or a recurrent layer of ``units``: ``"simple_rnn"``,
            ``"gru"``, ``"lstm"``, followed by a one-unit ``Dense`` read-out.
        days: Window length. A recurrent model accepts ``None`` (any length); a dense one
            needs a number, because its first layer has one weight per input number.
        features: Measurements per day.
        units: Hidden units (dense) or state units (recurrent).
        task: ``"probability"`` (sigmoid output, binary cross-entropy) or ``"value"``
            (linear output, mean squared error).
        learning_rate: Adam's step size.
        l2: Weight penalty of the dense model's hidden layer (0 for none).
    """
    one_of("kind", kind, KINDS)
    one_of("task", task, TASKS)
    features = as_int("features", features, minimum=1, maximum=10_000)
    units = as_int("units", units, minimum=1, maximum=10_000)
    learning_rate = positive_float("learning_rate", learning_rate)
    l2 = positive_float("l2", l2, allow_zero=True)
    if days is None and kind == "dense":
        raise InputError("A dense forecaster needs a fixed window length (days=...): its first "
                         "layer has one weight per (day, feature). Only a recurrent kind "
                         "accepts days=None.")
    if days is not None:
        days = as_int("days", days, minimum=1, maximum=100_000)
    layers: list[keras.layers.Layer] = [keras.Input(shape=(days, features))]
    if kind == "dense":
        penalty = keras.regularizers.L2(l2) if l2 > 0 else None
        layers += [keras.layers.Flatten(),
                   keras.layers.Dense(units, activation="relu", kernel_regularizer=penalty)]
    else:
        layers.append(_RECURRENT[kind](units))
    probability = task == "probability"
    layers.append(keras.layers.Dense(1, activation="sigmoid" if probability else None))
    model = keras.Sequential(layers, name=f"{kind}_{'window' if days is None else days}")
    # Several batches per call of the compiled training step: the same updates in the same
    # order, with much less Python overhead for models this small.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy" if probability else "mean_squared_error",
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


@dataclass(frozen=True)
class WindowSplits:
    """Windows cut chronologically into training, validation and test parts.

    Each part is ``(inputs, targets)`` with inputs ``(pairs, days, features)`` (already
    scaled with statistics of the training part) and targets ``(pairs,)``.
    """

    train: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]

    def __post_init__(self) -> None:
        features = None
        for part in PARTS:
            pair = getattr(self, part)
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise InputError(f"{part} must be a pair (inputs, targets); got "
                                 f"{type(pair).__name__}.")
            inputs = as_float_array(f"{part} inputs", pair[0], rank=3,
                                    meaning="(pairs, days, features)", finite=True)
            targets = as_float_array(f"{part} targets", pair[1], rank=1, meaning="(pairs,)",
                                     finite=True)
            if len(inputs) != len(targets) or len(inputs) == 0:
                raise ShapeError(f"{part} has {len(inputs)} windows and {len(targets)} targets; "
                                 "they must be equal and not zero.")
            if features is not None and inputs.shape[1:] != features:
                raise ShapeError(f"{part} windows have shape {inputs.shape[1:]} per pair but the "
                                 f"training windows {features}; cut all parts the same way.")
            features = inputs.shape[1:]
            object.__setattr__(self, part, (inputs, targets))

    @property
    def days(self) -> int:
        """The window length of the stored inputs."""
        return self.train[0].shape[1]

    @property
    def features(self) -> int:
        """Measurements per day."""
        return self.train[0].shape[2]

    def last_days(self, days: int) -> WindowSplits:
        """The same splits with only the last ``days`` of every window (same targets)."""
        days = as_int("days", days, minimum=1, maximum=self.days)
        return WindowSplits(*((inputs[:, -days:], targets)
                              for inputs, targets in (self.train, self.validation, self.test)))


@dataclass
class TrainedForecaster:
    """A forecaster after :func:`train_forecaster`, with what it cost and what it predicts.

    Attributes:
        model: The Keras model, holding the weights of its best validation epoch.
        kind, days, units, task, seed: How it was built and seeded.
        parameters: Its trainable parameters.
        history: Training and validation loss per epoch.
        best_epoch: The 1-based epoch whose weights were kept (lowest validation loss).
        seconds: Wall-clock training time.
        predictions: ``{"train", "validation", "test"}`` -> predictions in the targets'
            own units (probabilities, or degrees for a temperature).
    """

    model: keras.Model
    kind: str
    days: int
    units: int
    task: str
    seed: int
    parameters: int
    history: dict[str, list[float]]
    best_epoch: int
    seconds: float
    predictions: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def epochs_run(self) -> int:
        """How many epochs were trained (the budget, whichever epoch was kept)."""
        return len(self.history.get("loss", []))


def train_forecaster(kind: str, splits: WindowSplits, *, days: int, units: int, seed: int,
                     epochs: int, task: str = "probability", name: str | None = None,
                     batch_size: int = 64, learning_rate: float = 0.005) -> TrainedForecaster:
    """Build, train and evaluate one forecaster on the last ``days`` of each window.

    Training uses :func:`rnncourse.training.fit` for exactly ``epochs`` epochs and then
    puts back the weights of the epoch with the lowest validation loss (Keras's
    ``EarlyStopping`` with a patience of ``epochs`` and ``restore_best_weights``): the
    epoch is chosen on the validation days, never on the test days. For a ``"value"``
    task the targets are standardised with the training targets' mean and spread, and the
    predictions are turned back into the original units.

    Args:
        kind: A model family from :data:`KINDS`.
        splits: The scaled, chronologically split windows.
        days: How many of the most recent days the model sees (at most ``splits.days``).
        units: Hidden or state units.
        seed: Seeds the weights and the shuffling of the training windows.
        epochs: The training budget.
        task: ``"probability"`` or ``"value"``.
        name: Names the run in the progress line (default from kind, days and seed).
        batch_size: Windows per gradient step.
        learning_rate: Adam's step size.

    Prints one progress line when training ends (the last epoch's losses).
    """
    if not isinstance(splits, WindowSplits):
        raise InputError(f"splits must be a WindowSplits; got {type(splits).__name__}.")
    one_of("task", task, TASKS)
    seed = as_seed("seed", seed)
    epochs = as_int("epochs", epochs, minimum=1, maximum=100_000)
    batch_size = as_int("batch_size", batch_size, minimum=1)
    data = splits.last_days(days)
    days = data.days
    targets = {part: getattr(data, part)[1] for part in PARTS}
    if task == "probability":
        if not all(np.isin(values, (0.0, 1.0)).all() for values in targets.values()):
            raise InputError("A 'probability' task needs 0/1 targets (did it happen tomorrow?); "
                             "use task='value' for measurements.")
        scaler = None
        fitted = targets
    else:
        scaler = StandardScaler().fit(targets["train"])  # training targets only
        fitted = {part: scaler.transform(values) for part, values in targets.items()}

    keras.utils.set_random_seed(seed)
    model = build_forecaster(kind, days, data.features, units, task=task,
                             learning_rate=learning_rate)
    keeper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=epochs,
                                           restore_best_weights=True)
    start = time.perf_counter()
    result = fit(model, data.train[0], fitted["train"],
                 name=name or f"{kind}-{days}days-seed{seed}", epochs=epochs, resume=False,
                 print_every=epochs,
                 validation_data=(data.validation[0], fitted["validation"]),
                 batch_size=batch_size, shuffle=True, callbacks=[keeper])
    seconds = time.perf_counter() - start
    predictions = {}
    for part in PARTS:
        # A direct call: for a few thousand small windows it is much cheaper than predict().
        inputs = getattr(data, part)[0].astype(np.float32)
        raw = np.asarray(keras.ops.convert_to_numpy(model(inputs, training=False)))[:, 0]
        predictions[part] = raw.astype(np.float64) if scaler is None else \
            scaler.inverse_transform(raw.astype(np.float64))
    losses = result.history["val_loss"]
    return TrainedForecaster(model=model, kind=kind, days=days, units=int(units), task=task,
                             seed=seed, parameters=int(model.count_params()),
                             history={key: list(map(float, values))
                                      for key, values in result.history.items()},
                             best_epoch=int(np.argmin(losses)) + 1, seconds=seconds,
                             predictions=predictions)


def _pair(probabilities, labels, name: str) -> tuple[np.ndarray, np.ndarray]:
    predicted = as_float_array(name, probabilities, finite=True).ravel()
    truth = as_float_array("labels", labels, finite=True).ravel()
    if predicted.shape != truth.shape or predicted.size == 0:
        raise ShapeError(f"{name} and labels must hold the same number of values (not zero); "
                         f"got {predicted.size} and {truth.size}.")
    return predicted, truth


def log_loss(probabilities, labels) -> float:
    """Mean binary cross-entropy of predicted probabilities against 0/1 labels (lower is better).

    Probabilities are clipped to ``[1e-7, 1 - 1e-7]``, as Keras does, so a confident wrong
    answer costs a lot but not infinity.
    """
    p, y = _pair(probabilities, labels, "probabilities")
    if np.any((p < 0) | (p > 1)):
        raise InputError("probabilities must lie between 0 and 1; did you pass logits or "
                         "raw scores?")
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def accuracy(probabilities, labels, threshold: float = 0.5) -> float:
    """Share of labels matched when predicting 1 wherever the probability exceeds ``threshold``."""
    p, y = _pair(probabilities, labels, "probabilities")
    return float(np.mean((p > threshold) == (y > 0.5)))


def mean_absolute_error(predictions, targets) -> float:
    """Mean absolute difference between predictions and targets, in the targets' units."""
    p, y = _pair(predictions, targets, "predictions")
    return float(np.mean(np.abs(p - y)))


def persistence(raw_windows, feature: int) -> np.ndarray:
    """The forecast "tomorrow = today": the last day's value of ``feature`` in every window.

    Pass the *unscaled* windows, so the forecast is in the targets' own units.
    """
    windows = as_float_array("raw_windows", raw_windows, rank=3,
                             meaning="(pairs, days, features)")
    feature = as_int("feature", feature, minimum=0, maximum=windows.shape[2] - 1)
    return windows[:, -1, feature].copy()


def least_squares_forecast(splits: WindowSplits, days: int | None = None) -> dict[str, np.ndarray]:
    """A linear forecast of a value from the flattened window, fitted by least squares.

    The weights (one per day and feature, plus an intercept) are fitted on the training part
    only, in closed form: no epochs, no seed. It is the dense window model without its hidden
    layer, and a baseline any trained value forecaster should beat.

    Returns:
        ``{"train", "validation", "test"}`` -> predictions in the targets' units.
    """
    if not isinstance(splits, WindowSplits):
        raise InputError(f"splits must be a WindowSplits; got {type(splits).__name__}.")
    data = splits.last_days(days or splits.days)

    def design(inputs: np.ndarray) -> np.ndarray:
        return np.column_stack([inputs.reshape(len(inputs), -1), np.ones(len(inputs))])

    weights, *_ = np.linalg.lstsq(design(data.train[0]), data.train[1], rcond=None)
    return {part: design(getattr(data, part)[0]) @ weights for part in PARTS}


def paired_bootstrap(scores_a, scores_b, *, seed: int, draws: int = 2000,
                     level: float = 0.95) -> tuple[float, float, float]:
    """How sure is "A scores higher than B"? Resample the days, keep the pairs together.

    ``scores_a[i]`` and ``scores_b[i]`` are two models' scores on the same day ``i`` (1 for
    a right answer and 0 for a wrong one, or minus an absolute error). Each of ``draws``
    resamples picks as many days as there are, with replacement, and records the mean
    difference A - B on them.

    Returns:
        ``(difference, low, high)``: the mean difference on the days themselves and the
        central ``level`` interval of the resampled differences. An interval that contains
        0 means these days cannot tell the two models apart.
    """
    a = as_float_array("scores_a", scores_a, rank=1, finite=True)
    b = as_float_array("scores_b", scores_b, rank=1, finite=True)
    if a.shape != b.shape or a.size < 2:
        raise ShapeError(f"scores_a and scores_b must score the same days (at least 2); got "
                         f"{a.size} and {b.size} values.")
    draws = as_int("draws", draws, minimum=10, maximum=1_000_000)
    level = positive_float("level", level)
    if level >= 1:
        raise InputError(f"level must be between 0 and 1 (e.g. 0.95); got {level}.")
    rng = np.random.default_rng(as_seed("seed", seed))
    differences = a - b
    picks = rng.integers(0, a.size, size=(draws, a.size))
    resampled = differences[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return float(differences.mean()), float(low), float(high)


def forecast_table(runs: Mapping[tuple[str, int], TrainedForecaster],
                   splits: WindowSplits) -> pd.DataFrame:
    """One row per trained run, with its budget and its scores on every part.

    Args:
        runs: ``{(model name, seed): TrainedForecaster}``.
        splits: The splits the runs were trained on (their targets are the truth).

    Returns:
        A table indexed by (model, seed) with the parameters, the epochs trained and the
        epoch kept, and per part the loss (log loss, or MAE for a value) plus, for a
        probability, the test accuracy.
    """
    if not runs:
        raise InputError("runs is empty; train at least one forecaster first.")
    rows = []
    for (model_name, seed), trained in runs.items():
        if not isinstance(trained, TrainedForecaster):
            raise InputError(f"runs[{(model_name, seed)!r}] is a {type(trained).__name__}, not "
                             "a TrainedForecaster.")
        row: dict[str, object] = {"model": model_name, "seed": seed,
                                  "parameters": trained.parameters,
                                  "epochs trained": trained.epochs_run,
                                  "epoch kept": trained.best_epoch}
        for part in PARTS:
            truth = getattr(splits, part)[1]
            predicted = trained.predictions[part]
            if trained.task == "probability":
                row[f"{part} log loss"] = log_loss(predicted, truth)
            else:
                row[f"{part} MAE"] = mean_absolute_error(predicted, truth)
        if trained.task == "probability":
            row["test accuracy"] = accuracy(trained.predictions["test"], splits.test[1])
        rows.append(row)
    return pd.DataFrame(rows).set_index(["model", "seed"])
