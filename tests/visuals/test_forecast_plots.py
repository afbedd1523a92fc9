"""Lesson 09's forecasting pictures: error by day ahead and a snapshot of many series."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.visuals.curves import plot_error_by_step  # noqa: E402
from rnncourse.visuals.heatmaps import plot_series_snapshot  # noqa: E402


def test_error_by_step_draws_one_line_per_forecaster_and_the_floor():
    figure = plot_error_by_step({"naive": [0.5, 0.7, 0.9], "hybrid": [0.4, 0.4, 0.45]},
                                noise_floor=0.2)
    axis = figure.axes[0]
    assert len(axis.lines) == 3
    np.testing.assert_array_equal(axis.lines[0].get_xdata(), [1, 2, 3])
    assert [text.get_text() for text in axis.get_legend().get_texts()] == [
        "naive", "hybrid", "noise floor"]
    plt.close(figure)
    with pytest.raises(ValueError, match="at least one"):
        plot_error_by_step({})
    with pytest.raises(ValueError, match="one number per step"):
        plot_error_by_step({"bad": np.zeros((2, 2))})


def test_snapshot_shows_series_as_rows_and_the_future_beyond_a_line():
    snapshot = np.arange(24, dtype=float).reshape(4, 6, 1)
    figure = plot_series_snapshot(snapshot, future=[1.0, 2.0])
    image = np.ma.filled(figure.axes[0].images[0].get_array().astype(float), np.nan)
    assert image.shape == (4, 8)
    assert np.isnan(image[0, 6]) and image[-1, 7] == 2.0
    np.testing.assert_array_equal(image[:, :6], snapshot[..., 0])
    plt.close(figure)
    with pytest.raises(ValueError, match="series, days"):
        plot_series_snapshot(np.zeros(5))
