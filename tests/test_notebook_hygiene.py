"""Conventions every course notebook follows, read from the .ipynb files themselves."""

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FORBIDDEN = {  # Keras 2 leftovers that break or mislead under Keras 3
    "time_major": "Keras 3 RNN layers have no time_major argument",
    ".output_shape": "Keras 3 layers have no output_shape attribute; use model.summary()",
    "tf_keras": "the course uses Keras 3 only",
}


def _cells(path, kind):
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == kind]


def test_there_are_notebooks_numbered_in_order():
    assert NOTEBOOKS, "no notebooks found"
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)), numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_stripped(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has stored outputs"
            assert cell.execution_count is None, f"{path.name}: execution counts are stored"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_the_course_skeleton(path):
    text = "\n".join(cell.source for cell in _cells(path, "markdown")).lower()
    assert text.lstrip().startswith("# "), f"{path.name} should open with its title"
    for heading in ("learning objectives", "exercises", "key takeaways", "knowledge check"):
        assert re.search(rf"^#+ .*{heading}", text, re.MULTILINE), f"{path.name}: no {heading!r}"
    assert "fast mode" in text and "full mode" in text, f"{path.name}: no run-time estimates"
    assert "<details>" in text, f"{path.name}: knowledge-check answers should reveal on click"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_starts_the_notebook(path):
    first = _cells(path, "code")[0].source
    assert f'start_notebook("{path.name[:2]}")' in first, f"{path.name}: first code cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_asks_the_package_for_sizes_and_asserts_claims(path):
    code = "\n".join(cell.source for cell in _cells(path, "code"))
    hard_coded = re.findall(r"\bepochs\s*=\s*\d", code)
    assert not hard_coded, f"{path.name} hard-codes epochs; read them from `run` instead"
    assert re.search(r"\bassert\b|assert_allclose|check_", code), f"{path.name} asserts nothing"
    for needle, why in FORBIDDEN.items():
        assert needle not in code, f"{path.name} uses {needle}: {why}"


def test_readme_lists_every_notebook():
    readme = (REPO / "README.md").read_text()
    for path in NOTEBOOKS:
        assert path.name in readme, f"README.md does not list {path.name}"
