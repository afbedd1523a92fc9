"""What must hold for a notebook run in the browser, as lists of problems a learner would see.

Each function returns sentences naming the cell and the defect (empty: nothing to fix), so a
failing test lists every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import labdriver as lab
from labserver import REPO

WIDGET_VIEW_MIME = lab.WIDGET_VIEW_MIME


def run_problems(run: lab.NotebookRun,
                 may_fail: Callable[[lab.Cell], bool] | None = None) -> list[str]:
    """Cells that did not run, errors, stderr: what a learner should never see.

    ``may_fail(cell)`` marks a cell whose error is expected (a lab task the learner has not
    written yet); Run All stops there, so the cells after the first such error may not run.
    """
    problems = []
    expected = [cell for cell in run.code_cells
                if cell.errors() and may_fail is not None and may_fail(cell)]
    stop = expected[0].index if expected else len(run.cells)
    if run.run_result != "true" and not expected:
        problems.append(f"Run All Cells did not finish cleanly (result {run.run_result})")
    for cell in run.code_cells:
        if cell.execution_count is None and cell.index < stop:
            problems.append(f"{cell.where()} did not run")
        if cell not in expected:
            problems += [f"{cell.where()} shows an error: {error}" for error in cell.errors()]
        problems += [f"{cell.where()} writes to stderr: {text[:300]!r}"
                     for text in cell.stderr()]
        inside = cell.stderr_boxes - len(cell.stderr()) - len(cell.errors())
        if inside > 0:
            problems.append(f"{cell.where()} shows {inside} stderr or error box(es) inside a "
                            "widget")
    return problems


def widget_problems(run: lab.NotebookRun, require_widget: bool = True) -> list[str]:
    """Each widget shown once, with its static figure saved and no static duplicate beside it.

    With ``require_widget``, a notebook that renders no widget at all is a problem too.
    """
    problems = []
    for cell in run.code_cells:
        ids = cell.widget_model_ids()
        if len(ids) != len(set(ids)):
            problems.append(f"{cell.where()} shows the same widget {len(ids)} times")
        if cell.calls_a_widget and cell.panels != 1:
            problems.append(f"{cell.where()} makes one widget but shows {cell.panels} panels")
        if cell.calls_a_widget and not any(WIDGET_VIEW_MIME in o["mimes"] and "image/png" in
                                           o["mimes"] for o in cell.outputs):
            problems.append(f"{cell.where()} leaves no static figure for a saved notebook")
        if cell.widget_views != len(ids):
            problems.append(f"{cell.where()} renders {cell.widget_views} of its {len(ids)} "
                            "widget outputs")
        if cell.stray_images:
            problems.append(f"{cell.where()} shows {cell.stray_images} static plot(s) beside "
                            "its widget")
    if require_widget and not any(cell.panels for cell in run.code_cells):
        problems.append("no widget was rendered (static fallback in a live kernel?)")
    return problems


def exercise_widgets(page, name: str, reports: Path, record: dict,
                     timeout_s: float = 30) -> list[str]:
    """Move every control of every panel; each move must redraw the plot."""
    problems = []
    lab.wait_for_widget_plots(page)
    panels = page.locator(".jp-Notebook .widget-interact")
    for number in range(panels.count()):
        panel = panels.nth(number)
        panel.scroll_into_view_if_needed()
        shots = [lab.save_screenshot(panel, reports, f"{name}-widget{number}-start")]
        problems += [f"widget {number}: {cut} is cut off" for cut in lab.cut_labels(panel)]
        for control in lab.controls_of(panel):
            before, start_value = lab.plot_source(panel), control.value()
            lab.move(page, control)
            try:
                lab.wait_for_new_plot(panel, before, timeout_s=timeout_s)
            except AssertionError as error:
                problems.append(f"widget {number}: moving {control.kind} {control.name!r} "
                                f"from {start_value} to {control.value()}: {error}")
                continue
            record["controls moved"].append(
                f"widget {number} {control.kind} {control.name}: {start_value} -> "
                f"{control.value()}")
            label = re.sub(r"\W+", "_", control.name)
            shots.append(lab.save_screenshot(panel, reports, f"{name}-widget{number}-{label}"))
        if panel.locator(f'[data-mime-type="{lab.STDERR_MIME}"]').count():
            problems.append(f"widget {number} shows an error or stderr after moving")
        record["screenshots"] += [str(shot.relative_to(REPO)) for shot in shots]
    return problems
