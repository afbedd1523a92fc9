"""Exercise checks for notebook 01: windows and leakage-free scaling."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.data.sequences import StandardScaler, make_windows
from rnncourse.exercises.checking import CheckResult, Mistake, run_check


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
                "model would be asked to copy an input. The target is the step *after* "
                "the window: series[i + window]."),
        Mistake(last_pair_dropped, "You lose the last pair. A series of length T gives "
                "T - window pairs: loop over range(len(series) - window)."),
        Mistake(target_two_ahead, "Your targets are one step too far ahead (series[i + window"
                " + 1]); the next step after the window is series[i + window]."),
    ]
    return run_check("make_windows", learner, reference, _series_cases(1), mistakes,
                     hint="for each start i, inputs series[i:i + window], target "
                          "series[i + window].", show=show, hint_requested=hint)


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

    rng = np.random.default_rng(2)
    # The test part drifts upwards, as later data often does, so the mistakes show.
    cases = [(rng.normal(10, 2, size=(30, 2)), rng.normal(14, 3, size=(10, 2)))
             for _ in range(3)]
    mistakes = [
        Mistake(fit_on_everything, "Your scaler was fitted on train and test together, so "
                "the test period's values leaked into the training inputs. Fit on train "
                "only, then transform both."),
        Mistake(fit_separately, "You fitted a second scaler on the test data. Its mean and "
                "spread come from the future; reuse the scaler fitted on train."),
    ]
    return run_check("scale_without_leakage", learner, reference, cases, mistakes,
                     hint="scaler = StandardScaler().fit(train); then scaler.transform(...) "
                          "on train and on test.", show=show, hint_requested=hint)
