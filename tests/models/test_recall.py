"""The long-range recall task: seeded data, the comparison, the results cache."""

import json

import numpy as np
import pytest

from rnncourse.data.generated.recall import SYMBOLS, marked_recall, recall_datasets
from rnncourse.errors import InputError
from rnncourse.models.recall import (
    CELL_TYPES,
    LongRangeResults,
    RecallRun,
    build_recall_model,
    compare_long_range,
    results_cache_path,
)


def test_marked_recall_marks_one_step_and_labels_its_symbol():
    inputs, labels = marked_recall(50, 12, seed=3)
    assert inputs.shape == (50, 12, SYMBOLS + 1) and inputs.dtype == np.float32
    assert labels.shape == (50,)
    np.testing.assert_array_equal(inputs[..., :-1].sum(axis=-1), 1)  # one symbol a step
    np.testing.assert_array_equal(inputs[..., -1].sum(axis=1), 1)  # one marked step
    marked = inputs[..., -1].argmax(axis=1)
    np.testing.assert_array_equal(inputs[np.arange(50), marked, :-1].argmax(axis=1), labels)


def test_marked_recall_is_seeded_and_generators_advance():
    np.testing.assert_array_equal(marked_recall(5, 7, 1)[0], marked_recall(5, 7, 1)[0])
    generator = np.random.default_rng(1)
    first, second = marked_recall(5, 7, generator), marked_recall(5, 7, generator)
    assert not np.array_equal(first[0], second[0])


def test_recall_datasets_reproduce_notebook_03s_draws():
    """Train then test drawn from default_rng(seed + length), as notebook 03 always did."""
    (x_train, y_train), (x_test, y_test) = recall_datasets(10, 20, seed=42, test_examples=8)
    generator = np.random.default_rng(52)
    expected_train = marked_recall(20, 10, generator)
    expected_test = marked_recall(8, 10, generator)
    np.testing.assert_array_equal(x_train, expected_train[0])
    np.testing.assert_array_equal(y_test, expected_test[1])
    assert x_test.shape == (8, 10, 5) and y_train.shape == (20,)


@pytest.mark.parametrize("kwargs, words", [
    ({"examples": 0, "length": 5, "seed": 0}, "examples must be a positive whole number"),
    ({"examples": 3, "length": 0, "seed": 0}, "length must be a positive whole number"),
    ({"examples": 3, "length": 5, "seed": 0, "symbols": 1}, "at least 2 symbols"),
])
def test_marked_recall_rejects_bad_sizes(kwargs, words):
    with pytest.raises(InputError, match=words):
        marked_recall(**kwargs)


def test_build_recall_model_and_parameter_counts():
    counts = {cell: build_recall_model(cell, 8, 6).layers[0].count_params()
              for cell in CELL_TYPES}
    simple = 6 * (5 + 6 + 1)
    assert counts == {"SimpleRNN": simple, "LSTM": 4 * simple, "GRU": 3 * simple + 3 * 6}
    with pytest.raises(InputError, match="cell must be one of"):
        build_recall_model("Transformer", 8, 6)
    with pytest.raises(InputError, match="units"):
        build_recall_model("LSTM", 8, 0)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_compare_trains_every_cell_and_length_and_caches(data_dir):
    settings = dict(units=4, examples=32, epochs=1, seed=0)
    results = compare_long_range([3, 4], progress=False, save=True, **settings)
    assert results.source == "trained"
    assert results.cells == list(CELL_TYPES) and results.lengths == [3, 4]
    assert results.longest == 4
    for cell in results.cells:
        for length in results.lengths:
            run = results.run(cell, length)
            assert 0 <= run.accuracy <= 1 and len(run.seconds_per_epoch) == 1
    table = results.table()
    assert list(table.columns) == results.cells and list(table.index) == [3, 4]
    assert results.run("LSTM", 3).parameters == 4 * results.run("SimpleRNN", 3).parameters

    path = results_cache_path([3, 4], **settings)
    assert path.is_file() and path.parent == data_dir / "results"
    reused = compare_long_range([3, 4], progress=False, reuse=True, **settings)
    assert reused.source == str(path) and reused.accuracy == results.accuracy
    # Different settings do not hit the cache; reuse=False always trains.
    assert results_cache_path([3, 4], **{**settings, "seed": 1}) != path
    assert compare_long_range([3], cells=["GRU"], progress=False, reuse=True,
                              **settings).source == "trained"


def test_damaged_cache_is_retrained(data_dir):
    settings = dict(units=2, examples=8, epochs=1, seed=0, cells=["SimpleRNN"])
    path = results_cache_path([2], **settings)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert compare_long_range([2], progress=False, reuse=True, **settings).source == "trained"


def test_results_round_trip_through_json():
    results = LongRangeResults(
        runs=[RecallRun("LSTM", 10, 0.5, 100, [2.0, 1.0, 1.5]),
              RecallRun("GRU", 10, 0.75, 80, [1.0])],
        settings={"units": 2, "examples": 3, "epochs": 3, "seed": 1, "task_version": 1})
    again = LongRangeResults.from_json(results.to_json(), source="x")
    assert again.runs == results.runs and again.source == "x"
    assert json.loads(results.to_json())["settings"]["seed"] == 1
    assert results.run("LSTM", 10).mean_epoch_seconds == 1.25  # first epoch left out
    assert results.run("GRU", 10).mean_epoch_seconds == 1.0
    with pytest.raises(KeyError, match="No run of SimpleRNN"):
        results.run("SimpleRNN", 10)


@pytest.mark.parametrize("kwargs, words", [
    ({"lengths": []}, "at least one positive length"),
    ({"lengths": [0, 5]}, "lengths must be a positive"),
    ({"lengths": [5], "cells": ["LSTM", "Attention"]}, "non-empty selection"),
])
def test_compare_rejects_bad_arguments(kwargs, words):
    with pytest.raises(InputError, match=words):
        compare_long_range(units=2, examples=4, epochs=1, seed=0, progress=False, **kwargs)


def test_peephole_comparison_starts_both_models_alike(data_dir):
    from rnncourse.models.recall import compare_peephole_lstm

    result = compare_peephole_lstm(6, units=3, examples=48, epochs=2, seed=1, name="t")
    assert result.start_difference < 1e-6  # the same function before training
    assert set(result.accuracy) == {"LSTM", "peephole LSTM"}
    assert result.parameters["peephole LSTM"] == result.parameters["LSTM"] + 3 * 3
    assert result.peephole_weights.shape == (9,)
    assert np.abs(result.peephole_weights).max() > 0  # trained away from zero
    assert 0 <= result.zeroed_accuracy <= 1 and result.test[0].shape == (500, 6, SYMBOLS + 1)
    for name, history in result.histories.items():
        assert len(history["accuracy"]) == 2
        assert result.worst_drop(name) == max(0.0, history["accuracy"][0]
                                              - history["accuracy"][1])
    # Switching the peepholes off for the measurement leaves the trained layer as it was.
    assert np.abs(result.peephole_layer.cell.get_weights()[2]).max() > 0
    assert result.settings["clipnorm"] == 1.0 and result.settings["epochs"] == 2


def test_worst_drop_reads_the_largest_fall():
    from rnncourse.models.recall import PeepholeComparison

    comparison = PeepholeComparison(
        histories={"LSTM": {"accuracy": [0.3, 0.9, 0.7, 0.95]}}, accuracy={},
        zeroed_accuracy=0.0, start_difference=0.0, parameters={}, peephole_layer=None,
        test=(np.zeros(1), np.zeros(1)), settings={})
    assert comparison.worst_drop("LSTM") == pytest.approx(0.2)
