"""Reading nbgrader's marks in a notebook: grade ids, solution regions, hidden tests, labels.

nbgrader keeps its marks in each cell's ``metadata["nbgrader"]``: a ``grade_id`` (the
cell's name), ``solution`` (the learner writes here), ``grade`` with ``points`` (the cell
earns points), ``locked`` (the learner may not change it). Inside the instructor version,
``### BEGIN SOLUTION`` ... ``### END SOLUTION`` marks what the student version replaces
with a stub, and ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` what it leaves out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "MARKERS",
    "GradedCell",
    "cell_label",
    "duplicate_ids",
    "graded_cells",
    "grade_id",
    "is_graded",
    "is_nbgrader_cell",
    "is_solution",
    "nbgrader_ids",
    "secret_lines",
]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MARK_SCHEME = ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN, *MARK_SCHEME)
"""Every marker nbgrader removes from the student version."""


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str | None:
    """The cell's nbgrader name, or ``None`` for a plain cell."""
    return _meta(cell).get("grade_id")


def is_nbgrader_cell(cell) -> bool:
    """True for cells nbgrader tracks: solution, graded or locked, with a name."""
    meta = _meta(cell)
    return bool(meta.get("grade_id")) and bool(
        meta.get("solution") or meta.get("grade") or meta.get("locked"))


def is_graded(cell) -> bool:
    """True for cells that earn points."""
    return is_nbgrader_cell(cell) and bool(_meta(cell).get("grade"))


def is_solution(cell) -> bool:
    """True for cells the learner writes in."""
    return is_nbgrader_cell(cell) and bool(_meta(cell).get("solution"))


def nbgrader_ids(notebook) -> list[str]:
    """The names of the nbgrader cells, in notebook order (repeats kept)."""
    return [grade_id(cell) for cell in notebook.cells if is_nbgrader_cell(cell)]


def duplicate_ids(notebook) -> dict[str, int]:
    """Names that occur more than once (a copied cell keeps its name), with their counts."""
    return {name: count for name, count in Counter(nbgrader_ids(notebook)).items() if count > 1}


def cell_label(cell) -> str:
    """A reader's name for a graded cell: its first comment line, else its grade id.

    Test cells start with a comment such as ``# Task 2: windows and targets`` that the
    feedback shows; markdown answers use their grade id.
    """
    if cell.get("cell_type") == "code":
        for line in cell.get("source", "").splitlines():
            stripped = line.strip()
            if stripped.startswith("#") and not stripped.startswith("###"):
                label = stripped.lstrip("#").strip()
                if label:
                    return label
            if stripped:
                break
    return grade_id(cell) or "unnamed cell"


@dataclass(frozen=True)
class GradedCell:
    """One cell that earns points."""

    grade_id: str
    label: str
    points: float
    cell_type: str


def graded_cells(notebook) -> list[GradedCell]:
    """Every cell that earns points, with its label and points, in order."""
    return [GradedCell(grade_id=grade_id(cell), label=cell_label(cell),
                       points=float(_meta(cell).get("points", 0) or 0),
                       cell_type=cell.get("cell_type", "code"))
            for cell in notebook.cells if is_graded(cell)]


def _regions(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """Split ``source`` into the lines inside ``begin``/``end`` regions and the rest."""
    inside, outside, depth = [], [], 0
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            depth += 1
            continue
        if stripped.startswith(end):
            depth = max(0, depth - 1)
            continue
        (inside if depth else outside).append(line)
    return inside, outside


def secret_lines(notebook, minimum_length: int = 12) -> set[str]:
    """Lines that only the instructor version may hold: solutions, hidden tests, answers.

    A line counts when it lies inside a solution or hidden-test region (or in a markdown
    answer cell, which the student version replaces whole), is at least
    ``minimum_length`` characters long once stripped, and appears nowhere outside those
    regions in the instructor version (so shared lines such as ``return model`` don't count).
    """
    hidden, public = [], []
    for cell in notebook.cells:
        source = cell.get("source", "")
        if cell.get("cell_type") == "markdown" and is_solution(cell):
            hidden.extend(source.splitlines())
            continue
        solution_inside, rest = _regions(source, BEGIN_SOLUTION, END_SOLUTION)
        hidden_inside, rest = _regions("\n".join(rest), BEGIN_HIDDEN, END_HIDDEN)
        hidden.extend(solution_inside + hidden_inside)
        public.extend(rest)
    shared = {line.strip() for line in public}
    return {line.strip() for line in hidden
            if len(line.strip()) >= minimum_length and line.strip() not in shared}


def has_marker(text: str) -> str | None:
    """The first nbgrader marker found in ``text``, or ``None``."""
    for marker in MARKERS:
        if re.search(re.escape(marker), text):
            return marker
    return None
