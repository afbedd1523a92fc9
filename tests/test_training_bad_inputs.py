"""training.fit under hostile but realistic use: no call may delete or change a user's file.

Keras's BackupAndRestore deletes its whole backup folder when training ends, so a run name
that resolved to the data folder itself would wipe it. These tests put a user's file and
another run's backup in the data folder, try the bad names and settings, and check that
every file is still there, byte for byte, and that each mistake gets a clear error.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnncourse import training
from rnncourse.errors import ArgumentTypeError, ConfigError, InputError, TrainingError


class CountEpochs(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


class Interrupt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt("simulated interruption")


def _model(units: int = 1) -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.fixture()
def data_folder(tmp_path, monkeypatch):
    """A data folder holding a user's notes and another run's backup."""
    folder = tmp_path / "data"
    (folder / "checkpoints" / "other-run").mkdir(parents=True)
    (folder / "my-notes.txt").write_text("do not lose me")
    (folder / "checkpoints" / "other-run" / "latest.weights.h5").write_bytes(b"weights")
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(folder))
    return folder


def _snapshot(folder):
    return {path.relative_to(folder): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


XY = (np.zeros((8, 4), "float32"), np.zeros((8, 1), "float32"))


@pytest.mark.parametrize("name", ["..", ".", "/", "..//..", "  "])
def test_a_name_that_points_at_a_folder_above_is_refused(data_folder, name, expect_error):
    before = _snapshot(data_folder)
    expect_error(lambda: training.fit(_model(), *XY, name=name, epochs=1), InputError,
                 "letters or digits", "e.g.")
    assert _snapshot(data_folder) == before


@pytest.mark.parametrize("name", ["../my-notes.txt", "../checkpoints/other-run", "a/../../b"])
def test_a_path_like_name_stays_inside_the_checkpoints_folder(data_folder, name):
    before = _snapshot(data_folder)
    result = training.fit(_model(), *XY, name=name, epochs=1)
    assert len(result.seconds_per_epoch) == 1
    assert _snapshot(data_folder) == before  # trained, and nothing else touched


def test_a_backup_folder_holding_user_files_is_left_alone(data_folder, expect_error):
    mine = data_folder / "checkpoints" / "my-run"
    mine.mkdir()
    (mine / "results.csv").write_text("1,2,3")
    before = _snapshot(data_folder)
    expect_error(lambda: training.fit(_model(), *XY, name="my-run", epochs=1), TrainingError,
                 "results.csv", "rename the run")
    assert _snapshot(data_folder) == before


def test_a_data_folder_that_is_a_file_fails_before_any_epoch(tmp_path, monkeypatch,
                                                             expect_error):
    blocker = tmp_path / "data"
    blocker.write_text("notes")
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(blocker))
    counter = CountEpochs()
    expect_error(lambda: training.fit(_model(), *XY, name="run", epochs=2, callbacks=[counter]),
                 ConfigError, "is a file", "RNNCOURSE_DATA_DIR")
    assert counter.epochs == 0
    assert blocker.read_text() == "notes"


def test_resuming_a_backup_of_another_architecture_says_what_to_do(data_folder, expect_error):
    with pytest.raises(KeyboardInterrupt):
        training.fit(_model(units=2), *XY, name="shape-run", epochs=3, callbacks=[Interrupt()])
    expect_error(lambda: training.fit(_model(units=5), *XY, name="shape-run", epochs=3),
                 TrainingError, "another architecture", "rename the run", "delete")
    assert (data_folder / "my-notes.txt").read_text() == "do not lose me"


@pytest.mark.parametrize("call, kind, words", [
    (lambda: training.fit(_model(), *XY, name="r", epochs="3"), InputError,
     ["epochs", "whole number"]),
    (lambda: training.fit(_model(), *XY, name="r", epochs=0), InputError, ["epochs"]),
    (lambda: training.fit(_model(), *XY, name="r", epochs=1, print_every=0), InputError,
     ["print_every"]),
    (lambda: training.fit(_model(), *XY, name=42, epochs=1), ArgumentTypeError, ["name"]),
    (lambda: training.fit("model", *XY, name="r", epochs=1), ArgumentTypeError, ["Keras model"]),
    (lambda: training.fit(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]), *XY,
                          name="r", epochs=1), InputError, ["compile"]),
], ids=["epochs as text", "zero epochs", "print_every 0", "name not text", "not a model",
        "not compiled"])
def test_bad_arguments_are_named(data_folder, call, kind, words, expect_error):
    before = _snapshot(data_folder)
    expect_error(call, kind, *words)
    assert _snapshot(data_folder) == before
