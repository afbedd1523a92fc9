"""The long-range recall task of notebooks 03 and 04: data, training and a results table.

**The task.** Each step of a sequence carries one of :data:`SYMBOLS` random symbols
(one-hot) and a marker flag; exactly one step, at a random position, is marked. After
reading the whole sequence the network must say which symbol was marked. The marked
step may be anywhere, up to the full length back, so a longer sequence demands a longer
memory. Guessing scores ``1 / SYMBOLS``.

:func:`compare_long_range` trains ``SimpleRNN``, ``LSTM`` and ``GRU`` (same units, same
optimiser, same data) at several lengths and returns a :class:`LongRangeResults` with the
test accuracy, the parameter count and the measured seconds per epoch of every run.
With ``save=True`` the results are stored under ``<data dir>/results/``, keyed by every
setting; ``reuse=True`` reads them back. Notebook 03 always trains and saves; notebook 04
reuses the numbers notebook 03 measured (same settings) instead of training the same
nine models again, and trains them itself when no saved results exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras
import numpy as np

from rnncourse.data import data_dir
from rnncourse.training import fit

__all__ = [
    "SYMBOLS",
    "CELL_TYPES",
    "TEST_EXAMPLES",
    "TASK_VERSION",
    "LongRangeError",
    "RecallRun",
    "LongRangeResults",
    "marked_recall",
    "recall_datasets",
    "build_recall_model",
    "train_recall",
    "compare_long_range",
    "results_cache_path",
]

SYMBOLS = 4
"""Number of distinct symbols; guessing scores ``1 / SYMBOLS``."""

CELL_TYPES: tuple[str, ...] = ("SimpleRNN", "LSTM", "GRU")
"""The recurrent layers compared, by their ``keras.layers`` names."""

TEST_EXAMPLES = 500
"""Held-out sequences per length on which accuracy is measured."""

TASK_VERSION = 1
"""Bumped whenever the task or the training recipe changes, so old caches are ignored."""


class LongRangeError(ValueError):
    """An argument of the long-range task is out of range."""


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(int(seed))


def marked_recall(examples: int, length: int, seed: int | np.random.Generator,
                  symbols: int = SYMBOLS) -> tuple[np.ndarray, np.ndarray]:
    """Sequences with one marked symbol to recall at the end.

    Args:
        examples: Number of sequences.
        length: Steps per sequence (at least 1).
        seed: A seed or a NumPy ``Generator`` (a generator is advanced, so two calls
            with the same generator give different data).
        symbols: Number of distinct symbols (at least 2).

    Returns:
        ``(inputs, labels)``: ``inputs`` is float32 ``(examples, length, symbols + 1)``,
        a one-hot symbol plus a last feature that is 1 at the marked step only;
        ``labels`` ``(examples,)`` holds the marked symbol.
    """
    if examples < 1 or length < 1:
        raise LongRangeError(
            f"Need at least one example of at least one step; got examples={examples}, "
            f"length={length}."
        )
    if symbols < 2:
        raise LongRangeError(f"A recall task needs at least 2 symbols; got {symbols}.")
    generator = _generator(seed)
    drawn = generator.integers(0, symbols, size=(examples, length))
    marked = generator.integers(0, length, size=examples)
    inputs = np.zeros((examples, length, symbols + 1), dtype="float32")
    inputs[..., :symbols] = np.eye(symbols, dtype="float32")[drawn]
    inputs[np.arange(examples), marked, symbols] = 1.0
    return inputs, drawn[np.arange(examples), marked]


def recall_datasets(length: int, examples: int, seed: int,
                    test_examples: int = TEST_EXAMPLES,
                    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Training and test sets for one length, drawn from ``default_rng(seed + length)``.

    Every cell type sees exactly the same data at a given length and seed.
    """
    generator = np.random.default_rng(seed + length)
    train = marked_recall(examples, length, generator)
    test = marked_recall(test_examples, length, generator)
    return train, test


def build_recall_model(cell: str, length: int, units: int,
                       symbols: int = SYMBOLS) -> keras.Sequential:
    """``Input -> <cell>(units) -> Dense(symbols, softmax)``, uncompiled.

    Args:
        cell: ``"SimpleRNN"``, ``"LSTM"`` or ``"GRU"``.
        length: Steps per sequence.
        units: Hidden units of the recurrent layer.
        symbols: Number of classes.
    """
    if cell not in CELL_TYPES:
        raise LongRangeError(f"cell must be one of {CELL_TYPES}; got {cell!r}.")
    if units < 1:
        raise LongRangeError(f"units must be at least 1; got {units}.")
    layer = getattr(keras.layers, cell)(units, name=cell.lower())
    return keras.Sequential([keras.Input((length, symbols + 1)), layer,
                             keras.layers.Dense(symbols, activation="softmax")],
                            name=f"recall_{cell.lower()}_{length}")


@dataclass
class RecallRun:
    """One trained model on one length.

    Attributes:
        cell: ``"SimpleRNN"``, ``"LSTM"`` or ``"GRU"``.
        length: Sequence length.
        accuracy: Test accuracy on :data:`TEST_EXAMPLES` held-out sequences.
        parameters: Weights in the recurrent layer alone (the Dense read-out excluded).
        seconds_per_epoch: Wall-clock seconds of every training epoch.
    """

    cell: str
    length: int
    accuracy: float
    parameters: int
    seconds_per_epoch: list[float] = field(default_factory=list)

    @property
    def mean_epoch_seconds(self) -> float:
        """Mean seconds per epoch, leaving out the first (graph tracing) when possible."""
        times = self.seconds_per_epoch[1:] or self.seconds_per_epoch
        return float(np.mean(times)) if times else float("nan")


def train_recall(cell: str, length: int, *, units: int, examples: int, epochs: int,
                 seed: int, batch_size: int = 32, learning_rate: float = 0.005,
                 test_examples: int = TEST_EXAMPLES, resume: bool = True) -> RecallRun:
    """Train one recurrent model on the recall task and measure its test accuracy.

    Weights are seeded with ``seed`` (the same start for every length), the data with
    ``seed + length`` (see :func:`recall_datasets`). Training goes through
    :func:`rnncourse.training.fit`, so it prints one line when done and resumes after
    an interruption.
    """
    if epochs < 1 or examples < 1:
        raise LongRangeError(f"epochs and examples must be at least 1; got epochs={epochs}, "
                             f"examples={examples}.")
    (x_train, y_train), (x_test, y_test) = recall_datasets(length, examples, seed,
                                                           test_examples)
    keras.utils.set_random_seed(seed)
    model = build_recall_model(cell, length, units)
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    name = f"long-range-{cell}-L{length}-u{units}-n{examples}-e{epochs}-s{seed}"
    result = fit(model, x_train, y_train, name=name, epochs=epochs, resume=resume,
                 print_every=epochs, batch_size=batch_size)
    accuracy = float(model.evaluate(x_test, y_test, verbose=0)[1])
    return RecallRun(cell=cell, length=length, accuracy=accuracy,
                     parameters=int(model.layers[0].count_params()),
                     seconds_per_epoch=[float(s) for s in result.seconds_per_epoch])


@dataclass
class LongRangeResults:
    """All runs of one comparison, with the settings that produced them.

    Attributes:
        runs: One :class:`RecallRun` per (length, cell).
        settings: ``units``, ``examples``, ``epochs``, ``seed`` and the task version.
        source: ``"trained"`` or the path of the cache file the runs were read from.
    """

    runs: list[RecallRun]
    settings: dict[str, int]
    source: str = "trained"

    @property
    def cells(self) -> list[str]:
        """Cell types in the order they were trained."""
        return list(dict.fromkeys(run.cell for run in self.runs))

    @property
    def lengths(self) -> list[int]:
        """Sequence lengths, ascending."""
        return sorted({run.length for run in self.runs})

    @property
    def longest(self) -> int:
        """The longest length measured."""
        return self.lengths[-1]

    @property
    def accuracy(self) -> dict[str, dict[int, float]]:
        """``{cell: {length: test accuracy}}``, ready for ``plot_accuracy_by_length``."""
        table: dict[str, dict[int, float]] = {cell: {} for cell in self.cells}
        for run in self.runs:
            table[run.cell][run.length] = run.accuracy
        return table

    def run(self, cell: str, length: int) -> RecallRun:
        """The run of ``cell`` at ``length``."""
        for candidate in self.runs:
            if candidate.cell == cell and candidate.length == length:
                return candidate
        raise KeyError(f"No run of {cell} at length {length}; cells {self.cells}, "
                       f"lengths {self.lengths}.")

    def table(self, digits: int = 3):
        """Accuracy as a ``pandas.DataFrame``: one row per length, one column per cell."""
        import pandas as pd

        return pd.DataFrame(self.accuracy).rename_axis("length").round(digits)

    def to_json(self) -> str:
        """Serialise the runs and settings (used by the cache)."""
        return json.dumps({"settings": self.settings,
                           "runs": [asdict(run) for run in self.runs]}, indent=1)

    @classmethod
    def from_json(cls, text: str, source: str = "cache") -> LongRangeResults:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        return cls(runs=[RecallRun(**run) for run in data["runs"]],
                   settings=dict(data["settings"]), source=source)


def results_cache_path(lengths: Sequence[int], *, units: int, examples: int, epochs: int,
                       seed: int, cells: Sequence[str] = CELL_TYPES) -> Path:
    """Where :func:`compare_long_range` caches the results of these exact settings."""
    key = json.dumps({"lengths": [int(n) for n in lengths], "units": units,
                      "examples": examples, "epochs": epochs, "seed": seed,
                      "cells": list(cells), "task": TASK_VERSION,
                      "keras": keras.__version__}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return data_dir() / "results" / f"long_range_{digest}.json"


def compare_long_range(lengths: Iterable[int], *, units: int, examples: int, epochs: int,
                       seed: int, cells: Sequence[str] = CELL_TYPES, save: bool = False,
                       reuse: bool = False, progress: bool = True) -> LongRangeResults:
    """Train every cell type at every length on the recall task.

    Args:
        lengths: Sequence lengths to test, e.g. ``[10, 30, 60]``.
        units: Hidden units of every recurrent layer.
        examples: Training sequences per length.
        epochs: Training epochs per model.
        seed: Seeds weights (``seed``) and data (``seed + length``).
        cells: Which layers to compare (default SimpleRNN, LSTM, GRU).
        save: Write the results to ``<data dir>/results`` (keyed by every setting
            above plus the Keras version and :data:`TASK_VERSION`).
        reuse: Return saved results of exactly these settings, if any, instead of
            training; ``source`` then names the file they came from.
        progress: Show a tqdm bar over the runs.

    Returns:
        A :class:`LongRangeResults`; its ``source`` says whether it was trained now.
    """
    lengths = [int(length) for length in lengths]
    if not lengths or min(lengths) < 1:
        raise LongRangeError(f"Give at least one positive length; got {lengths}.")
    unknown = [cell for cell in cells if cell not in CELL_TYPES]
    if unknown or not cells:
        raise LongRangeError(f"cells must be a non-empty selection of {CELL_TYPES}; "
                             f"got {list(cells)}.")
    settings = {"units": units, "examples": examples, "epochs": epochs, "seed": seed,
                "task_version": TASK_VERSION}
    path = results_cache_path(lengths, units=units, examples=examples, epochs=epochs,
                              seed=seed, cells=cells)
    if reuse and path.is_file():
        try:
            return LongRangeResults.from_json(path.read_text(), source=str(path))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache file: train again and overwrite it

    pairs = [(length, cell) for length in lengths for cell in cells]
    if progress:
        from tqdm.auto import tqdm

        pairs = tqdm(pairs, desc="long-range runs")
    runs = [train_recall(cell, length, units=units, examples=examples, epochs=epochs,
                         seed=seed) for length, cell in pairs]
    results = LongRangeResults(runs=runs, settings=settings)
    if save:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(results.to_json())
    return results
