"""Grading a folder of submissions with nbgrader: a score table, a CSV and feedback per learner.

``make grade SUBMISSIONS=<folder>`` calls :func:`grade_submissions`. The folder holds one
sub-folder per learner, and in it one folder per lab::

    <folder>/<student>/<lab>/<lab>.ipynb

Each notebook is graded in a scratch nbgrader course folder (the course's ``labs/`` is
left untouched): the lab is generated there from its source, which records the hidden
tests in the scratch gradebook; the submission is checked and copied in; ``nbgrader
autograde`` restores every locked cell (hidden tests included), runs the notebook in a
fresh kernel with a per-cell time limit, and scores each test cell. Before that, problems
nbgrader would crash on or hide are handled and reported by name:

* a **copied cell** repeats its grade id: all but the last copy lose their nbgrader marks
  (nbgrader keeps the last one too) and the feedback names the cell;
* a **deleted cell** is put back from the student version, so its tests still run;
* an **endless loop** is stopped at the time limit and the feedback says which cell;
* a **changed locked cell** (an edited test) is restored, and the feedback says so;
* a file that is not a notebook scores 0 with a message instead of stopping the run.

The CSV has the columns ``student, lab, score, max``. Feedback goes to
``<feedback>/<student>/<lab>.md`` and never shows hidden-test code
(:mod:`rnncourse.labs.feedback`).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat

from rnncourse.errors import InputError
from rnncourse.labs.cells import cell_label, duplicate_ids, grade_id, is_nbgrader_cell
from rnncourse.labs.course import (
    check_course_config,
    course_root,
    lab_ids,
    nbgrader_environment,
    require_loopback,
    require_nbgrader,
    run_nbgrader,
)
from rnncourse.labs.feedback import LabReport, cell_results, render_markdown

__all__ = ["DEFAULT_TIMEOUT", "Submission", "find_submissions", "grade_submissions",
           "repair_submission", "write_grades"]

DEFAULT_TIMEOUT = {"fast": 300, "full": 900}
"""Seconds one cell may run before the grader stops it, per run mode."""

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.@-]")


@dataclass(frozen=True)
class Submission:
    """One learner's notebook for one lab (``path`` is ``None`` when it is missing)."""

    student: str
    lab: str
    folder: Path
    path: Path | None
    problem: str = ""


def find_submissions(folder, labs: list[str]) -> tuple[list[Submission], list[str]]:
    """Every ``<folder>/<student>/<lab>/`` found, and what in the folder could not be used.

    Args:
        folder: The submissions folder.
        labs: The lab ids the course has.

    Returns:
        ``(submissions, notes)``; a lab folder without ``<lab>.ipynb`` is a submission
        with a ``problem`` (it scores 0), an unknown folder name is a note.
    """
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise InputError(f"The submissions folder {root} does not exist. Lay submissions out as "
                         "<folder>/<student>/<lab>/<lab>.ipynb and pass the folder.")
    submissions, notes = [], []
    for student in sorted(path for path in root.iterdir() if path.is_dir()):
        if student.name.startswith("."):
            continue
        found = False
        for lab_folder in sorted(path for path in student.iterdir() if path.is_dir()):
            if lab_folder.name.startswith("."):
                continue
            if lab_folder.name not in labs:
                notes.append(f"{lab_folder}: no lab is called {lab_folder.name!r} (the course has "
                             f"{', '.join(labs)}); skipped.")
                continue
            found = True
            notebook = lab_folder / f"{lab_folder.name}.ipynb"
            if notebook.is_file():
                submissions.append(Submission(student.name, lab_folder.name, lab_folder, notebook))
                continue
            others = sorted(path.name for path in lab_folder.glob("*.ipynb"))
            problem = (f"no notebook called {notebook.name} in {lab_folder}"
                       + (f" (found {', '.join(others)}: rename it to {notebook.name})"
                          if others else ""))
            submissions.append(Submission(student.name, lab_folder.name, lab_folder, None,
                                          problem))
        if not found:
            notes.append(f"{student}: holds no lab folder ({', '.join(labs)}); skipped.")
    return submissions, notes


def repair_submission(notebook, student_version, instructor_version=None
                      ) -> tuple[nbformat.NotebookNode, list[str]]:
    """Make a submission safe for nbgrader and say what was wrong with it.

    * Copied cells: every repeated grade id keeps its marks on its last copy only.
    * Deleted cells: each graded cell of ``student_version`` that is missing (a test, a
      written answer) is put back after the nearest nbgrader cell before it that is still
      there; a missing cell of the learner's own code is reported only.

    * Changed cells: a locked cell whose code differs from both the student version and
      the instructor version, or a cell whose type or points were changed, is reported
      (nbgrader restores the original when it grades).

    Returns:
        The repaired copy and one sentence per problem, naming the cell.
    """
    notebook = copy.deepcopy(notebook)
    problems = _changed_cells(notebook, student_version, instructor_version)
    labels = {grade_id(cell): cell_label(cell) for cell in student_version.cells
              if is_nbgrader_cell(cell)}
    for name, count in duplicate_ids(notebook).items():
        problems.append(
            f"The cell `{name}` ({labels.get(name, 'not a cell of this lab')}) appears {count} "
            "times: a copied cell keeps the name of the cell it was copied from. Only its last "
            "copy was graded as that cell; delete the other copies.")
        seen_last = False
        for cell in reversed(notebook.cells):
            if is_nbgrader_cell(cell) and grade_id(cell) == name:
                if seen_last:
                    cell.metadata.pop("nbgrader", None)
                seen_last = True
    present = {grade_id(cell) for cell in notebook.cells if is_nbgrader_cell(cell)}
    for position, cell in enumerate(student_version.cells):
        name = grade_id(cell) if is_nbgrader_cell(cell) else None
        if name is None or name in present:
            continue
        if not cell.metadata.nbgrader.get("grade"):
            # A missing cell of the learner's own code: putting the stub back could undo code
            # they moved elsewhere, so it is only reported.
            problems.append(f"The cell `{name}` was missing from the notebook; the tests that "
                            "use what it defines fail unless the code was moved elsewhere.")
            continue
        anchor = None  # the nearest earlier nbgrader cell that is in the submission
        for earlier in reversed(student_version.cells[:position]):
            if is_nbgrader_cell(earlier) and grade_id(earlier) in present:
                anchor = grade_id(earlier)
                break
        index = 0
        if anchor is not None:
            index = 1 + max(i for i, c in enumerate(notebook.cells)
                            if is_nbgrader_cell(c) and grade_id(c) == anchor)
        restored = copy.deepcopy(cell)
        if restored.get("id") in {other.get("id") for other in notebook.cells}:
            restored["id"] = uuid.uuid4().hex[:8]
        notebook.cells.insert(index, restored)
        present.add(name)
        what = ("its tests ran as usual" if cell.metadata.nbgrader.get("locked") else
                "it was graded as left unanswered")
        problems.append(f"The cell `{name}` ({labels.get(name, name)}) was missing from the "
                        f"notebook. It was put back as handed out, and {what}.")
    _unique_cell_ids(notebook)
    return notebook, problems


def _changed_cells(notebook, student_version, instructor_version) -> list[str]:
    """Sentences about locked cells whose code, and cells whose type or points, were changed."""
    originals: dict[str, list] = {}
    for version in (student_version, instructor_version):
        for cell in (version.cells if version is not None else []):
            if is_nbgrader_cell(cell):
                originals.setdefault(grade_id(cell), []).append(cell)
    problems = []
    for cell in notebook.cells:
        name = grade_id(cell) if is_nbgrader_cell(cell) else None
        if name not in originals:
            continue
        first = originals[name][0]
        meta, original_meta = cell.metadata.nbgrader, first.metadata.nbgrader
        if cell.cell_type != first.cell_type:
            problems.append(f"The cell `{name}` was turned from {first.cell_type} into "
                            f"{cell.cell_type}; it was graded as {first.cell_type}.")
        if original_meta.get("grade") and meta.get("points") != original_meta.get("points"):
            problems.append(f"The points of the cell `{name}` were changed; the lab's "
                            f"{original_meta.get('points')} were used.")
        if original_meta.get("locked") and all(
                cell.source.strip() != original.source.strip() for original in originals[name]):
            problems.append(f"The locked cell `{name}` ({cell_label(first)}) was edited; the "
                            "original was restored for grading, so the edit had no effect.")
    return problems


def _unique_cell_ids(notebook) -> None:
    """Give every cell its own id (a copied cell repeats its id, which nbformat rejects)."""
    seen = set()
    for cell in notebook.cells:
        if "id" in cell and cell["id"] in seen:
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell.get("id"))


def _read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    try:
        with open(path, encoding="utf-8") as handle:
            notebook = nbformat.read(handle, as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, nbformat.reader.NotJSONError,
            nbformat.validator.ValidationError, KeyError, TypeError, ValueError) as error:
        return None, (f"{path.name} is not a readable Jupyter notebook ({type(error).__name__}: "
                      f"{str(error)[:200]}). Save the notebook from Jupyter and submit it again.")
    return notebook, ""


class _ScratchCourse:
    """A throwaway nbgrader course folder holding the generated labs and the gradebook."""

    def __init__(self, root: Path, scratch: Path) -> None:
        self.root = root
        self.folder = scratch / "course"
        (self.folder / "source").mkdir(parents=True)
        shutil.copy(root / "nbgrader_config.py", self.folder / "nbgrader_config.py")
        self.generated: dict[str, nbformat.NotebookNode] = {}

    def student_version(self, lab: str) -> nbformat.NotebookNode:
        if lab not in self.generated:
            shutil.copytree(self.root / "source" / lab, self.folder / "source" / lab,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            result = run_nbgrader(["generate_assignment", lab, "--force"], self.folder)
            release = self.folder / "release" / lab / f"{lab}.ipynb"
            if not result.ok or not release.is_file():
                raise InputError(f"nbgrader could not prepare {lab} for grading: "
                                 f"{result.last_error()}")
            self.generated[lab] = nbformat.read(release, as_version=4)
        return self.generated[lab]

    def instructor_version(self, lab: str) -> nbformat.NotebookNode:
        return nbformat.read(self.root / "source" / lab / f"{lab}.ipynb", as_version=4)


def _data_folder(scratch: Path, student_id: str, lab: str) -> Path:
    """A fresh data folder per submission (no training backup carries over), holding links to
    the verified dataset files already cached on this machine."""
    from rnncourse.data import alice, python_texts, stocks  # noqa: F401  (register them)
    from rnncourse.data.registry import REGISTRY, data_dir

    folder = scratch / "data" / f"{student_id}-{lab}"
    folder.mkdir(parents=True, exist_ok=True)
    for info in REGISTRY.values():
        cached = data_dir() / info.filename
        if cached.is_file() and not (folder / info.filename).exists():
            os.symlink(cached, folder / info.filename)
    return folder


def _grade_one(course: _ScratchCourse, submission: Submission, student_id: str, mode: str,
               timeout: float, scratch: Path, log_dir: Path | None = None
               ) -> tuple[LabReport, str]:
    report = LabReport(lab=submission.lab, student=submission.student, mode=mode)
    student_version = course.student_version(submission.lab)
    from rnncourse.labs.cells import graded_cells

    report.max_score = sum(cell.points for cell in graded_cells(student_version))
    if submission.path is None:
        report.problems.append(submission.problem.capitalize() + ".")
        return report, "missing"
    notebook, problem = _read_submission(submission.path)
    if notebook is None:
        report.problems.append(problem)
        return report, "unreadable"
    notebook, problems = repair_submission(notebook, student_version,
                                           course.instructor_version(submission.lab))
    report.problems.extend(problems)
    target = course.folder / "submitted" / student_id / submission.lab
    target.mkdir(parents=True, exist_ok=True)
    for extra in submission.folder.iterdir():  # files the learner handed in with it
        if extra.is_file() and extra.suffix != ".ipynb":
            shutil.copy(extra, target / extra.name)
    nbformat.write(notebook, target / f"{submission.lab}.ipynb")
    environment = nbgrader_environment(
        RNNCOURSE_MODE=mode,
        RNNCOURSE_DATA_DIR=str(_data_folder(scratch, student_id, submission.lab)))
    result = run_nbgrader(["autograde", submission.lab, f"--student={student_id}", "--force",
                           f"--Execute.timeout={int(timeout)}", "--Execute.iopub_timeout=15",
                           "--Execute.raise_on_iopub_timeout=False"],
                          course.folder, environment, timeout=max(900.0, 40 * timeout))
    if log_dir is not None:  # the instructor's copy: it may quote test code, so not feedback
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / f"{submission.student}-{submission.lab}.log").write_text(result.log)
    autograded = course.folder / "autograded" / student_id / submission.lab / \
        f"{submission.lab}.ipynb"
    if not result.ok or not autograded.is_file():
        report.problems.append(f"nbgrader could not grade this notebook ({result.last_error()}); "
                               "your instructor has the grading log.")
        return report, "grading failed"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.folder / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission_notebook(submission.lab, submission.lab, student_id)
        scores = {grade.name: float(grade.score or 0.0) for grade in graded.grades}
        report.score, report.max_score = float(graded.score), float(graded.max_score)
    executed = nbformat.read(autograded, as_version=4)
    unchanged = {grade_id(cell) for cell in notebook.cells
                 if is_nbgrader_cell(cell) and cell.cell_type == "markdown"
                 and cell.source.strip() in ("", "YOUR ANSWER HERE")}
    report.cells = cell_results(executed, scores=scores, timeout=timeout,
                                unchanged_answers=unchanged)
    return report, "graded"


def write_grades(rows: list[dict], path) -> Path:
    """Write the grade rows (``student, lab, score, max``) as CSV and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "lab", "score", "max"])
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row[key] for key in ("student", "lab", "score", "max")})
    return path


def _number(value: float) -> str:
    return f"{value:g}"


def grade_submissions(submissions, grades="reports/grades.csv", feedback=None, root=None,
                      mode: str = "fast", timeout: float | None = None, labs=None,
                      verbose: bool = True) -> list[LabReport]:
    """Autograde every ``<submissions>/<student>/<lab>/<lab>.ipynb`` and write the results.

    Args:
        submissions: The folder of submissions.
        grades: The CSV to write (columns ``student, lab, score, max``).
        feedback: Folder for ``<student>/<lab>.md`` feedback (default: a ``feedback``
            folder beside the CSV).
        root: The nbgrader course folder (default ``<repository>/labs``).
        mode: The run mode the notebooks are graded in (``fast``: the tests check the code
            on small data, in about a minute per notebook; ``full``: full-size training).
        timeout: Seconds a cell may run before it is stopped (default 300 fast, 900 full).
        labs: Grade only these labs.
        verbose: Print the score table.

    Returns:
        One :class:`~rnncourse.labs.feedback.LabReport` per graded notebook.
    """
    if mode not in DEFAULT_TIMEOUT:
        raise InputError(f"mode must be 'fast' or 'full'; got {mode!r}.")
    timeout = float(timeout if timeout is not None else DEFAULT_TIMEOUT[mode])
    if timeout <= 0:
        raise InputError(f"timeout must be a positive number of seconds; got {timeout}.")
    root = course_root(root)
    check_course_config(root)
    require_nbgrader()
    require_loopback()
    known = lab_ids(root)
    chosen = list(labs) if labs else known
    for lab in chosen:
        if lab not in known:
            raise InputError(f"There is no lab {lab!r}; the course has {', '.join(known)}.")
    found, notes = find_submissions(submissions, known)
    found = [submission for submission in found if submission.lab in chosen]
    if not found:
        raise InputError(f"{submissions} holds no submissions in the layout "
                         f"<folder>/<student>/<lab>/<lab>.ipynb (labs: {', '.join(chosen)}).")
    grades_path = Path(grades)
    feedback_dir = Path(feedback) if feedback is not None else grades_path.parent / "feedback"
    reports, rows = [], []
    with tempfile.TemporaryDirectory(prefix="rnncourse-grading-") as scratch_name:
        scratch = Path(scratch_name)
        course = _ScratchCourse(root, scratch)
        for submission in found:
            student_id = _SAFE_ID.sub("_", submission.student) or "student"
            report, state = _grade_one(course, submission, student_id, mode, timeout, scratch,
                                       log_dir=grades_path.parent / "grading-logs")
            reports.append(report)
            rows.append({"student": submission.student, "lab": submission.lab,
                         "score": _number(report.score), "max": _number(report.max_score),
                         "state": state})
            target = feedback_dir / submission.student / f"{submission.lab}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_markdown(report), encoding="utf-8")
            if verbose:
                print(f"graded {submission.student}/{submission.lab}: {_number(report.score)} / "
                      f"{_number(report.max_score)} ({state})", flush=True)
    write_grades(rows, grades_path)
    if verbose:
        _print_table(rows, notes, grades_path, feedback_dir)
    return reports


def _print_table(rows: list[dict], notes: list[str], grades: Path, feedback: Path) -> None:
    width = max(len("student"), *(len(row["student"]) for row in rows))
    lab_width = max(len("lab"), *(len(row["lab"]) for row in rows))
    print()
    print(f"{'student':<{width}}  {'lab':<{lab_width}}  {'score':>6}  {'max':>5}  note")
    for row in rows:
        note = "" if row["state"] == "graded" else row["state"]
        print(f"{row['student']:<{width}}  {row['lab']:<{lab_width}}  {row['score']:>6}  "
              f"{row['max']:>5}  {note}")
    for note in notes:
        print(f"note: {note}")
    print(f"\nGrades written to {grades}; feedback per student in {feedback}/<student>/<lab>.md")
