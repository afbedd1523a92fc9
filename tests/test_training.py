"""Tests for rnncourse.training: progress, timing and resuming an interrupted fit."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnncourse import training


class Interrupt(keras.callbacks.Callback):
    """Raises as epoch ``stop_after + 1`` starts, like a kernel killed mid-run."""

    def __init__(self, stop_after: int) -> None:
        super().__init__()
        self.stop_after = stop_after

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.stop_after:
            raise KeyboardInterrupt("simulated interruption")


def _model() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.fixture()
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path))
    rng = np.random.default_rng(0)
    return rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")


def test_fit_times_every_epoch_and_prints_progress(data, capsys):
    x, y = data
    result = training.fit(_model(), x, y, name="t-plain", epochs=3, batch_size=8)
    assert len(result.seconds_per_epoch) == 3
    assert len(result.history["loss"]) == 3
    assert result.mean_epoch_seconds > 0
    assert not result.resumed
    assert "t-plain epoch 3/3" in capsys.readouterr().out
    assert not training.checkpoint_dir("t-plain").exists()


def test_an_interrupted_fit_resumes_from_its_last_epoch(data, capsys):
    x, y = data
    with pytest.raises(KeyboardInterrupt):
        training.fit(_model(), x, y, name="t-resume", epochs=5, batch_size=8,
                     callbacks=[Interrupt(stop_after=2)])
    assert any(training.checkpoint_dir("t-resume").iterdir())
    capsys.readouterr()
    result = training.fit(_model(), x, y, name="t-resume", epochs=5, batch_size=8)
    assert result.resumed
    assert len(result.seconds_per_epoch) == 3  # epochs 3, 4 and 5 only
    assert "resuming" in capsys.readouterr().out
    assert not training.checkpoint_dir("t-resume").exists()


def test_resume_off_starts_from_scratch(data):
    x, y = data
    result = training.fit(_model(), x, y, name="t-off", epochs=2, resume=False)
    assert len(result.seconds_per_epoch) == 2
    assert not training.checkpoint_dir("t-off").exists()


def test_bad_arguments_are_named(data):
    x, y = data
    with pytest.raises(ValueError, match="epochs"):
        training.fit(_model(), x, y, name="t-bad", epochs=0)
    with pytest.raises(ValueError, match="name"):
        training.checkpoint_dir("")
