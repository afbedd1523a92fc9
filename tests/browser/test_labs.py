"""A lab's student version in a real browser, and the learner's check command in its terminal.

Picks up whatever student labs exist (``notebooks/labs/<lab>.ipynb``, written by the lab
system's ``make labs``): ``stock_forecasting``, or the one named by ``RNNCOURSE_BROWSER_LAB``. In
JupyterLab (headless Chromium) the test

* runs all cells of the untouched student version: no stderr box anywhere; every cell up to
  the first task the learner must write runs cleanly, and the only error allowed is that
  task's "not done yet" (``NotImplementedError`` from its solution or test cell); widgets are
  shown once; answers in ``<details>`` open on click;
* opens a terminal (File > New > Terminal) and runs ``make check-lab LAB=<lab>``, as the
  lab tells the learner to: the report must list the public tests and their points, and the
  points must add up to those of the notebook's public test cells.
"""

from __future__ import annotations

import json
import os
import re
import time

import labchecks as checks
import labdriver as lab
import nbformat
import pytest
from labserver import REPO

LAB_ENV = "RNNCOURSE_BROWSER_LAB"
# The lab tested unless RNNCOURSE_BROWSER_LAB names another (the first lab when it is gone).
DEFAULT_LAB = "stock_forecasting"
NOT_DONE = ("NotImplementedError",)


def student_labs() -> list:
    return sorted((REPO / "notebooks" / "labs").glob("*.ipynb"))


def chosen_labs() -> list:
    """The student lab to test, as a parameter; a skipped one (with the reason) when none exists.

    Decided when the tests are collected, so a run without labs starts no server for them.
    """
    asked = os.environ.get(LAB_ENV, "").strip()
    if asked.endswith(".ipynb"):  # a student version elsewhere in the repository (a trial)
        return [REPO / asked]
    labs = student_labs()
    if asked:
        matching = [path for path in labs if path.stem == asked]
        if not matching:
            raise pytest.UsageError(f"{LAB_ENV}={asked}: there is no notebooks/labs/{asked}.ipynb;"
                                    f" there are {[path.stem for path in labs]}")
        return matching
    if not labs:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason="no student lab exists yet: notebooks/labs/<lab>.ipynb is written by the lab "
                   "system (`make labs`)"))]
    return [path for path in labs if path.stem == DEFAULT_LAB] or labs[:1]


def nbgrader_marks(path) -> list[dict]:
    """The nbgrader metadata of every cell of a notebook ({} where a cell has none)."""
    notebook = nbformat.read(path, as_version=4)
    return [dict(cell.metadata.get("nbgrader", {})) for cell in notebook.cells]


def public_test_points(marks: list[dict]) -> float:
    """Points of the graded test cells (graded and not a solution) of the student version."""
    return sum(float(mark.get("points", 0)) for mark in marks
               if mark.get("grade") and not mark.get("solution"))


def not_done_yet(marks: list[dict]):
    """Whether a cell's error is an unwritten task: NotImplementedError raised in a solution
    cell, or in a task's test cell that calls the learner's still unwritten function."""

    def check(cell: lab.Cell) -> bool:
        mark = marks[cell.index] if cell.index < len(marks) else {}
        return bool(mark.get("solution") or mark.get("grade")) and all(
            error.split(":")[0] in NOT_DONE for error in cell.errors())

    return check


def check_command(notebook) -> str:
    """What the learner types: ``make check-lab LAB=<lab>`` (for a copy elsewhere, NOTEBOOK=)."""
    command = f"make check-lab LAB={notebook.stem}"
    if notebook.parent != REPO / "notebooks" / "labs":
        command += f" NOTEBOOK={notebook.relative_to(REPO)}"
    return command


TERMINAL_TEXT = """() => {
  const terminal = document.querySelector('.jp-Terminal');
  if (!terminal) return '';
  const tree = terminal.querySelector('.xterm-accessibility-tree');
  const rows = terminal.querySelector('.xterm-rows');
  return ((tree && tree.innerText) || (rows && rows.innerText) || '');
}"""


def run_in_terminal(page, command: str, done: str, timeout_s: float) -> str:
    """File > New > Terminal, type ``command`` and Enter; wait until the regex ``done`` shows."""
    page.evaluate("() => window.jupyterapp.commands.execute('terminal:create-new')"
                  ".then(() => true)")
    terminal = page.locator(".jp-Terminal .xterm")
    terminal.wait_for(timeout=60_000)
    page.wait_for_function(f"() => ({TERMINAL_TEXT})().trim().length > 0", timeout=60_000)
    terminal.click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => new RegExp({json.dumps(done)}).test(({TERMINAL_TEXT})())",
                           timeout=timeout_s * 1000, polling=500)
    return page.evaluate(TERMINAL_TEXT)


@pytest.mark.parametrize("notebook", chosen_labs(),
                         ids=lambda path: path.stem if path is not None else "none")
def test_student_lab_and_its_check_in_jupyterlab(notebook, notebook_runs, lab_server,
                                                 reports_dir):
    name, path = notebook.stem, str(notebook.relative_to(REPO))
    marks = nbgrader_marks(notebook)
    record = {"notebook": path, "controls moved": [], "screenshots": [], "seconds": {}}
    started = time.monotonic()
    page = None
    try:
        opened = notebook_runs.take(path)  # opened and running since the session's start
        page = opened.page
        run = lab.run_all_cells(page, path, timeout_s=600, started=opened.started)
        record["seconds"]["run all cells (side by side with the lessons)"] = round(run.seconds, 1)
        problems = checks.run_problems(run, may_fail=not_done_yet(marks))
        problems += checks.widget_problems(run, require_widget=False)
        if any(cell.panels for cell in run.code_cells):
            problems += checks.exercise_widgets(page, f"lab-{name}", reports_dir, record)
        if page.locator(".jp-Notebook .jp-MarkdownOutput details").count():
            problems += lab.open_answers(page)
        record["screenshots"].append(str(lab.save_screenshot(
            page, reports_dir, f"lab-{name}-after-run-all").relative_to(REPO)))
        lab_server.shutdown_kernels(path)

        checked = time.monotonic()
        report_file = reports_dir / f"lab-{name}-check.txt"
        marker = "check-lab exit status:"  # the typed line holds "$?", the output a number
        text = run_in_terminal(
            page, f"{check_command(notebook)} > {report_file.relative_to(REPO)} 2>&1; "
                  f"echo \"{marker}$?\"; tail -n 25 {report_file.relative_to(REPO)}",
            marker + r"\d", timeout_s=240)
        record["seconds"]["make check-lab in a terminal"] = round(time.monotonic() - checked, 1)
        record["screenshots"].append(str(lab.save_screenshot(
            page, reports_dir, f"lab-{name}-check-lab").relative_to(REPO)))
        report = report_file.read_text()
        status = re.search(rf"{marker}(\d+)", text)
        if not status or status.group(1) != "0":
            problems.append(f"{check_command(notebook)} failed:\n{report[-2000:]}")
        if f"Public tests of {name}" not in report:
            problems.append(f"the check does not name the lab's public tests:\n{report[-2000:]}")
        lines = re.findall(r"^(ok|FAIL)\s+([\d.]+)/([\d.]+)\s+(.+)$", report, re.MULTILINE)
        if not lines:
            problems.append("the check reports no public test")
        total = re.search(r"([\d.]+) of ([\d.]+) points from the public tests", report)
        expected = public_test_points(marks)
        if not total or abs(float(total.group(2)) - expected) > 1e-9:
            problems.append(f"the check's total is not the notebook's {expected:g} public "
                            f"points: {total.group(0) if total else 'no total line'}")
        tests = [mark for mark in marks if mark.get("grade") and not mark.get("solution")]
        if len(lines) != len(tests):
            problems.append(f"the check reports {len(lines)} tests; the notebook has "
                            f"{len(tests)} public test cells")
        if lines and abs(sum(float(line[2]) for line in lines) - expected) > 1e-9:
            problems.append("the points of the reported tests do not add up to the notebook's "
                            f"{expected:g} public points")
        record["public tests reported"] = len(lines)
        record["problems"] = problems
        assert not problems, f"{path} in JupyterLab:\n  " + "\n  ".join(problems)
    except Exception:
        if page is not None:
            lab.save_screenshot(page, reports_dir, f"lab-{name}-FAILED")
        raise
    finally:
        record["seconds"]["checks after the run"] = round(time.monotonic() - started, 1)
        notebook_runs.give_back(path)
        (reports_dir / f"lab-{name}-summary.json").write_text(json.dumps(record, indent=2) + "\n")
