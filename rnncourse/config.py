"""Run configuration: the run mode, per-notebook sizes, seeding and the setup banner.

Every notebook starts with ``run = start_notebook("01")``. That one call

* reads the run mode from ``RNNCOURSE_MODE`` (``fast`` for CI, ``full`` for learners),
* seeds Python, NumPy and TensorFlow and turns on deterministic TensorFlow ops
  (``RNNCOURSE_SEED`` overrides the seed),
* prints the mode, library versions and whether a GPU is visible, and
* returns the notebook's sizes (epochs, sample counts, ...) for that mode.

Notebooks never hard-code epochs or data sizes: they read them from the returned
:class:`RunSettings`, whose values live in :data:`NOTEBOOK_SETTINGS` below.
"""

from __future__ import annotations

import os
import platform
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MODES = ("fast", "full")
DEFAULT_MODE = "full"
DEFAULT_SEED = 42

MODE_ENV = "RNNCOURSE_MODE"
SEED_ENV = "RNNCOURSE_SEED"

# Sizes per notebook and mode. Fast mode must finish a notebook in under 60 s on a
# 2-core CPU (kernel start included); full mode in under 10 minutes.
NOTEBOOK_SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "01": {
        "fast": {"epochs": 10, "window": 7, "hidden_units": 16, "seeds_for_claims": 2,
                 "acf_max_lag": 400, "leak_window": 90, "leak_neighbours": 2},
        "full": {"epochs": 40, "window": 7, "hidden_units": 32, "seeds_for_claims": 5,
                 "acf_max_lag": 400, "leak_window": 90, "leak_neighbours": 2},
    },
    "02": {
        "fast": {"epochs": 30, "learning_rate": 0.1, "hidden_units": 8, "intent_examples": 64,
                 "demo_batch": 2, "demo_steps": 6, "demo_features": 5, "recurrence_steps": 20},
        "full": {"epochs": 150, "learning_rate": 0.1, "hidden_units": 8, "intent_examples": 512,
                 "demo_batch": 2, "demo_steps": 6, "demo_features": 5, "recurrence_steps": 20},
    },
    "03": {
        "fast": {"norm_steps": 60, "clip_iterations": 60, "keras_clip_epochs": 15,
                 "recall_lengths": [5, 20], "recall_examples": 256, "recall_epochs": 1,
                 "recall_units": 16, "char_hidden": 32, "char_steps": 25,
                 "char_iterations": 120, "sample_every": 40},
        "full": {"norm_steps": 60, "clip_iterations": 150, "keras_clip_epochs": 40,
                 "recall_lengths": [10, 30, 60], "recall_examples": 3000, "recall_epochs": 10,
                 "recall_units": 32, "char_hidden": 64, "char_steps": 25,
                 "char_iterations": 600, "sample_every": 150},
    },
    "04": {
        "fast": {"demo_batch": 3, "demo_steps": 7, "demo_features": 5, "demo_units": 4,
                 "peephole_length": 15, "peephole_examples": 256, "peephole_units": 8,
                 "peephole_epochs": 2, "char_steps": 40, "char_stride": 4, "char_units": 16,
                 "char_epochs": 2, "heatmap_units": 12},
        "full": {"demo_batch": 3, "demo_steps": 7, "demo_features": 5, "demo_units": 4,
                 "peephole_length": 30, "peephole_examples": 2000, "peephole_units": 16,
                 "peephole_epochs": 8, "char_steps": 40, "char_stride": 2, "char_units": 64,
                 "char_epochs": 25, "heatmap_units": 12},
    },
    "05": {
        "fast": {"train_examples": 300, "validation_examples": 100, "test_examples": 300,
                 "sequence_length": 20, "embedding_dim": 16, "units": 16, "bow_units": 16,
                 "epochs": 2, "patience": 2, "batch_size": 64,
                 "cells": ["SimpleRNN", "LSTM", "GRU"], "intent_examples": 120,
                 "intent_epochs": 1, "imdb_reviews": 500, "imdb_length": 100,
                 "imdb_words": 5000, "imdb_epochs": 1},
        "full": {"train_examples": 3000, "validation_examples": 750, "test_examples": 1000,
                 "sequence_length": 20, "embedding_dim": 16, "units": 32, "bow_units": 16,
                 "epochs": 25, "patience": 5, "batch_size": 64,
                 "cells": ["SimpleRNN", "LSTM", "GRU"], "intent_examples": 800,
                 "intent_epochs": 10, "imdb_reviews": 5000, "imdb_length": 150,
                 "imdb_words": 10000, "imdb_epochs": 4},
    },
    "06": {
        "fast": {"length": 12, "lookahead": 3, "vocabulary": 10, "tag_vocabulary": 9,
                 "train_examples": 256, "test_examples": 256, "units": 16, "epochs": 2,
                 "look_epochs": 2, "batch_size": 64, "pyramid_steps": 128, "pyramid_depth": 4,
                 "pyramid_units": 16, "pyramid_examples": 64, "pyramid_epochs": 1,
                 "timing_batch": 64, "timing_repeats": 5},
        "full": {"length": 12, "lookahead": 3, "vocabulary": 10, "tag_vocabulary": 9,
                 "train_examples": 2000, "test_examples": 1000, "units": 32, "epochs": 8,
                 "look_epochs": 14, "batch_size": 64, "pyramid_steps": 128, "pyramid_depth": 4,
                 "pyramid_units": 16, "pyramid_examples": 1024, "pyramid_epochs": 6,
                 "timing_batch": 256, "timing_repeats": 10},
    },
    "07": {
        "fast": {"train_examples": 2000, "test_examples": 300, "units": 64,
                 "embedding_dim": 32, "epochs": 1, "batch_size": 128, "learning_rate": 0.003,
                 "beam_width": 3, "length_bins": [6, 12, 18, 24, 30, 56]},
        "full": {"train_examples": 20000, "test_examples": 2000, "units": 128,
                 "embedding_dim": 32, "epochs": 3, "batch_size": 128, "learning_rate": 0.003,
                 "beam_width": 3, "length_bins": [6, 12, 18, 24, 30, 56]},
    },
    "08": {
        "fast": {"train_examples": 512, "test_examples": 256, "epochs": 1, "units": 32,
                 "batch_size": 64, "learning_rate": 0.005, "score": "additive",
                 "length_bins": [6, 10, 14, 18, 22, 30, 40, 56], "long_input": 30,
                 "viewer_examples": 12},
        "full": {"train_examples": 8000, "test_examples": 2000, "epochs": 5, "units": 64,
                 "batch_size": 64, "learning_rate": 0.005, "score": "additive",
                 "length_bins": [6, 10, 14, 18, 22, 30, 40, 56], "long_input": 30,
                 "viewer_examples": 40},
    },
    "09": {
        "fast": {"frames": 10, "frame_size": 24, "train_clips": 192, "test_clips": 96,
                 "single_epochs": 1, "crnn_epochs": 1, "convlstm_epochs": 1,
                 "batch_size": 32, "probe_clips": 900, "sequence_train": 256,
                 "sequence_test": 128, "sequence_epochs": 1, "animation_clips": 6},
        "full": {"frames": 10, "frame_size": 24, "train_clips": 2400, "test_clips": 600,
                 "single_epochs": 5, "crnn_epochs": 6, "convlstm_epochs": 3,
                 "batch_size": 32, "probe_clips": 3000, "sequence_train": 6000,
                 "sequence_test": 500, "sequence_epochs": 15, "animation_clips": 6},
    },
}


class ConfigError(ValueError):
    """A run-configuration value (mode, seed, notebook id) is not usable."""


def get_mode() -> str:
    """Return the run mode, ``"fast"`` or ``"full"``, read from ``RNNCOURSE_MODE``.

    Unset means ``"full"``: a learner gets real results by default, CI opts into speed.
    """
    mode = os.environ.get(MODE_ENV, DEFAULT_MODE).strip().lower() or DEFAULT_MODE
    if mode not in MODES:
        raise ConfigError(
            f"{MODE_ENV}={mode!r} is not a run mode. Use one of {MODES}, e.g. "
            f"`export {MODE_ENV}=fast` for a quick check or unset it for full results."
        )
    return mode


def is_fast() -> bool:
    """True when the course runs in fast (CI) mode."""
    return get_mode() == "fast"


def get_seed(default: int = DEFAULT_SEED) -> int:
    """Return the seed from ``RNNCOURSE_SEED``, or ``default`` when it is unset."""
    raw = os.environ.get(SEED_ENV, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{SEED_ENV}={raw!r} is not an integer. Set it to a whole number, e.g. "
            f"`export {SEED_ENV}=7`, or unset it to use {default}."
        ) from None


def seed_everything(seed: int | None = None, deterministic: bool = True) -> int:
    """Seed Python, NumPy and TensorFlow in one call and return the seed used.

    Args:
        seed: The seed; ``None`` reads ``RNNCOURSE_SEED`` (default 42).
        deterministic: Also ask TensorFlow for deterministic kernels, so that two runs
            with the same seed give the same numbers (slightly slower on GPU).
    """
    seed = get_seed() if seed is None else int(seed)
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import keras
        import tensorflow as tf
    except ImportError:  # NumPy-only use of the package stays possible.
        return seed
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return seed


@dataclass(frozen=True)
class RunSettings(Mapping):
    """The sizes one notebook uses in the current mode, readable as ``run.epochs``.

    Attributes:
        notebook: The notebook id, e.g. ``"01"``.
        mode: ``"fast"`` or ``"full"``.
        seed: The seed everything was seeded with.
        values: The per-notebook sizes (epochs, sample counts, ...).
    """

    notebook: str
    mode: str
    seed: int
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        raise AttributeError(
            f"Notebook {self.notebook} has no run setting {name!r}; known settings: "
            f"{sorted(values)}. Add it to NOTEBOOK_SETTINGS in rnncourse/config.py."
        )

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def fast(self) -> bool:
        """True in fast (CI) mode."""
        return self.mode == "fast"


def notebook_settings(notebook: str, mode: str | None = None) -> dict[str, Any]:
    """Return a copy of the sizes for ``notebook`` (e.g. ``"01"``) in ``mode``."""
    mode = get_mode() if mode is None else mode
    if mode not in MODES:
        raise ConfigError(f"Unknown mode {mode!r}; use one of {MODES}.")
    if notebook not in NOTEBOOK_SETTINGS:
        raise ConfigError(
            f"No run settings for notebook {notebook!r}; known notebooks: "
            f"{sorted(NOTEBOOK_SETTINGS)}. Add an entry to NOTEBOOK_SETTINGS."
        )
    return dict(NOTEBOOK_SETTINGS[notebook][mode])


def environment_report() -> dict[str, str]:
    """Collect the versions and hardware facts the setup banner prints."""
    report = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import keras
        import tensorflow as tf

        report["tensorflow"] = tf.__version__
        report["keras"] = keras.__version__
        gpus = tf.config.list_physical_devices("GPU")
        report["gpu"] = ", ".join(gpu.name for gpu in gpus) if gpus else "none (CPU only)"
    except ImportError:
        report["tensorflow"] = "not installed"
        report["gpu"] = "unknown"
    return report


def start_notebook(notebook: str, seed: int | None = None) -> RunSettings:
    """Set up a notebook: seed everything, print the banner, return its settings.

    Args:
        notebook: The notebook id, e.g. ``"01"``.
        seed: Override the seed (default: ``RNNCOURSE_SEED`` or 42).

    Returns:
        The notebook's :class:`RunSettings` for the current mode.
    """
    mode = get_mode()
    values = notebook_settings(notebook, mode)
    used_seed = seed_everything(seed)
    report = environment_report()
    print(f"rnncourse notebook {notebook} | mode: {mode} | seed: {used_seed}")
    print(" | ".join(f"{key} {value}" for key, value in report.items() if key != "gpu"))
    print(f"GPU: {report['gpu']}")
    if mode == "fast":
        print("Fast mode: tiny data and few epochs, so numbers are rough. "
              f"Unset {MODE_ENV} (or set it to 'full') for real results.")
    return RunSettings(notebook=notebook, mode=mode, seed=used_seed, values=values)
