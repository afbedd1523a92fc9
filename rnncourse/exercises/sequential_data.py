"""Exercise checks for notebook 01: windows, leakage-free scaling, autocorrelation, a forecaster.

Each check runs the learner's function on several random cases, compares it with the
reference, and names the likely mistake when the answer is wrong. Hints describe the way to
the answer in words; they never hold the solution's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse.data.sequences import StandardScaler, autocorrelation, make_windows
from rnncourse.exercises.checking import CheckResult, Mistake, run_check

__all__ = [
    "check_autocorrelation",
    "check_make_windows",
    "check_recurrent_forecaster",
    "check_scale_without_leakage",
]


def _series_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=length).round(3), window)
            for length, window in ((12, 3), (20, 5), (8, 1), (6, 5))]


def check_make_windows(learner: Callable, show: bool = True,
                       hint: bool = False) -> CheckResult:
    """Check ``learner(series, window) -> (inputs, targets)`` for a 1-D series.

    Inputs have shape ``(pairs, window)``; the target of each pair is the step right
    after its window.
    """

    def reference(series, window):
        inputs, targets = make_windows(series, window)
        return inputs[..., 0], targets

    def target_inside(series, window):
        inputs, _ = reference(series, window)
        return inputs, inputs[:, -1]

    def last_pair_dropped(series, window):
        inputs, targets = reference(series, window)
        return inputs[:-1], targets[:-1]

    def target_two_ahead(series, window):
        inputs, targets = reference(series, window)
        return inputs[:-1], targets[1:]

    mistakes = [
        Mistake(target_inside, "Each target is the last value of its own window, so the "
                "model would be asked to copy an input it already sees. The target is the "
                "value right after the window."),
        Mistake(last_pair_dropped, "You lose the last pair. A series of T values gives "
                "T - window pairs: the last window ends just before the final value, which "
                "is its target."),
        Mistake(target_two_ahead, "Your targets are one step too far ahead: each is the "
                "value two steps after its window, and the last pair is missing. The target "
                "is the very next value."),
    ]
    return run_check("make_windows", learner, reference, _series_cases(1), mistakes,
                     hint="count the starting positions first: a window must leave room for "
                          "one more value after it. Each pair takes `window` consecutive "
                          "values from its start, and the value that follows them is its "
                          "target.", show=show, hint_requested=hint)


def check_scale_without_leakage(learner: Callable, show: bool = True,
                                hint: bool = False) -> CheckResult:
    """Check ``learner(train, test) -> (train_scaled, test_scaled)``: fit on train only."""

    def reference(train, test):
        scaler = StandardScaler().fit(train)
        return scaler.transform(train), scaler.transform(test)

    def fit_on_everything(train, test):
        scaler = StandardScaler().fit(np.concatenate([train, test]))
        return scaler.transform(train), scaler.transform(test)

    def fit_separately(train, test):
        return StandardScaler().fit_transform(train), StandardScaler().fit_transform(test)

    def one_number_for_all_features(train, test):
        mean, spread = train.mean(), train.std()
        return (train - mean) / spread, (test - mean) / spread

    rng = np.random.default_rng(2)
    # The test part drifts upwards, as later data often does, so the mistakes show; the
    # two features have different scales, so a single mean for both shows too.
    cases = [(rng.normal((10, 50), (2, 9), size=(30, 2)), rng.normal((14, 60), (3, 12),
                                                                      size=(10, 2)))
             for _ in range(3)]
    mistakes = [
        Mistake(fit_on_everything, "Your scaler was fitted on train and test together, so "
                "the test period's values leaked into the training inputs. Fit on train "
                "only, then transform both."),
        Mistake(fit_separately, "You fitted a second scaler on the test data. Its mean and "
                "spread come from the future; reuse the scaler fitted on train."),
        Mistake(one_number_for_all_features, "You used one mean and one spread for the "
                "whole array, so features measured on different scales stay unequal. "
                "Standardise each feature (each column) with its own mean and spread."),
    ]
    return run_check("scale_without_leakage", learner, reference, cases, mistakes,
                     hint="decide which part of the data the model is allowed to know "
                          "while it learns; compute each column's mean and spread there, "
                          "and apply those same numbers to both parts.",
                     show=show, hint_requested=hint)


def check_autocorrelation(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(series, max_lag) -> r`` with ``r[k]`` the autocorrelation at lag ``k``.

    The reference is :func:`rnncourse.data.sequences.autocorrelation`: centre with the
    whole series' mean, divide every lag by the same sum of squares.
    """

    def centred(series):
        return series - series.mean()

    def pearson_of_slices(series, max_lag):
        return np.array([1.0] + [np.corrcoef(series[:-k], series[k:])[0, 1]
                                 for k in range(1, max_lag + 1)])

    def not_centred(series, max_lag):
        total = np.sum(series**2)
        return np.array([1.0] + [np.sum(series[:-k] * series[k:]) / total
                                 for k in range(1, max_lag + 1)])

    def per_pair_average(series, max_lag):
        c = centred(series)
        variance = np.mean(c**2)
        return np.array([1.0] + [np.mean(c[:-k] * c[k:]) / variance
                                 for k in range(1, max_lag + 1)])

    def lag_zero_missing(series, max_lag):
        return autocorrelation(series, max_lag)[1:]

    rng = np.random.default_rng(11)
    cases = []
    for length, max_lag in ((40, 5), (25, 8), (60, 3)):
        steps = rng.normal(size=length)
        # A drifting, remembering series with a non-zero mean, so every mistake shows.
        series = 3.0 + np.cumsum(steps) * 0.3 + steps
        cases.append((series.round(4), max_lag))
    mistakes = [
        Mistake(pearson_of_slices, "You computed the ordinary (Pearson) correlation of the "
                "two shifted slices, each with its own mean and spread. The autocorrelation "
                "formula centres with the mean of the whole series and divides every lag by "
                "the same total, the sum of squares over all T steps."),
        Mistake(not_centred, "You did not subtract the mean, so a series that is simply "
                "positive looks correlated with itself at every lag. Centre the series with "
                "its mean first."),
        Mistake(per_pair_average, "You averaged each lag over its own T - k pairs. The "
                "formula sums the products and divides by the sum of squares over all T "
                "steps, so long lags, which have fewer pairs, come out smaller."),
        Mistake(lag_zero_missing, "Your array starts at lag 1. Return max_lag + 1 values, "
                "from lag 0 (always exactly 1) to lag max_lag."),
    ]
    return run_check("autocorrelation", learner, autocorrelation, cases, mistakes,
                     hint="work with the centred series (the series minus its overall mean). "
                          "For lag k, pair every step with the step k later, multiply each "
                          "pair and add the products up; divide by the sum of the squared "
                          "centred values. Lag 0 belongs in the answer too.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------------- a Keras model

def _gru_parameters(features: int, units: int) -> int:
    # Keras's GRU (reset_after=True): 3 blocks of kernel, recurrent kernel and two biases.
    return 3 * units * (features + units + 2) + units + 1


def _describe_model(model: Any, days: int, features: int) -> tuple:
    """What the check compares: output shape per window, parameters, sigmoid output (0/1)."""
    import keras  # only here: building models needs Keras, the other checks do not

    if model is None:
        return None  # run_check says "did you forget `return`?"
    if not isinstance(model, keras.Model):
        raise TypeError(f"it returned an object of type {type(model).__name__}, not a Keras "
                        "model; build a keras.Sequential (or keras.Model) and return it")
    probe = np.random.default_rng(0).normal(0, 3, size=(4, days, features)).astype("float32")
    output = np.asarray(keras.ops.convert_to_numpy(model(probe)))
    last = model.layers[-1] if getattr(model, "layers", None) else None
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    probabilities = activation == "sigmoid" or (
        not activation and bool(np.all((output >= 0) & (output <= 1))))
    return (np.array(output.shape[1:], dtype=float), float(model.count_params()),
            float(probabilities))


def check_recurrent_forecaster(learner: Callable, show: bool = True,
                               hint: bool = False) -> CheckResult:
    """Check ``learner(days, features, units) -> keras.Model``: a GRU rain forecaster.

    The model must read windows of shape ``(days, features)`` with ``keras.layers.GRU(units)``
    and end in one sigmoid unit, P(rain tomorrow). It is compared by its output shape, its
    parameter count and its output activation on three sizes.
    """

    def learner_summary(days, features, units):
        return _describe_model(learner(days, features, units), days, features)

    def reference(days, features, units):
        return (np.array([1.0]), float(_gru_parameters(features, units)), 1.0)

    def lstm(days, features, units):
        return (np.array([1.0]), float(4 * units * (features + units + 1) + units + 1), 1.0)

    def simple_rnn(days, features, units):
        return (np.array([1.0]), float(units * (features + units + 1) + units + 1), 1.0)

    def flattened_dense(days, features, units):
        return (np.array([1.0]), float((days * features + 1) * units + units + 1), 1.0)

    def every_step(days, features, units):
        return (np.array([days, 1.0]), float(_gru_parameters(features, units)), 1.0)

    def no_sigmoid(days, features, units):
        return (np.array([1.0]), float(_gru_parameters(features, units)), 0.0)

    def too_many_outputs(days, features, units):
        return (np.array([2.0]), float(3 * units * (features + units + 2) + 2 * (units + 1)),
                1.0)

    mistakes = [
        Mistake(every_step, "Your model returns one prediction per day of the window, "
                "shape (batch, days, 1): the GRU hands every step's state to the read-out. "
                "Only its final state should reach the Dense layer (leave "
                "return_sequences at its default)."),
        Mistake(no_sigmoid, "The last layer has no sigmoid, so the output is a raw score "
                "that can be negative or above 1. A probability of rain needs the sigmoid."),
        Mistake(too_many_outputs, "Your read-out has two units. One number per window is "
                "enough: the probability of rain (the chance of no rain is 1 minus it)."),
        Mistake(lstm, "Your parameter count is that of an LSTM (four blocks of weights). The "
                "exercise asks for a GRU (three blocks)."),
        Mistake(simple_rnn, "Your parameter count is that of a SimpleRNN (one block of "
                "weights). The exercise asks for a GRU, which has three."),
        Mistake(flattened_dense, "Your model flattens the window and gives each day its "
                "own weights, like the dense window model. Let a GRU read the days in order "
                "instead, with one set of weights for every day."),
    ]
    cases = [(7, 5, 16), (3, 2, 4), (10, 1, 8)]
    return run_check("recurrent_forecaster", learner_summary, reference, cases, mistakes,
                     hint="a Sequential model needs three things in order: an Input that "
                          "declares the window's shape (days, features), a GRU layer with "
                          "`units` state units, and a Dense layer with a single sigmoid unit.",
                     atol=0, show=show, hint_requested=hint)
