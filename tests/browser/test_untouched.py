"""Run last (the conftest orders it so): the browser tests wrote no course file.

Two checks. The server records every save it is asked for and refuses those of course files,
so the record must hold none. And no course file may have changed into what a save from the
browser writes: a notebook with outputs or execution counts (the course commits them
stripped), or a checkpoint folder. A course file edited by someone else while the test ran
(a shared checkout) is stripped, so it is named in the output but does not fail the test.
"""

import json
from pathlib import Path

from labserver import REPO, SAVE_PROBE, course_files


def saved_after_a_run(path: Path) -> bool:
    """Whether a notebook holds outputs or execution counts, as one saved after a run does."""
    try:
        notebook = json.loads(path.read_text())
    except (OSError, ValueError):
        return False  # being written by someone else right now; a server save is atomic
    return any(cell.get("outputs") or cell.get("execution_count")
               for cell in notebook.get("cells", []))


def browser_writes(names: list[str]) -> list[str]:
    """Of the changed or added course files, those a save from JupyterLab would explain."""
    return [name for name in names if ".ipynb_checkpoints" in Path(name).parts
            or (name.endswith(".ipynb") and saved_after_a_run(REPO / name))]


def test_no_course_notebook_was_written(course_snapshot, lab_server):
    """Autosave is off and nothing saved: no course file was written by the test's JupyterLab."""
    course_saves = [path for path in lab_server.saves() if path != SAVE_PROBE
                    and path.strip("/").split("/")[0] in ("notebooks", "labs")]
    assert course_saves == [], f"the test's JupyterLab was asked to save {course_saves}"
    after = course_files()
    changed = sorted(name for name in course_snapshot if after.get(name) != course_snapshot[name])
    added = sorted(set(after) - set(course_snapshot))
    written = browser_writes(changed + added)
    assert not written, f"course files saved with outputs or checkpoints: {written}"
    if changed or added:
        print(f"changed while the test ran, stripped (edited outside the test): {changed}; "
              f"added: {added}")


def test_the_check_sees_a_notebook_saved_after_a_run(tmp_path):
    """The check above must fail on what a save after Run All writes."""
    stripped = {"cells": [{"cell_type": "code", "source": "1", "outputs": [],
                           "execution_count": None, "metadata": {}}]}
    executed = {"cells": [{**stripped["cells"][0], "execution_count": 1,
                           "outputs": [{"output_type": "execute_result"}]}]}
    for name, content in (("stripped.ipynb", stripped), ("executed.ipynb", executed)):
        (tmp_path / name).write_text(json.dumps(content))
    assert not saved_after_a_run(tmp_path / "stripped.ipynb")
    assert saved_after_a_run(tmp_path / "executed.ipynb")
    assert browser_writes(["notebooks/.ipynb_checkpoints/x-checkpoint.ipynb"]) == \
        ["notebooks/.ipynb_checkpoints/x-checkpoint.ipynb"]
