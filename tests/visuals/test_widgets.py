"""Widgets are shown exactly once per cell and leave a static PNG for saved notebooks.

The kernel cases run real cells in an IPython shell (the one a notebook kernel uses, see
conftest.py) and count what each cell publishes: a cell whose last line is the call, a
cell that assigns it, and a later cell that displays the returned object.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnncourse.visuals.widgets import (  # noqa: E402
    STATIC_ENV,
    WIDGET_VIEW_MIME,
    description_width,
    interactive_plot,
    menu_width,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def draw_line(slope=1.0, colour="red"):
    figure, axis = plt.subplots(figsize=(3, 2))
    axis.plot([0, 1], [0, slope], color=colour)
    axis.set_title(f"slope {slope} {colour}")
    return figure


@pytest.fixture
def run(shell, run_cell):
    """Run a cell in the kernel's shell, with ``draw_line`` defined there."""
    shell.user_ns["draw_line"] = draw_line
    return run_cell


CALL = 'interactive_plot(draw_line, slope=(0.0, 2.0, 0.5, 1.0), colour=["red", "blue"])'


@pytest.mark.parametrize("cell", [CALL, f"panel = {CALL}", f"panel = {CALL}\npanel"],
                         ids=["last line", "assigned", "assigned then shown"])
def test_a_widget_cell_shows_the_panel_exactly_once(shell, run, cell):
    outputs = run(cell)
    assert len(outputs) == 1, outputs
    assert len(outputs.widget_views()) == 1


def test_the_panel_output_carries_the_first_figure_as_a_static_png(shell, run):
    [data] = run(f"panel = {CALL}")
    panel = shell.user_ns["panel"]
    assert data[WIDGET_VIEW_MIME]["model_id"] == panel.model_id
    assert data["image/png"].startswith(PNG_MAGIC)
    assert "slope" in data["text/plain"] and "colour" in data["text/plain"]
    # No pyplot figure is left open to be shown a second time when the cell ends.
    assert plt.get_fignums() == []


def test_a_later_cell_can_show_the_same_panel_again(shell, run):
    run(f"panel = {CALL}")
    again = run("panel")
    assert len(again.widget_views()) == 1
    assert len(run("display(panel)").widget_views()) == 1


def test_moving_a_control_redraws_with_the_new_value(shell, run):
    seen = []

    def draw(slope=1.0, colour="red"):
        seen.append((slope, colour))
        return draw_line(slope, colour)

    shell.user_ns["draw"] = draw
    run('panel = interactive_plot(draw, slope=(0.0, 2.0, 0.5, 1.0), colour=["red", '
                    '"blue"])')
    panel = shell.user_ns["panel"]
    first_png = panel.static_png
    slider, menu = panel.children[:2]
    slider.value = 1.5
    menu.value = "blue"
    assert seen == [(1.0, "red"), (1.5, "red"), (1.5, "blue")]
    assert panel.static_png == first_png  # the saved figure stays the first one


def test_controls_keep_their_names_and_menus_fit_their_longest_option(shell, run):
    long_options = ["a", "12: 3 March 2009 -> 2009-03-03 (wrong, want 2009-03-04)"]
    shell.user_ns["long_options"] = long_options
    run("panel = interactive_plot(lambda example, scale: draw_line(scale), "
                    "example=long_options, scale=(1, 5, 1, 2))")
    menu, slider = shell.user_ns["panel"].children[:2]
    # Both names get the room of the longer one ("example" and its colon), so tracks align.
    assert menu.style.description_width == slider.style.description_width == "8ch"
    assert menu.layout.width == menu_width("example", long_options, "8ch")
    assert f"{len(long_options[1])}ch" in menu.layout.width
    assert slider.value == 2 and slider.min == 1 and slider.max == 5


def test_menu_width_grows_with_the_longest_option():
    assert menu_width("example", ["x" * 10]) != menu_width("example", ["x" * 40])
    assert "40ch" in menu_width("example", ["short", "x" * 40])
    assert description_width(["units", "sentence"]) == "9ch"


@pytest.mark.parametrize("cell", [CALL, f"figure = {CALL}"], ids=["last line", "assigned"])
def test_static_mode_in_a_kernel_shows_the_figure_once(shell, run, monkeypatch, cell):
    monkeypatch.setenv(STATIC_ENV, "1")
    outputs = run(cell)
    assert len(outputs) == 1 and outputs[0]["image/png"].startswith(PNG_MAGIC)
    assert outputs.widget_views() == []
    assert plt.get_fignums() == []  # closed, so the inline backend does not show it again


def test_static_mode_figure_shows_again_in_a_later_cell(shell, run, monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    run(f"figure = {CALL}")
    [again] = run("figure")
    assert again["image/png"].startswith(PNG_MAGIC)


def test_without_a_kernel_the_static_figure_is_returned_open(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    figure = interactive_plot(draw_line, slope=(0.0, 2.0, 0.5, 1.5), colour=["blue", "red"])
    assert isinstance(figure, plt.Figure)
    assert figure.axes[0].get_title() == "slope 1.5 blue"
    assert plt.fignum_exists(figure.number)
    plt.close(figure)


def test_fixed_values_pass_through_unchanged(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    figure = interactive_plot(draw_line, slope=0.25, colour="green")
    assert figure.axes[0].get_title() == "slope 0.25 green"
    plt.close(figure)
