"""What a learner does in JupyterLab, as Playwright steps, and what they would see, as data.

Opening a notebook and running all its cells go through JupyterLab's own commands (the ones
its menus call; the test server exposes the app as ``window.jupyterapp``). Everything the
learner touches afterwards is a real mouse or keyboard event on the rendered page: sliders
are dragged, menus picked, answers clicked.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STDERR_MIME = "application/vnd.jupyter.stderr"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# Calls that put a widget on screen (rnncourse.visuals): each such cell must show one panel.
WIDGET_CALLS = re.compile(r"\b(interactive_plot|gate_explorer|alignment_viewer)\(")

FIND_PANEL = """(path) => {
  const app = window.jupyterapp;
  const panel = Array.from(app.shell.widgets('main')).find(
      w => w.context && w.context.path === path && w.content && w.content.widgets);
  if (!panel) return false;
  window.__panel = panel;
  return true;
}"""

KERNEL_READY = """() => {
  const p = window.__panel;
  const kernel = p && p.sessionContext.session && p.sessionContext.session.kernel;
  return !!(p && p.context.isReady && kernel && kernel.status === 'idle'
            && kernel.connectionStatus === 'connected' && p.content.widgets.length > 0);
}"""

RUN_ALL = """() => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__panel.id);
  window.__runResult = undefined;
  app.commands.execute('notebook:run-all-cells').then(
      r => { window.__runResult = String(r); },
      e => { window.__runResult = 'failed: ' + e; });
}"""

RUN_FINISHED = """() => {
  const p = window.__panel;
  if (window.__runResult === undefined) return false;
  const kernel = p.sessionContext.session.kernel;
  const pending = Array.from(p.node.querySelectorAll('.jp-InputPrompt'))
      .some(prompt => prompt.textContent.includes('*'));
  return kernel.status === 'idle' && !pending;
}"""

RUN_STATE = """() => {
  const p = window.__panel;
  const cells = p.content.widgets.map((cell, index) => ({index, cell}))
      .filter(({cell}) => cell.model.type === 'code');
  return {
    code: cells.length,
    ran: cells.filter(({cell}) => cell.model.executionCount !== null).length,
    pending: cells.filter(({cell}) => cell.node.querySelector('.jp-InputPrompt')
        .textContent.includes('*')).map(({index}) => index),
    kernel: p.sessionContext.session.kernel.status,
  };
}"""

# Each cell as the learner's notebook model holds it: source, execution count, outputs (with
# the data reduced to its MIME types and the text that matters), and what its DOM shows.
CELLS = """() => {
  const p = window.__panel;
  return p.content.widgets.map((cell, index) => {
    const model = cell.model;
    const outputs = model.type === 'code' ? model.outputs.toJSON().map(o => ({
        output_type: o.output_type, name: o.name || null,
        text: [].concat(o.text || []).join('').slice(0, 2000),
        ename: o.ename || null, evalue: o.evalue || null,
        mimes: Object.keys(o.data || {}),
        model_id: (o.data && o.data['WIDGET_MIME'] && o.data['WIDGET_MIME'].model_id) || null,
    })) : [];
    const node = cell.node;
    const widgetOutputs = Array.from(node.querySelectorAll('.jp-OutputArea-output'))
        .filter(out => out.querySelector('.widget-interact'));
    return {
      index, type: model.type, source: model.sharedModel.getSource(),
      execution_count: model.type === 'code' ? model.executionCount : null,
      outputs,
      panels: node.querySelectorAll('.widget-interact').length,
      widget_views: Array.from(node.querySelectorAll('.jp-OutputArea-output'))
          .filter(out => !out.closest('.jupyter-widgets')
                         && out.querySelector(':scope > .jupyter-widgets')).length,
      stray_images: widgetOutputs.map(out => Array.from(out.querySelectorAll('img'))
          .filter(img => !img.closest('.widget-interact')).length).reduce((a, b) => a + b, 0),
      stderr_boxes: node.querySelectorAll('[data-mime-type="STDERR_MIME"]').length,
      text: node.innerText.slice(0, 20000),
    };
  });
}""".replace("WIDGET_MIME", WIDGET_VIEW_MIME).replace("STDERR_MIME", STDERR_MIME)


@dataclass
class Cell:
    """One cell as the learner sees it after running the notebook."""

    index: int
    type: str
    source: str
    execution_count: int | None
    outputs: list[dict[str, Any]]
    panels: int
    widget_views: int
    stray_images: int
    stderr_boxes: int
    text: str

    def where(self) -> str:
        first = self.source.strip().splitlines()[0][:70] if self.source.strip() else ""
        return f"cell {self.index} ({first!r})"

    @property
    def calls_a_widget(self) -> bool:
        return self.type == "code" and bool(WIDGET_CALLS.search(self.source))

    def errors(self) -> list[str]:
        return [f"{o['ename']}: {o['evalue']}" for o in self.outputs
                if o["output_type"] == "error"]

    def stderr(self) -> list[str]:
        return [o["text"] for o in self.outputs
                if o["output_type"] == "stream" and o["name"] == "stderr"]

    def widget_model_ids(self) -> list[str]:
        return [o["model_id"] for o in self.outputs if o["model_id"]]


@dataclass
class NotebookRun:
    """The result of opening a notebook and running all its cells in the browser."""

    path: str
    seconds: float
    run_result: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def code_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.type == "code"]


def start_opening(page: Any, base_url: str, path: str) -> None:
    """Load JupyterLab with ``path`` (relative to the server root) in a fresh workspace.

    Each notebook gets a workspace of its own, so pages open side by side never share one.
    """
    workspace = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()
    page.goto(f"{base_url}/lab/workspaces/{workspace}/tree/{path}?reset",
              wait_until="domcontentloaded")


def wait_until_open(page: Any, path: str, timeout_s: float = 120) -> None:
    """Wait until the notebook ``path`` is shown in ``page`` and its kernel is idle."""
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=timeout_s * 1000, polling=250)
    page.wait_for_function(FIND_PANEL, arg=path, timeout=timeout_s * 1000, polling=250)
    page.wait_for_function(KERNEL_READY, timeout=timeout_s * 1000, polling=250)


def open_notebook(page: Any, base_url: str, path: str, timeout_s: float = 120) -> None:
    """Open ``path`` (relative to the server root) in a fresh workspace; wait for its kernel."""
    start_opening(page, base_url, path)
    wait_until_open(page, path, timeout_s)


def start_run_all(page: Any) -> float:
    """Run > Run All Cells, without waiting; returns when it started (time.monotonic())."""
    page.evaluate(RUN_ALL)
    return time.monotonic()


def run_all_cells(page: Any, path: str, timeout_s: float = 240,
                  started: float | None = None) -> NotebookRun:
    """Run > Run All Cells, wait until the kernel is idle with nothing queued, read the cells.

    With ``started`` (from :func:`start_run_all`) the run is already under way: only wait,
    ``timeout_s`` counting from its start.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    start = start_run_all(page) if started is None else started
    timeout_s = max(1.0, timeout_s - (time.monotonic() - start))
    try:
        page.wait_for_function(RUN_FINISHED, timeout=timeout_s * 1000, polling=500)
    except PlaywrightTimeout:
        state = page.evaluate(RUN_STATE)
        raise AssertionError(
            f"{path}: Run All Cells had not finished after {time.monotonic() - start:.0f} s: "
            f"{state['ran']} "
            f"of {state['code']} code cells ran, still running or queued: cells "
            f"{state['pending'][:5]} (kernel {state['kernel']})") from None
    seconds = time.monotonic() - start
    run = NotebookRun(path, seconds, page.evaluate("() => window.__runResult"))
    run.cells = [Cell(**cell) for cell in page.evaluate(CELLS)]
    return run


def wait_for_widget_plots(page: Any, timeout_s: float = 60) -> None:
    """Wait until every widget panel on the page shows its plot image."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.jp-Notebook .widget-interact'))
             .every(panel => panel.querySelector('.widget-output img'))""",
        timeout=timeout_s * 1000, polling=250)


def plot_source(panel: Any) -> str:
    """The data URL of the plot a widget panel shows (empty when it shows none)."""
    image = panel.locator(".widget-output img")
    return image.first.get_attribute("src") or "" if image.count() else ""


def wait_for_new_plot(panel: Any, before: str, timeout_s: float = 60) -> str:
    """Wait until the panel's plot differs from ``before``; return the new image source."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = plot_source(panel)
        if now and now != before:
            return now
        time.sleep(0.2)
    raise AssertionError(f"the plot did not change within {timeout_s:.0f} s")


@dataclass
class Control:
    """One slider or menu of a widget panel."""

    kind: str  # "slider" or "menu"
    name: str
    locator: Any

    def value(self) -> str:
        if self.kind == "menu":
            return self.locator.locator("select").input_value()
        return self.locator.locator(".widget-readout").inner_text().strip()


def controls_of(panel: Any) -> list[Control]:
    """The sliders and menus of a panel, in the order they are drawn."""
    found = []
    for box in panel.locator(".widget-slider, .widget-dropdown").all():
        classes = box.get_attribute("class") or ""
        name = box.locator(".widget-label").first.inner_text().strip()
        found.append(Control("menu" if "widget-dropdown" in classes else "slider", name, box))
    return found


def move(page: Any, control: Control) -> None:
    """Move a control the way a learner does: drag a slider's handle, pick another menu item."""
    if control.kind == "menu":
        select = control.locator.locator("select")
        count, current = select.evaluate("s => [s.options.length, s.selectedIndex]")
        select.select_option(index=(current + 1) % count)  # the next item, as picked by hand
        return
    handle = control.locator.locator(".noUi-handle").first
    track = control.locator.locator(".noUi-target").first
    handle.scroll_into_view_if_needed()
    box, rail = handle.bounding_box(), track.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A quarter of the track to the right, or to the left when the handle is past the middle.
    step = rail["width"] / 4 * (1 if x < rail["x"] + rail["width"] / 2 else -1)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + step / 2, y, steps=5)
    page.mouse.move(x + step, y, steps=5)
    page.mouse.up()


LABELS_CUT = """(panel) => {
  const cut = [];
  for (const label of panel.querySelectorAll('.widget-label')) {
    if (label.scrollWidth > label.clientWidth + 1) cut.push('name ' + label.textContent);
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const select of panel.querySelectorAll('select')) {
    const style = getComputedStyle(select);
    canvas.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
    for (const option of select.options) {
      const need = canvas.measureText(option.text).width;
      const text = option.text.replace(/\u00a0/g, ' ');
      if (need > room + 1) cut.push(`option ${text} (${need.toFixed(0)} px of text, `
                                    + `${room.toFixed(0)} px of room)`);
    }
  }
  return cut;
}"""


def cut_labels(panel: Any) -> list[str]:
    """Control names or menu options too wide for the room they get (cut or ellipsised)."""
    return panel.evaluate(LABELS_CUT)


def open_answers(page: Any, limit: int = 12) -> list[str]:
    """Click up to ``limit`` knowledge-check answers (<details><summary>); return problems."""
    problems = []
    details = page.locator(".jp-Notebook .jp-MarkdownOutput details")
    count = details.count()
    if count == 0:
        return ["no <details> answer is rendered"]
    for index in range(min(count, limit)):
        block = details.nth(index)
        summary = block.locator("summary").first
        if block.evaluate("d => d.open"):
            problems.append(f"answer {index} is open before any click")
            continue
        summary.scroll_into_view_if_needed()
        closed_height = block.evaluate("d => d.getBoundingClientRect().height")
        summary.click()
        opened = block.evaluate("d => d.open")
        grown = block.evaluate("d => d.getBoundingClientRect().height") > closed_height
        if not (opened and grown):
            problems.append(f"answer {index} ({summary.inner_text()[:60]!r}) did not open")
    return problems


def save_screenshot(target: Any, folder: Path, name: str) -> Path:
    """Screenshot a page or an element into ``folder`` (the CI artifact folder)."""
    path = folder / f"{name}.png"
    target.screenshot(path=str(path))
    return path
