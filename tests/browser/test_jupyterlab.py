"""The course in a real browser: JupyterLab in headless Chromium, as a learner uses it.

For each lesson with widgets (03, 04 and 08 by default; ``RNNCOURSE_BROWSER_LESSONS=all``
takes every lesson that shows one, or give numbers: ``01,05``, any lesson), the test opens
the notebook, runs all cells and checks what the learner sees:

* every code cell ran; no error output and no stderr box, in any cell or widget;
* every widget is rendered exactly once (one panel per cell that makes one, never a second
  copy and never a static duplicate beside it), with its plot, and no control name or menu
  item cut off;
* moving each control (dragging a slider, picking another menu item) changes the plot;
* the knowledge-check answers (``<details><summary>``) open on click.

For the student version of a lab (``notebooks/labs/<lab>.ipynb``) see ``test_labs.py``.
Screenshots go to ``reports/browser/`` (uploaded by CI), with ``summary.json``: what was
checked and how long each step took. test_untouched.py then checks that no course
notebook was written.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
from pathlib import Path

import labchecks as checks
import labdriver as lab
import pytest
from labserver import REPO, SAVE_PROBE

LESSONS_ENV = "RNNCOURSE_BROWSER_LESSONS"
DEFAULT_LESSONS = ("03", "04", "08")
SUMMARY: dict[str, dict] = {}
# The notebooks run side by side, so each gets longer than it would alone.
RUN_TIMEOUT_S = 600


def widget_lessons() -> list[Path]:
    """Every lesson whose code puts a widget on screen."""
    return [path for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            if lab.WIDGET_CALLS.search(path.read_text())]


def chosen_lessons() -> list[Path]:
    asked = os.environ.get(LESSONS_ENV, "").strip()
    lessons = widget_lessons()
    if asked == "all":
        return lessons
    numbers = [n.strip().zfill(2) for n in asked.split(",") if n.strip()] if asked else \
        list(DEFAULT_LESSONS)
    return [path for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            if path.name[:2] in numbers]


@pytest.mark.parametrize("lesson", chosen_lessons(), ids=lambda path: path.name[:2])
def test_lesson_runs_cleanly_in_jupyterlab(lesson, notebook_runs, reports_dir):
    name, path = lesson.stem, str(lesson.relative_to(REPO))
    record = {"notebook": path, "controls moved": [], "screenshots": [], "seconds": {}}
    SUMMARY[name] = record
    started = time.monotonic()
    page = None
    try:
        opened = notebook_runs.take(path)  # opened and running since the session's start
        page = opened.page
        record["seconds"]["open and start the kernel"] = round(opened.started - opened.opened, 1)
        run = lab.run_all_cells(page, path, timeout_s=RUN_TIMEOUT_S, started=opened.started)
        record["seconds"]["run all cells (side by side with the others)"] = round(run.seconds, 1)
        record["code cells"] = len(run.code_cells)
        record["widgets"] = sum(cell.panels for cell in run.code_cells)
        problems = checks.run_problems(run) + checks.widget_problems(
            run, require_widget=bool(lab.WIDGET_CALLS.search(lesson.read_text())))
        if "Error displaying widget" in page.inner_text(".jp-Notebook"):
            problems.append("a widget failed to display ('Error displaying widget')")
        record["screenshots"].append(str(lab.save_screenshot(
            page, reports_dir, f"{name}-after-run-all").relative_to(REPO)))
        checked = time.monotonic()
        problems += checks.exercise_widgets(page, name, reports_dir, record)
        record["seconds"]["move every control"] = round(time.monotonic() - checked, 1)
        answers = lab.open_answers(page)
        problems += answers
        record["answers opened"] = page.locator(".jp-Notebook details[open]").count()
        last = page.locator(".jp-Notebook details[open]").last
        if last.count():
            record["screenshots"].append(str(lab.save_screenshot(
                last, reports_dir, f"{name}-answer-open").relative_to(REPO)))
        record["problems"] = problems
        assert not problems, f"{path} in JupyterLab:\n  " + "\n  ".join(problems)
    except Exception:
        if page is not None:
            lab.save_screenshot(page, reports_dir, f"{name}-FAILED")
        raise
    finally:
        record["seconds"]["checks after the run"] = round(time.monotonic() - started, 1)
        notebook_runs.give_back(path)
        (reports_dir / "summary.json").write_text(json.dumps(SUMMARY, indent=2) + "\n")


HARNESS_CELLS = [
    "import sys\nprint('a warning a learner should not see', file=sys.stderr)",
    # One panel shown twice (displayed, then returned as the cell's result), with a plot
    # that never changes.
    "import ipywidgets\nimport matplotlib.pyplot as plt\n\n\ndef flat(x):\n"
    "    plt.plot([0, 1], [0, 1])\n    plt.show()\n\n\n"
    "panel = ipywidgets.interactive(flat, x=(0, 5))\ndisplay(panel)\npanel",
    "menu = ipywidgets.interactive(lambda choice: flat(0), choice=['a label far too long "
    "for a menu of the default width, so it is cut off', 'b'])\ndisplay(menu)",
    "raise ValueError('an error a learner should not see')",
]


def test_the_checks_catch_what_a_learner_must_not_see(browser_context, lab_server,
                                                      reports_dir):
    """The checks above, on a notebook made of the defects they look for, must fail."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                               for source in HARNESS_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = reports_dir / "defects.ipynb"
    nbformat.write(notebook, path)
    page = browser_context.new_page()
    try:
        lab.open_notebook(page, lab_server.url, str(path.relative_to(REPO)))
        run = lab.run_all_cells(page, str(path.relative_to(REPO)), timeout_s=60)
        found = checks.run_problems(run) + checks.widget_problems(run)
        record = {"controls moved": [], "screenshots": []}
        found += checks.exercise_widgets(page, "defects", reports_dir, record, timeout_s=3)
        # A save is recorded (the check on the course files relies on it) ...
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')"
                      ".then(() => true)")
        page.wait_for_function("() => !window.__panel.context.model.dirty", timeout=30_000)
    finally:
        page.close()
        lab_server.shutdown_kernels(str(path.relative_to(REPO)))
    expected = {"stderr": "cell 0 .* writes to stderr: 'a warning",
                "error": "cell 3 .* shows an error: ValueError: an error",
                "shown twice": "cell 1 .* shows the same widget 2 times",
                "plot never changes": "moving slider 'x' .* did not change",
                "menu cut off": "option a label far too long .* is cut off"}
    missed = [what for what, pattern in expected.items()
              if not any(re.search(pattern, problem) for problem in found)]
    assert not missed, f"the checks missed: {missed}; they found: {found}"
    assert str(path.relative_to(REPO)) in lab_server.saves()
    # ... and a save into the course is refused (a new file, so nothing is lost if it is not).
    probe = REPO / SAVE_PROBE
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            lab_server.api("PUT", f"/api/contents/{probe.relative_to(REPO)}",
                           {"type": "notebook", "format": "json", "content": notebook})
        assert refused.value.code == 403 and not probe.exists()
    finally:
        probe.unlink(missing_ok=True)
