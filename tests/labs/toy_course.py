"""The toy nbgrader lab of the lab-system tests: two small tasks, no TensorFlow, seconds to run.

The toy lab has what every real lab has (a setup cell, solution cells, test cells with public
and hidden parts and points, a written answer), so grading, feedback and checks can be tested
fast; the real labs are graded end to end in ``test_lab_grading.py``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

TOY = "toy_lab"


def _meta(cell, **values):
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": False,
                                 "schema_version": 3, **values}
    return cell


def toy_notebook() -> nbformat.NotebookNode:
    """The instructor version of the toy lab."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Toy lab\n\nDouble numbers and find the answer."),
        v4.new_code_cell("import sys\n\nimport numpy as np"),
        _meta(v4.new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
            solution=True, grade_id="toy_double"),
        _meta(v4.new_code_cell(
            "# Task 1: doubling\n"
            "assert double(2) == 4, 'double(2) should be 4'\n"
            "### BEGIN HIDDEN TESTS\n"
            "assert double(-3) == -6, 'negative numbers double too: double(-3) is -6'\n"
            "### END HIDDEN TESTS"),
            grade=True, locked=True, points=2, grade_id="toy_double_tests"),
        _meta(v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"),
              solution=True, grade_id="toy_answer"),
        _meta(v4.new_code_cell(
            "# Task 2: the answer\n"
            "assert isinstance(answer, int), 'answer should be a whole number'\n"
            "### BEGIN HIDDEN TESTS\n"
            "assert answer == 42, 'the answer to everything is 42'\n"
            "### END HIDDEN TESTS"),
            grade=True, locked=True, points=1, grade_id="toy_answer_tests"),
        v4.new_markdown_cell("## Reflection\n\nWhy 42?"),
        _meta(v4.new_markdown_cell("Because the instructor's secret reasoning says so."),
              grade=True, solution=True, points=0, grade_id="toy_reflection"),
    ]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"toy{index:04d}"
    return notebook


def replace_in(notebook, grade_id: str, old: str, new: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with ``old`` replaced by ``new`` in the cell ``grade_id``."""
    changed = copy.deepcopy(notebook)
    for cell in changed.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            assert old in cell.source, f"{old!r} is not in {grade_id}"
            cell.source = cell.source.replace(old, new)
            return changed
    raise AssertionError(f"no cell {grade_id}")


def cell_index(notebook, grade_id: str) -> int:
    return next(i for i, cell in enumerate(notebook.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)



def submit(folder: Path, student: str, lab: str, notebook) -> Path:
    """Lay ``notebook`` out as ``<folder>/<student>/<lab>/<lab>.ipynb``."""
    target = folder / student / lab
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{lab}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook)
    else:
        nbformat.write(notebook, path)
    return path
