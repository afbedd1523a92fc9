"""Where the labs live and how nbgrader is run: the course folder, lab discovery, preflight checks.

The nbgrader course folder is ``labs/`` at the root of the repository::

    labs/nbgrader_config.py               the course's nbgrader settings
    labs/source/<lab>/<lab>.ipynb         instructor versions: solutions and hidden tests
    labs/release/<lab>/<lab>.ipynb        student versions nbgrader generated (not committed)
    labs/submitted, autograded, feedback  nbgrader's working folders (not committed)

and the student versions learners open are committed at ``notebooks/labs/<lab>.ipynb``. A
lab is any folder ``labs/source/<lab>/`` holding ``<lab>.ipynb``; nothing here names a lab.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rnncourse.errors import (
    ConfigError,
    DatasetNotAvailableError,
    MissingDependencyError,
    UnknownNameError,
)

__all__ = [
    "NBGRADER_VERSION",
    "REPOSITORY",
    "NbgraderRun",
    "course_root",
    "lab_ids",
    "loopback_problem",
    "nbgrader_environment",
    "require_loopback",
    "require_nbgrader",
    "run_nbgrader",
    "source_notebook",
    "student_dir",
    "student_notebook",
]

NBGRADER_VERSION = "0.9.6"
"""The nbgrader release the lab system is built and tested against."""

REPOSITORY = Path(__file__).resolve().parents[2]
"""The repository root (the package is installed from it in editable mode)."""

LAB_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def course_root(root=None) -> Path:
    """The nbgrader course folder: ``root`` if given, else ``<repository>/labs``."""
    folder = Path(root).expanduser().resolve() if root is not None else REPOSITORY / "labs"
    if not (folder / "source").is_dir():
        raise DatasetNotAvailableError(
            f"{folder} is not an nbgrader course folder (it has no source/ folder). The lab "
            "system works from a clone of the course repository: run it from there, or pass "
            "the course folder (the one holding nbgrader_config.py and source/).")
    return folder


def student_dir(folder=None) -> Path:
    """Where the committed student versions live: ``folder`` or ``<repository>/notebooks/labs``."""
    return Path(folder).expanduser().resolve() if folder is not None else \
        REPOSITORY / "notebooks" / "labs"


def lab_ids(root=None) -> list[str]:
    """Every lab in the course folder: each ``source/<lab>/`` that holds ``<lab>.ipynb``."""
    source = course_root(root) / "source"
    return sorted(folder.name for folder in source.iterdir()
                  if folder.is_dir() and (folder / f"{folder.name}.ipynb").is_file()
                  and LAB_ID.match(folder.name))


def _known_lab(lab: str, root=None) -> str:
    known = lab_ids(root)
    if lab not in known:
        raise UnknownNameError(f"There is no lab {lab!r}; the course has {', '.join(known)}. "
                               "A lab is a folder labs/source/<lab>/ holding <lab>.ipynb.")
    return lab


def source_notebook(lab: str, root=None) -> Path:
    """The instructor version of ``lab`` (solutions and hidden tests)."""
    return course_root(root) / "source" / _known_lab(lab, root) / f"{lab}.ipynb"


def student_notebook(lab: str, folder=None) -> Path:
    """Where the committed student version of ``lab`` lives."""
    return student_dir(folder) / f"{lab}.ipynb"


# ------------------------------------------------------------------------------ preflight


def require_nbgrader() -> str:
    """Return nbgrader's version, or explain how to install the one the labs are tested with."""
    try:
        from importlib.metadata import PackageNotFoundError, version
        found = version("nbgrader")
    except PackageNotFoundError:
        raise MissingDependencyError(
            f"nbgrader is not installed. Install the lab tools with `pip install -e '.[labs]'` "
            f"(or `make install-dev`); the labs are tested with nbgrader {NBGRADER_VERSION}."
        ) from None
    if found.split(".")[:2] != NBGRADER_VERSION.split(".")[:2]:
        raise MissingDependencyError(
            f"nbgrader {found} is installed, but the labs are built for nbgrader "
            f"{NBGRADER_VERSION} (other releases store grades differently). Install it with "
            f"`pip install nbgrader=={NBGRADER_VERSION}`.")
    return found


def loopback_problem() -> str | None:
    """Say why Jupyter kernels cannot start here, or ``None`` when the loopback network works.

    Kernels talk to the process that runs them over TCP on 127.0.0.1. Inside a network
    namespace whose loopback interface is down (``unshare -n``), starting one hangs instead
    of failing, so the lab tools check first and say what to do.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=2):
                pass
    except OSError as error:
        return (f"the loopback network interface does not work here ({error}). Jupyter "
                "kernels talk over 127.0.0.1, so running a notebook would hang. Bring the "
                "interface up first, e.g. `ip link set lo up` inside the namespace "
                "(`unshare -n sh -c 'ip link set lo up && make grade ...'`).")
    return None


def require_loopback() -> None:
    """Raise :class:`ConfigError` when :func:`loopback_problem` finds one."""
    problem = loopback_problem()
    if problem:
        raise ConfigError(f"Cannot run notebooks: {problem}")


def nbgrader_environment(**overrides: str) -> dict[str, str]:
    """The environment for nbgrader and its kernels.

    nbgrader upgrades its database by running ``alembic`` as a subprocess, so the folder
    of this Python's scripts (the virtual environment's ``bin``) goes first on ``PATH``.
    """
    environment = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join([scripts, environment.get("PATH", "")])
    environment.update(overrides)
    return environment


@dataclass(frozen=True)
class NbgraderRun:
    """The outcome of one nbgrader command: its exit status and its log."""

    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def last_error(self) -> str:
        """The most telling line of the log, without any code it quotes.

        The last exception line of a traceback (``SomeError: message``, first sentence
        only), else the last ERROR line, else the last line.
        """
        lines = [line.strip() for line in self.log.splitlines() if line.strip()]
        exceptions = [line for line in lines
                      if re.match(r"^[\w.]+(Error|Exception|Interrupt): ", line)]
        if exceptions:
            return exceptions[-1].split(". ")[0].rstrip(".")
        errors = [line for line in lines if "| ERROR]" in line and "see the the above" not in line]
        return (errors or lines or ["(no output)"])[-1]


def run_nbgrader(arguments: list[str], root: Path, environment: dict[str, str] | None = None,
                 timeout: float | None = None) -> NbgraderRun:
    """Run ``nbgrader <arguments>`` in the course folder ``root`` and return its log."""
    require_nbgrader()
    command = [sys.executable, "-m", "nbgrader", *arguments]
    try:
        done = subprocess.run(command, cwd=root, env=environment or nbgrader_environment(),
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        log = (expired.stdout or "") + (expired.stderr or "")
        if isinstance(log, bytes):
            log = log.decode(errors="replace")
        return NbgraderRun(returncode=124, log=f"{log}\nERROR nbgrader ran past {timeout} s.")
    if done.returncode != 0 and "No module named nbgrader" in done.stderr:
        raise MissingDependencyError("nbgrader is not installed for this Python; install it with "
                                     "`pip install -e '.[labs]'`.")
    return NbgraderRun(returncode=done.returncode, log=done.stdout + done.stderr)


def check_course_config(root: Path) -> None:
    """Raise :class:`ConfigError` when the course folder has no ``nbgrader_config.py``."""
    if not (root / "nbgrader_config.py").is_file():
        raise ConfigError(f"{root} has no nbgrader_config.py; restore it from the repository.")
