"""Interactive plots with a static fallback, each shown exactly once.

:func:`interactive_plot` shows sliders that redraw a figure when ipywidgets can run
(JupyterLab with a live kernel). Where they cannot (widgets not installed, a plain
Python process, ``RNNCOURSE_STATIC_PLOTS=1``), it draws the same figure once at the
default values, so the lesson never depends on widgets.

Two promises hold in a notebook:

* **Shown once.** The call displays its panel (or static figure) itself, and the object it
  returns does not display again in the same cell, so ``interactive_plot(...)`` as a cell's
  last line and ``panel = interactive_plot(...)`` look the same. Displaying the returned
  object in a later cell shows it again, as asked.
* **A static figure in saved outputs.** The panel's output carries the first figure as a
  PNG beside the widget, so a notebook viewer (GitHub, nbviewer, nbconvert, a notebook
  reopened without its kernel) shows the plot instead of a placeholder; a live JupyterLab
  shows the widget only.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import matplotlib.pyplot as plt

STATIC_ENV = "RNNCOURSE_STATIC_PLOTS"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

__all__ = ["STATIC_ENV", "WIDGET_VIEW_MIME", "description_width", "figure_png",
           "interactive_plot", "menu_width", "static_plots_requested", "widgets_available"]


def static_plots_requested() -> bool:
    """True when ``RNNCOURSE_STATIC_PLOTS`` asks for figures drawn once, without controls."""
    return os.environ.get(STATIC_ENV, "").strip() not in ("", "0")


def _kernel_shell() -> Any:
    """The IPython shell when we run inside a kernel (a notebook), else ``None``."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def widgets_available() -> bool:
    """True when ipywidgets can be imported and we run inside an IPython kernel."""
    if static_plots_requested():
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return _kernel_shell() is not None


# --- which cell is running: a counter moved on by IPython's pre_run_cell event -------------

_cell_counter = {"serial": 0}


def _next_cell(*_info: Any) -> None:
    _cell_counter["serial"] += 1


def _current_cell() -> int:
    """A number that changes with every cell the kernel runs (0 outside a kernel)."""
    shell = _kernel_shell()
    if shell is not None and _next_cell not in shell.events.callbacks["pre_run_cell"]:
        shell.events.register("pre_run_cell", _next_cell)
    return _cell_counter["serial"]


class _OncePerCell:
    """Marks an object as shown in the running cell, so showing it again there is skipped."""

    def __init__(self) -> None:
        self.cell: int | None = None

    def first_time(self) -> bool:
        """True the first time it is asked in a cell (and records the cell)."""
        cell = _current_cell()
        if self.cell == cell:
            return False
        self.cell = cell
        return True


def figure_png(figure: plt.Figure) -> bytes | None:
    """The figure as PNG bytes, cropped as the notebook's inline backend crops it."""
    from io import BytesIO

    if not figure.axes:
        return None
    buffer = BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight",
                   facecolor=figure.get_facecolor(), edgecolor=figure.get_edgecolor())
    return buffer.getvalue()


class _StaticFigureDisplay:
    """``_ipython_display_`` for a static figure already shown by :func:`interactive_plot`.

    Set on the returned figure: in the cell that drew it, displaying it again (the cell's last
    expression) is skipped; in a later cell it shows the figure.
    """

    def __init__(self, figure: plt.Figure, shown: _OncePerCell) -> None:
        self.figure = figure
        self.shown = shown

    def __call__(self) -> None:
        if not self.shown.first_time():
            return
        from IPython.display import display

        png = figure_png(self.figure)
        if png is not None:
            display({"image/png": png, "text/plain": repr(self.figure)}, raw=True)


def _show_static(figure: plt.Figure) -> plt.Figure:
    """Display a static figure once in the running cell and return it (closed for pyplot)."""
    shown = _OncePerCell()
    figure._ipython_display_ = _StaticFigureDisplay(figure, shown)
    figure._ipython_display_()
    plt.close(figure)
    return figure


@cache
def _panel_class() -> type:
    """The ipywidgets ``interactive`` subclass used for every panel (ipywidgets is optional)."""
    import ipywidgets
    from IPython.display import display

    class InteractivePlot(ipywidgets.interactive):
        """An ``interactive`` panel shown once per cell, carrying its first figure as a PNG."""

        def __init__(self, function: Callable[..., Any], **controls: Any) -> None:
            self.static_png: bytes | None = None
            self.shown = _OncePerCell()
            super().__init__(function, **controls)

        def mimebundle(self) -> dict[str, Any]:
            """The widget view, a short text, and the first figure as a static PNG."""
            names = ", ".join(child.description for child in self.children
                              if getattr(child, "description", ""))
            data: dict[str, Any] = {
                "text/plain": f"Interactive plot ({names}): run the notebook to move it."}
            if self.comm is not None:
                data[WIDGET_VIEW_MIME] = {"version_major": 2, "version_minor": 0,
                                          "model_id": self.model_id}
            if self.static_png is not None:
                data["image/png"] = self.static_png
            return data

        def _ipython_display_(self) -> None:
            if self.shown.first_time():
                display(self.mimebundle(), raw=True)

    return InteractivePlot


def description_width(names: list[str]) -> str:
    """One CSS width for every control name of a panel: the longest fits, the tracks align."""
    return f"{max((len(name) for name in names), default=1) + 1}ch"


def menu_width(name: str, options: list[Any], label_width: str | None = None) -> str:
    """A CSS width that fits the menu's name and its longest option, arrow included."""
    longest = max((len(str(option)) for option in options), default=1)
    label_width = label_width or description_width([name])
    # 1ch is the width of a digit; mixed text averages a little less, capitals a little more.
    return f"calc({label_width} + {longest}ch + 3em)"


def _control_widgets(controls: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """One slider per ``(min, max, step[, default])``, a menu per list, fixed values else."""
    import ipywidgets

    shown = [name for name, spec in controls.items() if isinstance(spec, tuple | list)]
    label_width = description_width(shown)
    style = {"description_width": label_width}  # never cut a control's name
    made: dict[str, Any] = {}
    for name, spec in controls.items():
        if isinstance(spec, tuple):
            low, high, step = spec[:3]
            kind = ipywidgets.IntSlider if all(isinstance(v, int) for v in spec) else \
                ipywidgets.FloatSlider
            made[name] = kind(value=defaults[name], min=low, max=high, step=step,
                              description=name, continuous_update=False, style=style)
        elif isinstance(spec, list):
            layout = ipywidgets.Layout(width=menu_width(name, spec, label_width),
                                       max_width="100%")
            made[name] = ipywidgets.Dropdown(options=spec, value=defaults[name],
                                             description=name, style=style, layout=layout)
        else:
            made[name] = ipywidgets.fixed(spec)
    return made


def _default(spec: Any) -> Any:
    """The starting value of a control spec: ``(min, max, step[, default])`` or a list."""
    if isinstance(spec, tuple):
        return spec[3] if len(spec) > 3 else spec[0]
    if isinstance(spec, list):
        return spec[0]
    return spec


def interactive_plot(draw: Callable[..., Any], **controls: Any) -> Any:
    """Show ``draw(**values)`` with a slider or menu per keyword, or once statically.

    In a notebook the call displays the panel (or the static figure) itself, once; the
    returned object does not display a second time when it is the cell's last expression.

    Args:
        draw: Makes the figure for one set of values (it may return the figure).
        **controls: ``name=(min, max, step, default)`` for a slider, ``name=[a, b]``
            for a menu, or a plain value to pass through unchanged.

    Returns:
        The ipywidgets ``interactive`` object, or the static figure.
    """
    defaults = {name: _default(spec) for name, spec in controls.items()}
    if not widgets_available():
        figure = draw(**defaults)
        figure = figure if figure is not None else plt.gcf()
        return _show_static(figure) if _kernel_shell() is not None else figure

    from IPython.display import display

    panel: Any = None
    first_png: list[bytes | None] = []

    def redraw(**values: Any) -> None:
        figure = draw(**values)
        figure = figure if figure is not None else plt.gcf()
        if not first_png:  # the first drawing also becomes the saved, static figure
            first_png.append(figure_png(figure))
            if panel is not None:
                panel.static_png = first_png[0]
        plt.show()
        plt.close(figure)

    panel = _panel_class()(redraw, **_control_widgets(controls, defaults))
    panel.static_png = first_png[0] if first_png else None
    display(panel)
    return panel
