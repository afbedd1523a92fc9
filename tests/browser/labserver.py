"""A JupyterLab server of the browser tests' own, and the Chromium that drives it.

The server is started the way a learner starts it, in fast mode, but with folders of its own
(settings, workspaces, runtime, config, data cache) so nothing of the user's setup leaks in
and nothing of the test leaks out; autosave is off, and :func:`course_files` lets the tests
check that the course's notebooks are byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "reports" / "browser"
ENABLE_ENV = "RNNCOURSE_BROWSER_TESTS"
CHROMIUM_ENV = "RNNCOURSE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_NAMES = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")

# JupyterLab settings a test run needs: never write a notebook, render every cell (so the
# whole notebook can be inspected), and never reach the network for news or updates.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
        "autosave": False, "confirmClosingDocument": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
    # The terminal's text in the DOM (its screen-reader rows), not only on a canvas.
    "@jupyterlab/terminal-extension/plugin.jupyterlab-settings": {"screenReaderMode": True},
}
# The extension manager lists packages from PyPI: off, the run is offline.
PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/extensionmanager-extension": True}}

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
]


def course_files() -> dict[str, str]:
    """SHA-256 of every file of the course (lessons, student labs, lab sources), by path."""
    files = [path for root in (REPO / "notebooks", REPO / "labs" / "source")
             for path in sorted(root.rglob("*")) if path.is_file()]
    return {str(path.relative_to(REPO)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in files}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_settings(folder: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


# Every save the server is asked for is recorded, and a save of a course file is refused:
# the browser tests never write the course (autosave is off as well).
SERVER_CONFIG = '''
from tornado.web import HTTPError

def record_and_refuse_course_saves(model, path, contents_manager, **kwargs):
    with open(SAVES_LOG, "a", encoding="utf-8") as log:
        log.write(path + "\\n")
    if path.strip("/").split("/")[0] in ("notebooks", "labs"):
        raise HTTPError(403, "the browser tests never save a course file")

c.FileContentsManager.pre_save_hook = record_and_refuse_course_saves

# Each notebook's kernel gets a data folder of its own: the notebooks run side by side, and
# two kernels must not write the same cached result at once (one learner runs them in turn).
import os
import re

from jupyter_server.services.sessions.sessionmanager import SessionManager


class OwnDataFolderSessions(SessionManager):
    def get_kernel_env(self, path, name=None):
        env = super().get_kernel_env(path, name)
        folder = re.sub(r"[^A-Za-z0-9]+", "-", env.get("JPY_SESSION_NAME") or str(path))
        env["RNNCOURSE_DATA_DIR"] = os.path.join(DATA_ROOT, folder.strip("-")[-80:])
        return env


c.ServerApp.session_manager_class = OwnDataFolderSessions
'''
# The one course path a test asks the server to save, to see the save refused.
SAVE_PROBE = "notebooks/_browser_test_save_probe.ipynb"
# The outer `make test-browser` must not leak into the learner's terminal.
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MAKE_TERMOUT",
                  "MAKE_TERMERR")


class LabServer:
    """A JupyterLab server process on a free localhost port, with a token."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = REPORTS / "jupyterlab.log"
        self.saves_log = home / "saves.log"
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        folders = {name: self.home / name for name in
                   ("settings", "workspaces", "runtime", "config", "data", "cache",
                    "checkpoints")}
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        _write_settings(folders["settings"])
        (folders["config"] / "labconfig").mkdir(exist_ok=True)
        (folders["config"] / "labconfig" / "page_config.json").write_text(json.dumps(PAGE_CONFIG))
        (folders["config"] / "jupyter_server_config.py").write_text(
            SERVER_CONFIG.replace("SAVES_LOG", repr(str(self.saves_log)))
            .replace("DATA_ROOT", repr(str(folders["cache"]))))
        env = {name: value for name, value in os.environ.items()
               if name not in (ENABLE_ENV, *MAKE_VARIABLES)}
        env.update({
            "RNNCOURSE_MODE": "fast",
            "RNNCOURSE_DATA_DIR": str(folders["cache"]),
            "JUPYTERLAB_SETTINGS_DIR": str(folders["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"]),
            "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
            "JUPYTER_CONFIG_DIR": str(folders["config"]),
            "JUPYTER_DATA_DIR": str(folders["data"]),
            "PYTHONUNBUFFERED": "1",
            # Kernels, terminals and `make` use the environment running the tests.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "VENV": sys.prefix,
        })
        env.pop("RNNCOURSE_STATIC_PLOTS", None)  # the widgets are what is under test
        return env

    def command(self) -> list[str]:
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={REPO}", "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            # JupyterLab checkpoints a notebook when it opens it: keep those copies out of
            # the course folders too.
            f"--FileCheckpoints.checkpoint_dir={self.home / 'checkpoints'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def start(self, timeout: float = 90.0) -> None:
        REPORTS.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(self.command(), cwd=REPO, env=self.environment(),
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}; see "
                                   f"{self.log_path}:\n{self.log_path.read_text()[-3000:]}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; see "
                           f"{self.log_path}")

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        """One REST call to the server, as JSON (urllib's HTTPError on a refusal)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", method=method, data=data,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def saves(self) -> list[str]:
        """The paths the server was asked to save (by anyone: the browser, the API)."""
        return self.saves_log.read_text().splitlines() if self.saves_log.is_file() else []

    def shutdown_kernels(self, path: str | None = None) -> None:
        """Shut down the kernel of the notebook ``path`` (of every notebook when None)."""
        for session in self.api("GET", "/api/sessions") or []:
            if path is None or session.get("path", "").strip("/") == path.strip("/"):
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def chromium_path() -> str:
    """The browser to drive: $RNNCOURSE_CHROMIUM, else Chromium or Chrome found on PATH."""
    asked = os.environ.get(CHROMIUM_ENV)
    found = asked or next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)),
                          DEFAULT_CHROMIUM)
    if not Path(found).exists():
        raise FileNotFoundError(
            f"No Chromium at {found}. Install it (Debian/Ubuntu: `sudo apt-get install "
            f"chromium`) or point {CHROMIUM_ENV} at a Chromium or Chrome binary.")
    return found
