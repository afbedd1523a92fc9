"""Offline data for lesson 09's business scenario: shocks that ripple through related series.

A financial company watches many related daily series (prices, order flows, volumes of
products or markets that influence each other). When something happens (news, a large
order, an outage) it shows first in a *leading* series and reaches the others later, each
event at its own speed. Stacked as rows, a window of days of all the series is a 2-D
*snapshot*: every event draws a slanted stripe across it, and the slope of the stripe says
when the event will reach the last row, the series to forecast.

* :func:`make_event_panel` simulates the panel: events arrive at random days with random
  signs, sizes and speeds, every row sees each event as a jump that decays, plus noise.
* :func:`snapshot_windows` cuts a panel into (snapshot, next ``horizon`` days of the target
  row) pairs, the input and output of a CNN + one-to-many RNN forecaster.
* :func:`split_panel_by_time` splits the days *before* windowing, so no target of a training
  window lies inside the test period, and scales every part with the training period's
  mean and spread only.

Everything is seeded NumPy: the same seed gives the same panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnncourse.data.sequences import StandardScaler, chronological_split
from rnncourse.errors import InputError
from rnncourse.validation import MAX_COUNT, as_float, as_float_array, as_int, generator_from

_WARM_UP = 80  # days simulated before day 0, so the first days already carry old events


@dataclass(frozen=True)
class EventPanel:
    """A simulated panel of related daily series.

    Attributes:
        values: ``(days, series)`` float32 observations (signal plus noise); row order of the
            columns is the order in which events reach the series, the last one is the target.
        clean: ``(days, series)`` float32 signal without the observation noise: the best any
            forecaster could hope to predict.
        event_days: ``(events,)`` day on which each event hits the first series (may be
            negative for events that started before day 0).
        event_sizes: ``(events,)`` signed size of each event's jump.
        event_delays: ``(events,)`` days each event needs to travel from one series to the next.
    """

    values: np.ndarray
    clean: np.ndarray
    event_days: np.ndarray
    event_sizes: np.ndarray
    event_delays: np.ndarray

    @property
    def days(self) -> int:
        """Number of days simulated."""
        return int(self.values.shape[0])

    @property
    def series(self) -> int:
        """Number of series (rows of a snapshot)."""
        return int(self.values.shape[1])


def make_event_panel(
    days: int,
    *,
    series: int = 16,
    event_rate: float = 0.06,
    decay: float = 3.0,
    delay_range: tuple[float, float] = (0.5, 2.0),
    noise: float = 0.1,
    seed: int = 0,
) -> EventPanel:
    """Simulate ``series`` related daily series hit by events that travel from row to row.

    Each day an event starts with probability ``event_rate``. Its size is uniform in
    [0.5, 1.5] with a random sign, and it needs a random ``delay`` from ``delay_range`` days
    to pass from one series to the next: it reaches series ``j`` at ``start + j * delay``.
    Every series sees each event as a jump of its size that decays as
    ``exp(-elapsed / decay)``; the series is the sum over events plus Gaussian noise.

    Args:
        days: Days to simulate (at least 2).
        series: Number of series, the rows of a snapshot (at least 2).
        event_rate: Chance of a new event per day, in (0, 1).
        decay: Days for an event's effect to shrink by the factor e (positive).
        delay_range: ``(low, high)`` days per series of an event's travel, ``0 <= low < high``.
        noise: Standard deviation of the observation noise (zero or more).
        seed: Seed; the same seed gives the same panel.

    Returns:
        An :class:`EventPanel`.
    """
    days = as_int("days", days, minimum=2, maximum=MAX_COUNT)
    series = as_int("series", series, minimum=2, maximum=1000)
    if days * series > 10 * MAX_COUNT:
        raise InputError(f"{days} days of {series} series would not fit in memory; "
                         "use fewer days or series.")
    event_rate = as_float("event_rate", event_rate)
    if not 0 < event_rate < 1:
        raise InputError(f"event_rate is a chance per day, between 0 and 1; got {event_rate}.")
    decay = as_float("decay", decay)
    if decay <= 0:
        raise InputError(f"decay must be a positive number of days; got {decay}.")
    noise = as_float("noise", noise)
    if noise < 0:
        raise InputError(f"noise is a standard deviation and cannot be negative; got {noise}.")
    if (isinstance(delay_range, str) or not hasattr(delay_range, "__len__")
            or len(delay_range) != 2):
        raise InputError(f"delay_range must be a pair (low, high) of days; got {delay_range!r}.")
    low, high = (as_float("delay_range", bound) for bound in delay_range)
    if not 0 <= low < high:
        raise InputError(f"delay_range needs 0 <= low < high; got ({low}, {high}).")

    rng = generator_from(seed)
    span = days + _WARM_UP
    starts = (np.flatnonzero(rng.uniform(size=span) < event_rate) - _WARM_UP
              + rng.uniform(size=None)).astype(np.float64)
    count = len(starts)
    sizes = rng.uniform(0.5, 1.5, size=count) * rng.choice([-1.0, 1.0], size=count)
    delays = rng.uniform(low, high, size=count)
    clean = np.zeros((days, series))
    day = np.arange(days, dtype=np.float64)[:, None]
    row = np.arange(series, dtype=np.float64)[None, :]
    for first in range(0, count, 64):  # bounded memory: (days, series, 64) at a time
        chunk = slice(first, first + 64)
        elapsed = day[..., None] - (starts[chunk] + row[..., None] * delays[chunk])
        clean += (sizes[chunk] * np.where(elapsed >= 0, np.exp(-np.maximum(elapsed, 0.0)
                                                                / decay), 0.0)).sum(axis=-1)
    values = clean + noise * rng.standard_normal(clean.shape)
    return EventPanel(values=values.astype(np.float32), clean=clean.astype(np.float32),
                      event_days=starts, event_sizes=sizes, event_delays=delays)


@dataclass(frozen=True)
class SnapshotWindows:
    """Snapshots of a panel and what followed each one.

    Attributes:
        snapshots: ``(n, series, window, 1)`` float32: all series (rows) over ``window`` days
            (columns), an image with one channel.
        targets: ``(n, horizon)`` float32: the target series on the ``horizon`` days after
            each snapshot.
        clean_targets: ``(n, horizon)`` the same days without observation noise.
        last_values: ``(n,)`` the target series on the snapshot's last day, the persistence
            ("tomorrow equals today") forecast for every future day.
    """

    snapshots: np.ndarray
    targets: np.ndarray
    clean_targets: np.ndarray
    last_values: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)

    def persistence(self) -> np.ndarray:
        """``(n, horizon)``: the last observed value repeated for every future day."""
        return np.repeat(self.last_values[:, None], self.targets.shape[1], axis=1)


def snapshot_windows(values: np.ndarray, window: int, horizon: int, *,
                     clean: np.ndarray | None = None, target: int = -1) -> SnapshotWindows:
    """Cut ``(days, series)`` values into snapshots and the next ``horizon`` target values.

    Window ``i`` shows days ``i .. i + window - 1`` of every series; its targets are days
    ``i + window .. i + window + horizon - 1`` of the ``target`` series, so no snapshot holds
    any of its own targets.

    Args:
        values: ``(days, series)`` observations.
        window: Days per snapshot (at least 1).
        horizon: Future days to forecast (at least 1).
        clean: Optional noise-free ``(days, series)`` values for :attr:`clean_targets`
            (defaults to ``values``).
        target: Index of the series to forecast (default: the last).

    Returns:
        A :class:`SnapshotWindows`.
    """
    values = as_float_array("values", values, rank=2, finite=True,
                            meaning="(days, series)")
    clean_values = values if clean is None else as_float_array(
        "clean", clean, rank=2, finite=True, meaning="(days, series)")
    if clean_values.shape != values.shape:
        raise InputError(f"clean has shape {clean_values.shape} but values {values.shape}; "
                         "pass the clean signal of the same panel.")
    window = as_int("window", window, minimum=1)
    horizon = as_int("horizon", horizon, minimum=1)
    target = as_int("target", target)
    days, series = values.shape
    if not -series <= target < series:
        raise InputError(f"target={target} is not a series index for {series} series.")
    pairs = days - window - horizon + 1
    if pairs < 1:
        raise InputError(f"window={window} plus horizon={horizon} needs at least "
                         f"{window + horizon} days; these values have {days}.")
    start = np.arange(pairs)[:, None]
    past = start + np.arange(window)[None, :]
    future = start + window + np.arange(horizon)[None, :]
    snapshots = values[past].transpose(0, 2, 1)[..., None]
    return SnapshotWindows(snapshots=snapshots.astype(np.float32),
                           targets=values[future, target].astype(np.float32),
                           clean_targets=clean_values[future, target].astype(np.float32),
                           last_values=values[start[:, 0] + window - 1, target]
                           .astype(np.float32))


def split_panel_by_time(panel: EventPanel, window: int, horizon: int,
                        fractions: tuple[float, ...] = (0.7, 0.3)
                        ) -> tuple[list[SnapshotWindows], StandardScaler]:
    """Split a panel's days in time order, scale with the first part, then window each part.

    The days are split first, so a window never reaches across a boundary: no target of a
    training window lies in the test period. The scaler learns one mean and spread per
    series from the first (training) part only and is applied to every part.

    Args:
        panel: An :class:`EventPanel`.
        window, horizon: As in :func:`snapshot_windows`.
        fractions: Shares of the days, earliest first, as in
            :func:`rnncourse.data.sequences.chronological_split`.

    Returns:
        ``(parts, scaler)``: one :class:`SnapshotWindows` per part, and the fitted scaler
        (its ``inverse_transform`` turns scaled values back into the panel's units).
    """
    parts = chronological_split(panel.values, panel.clean, fractions=fractions)
    scaler = StandardScaler().fit(parts[0][0])
    return [snapshot_windows(scaler.transform(values), window, horizon,
                             clean=scaler.transform(clean))
            for values, clean in parts], scaler
