"""The course folder, lab discovery, preflight checks and the learner's check of a lab."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import nbformat
import pytest
from toy_course import TOY, replace_in, toy_notebook

from rnncourse.errors import ConfigError, DatasetNotAvailableError, MissingDependencyError
from rnncourse.labs import course
from rnncourse.labs.check import check_lab, render_check
from rnncourse.labs.generate import generate_labs, render_student_version


def test_the_repository_has_the_two_labs_and_discovery_is_generic(toy_course):
    assert {"stock_forecasting", "text_generation"} <= set(course.lab_ids())
    assert course.lab_ids(toy_course) == [TOY]


def test_a_folder_without_source_is_not_a_course(tmp_path):
    with pytest.raises(DatasetNotAvailableError, match="not an nbgrader course folder"):
        course.course_root(tmp_path)


def test_an_unknown_lab_lists_the_known_ones(toy_course):
    with pytest.raises(KeyError, match="toy_lab"):
        course.source_notebook("stock", toy_course)


def test_nbgrader_is_the_tested_release():
    assert course.require_nbgrader() == course.NBGRADER_VERSION


def test_a_different_nbgrader_release_is_refused(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.8.1")
    with pytest.raises(MissingDependencyError, match="0.9.6"):
        course.require_nbgrader()


def test_the_environment_puts_this_pythons_scripts_first_for_alembic():
    path = course.nbgrader_environment()["PATH"].split(":")
    assert path[0] == str(__import__("pathlib").Path(sys.executable).parent)
    assert shutil.which("alembic", path=":".join(path)), "alembic must be reachable for nbgrader"


def test_loopback_works_here_and_a_broken_one_is_explained(monkeypatch):
    assert course.loopback_problem() is None

    def refuse(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    problem = course.loopback_problem()
    assert "ip link set lo up" in problem and "unreachable" in problem
    with pytest.raises(ConfigError, match="Cannot run notebooks"):
        course.require_loopback()


@pytest.mark.skipif(not shutil.which("unshare") or __import__("os").geteuid() != 0,
                    reason="needs root and unshare to make a network namespace")
def test_inside_unshare_n_the_tools_stop_with_the_fix_instead_of_hanging(tmp_path):
    code = ("from rnncourse.labs.check import execute_notebook\n"
            f"execute_notebook({str(tmp_path / 'x.ipynb')!r})\n")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "x.ipynb")
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=60)
    if "unshare failed" in done.stderr or "Operation not permitted" in done.stderr:
        pytest.skip("this machine does not allow network namespaces")
    assert done.returncode != 0 and "ip link set lo up" in done.stderr


def test_generate_writes_student_versions_without_instructor_text(toy_course, tmp_path):
    [path] = generate_labs(root=toy_course, target=tmp_path, verbose=False)
    text = path.read_text()
    assert path.name == f"{TOY}.ipynb"
    assert "BEGIN SOLUTION" not in text and "double(-3)" not in text
    assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
    assert (toy_course / "release" / TOY / f"{TOY}.ipynb").is_file()


def test_generation_is_deterministic(toy_course, toy_student_version):
    from rnncourse.labs.generate import same_notebook

    assert same_notebook(render_student_version(TOY, root=toy_course), toy_student_version)


def test_check_runs_the_public_tests_of_a_copy_without_changing_it(toy_course, tmp_path):
    from toy_course import submit

    path = submit(tmp_path, "me", TOY, replace_in(toy_notebook(), "toy_answer", "answer = 42",
                                                  "answer = 4.2"))
    before = path.read_text()
    report = check_lab(TOY, notebook=path, root=toy_course, timeout=30, verbose=False)
    assert path.read_text() == before
    assert [(cell.grade_id, cell.status) for cell in report.tests] == [
        ("toy_double_tests", "passed"), ("toy_answer_tests", "failed")]
    assert (report.score, report.max_score) == (2, 3)
    text = render_check(report)
    assert "FAIL 0/1  Task 2: the answer" in text and "answer should be a whole number" in text


def test_check_of_an_unknown_lab_or_a_missing_copy_is_a_clear_error(toy_course, tmp_path):
    with pytest.raises(ValueError, match="no lab 'nope'"):
        check_lab("nope", root=toy_course)
    with pytest.raises(ValueError, match="no notebook"):
        check_lab(TOY, notebook=tmp_path / "missing.ipynb", root=toy_course)


def test_the_command_line_reports_errors_in_one_line(capsys):
    from rnncourse.labs.__main__ import main

    assert main(["check", "no_such_lab"]) == 1
    assert "error: There is no lab 'no_such_lab'" in capsys.readouterr().err


def test_a_failed_nbgrader_run_is_summed_up_without_the_code_it_quotes():
    log = ("[AutogradeApp | ERROR] Timeout waiting for execute reply (45s).\n"
           "    nbclient.exceptions.CellTimeoutError: A cell timed out. The message was: x\n"
           "    Here is a preview of the cell contents:\n    assert hidden == 3\n"
           "[AutogradeApp | ERROR] Please see the the above traceback for details\n")
    summary = course.NbgraderRun(1, log).last_error()
    assert summary == "nbclient.exceptions.CellTimeoutError: A cell timed out"
    assert course.NbgraderRun(1, "[App | ERROR] disk full\n").last_error() == \
        "[App | ERROR] disk full"
