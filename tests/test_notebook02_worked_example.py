"""The worked "hell" example of notebook 02 reproduces its published table, and only that table.

The cells tagged ``worked-example`` are run on their own in a fresh namespace: they must
pass as committed, and every mutation of a weight or of an expected number from the
published table must make them raise ``AssertionError``. That proves the asserts really
pin the numbers down rather than passing whatever the weights are.
"""

from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_rnn_cell_forward_pass.ipynb"
TAG = "worked-example"

# (what is changed, original text, mutated text)
MUTATIONS = [
    ("recurrent weight", "0.427043", "0.43"),
    ("state bias", "0.567001", "0.5671"),
    ("U entry (column of 'h')", "0.902874", "0.902974"),
    ("U entry (column of 'e')", "0.84606", "0.84616"),
    ("V entry", "0.64985", "0.64995"),
    ("expected state after 'h'", "0.693168", "0.693178"),
    ("expected state after 'e'", "0.949104", "0.949114"),
    ("expected probability after 'e'", "0.419748", "0.419768"),
]


def worked_example_code() -> str:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    sources = [cell.source for cell in notebook.cells
               if cell.cell_type == "code" and TAG in cell.metadata.get("tags", [])]
    assert len(sources) >= 2, f"expected several cells tagged {TAG!r} in {NOTEBOOK.name}"
    return "\n\n".join(sources)


def run_code(code: str) -> dict:
    namespace: dict = {"__name__": "worked_example"}
    exec(compile(code, f"<{NOTEBOOK.name} worked example>", "exec"), namespace)
    return namespace


def test_worked_example_cells_run_alone_and_reproduce_the_table():
    namespace = run_code(worked_example_code())
    assert namespace["guess"] == "h"
    assert namespace["h_after_e"].shape == (3,)
    assert abs(namespace["p_e"].sum() - 1) < 1e-12


def test_worked_example_cells_do_not_import_tensorflow():
    code = worked_example_code()
    assert "tensorflow" not in code and "keras" not in code


@pytest.mark.parametrize(("what", "original", "mutated"), MUTATIONS,
                         ids=[m[0] for m in MUTATIONS])
def test_a_changed_number_breaks_the_worked_example(what, original, mutated):
    code = worked_example_code()
    assert code.count(original) == 1, f"{original} ({what}) should appear exactly once"
    with pytest.raises(AssertionError):
        run_code(code.replace(original, mutated))
