"""The event panel of lesson 09's forecasting scenario: events travel from row to row, windows
never hold their own targets, the time split leaks nothing, and bad input is explained."""

import numpy as np
import pytest

from rnncourse.data.generated.event_series import (
    make_event_panel,
    snapshot_windows,
    split_panel_by_time,
)


def test_shapes_and_seeding():
    panel = make_event_panel(300, series=6, seed=3)
    assert panel.values.shape == panel.clean.shape == (300, 6)
    assert panel.values.dtype == np.float32 and panel.days == 300 and panel.series == 6
    again = make_event_panel(300, series=6, seed=3)
    np.testing.assert_array_equal(panel.values, again.values)
    assert not np.array_equal(panel.values, make_event_panel(300, series=6, seed=4).values)
    noise = panel.values - panel.clean
    assert 0.07 < noise.std() < 0.13  # the default noise is 0.1


def test_every_event_reaches_row_j_after_j_delays():
    """One event, no noise: each row jumps by the event's size when the event arrives."""
    panel = make_event_panel(400, series=5, event_rate=0.01, noise=0.0, seed=11)
    inside = (panel.event_days > 5) & (panel.event_days + 5 * panel.event_delays < 395)
    assert inside.any()
    event = int(np.flatnonzero(inside)[0])
    start, delay = panel.event_days[event], panel.event_delays[event]
    size = panel.event_sizes[event]
    for row in range(5):
        arrival = start + row * delay
        before, after = int(np.floor(arrival)), int(np.ceil(arrival + 1e-9))
        jump = panel.clean[after, row] - panel.clean[before, row]
        # The jump on the arrival day is the event's size, decayed by at most a day
        # (other events may add their own decay: allow for it).
        assert np.sign(jump) == np.sign(size)
        assert abs(size) * np.exp(-1 / 3.0) - 0.35 < abs(jump) < abs(size) + 0.35


def test_events_in_the_first_row_foretell_the_last_row():
    """The signal of row 0 today is, on average, the last row's signal some days later."""
    panel = make_event_panel(6000, series=8, seed=5)
    first, last = panel.clean[:, 0], panel.clean[:, -1]
    lagged = [np.corrcoef(first[:-lag], last[lag:])[0, 1] for lag in range(1, 30)]
    assert max(lagged) > 0.4
    assert np.corrcoef(first, last)[0, 1] < max(lagged) - 0.25


def test_windows_hold_the_following_days_as_targets():
    values = np.arange(40, dtype=float).reshape(20, 2)  # value = 2 * day + series
    windows = snapshot_windows(values, window=4, horizon=3)
    assert len(windows) == 20 - 4 - 3 + 1
    assert windows.snapshots.shape == (14, 2, 4, 1)
    np.testing.assert_array_equal(windows.snapshots[0, :, :, 0], values[:4].T)
    np.testing.assert_array_equal(windows.targets[0], values[4:7, -1])
    np.testing.assert_array_equal(windows.targets[-1], values[-3:, -1])
    np.testing.assert_array_equal(windows.last_values, windows.snapshots[:, -1, -1, 0])
    assert windows.persistence().shape == (14, 3)
    assert np.all(windows.persistence() == windows.last_values[:, None])
    # no snapshot contains any of its own targets (values grow with the day)
    assert np.all(windows.targets[:, 0] > windows.snapshots[:, -1, -1, 0])


def test_time_split_scales_with_the_training_period_and_leaks_nothing():
    panel = make_event_panel(500, series=4, seed=2)
    (train, test), scaler = split_panel_by_time(panel, 10, 5, fractions=(0.6, 0.4))
    assert len(train) == 300 - 14 and len(test) == 200 - 14
    np.testing.assert_allclose(scaler.mean, panel.values[:300].mean(axis=0), rtol=1e-6)
    # the first test snapshot starts on day 300, after every training target (day <= 299)
    first_test = scaler.inverse_transform(test.snapshots[0, :, :, 0].T)
    np.testing.assert_allclose(first_test, panel.values[300:310], atol=1e-5)
    last_train_target = scaler.inverse_transform(
        np.tile(train.targets[-1][:, None], (1, 4)))[:, -1]
    np.testing.assert_allclose(last_train_target, panel.values[295:300, -1], atol=1e-5)
    np.testing.assert_allclose(train.clean_targets[-1],
                               scaler.transform(panel.clean[295:300])[:, -1], atol=1e-5)


@pytest.mark.parametrize("kwargs, words", [
    ({"days": 1}, ("days",)),
    ({"days": 50, "event_rate": 1.5}, ("event_rate",)),
    ({"days": 50, "decay": 0}, ("decay", "positive")),
    ({"days": 50, "noise": -0.1}, ("noise",)),
    ({"days": 50, "delay_range": (2, 1)}, ("delay_range", "low < high")),
    ({"days": 50, "delay_range": 3}, ("delay_range", "pair")),
])
def test_bad_panel_arguments_are_explained(expect_error, kwargs, words):
    expect_error(lambda: make_event_panel(**kwargs), ValueError, *words)


def test_bad_window_arguments_are_explained(expect_error):
    values = np.zeros((10, 3))
    expect_error(lambda: snapshot_windows(values, 8, 3), ValueError, "needs at least 11 days")
    expect_error(lambda: snapshot_windows(values, 2, 1, target=5), ValueError, "target")
    expect_error(lambda: snapshot_windows(np.zeros(10), 2, 1), ValueError, "(days, series)")
    expect_error(lambda: snapshot_windows(values, 2, 1, clean=np.zeros((9, 3))), ValueError,
                 "clean")
