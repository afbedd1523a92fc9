"""Interactive plots with a static fallback.

:func:`interactive_plot` shows sliders that redraw a figure when ipywidgets can run
(JupyterLab with a live kernel). Where they cannot (widgets not installed, a plain
Python process, ``RNNCOURSE_STATIC_PLOTS=1``, or a static notebook viewer), it draws
the same figure once at the default values, so the lesson never depends on widgets.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt

STATIC_ENV = "RNNCOURSE_STATIC_PLOTS"


def static_plots_requested() -> bool:
    """True when ``RNNCOURSE_STATIC_PLOTS`` asks for figures drawn once, without controls."""
    return os.environ.get(STATIC_ENV, "").strip() not in ("", "0")


def widgets_available() -> bool:
    """True when ipywidgets can be imported and we run inside an IPython kernel."""
    if static_plots_requested():
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _default(spec: Any) -> Any:
    """The starting value of a control spec: ``(min, max, step[, default])`` or a list."""
    if isinstance(spec, tuple):
        return spec[3] if len(spec) > 3 else spec[0]
    if isinstance(spec, list):
        return spec[0]
    return spec


def interactive_plot(draw: Callable[..., Any], **controls: Any) -> Any:
    """Show ``draw(**values)`` with a slider or menu per keyword, or once statically.

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
        return figure if figure is not None else plt.gcf()

    import ipywidgets
    from IPython.display import display

    widget_controls = {}
    for name, spec in controls.items():
        if isinstance(spec, tuple):
            low, high, step = spec[:3]
            kind = ipywidgets.IntSlider if all(isinstance(v, int) for v in spec) else \
                ipywidgets.FloatSlider
            widget_controls[name] = kind(value=defaults[name], min=low, max=high, step=step,
                                         description=name, continuous_update=False)
        elif isinstance(spec, list):
            widget_controls[name] = ipywidgets.Dropdown(options=spec, value=defaults[name],
                                                        description=name)
        else:
            widget_controls[name] = ipywidgets.fixed(spec)

    def redraw(**values: Any) -> None:
        figure = draw(**values)
        plt.show()
        if figure is not None:
            plt.close(figure)

    panel = ipywidgets.interactive(redraw, **widget_controls)
    display(panel)
    return panel
