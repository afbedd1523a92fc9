"""Run configuration: the run mode, per-notebook sizes, seeding and the setup banner.

Every notebook starts with ``run = start_notebook("01")``. That one call

* reads the run mode from ``RNNCOURSE_MODE`` (``fast`` for CI, ``full`` for learners),
* seeds Python, NumPy and TensorFlow and turns on deterministic TensorFlow ops
  (``RNNCOURSE_SEED`` overrides the seed),
* prints the mode, library versions and whether a GPU is visible, and
* returns the notebook's sizes (epochs, sample counts, ...) for that mode.

Notebooks never hard-code epochs or data sizes: they read them from the returned
:class:`RunSettings`, whose values live in ``notebook_settings.toml`` beside this module.
"""

from __future__ import annotations

import os
import platform
import random
import re
import threading
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rnncourse.errors import ConfigError, UnknownSettingError
from rnncourse.validation import as_seed

MODES = ("fast", "full")
DEFAULT_MODE = "full"
DEFAULT_SEED = 42

MODE_ENV = "RNNCOURSE_MODE"
SEED_ENV = "RNNCOURSE_SEED"

SETTINGS_PATH = Path(__file__).with_name("notebook_settings.toml")
"""Where the sizes of every notebook live: full mode in full, fast mode as overrides."""


def _load_notebook_settings(path: Path = SETTINGS_PATH) -> dict[str, dict[str, dict[str, Any]]]:
    """Read the settings file; fast mode is full mode with the fast overrides applied."""
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    settings = {}
    for notebook, modes in table.items():
        unknown = set(modes.get("fast", {})) - set(modes["full"])
        if unknown:
            raise ConfigError(f"{path}: notebook {notebook}'s fast mode sets {sorted(unknown)}, "
                              "which its full mode lacks; every setting needs a full value.")
        settings[notebook] = {"full": dict(modes["full"]),
                              "fast": {**modes["full"], **modes.get("fast", {})}}
    return settings


NOTEBOOK_SETTINGS: dict[str, dict[str, dict[str, Any]]] = _load_notebook_settings()
"""``{notebook: {"fast": sizes, "full": sizes}}``, read from ``notebook_settings.toml``."""


# --------------------------------------------------------------------------- quiet TensorFlow

# TensorFlow's C++ core writes log lines straight to file descriptor 2 ("I0000 00:00:... port.cc
# oneDNN custom operations are on", "E0000 ... failed call to cuInit", NodeDef notices). In a
# notebook they become red stderr boxes, and nbgrader gives a graded cell that writes to stderr
# no points. They carry nothing a learner can act on, so the course drops them.
_NATIVE_LOG_LINE = re.compile(
    rb"^(?:[IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+ \S+:\d+\]|WARNING: All log messages before "
    rb"absl::InitializeLog|To enable the following instructions:)")
_quiet = threading.Lock()
_filter_installed = False


def _in_ipython_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _filter_native_stderr() -> None:
    """Route file descriptor 2 through a thread that drops TensorFlow's C++ log lines.

    Used only inside a Jupyter kernel, where Python's own ``sys.stderr`` does not write to
    file descriptor 2, so nothing but native code passes through the filter.
    """
    global _filter_installed
    with _quiet:
        if _filter_installed:
            return
        read_end, write_end = os.pipe()
        forward_to = os.dup(2)
        os.dup2(write_end, 2)
        os.close(write_end)
        _filter_installed = True

    def pump() -> None:
        pending = b""
        while True:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = [line + b"\n" for line in lines if not _NATIVE_LOG_LINE.match(line)]
            if pending and not _NATIVE_LOG_LINE.match(pending) and len(pending) > 40:
                kept.append(pending)  # a partial line that is not a log line: pass it on now
                pending = b""
            if kept:
                os.write(forward_to, b"".join(kept))

    threading.Thread(target=pump, name="rnncourse-stderr-filter", daemon=True).start()


def quiet_tensorflow() -> None:
    """Silence TensorFlow's start-up and C++ log chatter before TensorFlow is imported.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` (unless the user chose a level), drops the native log
    lines TensorFlow prints regardless of it (inside a notebook kernel), and hides the
    Python-side retracing notices and deprecation warnings that are not the learner's to
    fix. ``import rnncourse`` calls it, so every notebook's first cell does.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if _in_ipython_kernel():
        _filter_native_stderr()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r".*input_shape.*input_dim.*", category=UserWarning)
    import logging

    for name in ("tensorflow", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


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
        seed = int(raw)
    except ValueError:
        raise ConfigError(
            f"{SEED_ENV}={raw!r} is not a whole number. Set it to one, e.g. "
            f"`export {SEED_ENV}=7`, or unset it to use {default}."
        ) from None
    if not 0 <= seed < 2**32:
        raise ConfigError(f"{SEED_ENV}={raw!r} is out of range: NumPy and TensorFlow take seeds "
                          f"from 0 to 2**32 - 1. Use e.g. `export {SEED_ENV}=7`, or unset it "
                          f"to use {default}.")
    return seed


def seed_everything(seed: int | None = None, deterministic: bool = True) -> int:
    """Seed Python, NumPy and TensorFlow in one call and return the seed used.

    Args:
        seed: The seed; ``None`` reads ``RNNCOURSE_SEED`` (default 42).
        deterministic: Also ask TensorFlow for deterministic kernels, so that two runs
            with the same seed give the same numbers (slightly slower on GPU).
    """
    seed = get_seed() if seed is None else as_seed("seed", seed)
    if seed >= 2**32:
        raise ConfigError(f"seed must be below 2**32 (NumPy's limit); got {seed}.")
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
        raise UnknownSettingError(
            f"Notebook {self.notebook} has no run setting {name!r}; known settings: "
            f"{sorted(values)}. Add it to rnncourse/notebook_settings.toml."
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
    if not isinstance(notebook, str):
        raise ConfigError(f"The notebook id is a string such as '03'; got {notebook!r}.")
    if mode not in MODES:
        raise ConfigError(f"Unknown mode {mode!r}; use one of {MODES}.")
    if notebook not in NOTEBOOK_SETTINGS:
        raise ConfigError(
            f"No run settings for notebook {notebook!r}; known notebooks: "
            f"{sorted(NOTEBOOK_SETTINGS)}. Add an entry to rnncourse/notebook_settings.toml."
        )
    return dict(NOTEBOOK_SETTINGS[notebook][mode])


def environment_report() -> dict[str, str]:
    """Collect the versions and hardware facts the setup banner prints."""
    report = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # retracing notices are not the learner's to fix
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
