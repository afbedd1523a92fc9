"""A learner's own check of a lab: run their notebook and report each public test.

``make check-lab LAB=<lab>`` calls :func:`check_lab`. It runs a copy of the learner's
notebook (``notebooks/labs/<lab>.ipynb`` unless another path is given) from top to bottom in
a fresh kernel, every cell even after an error, with a time limit per cell, and prints one
line per test cell: the points it would earn and, if it failed, the test's message. The
notebook file itself is never written to. Only the public tests are in the learner's copy;
the instructor's grading adds the hidden ones, so a full score here is necessary, not
sufficient.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import nbformat

from rnncourse.errors import InputError
from rnncourse.labs.course import lab_ids, require_loopback, student_notebook
from rnncourse.labs.feedback import LabReport, cell_results

__all__ = ["check_lab", "execute_notebook", "render_check"]

TIMEOUT_ERROR = {"ename": "CellTimeoutError", "evalue": "",
                 "traceback": ["CellTimeoutError: the cell ran past its time limit"]}


@contextlib.contextmanager
def _environment(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_notebook(path, mode: str = "fast", timeout: float = 300.0) -> nbformat.NotebookNode:
    """Run a copy of the notebook at ``path`` in its own folder and return the executed copy.

    Every cell runs even after an error; a cell that runs past ``timeout`` seconds is
    interrupted and marked with a ``CellTimeoutError``.
    """
    from nbclient import NotebookClient

    require_loopback()
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=int(timeout), kernel_name="python3",
                            allow_errors=True, interrupt_on_timeout=True,
                            error_on_timeout=TIMEOUT_ERROR,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    with _environment(RNNCOURSE_MODE=mode):
        client.execute()
    return notebook


def check_lab(lab: str, notebook=None, mode: str = "fast", timeout: float = 300.0,
              root=None, verbose: bool = True) -> LabReport:
    """Run the public tests of a learner's copy of ``lab`` and report them.

    Args:
        lab: The lab id, e.g. ``"stock_forecasting"``.
        notebook: The learner's notebook (default ``notebooks/labs/<lab>.ipynb``).
        mode: ``fast`` (small data, about a minute) or ``full``.
        timeout: Seconds a cell may run before it is stopped.
        root: The nbgrader course folder (default ``<repository>/labs``).
        verbose: Print the report.
    """
    known = lab_ids(root)
    if lab not in known:
        raise InputError(f"There is no lab {lab!r}; the course has {', '.join(known)}.")
    if mode not in ("fast", "full"):
        raise InputError(f"mode must be 'fast' or 'full'; got {mode!r}.")
    path = Path(notebook) if notebook is not None else student_notebook(lab)
    if not path.is_file():
        raise InputError(f"There is no notebook {path}; pass the path of your copy of {lab}.")
    executed = execute_notebook(path, mode=mode, timeout=timeout)
    report = LabReport(lab=lab, student=str(path), mode=mode)
    report.cells = cell_results(executed, timeout=timeout)
    report.score = sum(cell.points for cell in report.tests)
    report.max_score = sum(cell.max_points for cell in report.tests)
    if verbose:
        print(render_check(report))
    return report


def render_check(report: LabReport) -> str:
    """The check's report as plain text, one line per test cell."""
    lines = [f"Public tests of {report.lab} in {report.student} ({report.mode} mode):", ""]
    for cell in report.tests:
        mark = "ok  " if cell.status == "passed" else "FAIL"
        lines.append(f"{mark} {cell.points:g}/{cell.max_points:g}  {cell.label}")
        if cell.message:
            lines.append(f"          {cell.message}")
    errors = [cell for cell in report.cells if cell.kind in ("solution", "given")]
    for cell in errors:
        lines.append(f"note {cell.label}: {cell.message}")
    lines += ["", f"{report.score:g} of {report.max_score:g} points from the public tests. "
              "Your instructor's grading adds hidden tests, so check the edge cases too."]
    return "\n".join(lines)
