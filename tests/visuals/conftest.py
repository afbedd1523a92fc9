"""A notebook kernel's shell for widget tests: run real cells, collect what they publish."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402
from traitlets.config import Config  # noqa: E402

from rnncourse.visuals import widgets  # noqa: E402


class Outputs(list):
    """The data bundles a cell published, in order (displays, then the cell's result)."""

    def widget_views(self) -> list[dict]:
        return [data for data in self if widgets.WIDGET_VIEW_MIME in data]


@pytest.fixture
def shell(monkeypatch):
    """An IPython shell that the widgets module takes for a notebook kernel's."""
    monkeypatch.delenv(widgets.STATIC_ENV, raising=False)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # write nothing into the user's ~/.ipython
    shell = InteractiveShell.instance(config=config)
    shell.user_ns.update(interactive_plot=widgets.interactive_plot, plt=plt)
    shell.kernel = object()  # what makes a shell a notebook kernel's shell
    assert widgets.widgets_available()
    yield shell
    del shell.kernel
    plt.close("all")
    InteractiveShell.clear_instance()


@pytest.fixture
def run_cell(shell):
    """Run one cell in ``shell``; return every output it published, as a notebook stores them.

    That is every ``display()`` and the cell's result (its last expression, which a kernel
    sends as an execute_result).
    """

    def run(code: str) -> Outputs:
        results = []

        def record_result(format_dict, md_dict=None):
            if format_dict:
                results.append(format_dict)

        hook = shell.displayhook
        hook.write_format_data = record_result
        try:
            with capture_output() as captured:
                result = shell.run_cell(code)
        finally:
            del hook.write_format_data
        result.raise_error()
        return Outputs([output.data for output in captured.outputs] + results)

    return run
