"""The weather forecasters: their sizes, a fair training protocol, and the scores and baselines."""

import keras
import numpy as np
import pytest

from rnncourse import errors
from rnncourse.models.forecasting import (
    WindowSplits,
    accuracy,
    build_forecaster,
    forecast_table,
    least_squares_forecast,
    log_loss,
    mean_absolute_error,
    paired_bootstrap,
    persistence,
    train_forecaster,
)


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path))


def _splits(seed=0, pairs=(120, 40, 40), days=6, features=3, task="probability"):
    """Windows whose target depends on the last two days, so a model can learn it."""
    rng = np.random.default_rng(seed)
    parts = []
    for count in pairs:
        x = rng.normal(size=(count, days, features))
        signal = x[:, -1, 0] + 0.8 * x[:, -2, 0]
        y = (signal > 0).astype(float) if task == "probability" else 10.0 + 3.0 * signal
        parts.append((x, y))
    return WindowSplits(*parts)


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [1, 7, 30])
def test_dense_size_grows_with_the_window_and_recurrent_size_does_not(days):
    dense = build_forecaster("dense", days, 5, 32)
    assert dense.count_params() == (days * 5 + 1) * 32 + 32 + 1
    gru = build_forecaster("gru", days, 5, 16)
    assert gru.count_params() == 3 * 16 * (5 + 16 + 2) + 16 + 1
    lstm = build_forecaster("lstm", days, 5, 4)
    assert lstm.count_params() == 4 * 4 * (5 + 4 + 1) + 4 + 1
    rnn = build_forecaster("simple_rnn", days, 5, 4)
    assert rnn.count_params() == 4 * (5 + 4 + 1) + 4 + 1


def test_a_recurrent_forecaster_reads_any_length_and_a_dense_one_refuses():
    gru = build_forecaster("gru", None, 2, 3)
    for days in (1, 4, 25):
        out = keras.ops.convert_to_numpy(gru(np.zeros((2, days, 2), "float32")))
        assert out.shape == (2, 1) and np.all((out > 0) & (out < 1))
    with pytest.raises(errors.InputError, match="fixed window length"):
        build_forecaster("dense", None, 2, 3)


def test_value_forecasters_have_a_linear_output_and_probability_ones_a_sigmoid():
    value = build_forecaster("gru", 3, 2, 4, task="value")
    probability = build_forecaster("gru", 3, 2, 4)
    assert value.layers[-1].activation.__name__ == "linear"
    assert probability.layers[-1].activation.__name__ == "sigmoid"
    assert value.loss == "mean_squared_error" and probability.loss == "binary_crossentropy"


@pytest.mark.parametrize("call, kind, words", [
    (lambda: build_forecaster("transformer", 3, 2, 4), errors.InputError, ("kind", "gru")),
    (lambda: build_forecaster("gru", 3, 2, 0), errors.InputError, ("units",)),
    (lambda: build_forecaster("gru", 3, 2, 4, task="class"), errors.InputError, ("task",)),
])
def test_bad_settings_are_named(call, kind, words, expect_error):
    expect_error(call, kind, *words)


# --- splits -----------------------------------------------------------------------------


def test_splits_keep_the_last_days_and_the_targets():
    splits = _splits()
    short = splits.last_days(2)
    assert short.days == 2 and short.features == 3
    np.testing.assert_array_equal(short.test[0], splits.test[0][:, -2:])
    np.testing.assert_array_equal(short.train[1], splits.train[1])


@pytest.mark.parametrize("parts, words", [
    ((np.zeros((4, 3)), np.zeros(4)), ("rank 3",)),
    ((np.zeros((4, 3, 2)), np.zeros(5)), ("4 windows and 5 targets",)),
    ((np.zeros((4, 3, 5)), np.zeros(4)), ("cut all parts the same way",)),
])
def test_splits_refuse_parts_that_do_not_fit(parts, words, expect_error):
    good = (np.zeros((4, 3, 2)), np.zeros(4))
    expect_error(lambda: WindowSplits(good, good, parts), errors.RNNCourseError, *words)


# --- training ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained_gru(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        splits = _splits()
        return splits, train_forecaster("gru", splits, days=4, units=4, seed=1, epochs=6)


def test_training_keeps_the_weights_of_the_best_validation_epoch(trained_gru):
    splits, trained = trained_gru
    losses = trained.history["val_loss"]
    assert trained.epochs_run == 6 and len(losses) == 6
    assert trained.best_epoch == int(np.argmin(losses)) + 1
    # The model holds the kept epoch's weights: its validation loss is the best one seen.
    kept = log_loss(trained.predictions["validation"], splits.validation[1])
    assert kept == pytest.approx(min(losses), abs=2e-3)
    assert trained.parameters == 3 * 4 * (3 + 4 + 2) + 4 + 1
    assert trained.days == 4 and set(trained.predictions) == {"train", "validation", "test"}


def test_training_is_deterministic_for_a_seed_and_learns_the_signal():
    splits = _splits(seed=3)
    first = train_forecaster("dense", splits, days=2, units=8, seed=5, epochs=10,
                             learning_rate=0.05)
    again = train_forecaster("dense", splits, days=2, units=8, seed=5, epochs=10,
                             learning_rate=0.05)
    np.testing.assert_allclose(first.predictions["test"], again.predictions["test"], atol=1e-6)
    assert accuracy(first.predictions["test"], splits.test[1]) > 0.8


def test_a_value_task_predicts_in_the_targets_units():
    splits = _splits(task="value")
    trained = train_forecaster("gru", splits, days=3, units=6, seed=0, epochs=20, task="value")
    predictions = trained.predictions["test"]
    # Targets are about 10 +- 5; predictions in scaled units would sit near 0.
    assert abs(predictions.mean() - splits.test[1].mean()) < 1.5
    assert mean_absolute_error(predictions, splits.test[1]) < np.abs(
        splits.test[1] - splits.train[1].mean()).mean()


def test_a_probability_task_needs_zero_one_targets():
    splits = _splits(task="value")
    with pytest.raises(errors.InputError, match="0/1 targets"):
        train_forecaster("gru", splits, days=2, units=2, seed=0, epochs=1)


def test_the_table_states_budgets_and_scores(trained_gru):
    splits, trained = trained_gru
    table = forecast_table({("GRU", 1): trained, ("GRU again", 2): trained}, splits)
    assert list(table.index) == [("GRU", 1), ("GRU again", 2)]
    for column in ("parameters", "epochs trained", "epoch kept", "train log loss",
                   "validation log loss", "test log loss", "test accuracy"):
        assert column in table.columns
    assert table.loc[("GRU", 1), "parameters"] == trained.parameters
    assert table.loc[("GRU", 1), "epoch kept"] == trained.best_epoch
    assert table.loc[("GRU", 1), "test log loss"] == pytest.approx(
        log_loss(trained.predictions["test"], splits.test[1]))
    assert table.loc[("GRU", 1), "test accuracy"] == pytest.approx(
        accuracy(trained.predictions["test"], splits.test[1]))
    with pytest.raises(errors.InputError, match="empty"):
        forecast_table({}, splits)


# --- scores and baselines -------------------------------------------------------------------


def test_scores_match_hand_computations():
    p = np.array([0.9, 0.2, 0.6, 0.4])
    y = np.array([1, 0, 0, 1])
    expected = -np.mean(np.log([0.9, 0.8, 0.4, 0.4]))
    assert log_loss(p, y) == pytest.approx(expected)
    assert accuracy(p, y) == 0.5
    assert mean_absolute_error([1.0, 4.0], [2.0, 2.0]) == 1.5
    # A confident wrong answer is expensive but finite.
    assert np.isfinite(log_loss([0.0], [1])) and log_loss([0.0], [1]) > 15


def test_scores_refuse_mismatched_or_impossible_input(expect_error):
    expect_error(lambda: log_loss([0.5, 0.5], [1]), errors.ShapeError, "same number")
    expect_error(lambda: log_loss([1.7], [1]), errors.InputError, "between 0 and 1")


def test_persistence_repeats_the_last_day():
    windows = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
    np.testing.assert_array_equal(persistence(windows, 1), [5.0, 11.0])
    with pytest.raises(errors.InputError, match="feature"):
        persistence(windows, 2)


def test_least_squares_recovers_a_linear_rule_from_the_training_part():
    rng = np.random.default_rng(4)
    parts = []
    for count in (80, 20, 20):
        x = rng.normal(size=(count, 3, 2))
        parts.append((x, 1.5 + 2.0 * x[:, -1, 0] - 0.5 * x[:, 0, 1]))
    splits = WindowSplits(*parts)
    predictions = least_squares_forecast(splits)
    for part, (_, truth) in zip(("train", "validation", "test"), parts, strict=True):
        np.testing.assert_allclose(predictions[part], truth, atol=1e-9)
    # Seeing only the last day it cannot use the first day's feature.
    assert mean_absolute_error(least_squares_forecast(splits, days=1)["test"], parts[2][1]) > 0.1


def test_paired_bootstrap_separates_a_real_edge_from_noise():
    rng = np.random.default_rng(0)
    better = (rng.random(400) < 0.8).astype(float)
    worse = (rng.random(400) < 0.6).astype(float)
    difference, low, high = paired_bootstrap(better, worse, seed=1, draws=500)
    assert difference == pytest.approx(better.mean() - worse.mean())
    assert 0 < low < difference < high
    same = paired_bootstrap(better, better[::-1], seed=1, draws=500)
    assert same[1] < 0 < same[2]
    # Seeded: the same call gives the same interval.
    assert paired_bootstrap(better, worse, seed=1, draws=500) == (difference, low, high)


def test_paired_bootstrap_refuses_unpaired_scores(expect_error):
    expect_error(lambda: paired_bootstrap([1.0, 0.0], [1.0], seed=0), errors.ShapeError,
                 "same days")
    expect_error(lambda: paired_bootstrap([1.0, 0.0], [1.0, 1.0], seed=0, level=95),
                 errors.InputError, "between 0 and 1")
