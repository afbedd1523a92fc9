"""Fixtures of the lab-system tests: the toy course folder and its student version."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from toy_course import TOY, toy_notebook

from rnncourse.labs.course import REPOSITORY


@pytest.fixture(scope="session")
def toy_course(tmp_path_factory) -> Path:
    """A course folder with the real nbgrader_config.py and the toy lab's source."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(REPOSITORY / "labs" / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / TOY).mkdir(parents=True)
    nbformat.write(toy_notebook(), root / "source" / TOY / f"{TOY}.ipynb")
    return root


@pytest.fixture(scope="session")
def toy_student_version(toy_course) -> nbformat.NotebookNode:
    from rnncourse.labs.generate import render_student_version

    return render_student_version(TOY, root=toy_course)
