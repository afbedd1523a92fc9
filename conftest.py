"""Per-notebook timing for the nbval run: prints each notebook executed and enforces budgets.

nbval turns every notebook cell into a test item. This plugin adds up the setup, call
and teardown time of a notebook's items (the kernel start is in the first setup), prints
one line per notebook at the end of the run, writes ``reports/notebook_times.json`` and
fails the run when a notebook exceeds its budget for the current mode.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

# Budgets per notebook on a 2-core CPU, kernel start included (see docs/benchmarks.md).
BUDGET_SECONDS = {"fast": 60.0, "full": 600.0}

_seconds: dict[str, float] = defaultdict(float)
_cells: dict[str, int] = defaultdict(int)
_failed: dict[str, int] = defaultdict(int)


def _mode() -> str:
    return os.environ.get("RNNCOURSE_MODE", "full").strip().lower() or "full"


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if not path.endswith(".ipynb"):
        return
    _seconds[path] += report.duration
    if report.when == "call":
        _cells[path] += 1
    if report.failed:
        _failed[path] += 1


def _over_budget() -> list[str]:
    budget = BUDGET_SECONDS.get(_mode(), BUDGET_SECONDS["full"])
    return [path for path, seconds in _seconds.items() if seconds > budget]


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    mode = _mode()
    budget = BUDGET_SECONDS.get(mode, BUDGET_SECONDS["full"])
    terminalreporter.section(f"notebooks executed ({mode} mode, budget {budget:.0f} s each)")
    for path in sorted(_seconds):
        state = "FAILED" if _failed[path] else "ok"
        flag = "  OVER BUDGET" if _seconds[path] > budget else ""
        terminalreporter.write_line(
            f"executed {path}: {_cells[path]} cells, {_seconds[path]:6.1f} s, {state}{flag}")
    reports = Path(__file__).parent / "reports"
    reports.mkdir(exist_ok=True)
    record = {path: {"seconds": round(seconds, 1), "cells": _cells[path],
                     "failed_cells": _failed[path]} for path, seconds in _seconds.items()}
    (reports / f"notebook_times_{mode}.json").write_text(json.dumps(record, indent=2) + "\n")


def pytest_sessionfinish(session, exitstatus):
    if _over_budget() and session.exitstatus == 0:
        session.exitstatus = 1
        print(f"\nNotebooks over the {_mode()}-mode budget: {', '.join(_over_budget())}")
