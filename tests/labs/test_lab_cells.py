"""nbgrader's marks read from notebooks, the repair of damaged submissions, and the feedback."""

from __future__ import annotations

import copy

import nbformat
from toy_course import cell_index, toy_notebook

from rnncourse.labs.cells import (
    cell_label,
    duplicate_ids,
    graded_cells,
    has_marker,
    nbgrader_ids,
    secret_lines,
)
from rnncourse.labs.feedback import LabReport, cell_results, render_markdown, score_cell
from rnncourse.labs.grade import repair_submission


def test_graded_cells_have_labels_and_points():
    cells = graded_cells(toy_notebook())
    assert [(c.grade_id, c.label, c.points) for c in cells] == [
        ("toy_double_tests", "Task 1: doubling", 2.0),
        ("toy_answer_tests", "Task 2: the answer", 1.0),
        ("toy_reflection", "toy_reflection", 0.0)]


def test_cell_label_skips_markers_and_falls_back_to_the_grade_id():
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1")
    cell.metadata["nbgrader"] = {"grade_id": "named", "solution": True}
    assert cell_label(cell) == "named"


def test_secret_lines_are_solutions_hidden_tests_and_answers_only():
    secrets = secret_lines(toy_notebook())
    assert "assert double(-3) == -6, 'negative numbers double too: double(-3) is -6'" in secrets
    assert "Because the instructor's secret reasoning says so." in secrets
    assert "return 2 * x" in secrets
    assert "answer = 42" not in secrets  # too short to be telling
    assert not any("double(2) == 4" in line for line in secrets)  # the public test


def test_markers_are_found():
    assert has_marker("x\n### BEGIN HIDDEN TESTS\n") == "### BEGIN HIDDEN TESTS"
    assert has_marker("nothing to hide") is None


def test_duplicates_are_counted():
    notebook = toy_notebook()
    notebook.cells.append(copy.deepcopy(notebook.cells[cell_index(notebook, "toy_answer")]))
    assert duplicate_ids(notebook) == {"toy_answer": 2}


def test_repair_keeps_the_last_copy_and_puts_deleted_tests_back():
    student = toy_notebook()
    submission = copy.deepcopy(student)
    copied = copy.deepcopy(submission.cells[cell_index(submission, "toy_answer")])
    del submission.cells[cell_index(submission, "toy_double_tests")]
    submission.cells.append(copied)
    repaired, problems = repair_submission(submission, student)
    assert nbgrader_ids(repaired).count("toy_answer") == 1
    assert nbgrader_ids(repaired)[-1] == "toy_answer"  # the last copy keeps its marks
    assert nbgrader_ids(repaired).index("toy_double_tests") == \
        nbgrader_ids(repaired).index("toy_double") + 1
    assert any("`toy_answer`" in p and "appears 2 times" in p for p in problems)
    assert any("`toy_double_tests` (Task 1: doubling) was missing" in p for p in problems)
    assert len({cell.get("id") for cell in repaired.cells}) == len(repaired.cells)
    assert nbgrader_ids(submission).count("toy_answer") == 2  # the input is not changed


def test_repair_reports_an_edited_locked_cell_but_not_the_instructor_version():
    student = toy_notebook()
    edited = copy.deepcopy(student)
    edited.cells[cell_index(edited, "toy_answer_tests")].source += "\nassert True"
    _, problems = repair_submission(edited, student)
    assert any("locked cell `toy_answer_tests`" in p for p in problems)
    _, none = repair_submission(student, student, student)
    assert none == []


def _executed(outputs, **nbgrader):
    cell = nbformat.v4.new_code_cell("# Task 9: something\nassert secret_value == 3, 'msg'")
    cell.metadata["nbgrader"] = {"grade": True, "locked": True, "solution": False,
                                 "points": 2, "grade_id": "t9", **nbgrader}
    cell.outputs = [nbformat.from_dict(output) for output in outputs]
    return nbformat.v4.new_notebook(cells=[cell])


def test_feedback_keeps_the_message_and_drops_the_code():
    notebook = _executed([{"output_type": "error", "ename": "AssertionError",
                           "evalue": "your targets are shifted",
                           "traceback": ["assert secret_value == 3, 'msg'"]}])
    [result] = cell_results(notebook)
    assert (result.status, result.points, result.message) == \
        ("failed", 0.0, "your targets are shifted")
    text = render_markdown(LabReport("lab", "ann", cells=[result], max_score=2))
    assert "shifted" in text and "secret_value" not in text


def test_a_message_repeating_hidden_code_is_cleaned():
    notebook = _executed([{"output_type": "error", "ename": "ValueError",
                           "evalue": "\x1b[31mbad\x1b[0m\nassert secret_value == 3, 'msg'",
                           "traceback": []}])
    [result] = cell_results(notebook)
    assert result.message == "ValueError: bad"


def test_stderr_costs_the_points_and_is_explained():
    notebook = _executed([{"output_type": "stream", "name": "stderr", "text": "Warning!\n"}])
    assert score_cell(notebook.cells[0]) == 0
    [result] = cell_results(notebook)
    assert result.status == "stderr" and "Warning!" in result.message


def test_a_clean_test_cell_earns_its_points():
    notebook = _executed([{"output_type": "stream", "name": "stdout", "text": "fine\n"}])
    [result] = cell_results(notebook)
    assert (result.status, result.points, result.max_points) == ("passed", 2.0, 2.0)


def test_timeouts_and_stubs_get_their_own_words():
    timeout = _executed([{"output_type": "error", "ename": "CellTimeoutError", "evalue": "",
                          "traceback": []}])
    assert "stopped after 30 s" in cell_results(timeout, timeout=30)[0].message
    stub = _executed([{"output_type": "error", "ename": "NotImplementedError", "evalue": "",
                       "traceback": []}])
    assert cell_results(stub)[0].status == "not attempted"
