"""Grading a real lab end to end in fast mode, as CI does: the submissions and the checks.

A :class:`Scenario` names, for one lab, two known-wrong edits of the instructor version and
the cell that gets an endless loop. :func:`grade_scenario` builds the submissions and grades
them with ``rnncourse.labs.grade.grade_submissions`` (what ``make grade`` runs) in two calls:

* one call with the instructor version (full marks), the untouched student version (zero)
  and the two wrong submissions (partial marks, the mistake named); the first also lacks a
  test cell and the second holds a copied one, both to be reported by name;
* one call with a short limit per cell for the endless loop. It is put in the untouched
  student version with only task 1 answered, so this run trains nothing: the loop must be
  stopped, named, and the cells after it still run and graded.

:func:`scenario_failures` runs every check and returns what failed, so that a test item grades
a lab once (with ``pytest -n``, tests of one lab spread over several workers would otherwise
grade it once per worker).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat
from toy_course import cell_index, replace_in, submit

from rnncourse.labs.cells import secret_lines
from rnncourse.labs.course import source_notebook, student_notebook
from rnncourse.labs.feedback import LabReport
from rnncourse.labs.grade import grade_submissions

LOOP_TIMEOUT = 60  # seconds; the loop run trains nothing, so only the loop comes near this
# It sleeps, to spare the CI machine's two cores; test_lab_toy_grading stops a busy loop.
ENDLESS_LOOP = "import time\n\nwhile True:  # an endless loop\n    time.sleep(0.05)\n\n\n"


@dataclass(frozen=True)
class Wrong:
    """A known-wrong submission: one edit to the instructor version, plus a damaged cell."""

    cell: str
    old: str
    new: str
    lost: float  # the points the mistake must cost
    message: str  # what the feedback must say
    delete: str | None = None  # a graded cell to delete
    copy: str | None = None  # a graded cell to copy (its copy goes after the next test cell)


@dataclass(frozen=True)
class Scenario:
    lab: str
    wrong: tuple[Wrong, Wrong]
    answered: str  # the solution cell filled in, from the instructor version, in the loop run
    answered_tests: str  # the test cell that answer must pass
    loop_cell: str  # the cell that gets the endless loop in the loop run
    timeout: float | None = None  # the limit per cell of the main run (None: make grade's)


@dataclass
class Graded:
    scenario: Scenario
    source: nbformat.NotebookNode
    reports: dict[str, LabReport]
    feedback: dict[str, str]


def _next_test_index(notebook, after: int) -> int:
    for index in range(after + 1, len(notebook.cells)):
        meta = notebook.cells[index].metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("locked"):
            return index
    return len(notebook.cells) - 1


def wrong_submission(source, wrong: Wrong) -> nbformat.NotebookNode:
    """The instructor version with ``wrong``'s edit, deleted cell and copied cell."""
    notebook = replace_in(source, wrong.cell, wrong.old, wrong.new)
    if wrong.delete:
        del notebook.cells[cell_index(notebook, wrong.delete)]
    if wrong.copy:
        original = cell_index(notebook, wrong.copy)
        duplicate = copy.deepcopy(notebook.cells[original])
        duplicate["id"] = "copied00"
        notebook.cells.insert(_next_test_index(notebook, original) + 1, duplicate)
    return notebook


def loop_submission(scenario: Scenario, source, student) -> nbformat.NotebookNode:
    """The student version with one task answered and an endless loop in ``loop_cell``."""
    notebook = copy.deepcopy(student)
    answer = source.cells[cell_index(source, scenario.answered)].source
    notebook.cells[cell_index(notebook, scenario.answered)].source = answer
    cell = notebook.cells[cell_index(notebook, scenario.loop_cell)]
    cell.source = ENDLESS_LOOP + cell.source
    return notebook


def _feedback(grades: Path, lab: str, reports: list[LabReport]) -> dict[str, str]:
    return {report.student: (grades.parent / "feedback" / report.student / f"{lab}.md")
            .read_text(encoding="utf-8") for report in reports}


def grade_scenario(scenario: Scenario, folder: Path) -> Graded:
    """Grade the scenario's five submissions in ``folder`` (two grading runs)."""
    lab = scenario.lab
    source = nbformat.read(source_notebook(lab), as_version=4)
    student = nbformat.read(student_notebook(lab), as_version=4)
    main = folder / "submissions"
    submit(main, "instructor", lab, source)
    submit(main, "untouched", lab, student)
    for number, wrong in enumerate(scenario.wrong, start=1):
        submit(main, f"wrong{number}", lab, wrong_submission(source, wrong))
    grades = folder / "grades.csv"
    reports = grade_submissions(main, grades=grades, mode="fast", timeout=scenario.timeout,
                                labs=[lab])
    looping = folder / "loop"
    submit(looping / "submissions", "loop", lab, loop_submission(scenario, source, student))
    loop_grades = looping / "grades.csv"
    loop_reports = grade_submissions(looping / "submissions", grades=loop_grades, mode="fast",
                                     timeout=LOOP_TIMEOUT, labs=[lab])
    return Graded(scenario, source, {r.student: r for r in reports + loop_reports},
                  {**_feedback(grades, lab, reports), **_feedback(loop_grades, lab, loop_reports)})


def check_edits_apply(scenario: Scenario) -> None:
    """The scenario's edits and cells exist in the lab's current instructor version."""
    source = nbformat.read(source_notebook(scenario.lab), as_version=4)
    for wrong in scenario.wrong:
        assert wrong.old in source.cells[cell_index(source, wrong.cell)].source, wrong
        for name in (wrong.delete, wrong.copy):
            if name:
                cell_index(source, name)
    for name in (scenario.answered, scenario.answered_tests, scenario.loop_cell):
        cell_index(source, name)


def instructor_version_gets_full_marks(graded: Graded) -> None:
    report = graded.reports["instructor"]
    assert report.max_score > 0 and report.score == report.max_score, graded.feedback["instructor"]
    assert not report.problems, report.problems  # nothing wrong with the file itself


def untouched_student_version_scores_zero(graded: Graded) -> None:
    report = graded.reports["untouched"]
    assert report.score == 0, graded.feedback["untouched"]
    assert not report.problems, report.problems  # handed back as handed out: no false alarm
    assert report.tests and all(cell.status != "passed" for cell in report.tests)


def known_wrong_submissions_get_partial_marks_naming_the_mistake(graded: Graded) -> None:
    for number, wrong in enumerate(graded.scenario.wrong, start=1):
        report, text = graded.reports[f"wrong{number}"], graded.feedback[f"wrong{number}"]
        assert 0 < report.score == report.max_score - wrong.lost, text
        assert wrong.message in text, f"wrong{number}: {wrong.message!r} not in\n{text}"


def deleted_and_copied_cells_are_reported_by_name(graded: Graded) -> None:
    deleted = graded.scenario.wrong[0].delete
    copied = graded.scenario.wrong[1].copy
    first, second = graded.feedback["wrong1"], graded.feedback["wrong2"]
    assert f"`{deleted}`" in first and "was missing" in first, first
    assert f"`{copied}`" in second and "appears 2 times" in second, second


def an_endless_loop_is_stopped_named_and_the_rest_still_graded(graded: Graded) -> None:
    scenario, report = graded.scenario, graded.reports["loop"]
    text = graded.feedback["loop"]
    stopped = [cell.grade_id for cell in report.cells if cell.status == "timeout"]
    assert stopped == [scenario.loop_cell], text
    assert f"stopped after {LOOP_TIMEOUT} s" in text, text
    results = {cell.grade_id: cell for cell in report.tests}
    answered = results[scenario.answered_tests]
    assert answered.status == "passed", text
    assert report.score == answered.max_points, text
    loop_at = [cell.grade_id for cell in report.cells].index(scenario.loop_cell)
    after = [cell for cell in report.cells[loop_at + 1:] if cell.kind == "test"]
    assert after and all(cell.status not in ("passed", "timeout") for cell in after), text


def feedback_shows_no_hidden_test_code(graded: Graded) -> None:
    secrets = secret_lines(graded.source)
    assert secrets
    for student, text in graded.feedback.items():
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{student}'s feedback quotes {leaked[:3]}"
        assert "Traceback" not in text and "BEGIN HIDDEN" not in text, student


CHECKS = (instructor_version_gets_full_marks, untouched_student_version_scores_zero,
          known_wrong_submissions_get_partial_marks_naming_the_mistake,
          deleted_and_copied_cells_are_reported_by_name,
          an_endless_loop_is_stopped_named_and_the_rest_still_graded,
          feedback_shows_no_hidden_test_code)


def scenario_failures(graded: Graded) -> list[str]:
    """The name and message of every check in :data:`CHECKS` that fails."""
    failures = []
    for check in CHECKS:
        try:
            check(graded)
        except (AssertionError, KeyError) as error:
            failures.append(f"{check.__name__}: {type(error).__name__}: {error}")
    return failures
