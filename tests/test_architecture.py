"""The package's layers, checked: each folder imports only from the layers below it.

The rules (docs/architecture.md draws them):

* ``errors`` and ``validation`` are the floor: they import nothing else of the package.
* ``data`` sits above them and imports no other layer (no models, scratch, visuals,
  exercises or labs, and not ``training``).
* ``scratch`` (NumPy from scratch) may use ``data`` but imports neither TensorFlow nor
  Keras, nor any layer above it.
* ``models`` may use ``data``, ``scratch`` and ``training``, never ``visuals``.
* ``visuals`` may use everything below; nothing but ``exercises`` and ``labs`` sits above.
* No module outside ``exercises`` and ``labs`` imports them, and ``exercises`` never
  imports ``labs``.

Every import counts, including those inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnncourse"

# layer -> the package parts it must not import
FORBIDDEN: dict[str, set[str]] = {
    "errors": {"config", "training", "validation", "data", "scratch", "models", "visuals",
               "exercises", "labs"},
    "validation": {"config", "training", "data", "scratch", "models", "visuals", "exercises",
                   "labs"},
    "config": {"training", "data", "scratch", "models", "visuals", "exercises", "labs"},
    "data": {"training", "scratch", "models", "visuals", "exercises", "labs"},
    "scratch": {"training", "models", "visuals", "exercises", "labs"},
    "training": {"scratch", "models", "visuals", "exercises", "labs"},
    "models": {"visuals", "exercises", "labs"},
    "visuals": {"exercises", "labs"},
    "exercises": {"labs"},
    "labs": set(),
}
NO_DEEP_LEARNING = {"scratch", "errors", "validation"}  # layers that never import TF/Keras


def layer_of(path: Path) -> str:
    """``rnncourse/scratch/lstm.py`` -> ``"scratch"``; ``rnncourse/config.py`` -> ``"config"``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if parts[0] != "__init__" else "__init__"


def imported_modules(source: str) -> set[str]:
    """Every module an ``import`` or ``from ... import`` names, wherever it stands."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "rnncourse":  # from rnncourse import data
                names.update(f"rnncourse.{alias.name}" for alias in node.names)
    return names


def violations(layer: str, source: str) -> list[str]:
    """The imports of one module that break its layer's rules."""
    found = []
    for module in sorted(imported_modules(source)):
        parts = module.split(".")
        if parts[0] == "rnncourse" and len(parts) > 1 and parts[1] in FORBIDDEN.get(layer, ()):
            found.append(f"{layer} imports {module}")
        if layer in NO_DEEP_LEARNING and parts[0] in ("tensorflow", "keras", "tf_keras"):
            found.append(f"{layer} imports {module}")
    return found


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_its_layer(path):
    assert violations(layer_of(path), path.read_text()) == []


@pytest.mark.parametrize("layer, source", [
    ("scratch", "def f():\n    import tensorflow as tf\n"),
    ("scratch", "from keras import ops\n"),
    ("data", "from rnncourse.models.seq2seq import greedy_decode\n"),
    ("data", "from rnncourse import visuals\n"),
    ("models", "def draw():\n    from rnncourse.visuals.heatmaps import plot_gate_heatmap\n"),
    ("visuals", "import rnncourse.exercises.checking\n"),
    ("exercises", "from rnncourse.labs import grading\n"),
])
def test_the_rules_catch_a_violation(layer, source):
    """The checker is not vacuous: each kind of forbidden import is reported."""
    assert violations(layer, source)


def test_every_folder_has_rules():
    layers = {layer_of(path) for path in package_modules()} - {"__init__"}
    assert layers <= set(FORBIDDEN), layers - set(FORBIDDEN)


def test_few_modules_sit_directly_in_the_package():
    top_level = [path.name for path in PACKAGE.glob("*.py")]
    assert len(top_level) <= 6, top_level


def test_importing_the_numpy_layer_loads_no_deep_learning_framework():
    """At run time too: every scratch module imports without TensorFlow or Keras."""
    modules = sorted(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
                     for path in (PACKAGE / "scratch").glob("*.py"))
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "loaded = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
            "assert not loaded, loaded\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
