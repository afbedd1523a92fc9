"""Grading a folder of toy submissions with nbgrader: every awkward case gets a clear report.

One grading run covers the instructor version (full marks), the untouched student version
(zero), a wrong answer only the hidden tests catch, an endless loop, a copied cell, deleted
cells, an edited test, a cell writing to stderr, a file that is not a notebook, a missing
notebook and a folder that is no lab. The toy lab runs in seconds; the real labs are graded
in test_lab_grading.py.
"""

from __future__ import annotations

import copy
import csv

import pytest
from toy_course import TOY, cell_index, replace_in, submit, toy_notebook

from rnncourse.errors import InputError
from rnncourse.labs.grade import find_submissions, grade_submissions

TIMEOUT = 8  # seconds a toy cell may run; the endless loop is stopped after this


@pytest.fixture(scope="module")
def graded(toy_course, toy_student_version, tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    source = toy_notebook()
    submit(folder, "instructor", TOY, source)
    submit(folder, "untouched", TOY, toy_student_version)
    submit(folder, "wrong", TOY, replace_in(source, "toy_double", "return 2 * x",
                                            "return abs(2 * x)"))
    submit(folder, "loop", TOY, replace_in(source, "toy_double", "def double(x):",
                                           "while True:\n    pass\n\n\ndef double(x):"))
    copied = copy.deepcopy(source)
    copied.cells.insert(cell_index(copied, "toy_answer_tests") + 1,
                        copy.deepcopy(copied.cells[cell_index(copied, "toy_double_tests")]))
    submit(folder, "copied", TOY, copied)
    deleted = copy.deepcopy(source)
    del deleted.cells[cell_index(deleted, "toy_double_tests")]
    submit(folder, "deleted", TOY, deleted)
    both = copy.deepcopy(source)  # the learner's code cell and its tests: nbgrader crashes on this
    del both.cells[cell_index(both, "toy_double"):cell_index(both, "toy_double_tests") + 1]
    submit(folder, "deleted_both", TOY, both)
    submit(folder, "edited_test", TOY, replace_in(
        replace_in(source, "toy_answer", "answer = 42", "answer = 41"),
        "toy_answer_tests", "assert isinstance(answer, int)",
        "assert True or isinstance(answer, int)"))
    submit(folder, "noisy", TOY, replace_in(
        source, "toy_double", "return 2 * x", "print('debug', file=sys.stderr)\n    return 2 * x"))
    submit(folder, "garbled", TOY, "{ this is not a notebook")
    (folder / "renamed" / TOY).mkdir(parents=True)
    import nbformat

    nbformat.write(source, folder / "renamed" / TOY / "my_copy.ipynb")
    (folder / "stray" / "not_a_lab").mkdir(parents=True)
    grades = folder.parent / f"{folder.name}-grades.csv"
    reports = grade_submissions(folder, grades=grades, root=toy_course, mode="fast",
                                timeout=TIMEOUT, verbose=True)
    with open(grades, newline="") as handle:
        rows = list(csv.DictReader(handle))
    feedback_dir = grades.parent / "feedback"
    return {"reports": {report.student: report for report in reports}, "rows": rows,
            "feedback": {report.student: (feedback_dir / report.student / f"{TOY}.md").read_text()
                         for report in reports}}


def _score(graded, student):
    report = graded["reports"][student]
    return report.score, report.max_score


def test_the_csv_has_one_row_per_submission_with_the_four_columns(graded):
    rows = graded["rows"]
    assert list(rows[0]) == ["student", "lab", "score", "max"]
    assert {row["student"] for row in rows} == set(graded["reports"])
    assert "stray" not in graded["reports"]
    assert all(row["lab"] == TOY and row["max"] == "3" for row in rows)


def test_the_instructor_version_gets_full_marks_and_the_untouched_one_zero(graded):
    assert _score(graded, "instructor") == (3, 3)
    assert _score(graded, "untouched") == (0, 3)
    assert "not attempted yet" in graded["feedback"]["untouched"]
    assert "`toy_reflection`: left empty" in graded["feedback"]["untouched"]
    assert "`toy_reflection`: 7 words" in graded["feedback"]["instructor"]


def test_a_mistake_only_hidden_tests_catch_costs_points_and_is_named(graded):
    assert _score(graded, "wrong") == (1, 3)
    assert "negative numbers double too" in graded["feedback"]["wrong"]


def test_feedback_never_shows_hidden_test_code_or_instructor_answers(graded):
    for text in graded["feedback"].values():
        assert "double(-3) == -6" not in text
        assert "answer == 42" not in text
        assert "BEGIN HIDDEN" not in text and "secret reasoning" not in text
        assert "Traceback" not in text


def test_an_endless_loop_is_stopped_and_reported_by_cell(graded):
    report = graded["reports"]["loop"]
    assert report.score == 1  # the answer task still ran and passed
    loops = [cell for cell in report.cells if cell.status == "timeout"]
    assert [cell.grade_id for cell in loops] == ["toy_double"]
    assert f"stopped after {TIMEOUT} s" in graded["feedback"]["loop"]


def test_a_copied_cell_is_reported_by_name_and_graded_once(graded):
    assert _score(graded, "copied") == (3, 3)
    assert "`toy_double_tests` (Task 1: doubling) appears 2 times" in graded["feedback"]["copied"]


def test_a_deleted_test_cell_is_put_back_and_runs(graded):
    assert _score(graded, "deleted") == (3, 3)
    assert "`toy_double_tests` (Task 1: doubling) was missing" in graded["feedback"]["deleted"]


def test_deleting_a_solution_and_its_tests_is_graded_not_a_crash(graded):
    assert _score(graded, "deleted_both") == (1, 3)
    text = graded["feedback"]["deleted_both"]
    assert "`toy_double` was missing" in text and "`toy_double_tests`" in text


def test_an_edited_test_is_restored_and_reported(graded):
    assert _score(graded, "edited_test") == (2, 3)  # 41 fails the restored hidden test
    text = graded["feedback"]["edited_test"]
    assert "locked cell `toy_answer_tests` (Task 2: the answer) was edited" in text
    assert "the answer to everything is 42" in text


def test_a_graded_cell_that_writes_to_stderr_is_explained(graded):
    assert _score(graded, "noisy") == (1, 3)
    assert "wrote to stderr" in graded["feedback"]["noisy"]


def test_a_file_that_is_not_a_notebook_scores_zero_with_a_message(graded):
    assert _score(graded, "garbled") == (0, 3)
    assert "not a readable Jupyter notebook" in graded["feedback"]["garbled"]


def test_a_misnamed_notebook_scores_zero_and_says_how_to_fix_it(graded):
    assert _score(graded, "renamed") == (0, 3)
    assert "rename it to toy_lab.ipynb" in graded["feedback"]["renamed"]


def test_an_empty_or_missing_folder_is_a_clear_error(toy_course, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        grade_submissions(tmp_path / "nothing", grades=tmp_path / "g.csv", root=toy_course)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no submissions"):
        grade_submissions(tmp_path / "empty", grades=tmp_path / "g.csv", root=toy_course)
    with pytest.raises(InputError, match="no lab 'nope'"):
        grade_submissions(tmp_path / "empty", grades=tmp_path / "g.csv", root=toy_course,
                          labs=["nope"])


def test_find_submissions_notes_folders_it_cannot_use(tmp_path):
    (tmp_path / "ann" / "toy_lab").mkdir(parents=True)
    (tmp_path / "ann" / "other").mkdir()
    (tmp_path / "bob").mkdir()
    found, notes = find_submissions(tmp_path, ["toy_lab"])
    assert [(s.student, s.lab, s.path) for s in found] == [("ann", "toy_lab", None)]
    assert any("no lab is called 'other'" in note for note in notes)
    assert any("bob" in note and "holds no lab folder" in note for note in notes)
