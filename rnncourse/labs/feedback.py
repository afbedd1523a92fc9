"""Feedback from an executed lab notebook: one line per graded cell, hidden-test code never shown.

nbgrader's own HTML feedback prints every test cell *with its source*, hidden tests
included. The course's feedback shows instead, for each graded cell, its label (the comment
on its first line), the points and, when it failed, only the error's name and message,
which the lab's tests write to name the mistake ("your scaler was fitted on the test part
too"). Tracebacks are left out, since they quote the failing lines, and any line of a
message that repeats a line of the cell's code is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rnncourse.labs.cells import cell_label, grade_id, is_graded, is_nbgrader_cell, is_solution

__all__ = ["CellResult", "LabReport", "cell_results", "render_markdown", "score_cell"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class CellResult:
    """What happened in one cell of an executed lab.

    Attributes:
        grade_id: The cell's nbgrader name (``None`` for a plain cell).
        label: A reader's name for it (see :func:`rnncourse.labs.cells.cell_label`).
        kind: ``"test"`` (earns points), ``"answer"`` (a written answer), ``"solution"``
            (the learner's code) or ``"given"`` (code that came with the lab).
        status: ``"passed"``, ``"failed"``, ``"error"``, ``"timeout"``, ``"stderr"``,
            ``"not attempted"``, ``"answered"``, ``"empty"`` or ``"ok"``.
        points, max_points: Points earned and available (tests and answers).
        message: The explanation shown to the learner ("" when there is nothing to say).
    """

    grade_id: str | None
    label: str
    kind: str
    status: str
    points: float = 0.0
    max_points: float = 0.0
    message: str = ""


@dataclass
class LabReport:
    """Everything the feedback for one learner and one lab says."""

    lab: str
    student: str
    cells: list[CellResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    mode: str = "fast"
    note: str = ""

    @property
    def tests(self) -> list[CellResult]:
        return [cell for cell in self.cells if cell.kind == "test"]


def _clean(text: str, source: str) -> str:
    """Drop ANSI colours, and any line that repeats a line of the cell's own code."""
    code = {line.strip() for line in source.splitlines() if len(line.strip()) >= 4}
    kept = [line.rstrip() for line in _ANSI.sub("", text).splitlines()
            if line.strip() and line.strip() not in code]
    message = " ".join(kept).strip()
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT - 3] + "..."


def _error_of(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def _stderr_of(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stderr")


def _explain(ename: str, evalue: str, source: str, timeout: float | None) -> tuple[str, str]:
    """(status, message) for an error raised in a cell."""
    message = _clean(evalue, source)
    if ename == "CellTimeoutError" or (ename == "KeyboardInterrupt" and timeout):
        limit = f"{timeout:g} s" if timeout else "its time limit"
        return "timeout", (f"stopped after {limit} without finishing: an endless loop, or "
                           "far more work than the lab needs. The cells after it still ran.")
    if ename == "NotImplementedError":
        return "not attempted", "not attempted yet: the cell still raises NotImplementedError."
    if ename == "NameError":
        return "error", (f"NameError: {message}. Something this cell uses was never defined: "
                         "did the cell that defines it fail, or was it renamed or deleted?")
    if ename == "AssertionError":
        return "failed", message or "a test failed (it gave no message)."
    return "error", f"{ename}: {message}" if message else ename


def score_cell(cell) -> float:
    """Points a graded code cell earns by nbgrader's rule: none after an error or stderr."""
    points = float(cell.get("metadata", {}).get("nbgrader", {}).get("points", 0) or 0)
    if _error_of(cell) is not None or _stderr_of(cell):
        return 0.0
    return points


def cell_results(notebook, scores: dict[str, float] | None = None,
                 timeout: float | None = None, unchanged_answers: set[str] | None = None
                 ) -> list[CellResult]:
    """Describe every graded cell, and every other cell that failed, of an executed notebook.

    Args:
        notebook: The executed notebook (nbgrader's autograded copy, or one run by
            :mod:`rnncourse.labs.check`).
        scores: Points per grade id from nbgrader's gradebook; ``None`` scores each test
            cell here by nbgrader's rule (:func:`score_cell`).
        timeout: The per-cell time limit the notebook ran under, for the message.
        unchanged_answers: Grade ids of written answers the learner left as the stub.
    """
    results = []
    unchanged_answers = unchanged_answers or set()
    for index, cell in enumerate(notebook.cells):
        source = cell.get("source", "")
        name = grade_id(cell) if is_nbgrader_cell(cell) else None
        error = _error_of(cell) if cell.get("cell_type") == "code" else None
        if is_graded(cell) and cell.get("cell_type") == "markdown":
            empty = name in unchanged_answers or not source.strip() or \
                source.strip() == "YOUR ANSWER HERE"
            words = len(source.split())
            max_points = float(cell.metadata.nbgrader.get("points", 0) or 0)
            earned = (scores or {}).get(name, 0.0) or 0.0
            results.append(CellResult(
                name, name, "answer", "empty" if empty else "answered", earned, max_points,
                "left empty." if empty else f"{words} words; your instructor reads it (it is "
                "not scored automatically)."))
            continue
        if cell.get("cell_type") != "code":
            continue
        if is_graded(cell):
            max_points = float(cell.metadata.nbgrader.get("points", 0) or 0)
            earned = score_cell(cell) if scores is None else float(scores.get(name, 0.0) or 0.0)
            if error is not None:
                status, message = _explain(*error, source, timeout)
            elif _stderr_of(cell):
                status, message = "stderr", (
                    "the checks passed, but the cell wrote to stderr ("
                    f"{_clean(_stderr_of(cell), source)[:200]}), and nbgrader gives such a "
                    "cell no points. A warning printed by your code is the usual cause: fix "
                    "what it warns about.")
            else:
                status, message = ("passed", "") if earned >= max_points else (
                    "failed", "the checks ran without an error but did not earn full points.")
            results.append(CellResult(name, cell_label(cell), "test", status, earned,
                                      max_points, message))
        elif error is not None and (is_solution(cell) or error[0] != "NameError"):
            # (a NameError in the lab's own code only echoes an earlier failure)
            status, message = _explain(*error, source, timeout)
            if not is_solution(cell) and status == "not attempted":
                message = ("stopped because it calls a function that is not written yet "
                           "(NotImplementedError).")
            kind = "solution" if is_solution(cell) else "given"
            label = name if name else f"cell {index + 1} (code given with the lab)"
            results.append(CellResult(name, label, kind, status, 0.0, 0.0, message))
    return results


def _fmt(points: float) -> str:
    return f"{points:g}"


def render_markdown(report: LabReport, public_only: bool = False) -> str:
    """The feedback as Markdown: score, notebook problems, one row per test, errors, answers."""
    lines = [f"# Feedback on {report.lab} for {report.student}", ""]
    kind = "public tests" if public_only else "automatic tests"
    lines.append(f"Score: **{_fmt(report.score)} / {_fmt(report.max_score)}** points from "
                 f"the {kind} (run in {report.mode} mode).")
    if report.note:
        lines += ["", report.note]
    if report.problems:
        lines += ["", "## Problems with the notebook file", ""]
        lines += [f"- {problem}" for problem in report.problems]
    lines += ["", "## Tests", "", "| result | task | points | what the tests found |",
              "| --- | --- | --- | --- |"]
    for cell in report.tests:
        mark = "passed" if cell.status == "passed" else cell.status.upper()
        found = cell.message.replace("|", "\\|") or "all checks passed"
        lines.append(f"| {mark} | {cell.label} | {_fmt(cell.points)} / "
                     f"{_fmt(cell.max_points)} | {found} |")
    own = [cell for cell in report.cells if cell.kind in ("solution", "given")]
    if own:
        lines += ["", "## Cells that raised errors", ""]
        lines += [f"- `{cell.label}`: {cell.message}" for cell in own]
    answers = [cell for cell in report.cells if cell.kind == "answer"]
    if answers:
        lines += ["", "## Written answers", ""]
        lines += [f"- `{cell.label}`: {cell.message}" for cell in answers]
    return "\n".join(lines) + "\n"
