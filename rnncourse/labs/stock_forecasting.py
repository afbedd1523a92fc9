"""Plumbing of the stock-forecasting lab: the data it loads, its evidence tables and its plots.

The learner writes the forecasting pipeline in the notebook (scaling, windows, the naive
baseline, the LSTM, the multi-step loop, returns); this module holds what is not the
lesson: reading the train and test files (the offline sample or the learner's own, in the
Kaggle NYSE or the NSE layout), the tables that show why splits and price levels matter,
and the plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rnncourse.data import stocks
from rnncourse.data.registry import load
from rnncourse.errors import DatasetError, DatasetNotAvailableError, InputError

__all__ = ["StockData", "load_lab_data", "plot_forecasts", "plot_horizon_errors",
           "plot_prices", "split_evidence", "stationarity_table", "unscale"]


@dataclass(frozen=True)
class StockData:
    """The lab's train and test data for one stock.

    Attributes:
        train, test: The two files as read (oldest row first).
        column: The price column forecast (``"close"``).
        symbol: The stock, or the file name for an NSE file (which names none).
        source: Where the files came from, in words.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    column: str
    symbol: str
    source: str

    @property
    def train_values(self) -> np.ndarray:
        return self.train[self.column].to_numpy(dtype=np.float64)

    @property
    def test_values(self) -> np.ndarray:
        return self.test[self.column].to_numpy(dtype=np.float64)

    @property
    def train_dates(self) -> np.ndarray:
        return self.train["date"].to_numpy()

    @property
    def test_dates(self) -> np.ndarray:
        return self.test["date"].to_numpy()


def load_lab_data(run, train_file=None, test_file=None, symbol: str | None = None,
                  column: str = "close", verbose: bool = True) -> StockData:
    """Load the lab's train and test files: the offline sample, or your own two files.

    Args:
        run: The lab's run settings (``symbol``, ``test_start``, ``train_start``).
        train_file, test_file: Your own files (Kaggle NYSE ``prices.csv`` layout or the
            NSE layout of ``NSE-TATAGLOBAL.csv`` / ``tatatest.csv``); ``None`` writes and
            reads the offline sample files.
        symbol: The ticker to keep from an NYSE file with several (default ``run.symbol``
            for the sample; required for your own multi-stock file).
        column: The price to forecast.
        verbose: Print what was loaded.
    """
    if (train_file is None) != (test_file is None):
        raise InputError("Give both train_file and test_file (your own data), or neither "
                         "(the offline sample).")
    if train_file is None:
        symbol = symbol or run.symbol
        try:
            files = stocks.write_sample_files(symbol=symbol, test_start=run.test_start,
                                              train_start=run.train_start or None,
                                              verbose=verbose)
        except DatasetNotAvailableError:
            raise DatasetNotAvailableError(
                "The lab's sample prices ship with the bokeh_sampledata package, which is not "
                "installed. Install the labs' extras with `make install-labs` (or `pip install "
                "-e '.[labs]'`), or set OWN_TRAIN_FILE and OWN_TEST_FILE to your own files."
            ) from None
        train, test = stocks.read_price_file(files.train), stocks.read_price_file(files.test)
        source = (f"the offline sample ({symbol}, Quandl WIKI prices via bokeh_sampledata), "
                  f"written as {files.train.name} and {files.test.name} in {files.train.parent}")
    else:
        train = stocks.read_price_file(train_file, symbol=symbol)
        test = stocks.read_price_file(test_file, symbol=symbol)
        symbol = symbol or (str(train["symbol"].iloc[0]) if "symbol" in train.columns
                            else Path(train_file).stem)
        source = f"your files {train_file} and {test_file}"
    for name, frame in (("train", train), ("test", test)):
        if column not in frame.columns:
            raise DatasetError(f"The {name} file has no {column!r} column; it has "
                               f"{list(frame.columns)}.")
        if len(frame) < 2:
            raise DatasetError(f"The {name} file holds {len(frame)} rows; it needs at least 2.")
    if test["date"].min() <= train["date"].max():
        raise DatasetError(
            f"The test file starts on {test['date'].min():%Y-%m-%d}, but the train file runs to "
            f"{train['date'].max():%Y-%m-%d}: a test period must come after the training "
            "period, or the model is judged on days it learned from.")
    data = StockData(train=train, test=test, column=column, symbol=symbol, source=source)
    if verbose:
        print(f"Train: {len(train):,} days, {train['date'].min():%Y-%m-%d} to "
              f"{train['date'].max():%Y-%m-%d}. Test: {len(test)} days, "
              f"{test['date'].min():%Y-%m-%d} to {test['date'].max():%Y-%m-%d}. "
              f"Forecasting the {column} price of {symbol}, from {source}.")
    return data


def split_evidence() -> pd.DataFrame:
    """Each stock split in the sample: the traded close's one-day change beside the adjusted one.

    Also the largest one-day fall of IBM, the stock the lab uses, which never split here.
    """
    frame = load("stock_prices", verbose=False)
    rows = []
    for symbol in ("AAPL", "MSFT"):
        prices = frame[frame["symbol"] == symbol].set_index("date")
        traded, adjusted = prices["close"].pct_change(), prices["adj_close"].pct_change()
        for day in stocks.split_dates(frame, symbol):
            stamp = pd.Timestamp(day)
            rows.append({"symbol": symbol, "date": day,
                         "traded close change %": round(100 * traded[stamp], 1),
                         "adjusted close change %": round(100 * adjusted[stamp], 1)})
    ibm = frame[frame["symbol"] == "IBM"].set_index("date")
    change = ibm["close"].pct_change()
    worst = change.idxmin()
    rows.append({"symbol": "IBM", "date": f"{worst:%Y-%m-%d} (largest fall)",
                 "traded close change %": round(100 * change[worst], 1),
                 "adjusted close change %": round(100 * ibm["adj_close"].pct_change()[worst], 1)})
    return pd.DataFrame(rows)


def unscale(scaler, values) -> np.ndarray:
    """Undo a one-feature scaler on an array of any shape (windows, horizons, ...)."""
    array = np.asarray(values, dtype=np.float64)
    return np.asarray(scaler.inverse_transform(array.reshape(-1)),
                      dtype=np.float64).reshape(array.shape)


def stationarity_table(train_prices, test_prices) -> pd.DataFrame:
    """How far the test period lies from the training period, for prices and for returns.

    For each series: its training mean and spread, the test mean, where the test mean falls
    in training spreads (a z-score), and the share of training values below the test mean
    (near 1: the test period sits at the top of what the model has seen).
    """
    train_prices = np.asarray(train_prices, dtype=np.float64)
    test_prices = np.asarray(test_prices, dtype=np.float64)
    train_returns = train_prices[1:] / train_prices[:-1] - 1
    joined = np.concatenate([train_prices[-1:], test_prices])
    test_returns = joined[1:] / joined[:-1] - 1
    rows = []
    for name, train, test in (("price (USD)", train_prices, test_prices),
                              ("daily return", train_returns, test_returns)):
        rows.append({"series": name, "train mean": train.mean(), "train sd": train.std(),
                     "test mean": test.mean(),
                     "z of test mean": (test.mean() - train.mean()) / train.std(),
                     "share of train values below test mean": np.mean(train < test.mean())})
    return pd.DataFrame(rows).set_index("series")


def plot_prices(data: StockData):
    """The train and test prices on one time axis."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(9, 3.2))
    axis.plot(data.train_dates, data.train_values, lw=0.8, label="train file")
    axis.plot(data.test_dates, data.test_values, lw=1.2, color="tab:red", label="test file")
    axis.set_ylabel(f"{data.column} (USD)")
    axis.set_title(f"{data.symbol}: daily {data.column} price")
    axis.legend()
    figure.tight_layout()
    return figure


def plot_forecasts(dates, actual, forecasts: dict[str, np.ndarray], title: str = ""):
    """Actual test prices and one line per forecast."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(9, 3.4))
    axis.plot(dates, actual, color="black", lw=1.6, label="actual")
    for name, values in forecasts.items():
        axis.plot(dates, values, lw=1.1, label=name)
    axis.set_ylabel("USD")
    axis.set_title(title or "One-day-ahead forecasts on the test file")
    axis.legend()
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def plot_horizon_errors(errors: dict[str, np.ndarray]):
    """Mean absolute error against forecast horizon, one line per method."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.2))
    for name, values in errors.items():
        values = np.asarray(values, dtype=np.float64)
        axis.plot(np.arange(1, len(values) + 1), values, marker="o", label=name)
    axis.set_xlabel("days ahead")
    axis.set_ylabel("mean absolute error (USD)")
    axis.set_title("Error grows with the horizon")
    axis.legend()
    figure.tight_layout()
    return figure
