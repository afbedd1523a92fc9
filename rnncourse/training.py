"""Training helpers the notebooks share: resumable fits, progress, seconds per epoch.

A notebook that trains for minutes calls :func:`fit` instead of ``model.fit``. It

* prints one line per epoch (or a tqdm bar for many epochs), so a learner sees progress,
* keeps a backup of the model and optimiser after every epoch with Keras's
  ``BackupAndRestore``, so an interrupted run (a closed laptop, a killed kernel) resumes
  from its last finished epoch the next time the same cell runs, and removes the backup
  once training completes,
* measures the wall-clock seconds per epoch, which the comparison tables report.

Backups live in ``<data dir>/checkpoints/<name>`` (see :func:`rnncourse.data.data_dir`).
The name should say what is trained (notebook, model, seed and mode), because a backup is
only restored into a model of the same architecture.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras

from rnncourse.data.registry import data_dir, writable_data_dir
from rnncourse.errors import ArgumentTypeError, InputError, TrainingError
from rnncourse.validation import as_int


class EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock duration of every epoch in :attr:`seconds`."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


class EpochPrinter(keras.callbacks.Callback):
    """Prints one short line per epoch: ``label epoch 3/20  loss 0.41  val_loss 0.45``."""

    def __init__(self, label: str, every: int = 1) -> None:
        super().__init__()
        self.label = label
        self.every = max(1, int(every))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        total = self.params.get("epochs", "?")
        if (epoch + 1) % self.every and epoch + 1 != total:
            return
        metrics = "  ".join(f"{key} {value:.4f}" for key, value in (logs or {}).items()
                            if isinstance(value, int | float))
        print(f"{self.label} epoch {epoch + 1}/{total}  {metrics}", flush=True)


@dataclass
class FitResult:
    """What :func:`fit` returns.

    Attributes:
        history: ``keras.callbacks.History.history``: metric name to per-epoch values.
        seconds_per_epoch: Wall-clock seconds of each epoch run in this call.
        resumed: True when training continued from a backup of an interrupted run.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    seconds_per_epoch: list[float] = field(default_factory=list)
    resumed: bool = False

    @property
    def mean_epoch_seconds(self) -> float:
        """Mean seconds per epoch, leaving out the first (it includes graph tracing)."""
        times = self.seconds_per_epoch[1:] or self.seconds_per_epoch
        return float(sum(times) / len(times)) if times else float("nan")


# The files Keras's BackupAndRestore writes into its folder; it deletes the whole folder
# when training ends, so fit() only hands it a folder holding nothing else.
_BACKUP_FILES = frozenset({"latest.weights.h5", "training_metadata.json",
                           "latest.weights.h5.bkp", "training_metadata.json.bkp"})


def run_folder_name(name: Any) -> str:
    """The folder name of a run: letters, digits, ``-`` and ``_`` only (others become ``_``).

    Dots and slashes never survive, so no run name can point outside the checkpoints folder
    (``".."`` or ``"../x"`` would otherwise reach the data folder itself).
    """
    if not isinstance(name, str):
        raise ArgumentTypeError(f"name must be a string naming the run, e.g. "
                                f"'nb04-lstm-seed42'; got {type(name).__name__}.")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip()).strip("_")
    if not any(character.isalnum() for character in safe):
        raise InputError(f"name={name!r} has no letters or digits; name the run after what it "
                         "trains, e.g. 'nb04-lstm-seed42'.")
    return safe


def checkpoint_dir(name: str) -> Path:
    """The folder where :func:`fit` keeps the backup for the run called ``name``."""
    return data_dir() / "checkpoints" / run_folder_name(name)


def _backup_folder(name: str) -> Path:
    """The run's backup folder, checked: inside the checkpoints folder, holding only backups."""
    checkpoints = writable_data_dir("checkpoints")
    backup = checkpoints / run_folder_name(name)
    if backup.resolve().parent != checkpoints.resolve():
        raise TrainingError(f"The backup folder of run {name!r} would be {backup.resolve()}, "
                            f"outside {checkpoints}; choose a plain run name.")
    if backup.exists():
        if not backup.is_dir():
            raise TrainingError(f"{backup} is a file, not a backup folder; it was left alone. "
                                f"Rename the run (name=...) or move the file away.")
        strangers = sorted(p.name for p in backup.iterdir() if p.name not in _BACKUP_FILES)
        if strangers:
            raise TrainingError(
                f"{backup} holds files that are not a training backup ({', '.join(strangers)}); "
                "Keras deletes its backup folder after training, so fit() will not use it. "
                "Rename the run (name=...) or move those files away.")
    return backup


def fit(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    name: str,
    epochs: int,
    resume: bool = True,
    print_every: int = 1,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    **fit_kwargs: Any,
) -> FitResult:
    """``model.fit`` with progress lines, resumable backups and per-epoch timing.

    Args:
        model: A compiled Keras model.
        x, y: Training data, as for ``model.fit`` (``y`` may be ``None`` for datasets).
        name: Names the run and its backup folder; include notebook, model and seed.
        epochs: Number of epochs (read it from the notebook's run settings).
        resume: Keep a per-epoch backup and resume from it after an interruption.
        print_every: Print a progress line every this many epochs (and at the last).
        callbacks: More callbacks (early stopping, ...).
        **fit_kwargs: Passed to ``model.fit`` (``batch_size``, ``validation_data``, ...).

    Returns:
        A :class:`FitResult` with the history and the seconds per epoch.
    """
    epochs = as_int("epochs", epochs, minimum=1)
    print_every = as_int("print_every", print_every, minimum=1)
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"fit trains a Keras model; got {type(model).__name__}.")
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        raise InputError(f"{model.name} is not compiled: call model.compile(optimizer, loss) "
                         "before fit.")
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    timer = EpochTimer()
    extra: list[keras.callbacks.Callback] = [timer, EpochPrinter(name, print_every)]
    # Checked before any training, so a bad data folder or run name fails at once.
    backup = _backup_folder(name) if resume else checkpoint_dir(name)
    resumed = False
    if resume:
        resumed = backup.exists() and any(backup.iterdir())
        if resumed:
            print(f"{name}: resuming an interrupted run from {backup}")
        extra.append(keras.callbacks.BackupAndRestore(str(backup), delete_checkpoint=True))
    fit_kwargs.setdefault("verbose", 0)
    try:
        history = model.fit(x, y, epochs=epochs, callbacks=[*callbacks, *extra], **fit_kwargs)
    except (ValueError, TypeError) as error:
        if resumed and not timer.seconds:  # failed while restoring, before any epoch
            raise TrainingError(
                f"{name}: the backup in {backup} does not fit this model (it was saved by a "
                f"model of another architecture or size: {str(error).splitlines()[0][:160]}). "
                "Rename the run (name=...) to start afresh, or delete that folder.") from None
        raise
    if resume and backup.exists() and not any(backup.iterdir()):
        backup.rmdir()  # Keras removes it on success; tidy an empty folder
    return FitResult(history=dict(history.history), seconds_per_epoch=timer.seconds,
                     resumed=resumed)
