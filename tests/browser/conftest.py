"""Fixtures for the browser tests: JupyterLab on the course, and headless Chromium driving it.

These tests run only under ``make test-browser`` (which sets ``RNNCOURSE_BROWSER_TESTS=1``);
a plain ``pytest tests`` does not even import them, so the unit run stays fast and needs
neither Playwright nor a browser. The server and the browser are set up in labserver.py.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from labserver import (
    CHROMIUM_FLAGS,
    ENABLE_ENV,
    REPO,
    REPORTS,
    LabServer,
    chromium_path,
    course_files,
)

ENABLED = os.environ.get(ENABLE_ENV, "") == "1"
if not ENABLED:
    # Not asked for: collect nothing here (no Playwright import, no server, no browser).
    collect_ignore_glob = ["test_*.py"]

# The whole browser run (server, browser, every notebook) must fit this many seconds on a
# 2-core machine; RNNCOURSE_BROWSER_BUDGET=0 turns the check off. On a machine that other work
# already kept busy when the run started (a 1-minute load average above its number of cores,
# as on a shared workstation), the budget grows in proportion, and the summary says so.
BUDGET_ENV = "RNNCOURSE_BROWSER_BUDGET"
STARTED = time.monotonic()
LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
CORES = os.cpu_count() or 1


def _budget() -> float:
    return float(os.environ.get(BUDGET_ENV, "300") or 0)


def allowed_seconds(budget: float, load: float, cores: int) -> float:
    """The budget, scaled by how many times over its cores the machine was already busy."""
    return budget * max(1.0, load / cores)


def _cpu_seconds() -> float:
    """CPU seconds of this run so far: pytest and its finished children (server, kernels)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return float("nan")
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# The lab first: its check command then runs in a terminal while the lessons still run in their
# pages; test_untouched.py last, after every notebook was closed.
ORDER = ("test_labs.py", "test_jupyterlab.py", "test_untouched.py")


def pytest_collection_modifyitems(session, config, items):
    if ENABLED:
        items.sort(key=lambda item: ORDER.index(item.path.name) if item.path.name in ORDER
                   else 1)


def pytest_terminal_summary(terminalreporter):
    if not ENABLED:
        return
    seconds = time.monotonic() - STARTED
    budget = _budget()
    allowed = allowed_seconds(budget, LOAD_AT_START, CORES)
    busy = f" (machine busy at the start: load {LOAD_AT_START:.1f} on {CORES} cores, so " \
           f"{allowed:.0f} s allowed)" if allowed > budget else ""
    verdict = "" if not budget else (" OVER BUDGET" if seconds > allowed else " within budget")
    terminalreporter.write_line(
        f"browser run: {seconds:.0f} s, budget {budget:.0f} s{busy}:{verdict}; "
        f"{_cpu_seconds():.0f} CPU seconds; screenshots and summary in "
        f"{REPORTS.relative_to(REPO)}/")
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "timing.json").write_text(json.dumps(
        {"seconds": round(seconds, 1), "budget_seconds": budget,
         "allowed_seconds": round(allowed, 1), "load_at_start": round(LOAD_AT_START, 2),
         "load_at_end": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
         "cores": CORES, "cpu_seconds": round(_cpu_seconds(), 1)}, indent=2) + "\n")


def pytest_sessionfinish(session, exitstatus):
    budget = _budget()
    over = time.monotonic() - STARTED > allowed_seconds(budget, LOAD_AT_START, CORES)
    if ENABLED and budget and over and session.exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(scope="session")
def course_snapshot() -> dict[str, str]:
    """The course files' checksums before any browser opened them."""
    return course_files()


@pytest.fixture(scope="session")
def lab_server(course_snapshot, tmp_path_factory) -> LabServer:
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context(lab_server, tmp_path_factory):
    """A headless Chromium with a fresh profile, logged in to the test's JupyterLab."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{lab_server.url}/lab?token={lab_server.token}")  # sets the login cookie
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / "browser.json").write_text(json.dumps(
            {"executable": chromium_path(), "user agent": page.evaluate("navigator.userAgent"),
             "flags": CHROMIUM_FLAGS}, indent=2) + "\n")
        page.close()
        yield context
        context.close()


# How many notebooks run side by side (each in its own page and kernel, about 1 GB of memory).
AT_ONCE_ENV = "RNNCOURSE_BROWSER_AT_ONCE"
DEFAULT_AT_ONCE = 4  # the three lessons and the lab


@dataclass
class StartedRun:
    """A notebook opened in its own page, with Run All Cells under way (or its failure)."""

    path: str
    page: Any
    opened: float  # time.monotonic() when the page was opened
    started: float | None = None  # when Run All Cells was started
    error: BaseException | None = None


class NotebookRuns:
    """The notebooks of this session's tests, run side by side, a few at a time.

    A kernel that trains keeps a core busy while another waits for the browser or starts up,
    so overlapping the runs keeps the whole browser run within its budget on two cores. Each
    test takes its notebook (waiting for Run All there), checks it, and gives it back, which
    closes its page, shuts its kernel down and starts the next notebook waiting.
    """

    def __init__(self, context, server: LabServer, paths: list[str], at_once: int) -> None:
        self.context, self.server, self.at_once = context, server, max(1, at_once)
        self.waiting = list(paths)
        self.active: dict[str, StartedRun] = {}

    def _fill(self) -> None:
        from labdriver import start_opening, start_run_all, wait_until_open

        new = []
        while self.waiting and len(self.active) < self.at_once:
            path = self.waiting.pop(0)
            page = self.context.new_page()
            run = self.active[path] = StartedRun(path, page, time.monotonic())
            try:
                start_opening(page, self.server.url, path)
                new.append(run)
            except Exception as error:  # reported by the test that takes this notebook
                run.error = error
        for run in new:
            try:
                wait_until_open(run.page, run.path)
                run.started = start_run_all(run.page)
            except Exception as error:
                run.error = error

    def take(self, path: str) -> StartedRun:
        """The notebook ``path``, opened and running (started now if it was not yet)."""
        if path not in self.active:
            if path in self.waiting:
                self.waiting.remove(path)
            self.waiting.insert(0, path)
            self.at_once = max(self.at_once, len(self.active) + 1)
        self._fill()
        run = self.active[path]
        if run.error is not None:
            raise run.error
        return run

    def give_back(self, path: str) -> None:
        run = self.active.pop(path, None)
        if run is not None:
            run.page.close()
            self.server.shutdown_kernels(path)
        self._fill()

    def close(self) -> None:
        for path in list(self.active):
            self.give_back(path)


def _notebooks_of(items) -> list[str]:
    """The notebooks the collected tests run (their parameters that are notebook paths)."""
    paths = []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        for value in params.values():
            if isinstance(value, Path) and value.suffix == ".ipynb":
                path = str(value.relative_to(REPO))
                if path not in paths:
                    paths.append(path)
    return paths


@pytest.fixture(scope="session")
def notebook_runs(request, browser_context, lab_server) -> NotebookRuns:
    """Every notebook the session's tests check, opened and run side by side."""
    paths = _notebooks_of(request.session.items)
    runs = NotebookRuns(browser_context, lab_server, paths,
                        int(os.environ.get(AT_ONCE_ENV, "") or DEFAULT_AT_ONCE))
    yield runs
    runs.close()


@pytest.fixture(scope="session")
def reports_dir() -> Path:
    REPORTS.mkdir(parents=True, exist_ok=True)
    return REPORTS
