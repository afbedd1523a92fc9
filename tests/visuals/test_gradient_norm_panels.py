"""plot_gradient_norm_panels: one panel per model, shared log axis, one colour per line."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.errors import InputError  # noqa: E402
from rnncourse.visuals.curves import plot_gradient_norm_panels  # noqa: E402


def test_panels_share_the_axis_and_colours():
    norms = {"radius 0.5": 0.5 ** np.arange(10), "radius 2": 2.0 ** np.arange(10)}
    fig = plot_gradient_norm_panels({"linear": norms, "tanh": {"radius 2": np.ones(10)}})
    left, right = fig.axes
    assert [axis.get_title() for axis in fig.axes] == ["linear", "tanh"]
    assert left.get_yscale() == "log" and left.get_shared_y_axes().joined(left, right)
    colour = {line.get_label(): line.get_color() for line in left.get_lines()}
    assert right.get_lines()[0].get_color() == colour["radius 2"]
    np.testing.assert_allclose(left.get_lines()[1].get_ydata(), 2.0 ** np.arange(10))
    plt.close(fig)


def test_zero_norms_are_drawn_and_empty_input_is_refused():
    fig = plot_gradient_norm_panels({"one": {"vanished": np.zeros(4)}})
    assert np.all(fig.axes[0].get_lines()[0].get_ydata() > 0)  # log scale needs > 0
    plt.close(fig)
    with pytest.raises(InputError, match="at least one panel"):
        plot_gradient_norm_panels({})
    with pytest.raises(InputError, match="at least one panel"):
        plot_gradient_norm_panels({"empty": {}})
