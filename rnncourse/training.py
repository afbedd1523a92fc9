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

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras

from rnncourse.data.registry import data_dir
from rnncourse.errors import InputError


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


def checkpoint_dir(name: str) -> Path:
    """The folder where :func:`fit` keeps the backup for the run called ``name``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    if not safe:
        raise InputError("A training run needs a non-empty name, e.g. 'nb04-lstm-seed42'.")
    return data_dir() / "checkpoints" / safe


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
    if epochs < 1:
        raise InputError(f"epochs must be at least 1, got {epochs}.")
    timer = EpochTimer()
    extra: list[keras.callbacks.Callback] = [timer, EpochPrinter(name, print_every)]
    backup = checkpoint_dir(name)
    resumed = False
    if resume:
        resumed = backup.exists() and any(backup.iterdir())
        if resumed:
            print(f"{name}: resuming an interrupted run from {backup}")
        extra.append(keras.callbacks.BackupAndRestore(str(backup), delete_checkpoint=True))
    fit_kwargs.setdefault("verbose", 0)
    history = model.fit(x, y, epochs=epochs, callbacks=[*callbacks, *extra], **fit_kwargs)
    if resume and backup.exists():  # Keras removes it on success; tidy an empty folder
        shutil.rmtree(backup, ignore_errors=True)
    return FitResult(history=dict(history.history), seconds_per_epoch=timer.seconds,
                     resumed=resumed)
