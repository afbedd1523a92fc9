"""The labs' notebooks: student versions current and leak-free, sources built to the conventions."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from rnncourse.config import NOTEBOOK_SETTINGS
from rnncourse.labs.cells import grade_id, graded_cells, is_graded, is_solution
from rnncourse.labs.course import REPOSITORY, lab_ids, source_notebook, student_notebook
from rnncourse.labs.generate import student_version_problems

LABS = lab_ids()


def _source(lab):
    return nbformat.read(source_notebook(lab), as_version=4)


def _test_cells(notebook):
    return [cell for cell in notebook.cells
            if is_graded(cell) and cell.cell_type == "code"]


def test_there_are_labs():
    assert {"stock_forecasting", "text_generation"} <= set(LABS)


@pytest.mark.parametrize("lab", LABS)
def test_student_version_is_current_and_holds_no_instructor_text(lab):
    assert student_version_problems(lab) == []


@pytest.mark.parametrize("lab", LABS)
def test_a_stale_or_leaky_student_version_is_caught(lab, tmp_path):
    """The check can fail: a copy with an extra line, or a solution pasted in, is reported."""
    student = nbformat.read(student_notebook(lab), as_version=4)
    stale = nbformat.from_dict(student)
    stale.cells[0].source += "\nAn edit made after generation."
    nbformat.write(stale, tmp_path / f"{lab}.ipynb")
    assert any("out of date" in p for p in student_version_problems(lab, folder=tmp_path))
    leaky = nbformat.from_dict(student)
    solution = next(cell for cell in _source(lab).cells if is_solution(cell)
                    and cell.cell_type == "code")
    target = next(cell for cell in leaky.cells if grade_id(cell) == grade_id(solution))
    target.source = solution.source
    nbformat.write(leaky, tmp_path / f"{lab}.ipynb")
    problems = student_version_problems(lab, folder=tmp_path)
    assert any("BEGIN SOLUTION" in p for p in problems)
    assert any("instructor line" in p for p in problems)


@pytest.mark.parametrize("lab", LABS)
def test_setup_cell_silences_tensorflow_and_filters_warnings_before_graded_cells(lab):
    notebook = _source(lab)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert not (is_graded(first) or is_solution(first)), "the setup cell must not be graded"
    source = first.source
    assert f'start_notebook("{lab}")' in source
    rnncourse_at = source.index("import rnncourse")
    for framework in ("import keras", "import tensorflow"):
        if framework in source:
            assert rnncourse_at < source.index(framework), f"{framework} before rnncourse"
    assert "warnings.filterwarnings" in source


@pytest.mark.parametrize("lab", LABS)
def test_the_lab_has_sizes_for_both_modes_and_hard_codes_none(lab):
    assert lab in NOTEBOOK_SETTINGS
    settings = NOTEBOOK_SETTINGS[lab]
    assert settings["fast"] != settings["full"], "fast mode should shrink something"
    code = "\n".join(cell.source for cell in _source(lab).cells if cell.cell_type == "code")
    assert not re.findall(r"\bepochs\s*=\s*\d", code)
    for keras2 in ("time_major", ".output_shape", "tf_keras"):
        assert keras2 not in code, f"{lab} uses {keras2}, which Keras 3 lacks"


@pytest.mark.parametrize("lab", LABS)
def test_every_task_has_points_public_and_hidden_tests_and_messages(lab):
    notebook = _source(lab)
    tests = _test_cells(notebook)
    assert len(tests) >= 5
    for cell in tests:
        name = grade_id(cell)
        assert cell.metadata.nbgrader["points"] > 0, name
        assert cell.source.startswith("# Task "), f"{name} should start with its task label"
        public, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert rest, f"{name} has no hidden tests"
        assert "assert" in public, f"{name} has no public test"
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assert):
                assert node.msg is not None, f"{name}: an assert without a message"
    for cell in notebook.cells:  # asserts in the given code too: a learner may trip them
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Assert):
                    assert node.msg is not None, f"assert without a message: {cell.source[:50]!r}"
    answers = [cell for cell in notebook.cells if is_graded(cell) and cell.cell_type == "markdown"]
    assert [grade_id(cell) for cell in answers] == ["reflection"]


@pytest.mark.parametrize("lab", LABS)
def test_the_points_table_matches_the_graded_cells(lab):
    notebook = _source(lab)
    table = dict(re.findall(r"^\| (\d+) \| [^|]+ \| (\d+) \|$", notebook.cells[0].source,
                            re.MULTILINE))
    graded = {}
    for cell in graded_cells(notebook):
        match = re.match(r"Task (\d+):", cell.label)
        if match:
            graded[match.group(1)] = f"{cell.points:g}"
    assert table == graded


@pytest.mark.parametrize("lab", LABS)
def test_the_readme_and_benchmarks_document_the_lab(lab):
    readme = (REPOSITORY / "README.md").read_text()
    assert f"notebooks/labs/{lab}.ipynb" in readme
    assert f"`{lab}`" in (REPOSITORY / "docs" / "benchmarks.md").read_text()
