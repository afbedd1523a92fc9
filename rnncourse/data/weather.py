"""Seattle's daily weather, 2012-2015 (lesson 01): the reader and its registry entry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnncourse.data.registry import installed_package_file, load, register_dataset
from rnncourse.errors import DatasetError

__all__ = ["load_seattle_weather", "read_seattle_weather"]


def read_seattle_weather(path: Path) -> pd.DataFrame:
    """Read the Seattle weather CSV and add the measured ``rainy`` label.

    The file's own ``weather`` column is unreliable (47 days say "rain" with 0 mm of
    precipitation and 77 days say "sun" with some), so the label the course uses is
    derived from the measurement: ``rainy = precipitation > 0``.
    """
    frame = pd.read_csv(path)
    expected = {"date", "precipitation", "temp_max", "temp_min", "wind", "weather"}
    missing = expected - set(frame.columns)
    if missing:
        raise DatasetError(
            f"{path} lacks the columns {sorted(missing)}; it is not the Seattle weather "
            "file. Remove it from the cache folder and load again."
        )
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.sort_values("date").reset_index(drop=True)
    frame["rainy"] = (frame["precipitation"] > 0).astype("int64")
    return frame


register_dataset("seattle_weather", reader=read_seattle_weather,
                 packaged_path=installed_package_file("vega_datasets", "_data",
                                                      "seattle-weather.csv"))


def load_seattle_weather(download: bool = False, verbose: bool = True) -> pd.DataFrame:
    """The Seattle weather table, offline from vega_datasets (see :func:`read_seattle_weather`)."""
    return load("seattle_weather", download=download, verbose=verbose)
