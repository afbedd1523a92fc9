"""Daily stock prices (the stock-forecasting lab): offline sample data and readers for your files.

Two jobs, both in the data layer:

* **Offline sample prices.** The ``bokeh_sampledata`` package ships daily open, high, low,
  close and volume for AAPL, IBM and MSFT (2000-03-01 to 2013-03-01), GOOG (from 2004-08-19)
  and FB (from 2012-05-18), taken from the public-domain Quandl WIKI prices. The file is
  read by path (Bokeh itself is never imported) and verified by SHA-256.
  :func:`sample_prices` presents it in the layout of the Kaggle NYSE ``prices.csv``
  (``date, symbol, open, close, low, high, volume``) and :func:`write_sample_files` writes it
  out as such a ``prices.csv`` plus one stock's *train file* and a separate, later *test
  file*, the way ``NSE-TATAGLOBAL.csv`` and ``tatatest.csv`` come in the original exercise.
* **Your own files.** :func:`read_nyse_prices` reads a Kaggle NYSE ``prices.csv`` (or
  ``prices-split-adjusted.csv``), :func:`read_nse_prices` reads the NSE layout of
  ``NSE-TATAGLOBAL.csv`` / ``tatatest.csv`` (newest row first), and :func:`read_price_file`
  recognises either from the header. A file in neither layout gets an error naming the
  columns it has and the ones expected.

Every reader returns rows oldest first with a ``date`` column of ``datetime64`` values.

Splits: the close prices are as traded, so a stock split shows up as a fake crash (AAPL
halves on 2000-06-21 and 2005-02-28). IBM did not split between 2000 and 2013, so its
traded close is usable as it is; ``sample_prices(adjusted=True)`` scales every price by the
source's adjusted close instead (splits *and* dividends, as of the archive's snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rnncourse.data.registry import data_dir, installed_package_file, load, register_dataset
from rnncourse.errors import DatasetError, InputError, UnknownNameError

__all__ = [
    "NSE_COLUMNS",
    "NYSE_COLUMNS",
    "PriceFiles",
    "price_layout",
    "read_nse_prices",
    "read_nyse_prices",
    "read_price_file",
    "read_stock_sample",
    "sample_prices",
    "split_dates",
    "write_sample_files",
]

NYSE_COLUMNS = ("date", "symbol", "open", "close", "low", "high", "volume")
"""The columns of the Kaggle NYSE ``prices.csv``, in its order."""

NSE_COLUMNS = ("Date", "Open", "High", "Low", "Last", "Close", "Total Trade Quantity",
               "Turnover (Lacs)")
"""The columns of ``NSE-TATAGLOBAL.csv`` and ``tatatest.csv``, in their order."""

_PRICE_COLUMNS = ("open", "close", "low", "high")
_SAMPLE_COLUMNS = ("Ticker", "Date", "Open", "High", "Low", "Close", "Volume", "Adj Close")


# ----------------------------------------------------------------------------- the sample


def read_stock_sample(path: Path) -> pd.DataFrame:
    """Read ``bokeh_sampledata``'s ``stocks.csv.gz`` into the NYSE layout plus ``adj_close``.

    Returns:
        One row per trading day and symbol, sorted by symbol then date, with the columns
        of :data:`NYSE_COLUMNS` followed by ``adj_close`` (the source's adjusted close).
    """
    frame = pd.read_csv(path)
    missing = [column for column in _SAMPLE_COLUMNS if column not in frame.columns]
    if missing:
        raise DatasetError(f"{path} lacks the columns {missing}; it is not bokeh_sampledata's "
                           "stocks.csv.gz. Reinstall the course's dependencies "
                           "(pip install -e '.[labs]').")
    frame = frame.rename(columns={"Ticker": "symbol", "Date": "date", "Open": "open",
                                  "High": "high", "Low": "low", "Close": "close",
                                  "Volume": "volume", "Adj Close": "adj_close"})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame = frame.sort_values(["symbol", "date"]).reset_index(drop=True)
    return frame[[*NYSE_COLUMNS, "adj_close"]]


register_dataset("stock_prices", reader=read_stock_sample,
                 packaged_path=installed_package_file("bokeh_sampledata", "_data",
                                                      "stocks.csv.gz"))


def sample_prices(adjusted: bool = False, verbose: bool = True) -> pd.DataFrame:
    """The offline sample prices in the layout of the Kaggle NYSE ``prices.csv``.

    Args:
        adjusted: Scale open, close, low and high by the source's adjusted close, so that
            splits and dividends no longer show as jumps (the prices are then no longer the
            ones traded on the day). ``False`` keeps the prices as traded.
        verbose: Print which copy of the data was used.

    Returns:
        Columns ``date, symbol, open, close, low, high, volume``; rows by symbol, oldest first.
    """
    frame = load("stock_prices", verbose=verbose)
    source = frame.attrs.get("source", "")
    if adjusted:
        factor = frame["adj_close"] / frame["close"]
        for column in _PRICE_COLUMNS:
            frame[column] = frame[column] * factor
    result = frame[list(NYSE_COLUMNS)].copy()
    result.attrs["source"] = source
    result.attrs["adjusted"] = bool(adjusted)
    return result


def split_dates(frame: pd.DataFrame, symbol: str, threshold: float = 0.4) -> list[str]:
    """Days on which ``symbol``'s close fell by more than ``threshold`` but its adjusted close
    did not: the stock splits that unadjusted prices turn into fake crashes.

    ``frame`` must hold ``adj_close`` (use :func:`rnncourse.data.load("stock_prices")`).
    """
    if "adj_close" not in frame.columns:
        raise InputError("split_dates needs the adj_close column; pass "
                         "rnncourse.data.load('stock_prices').")
    rows = frame[frame["symbol"] == symbol]
    if rows.empty:
        raise UnknownNameError(f"No rows for symbol {symbol!r}; the file holds "
                               f"{sorted(frame['symbol'].unique())}.")
    traded = rows["close"].pct_change()
    adjusted = rows["adj_close"].pct_change()
    splits = (traded < -threshold) & (adjusted.abs() < threshold / 2)
    return [day.strftime("%Y-%m-%d") for day in rows.loc[splits, "date"]]


# ------------------------------------------------------------------------------ the layouts


def price_layout(columns) -> str:
    """Name the layout a header belongs to: ``"nyse"``, ``"nse"`` or ``"unknown"``."""
    names = [str(column).strip() for column in columns]
    if set(NYSE_COLUMNS) <= {name.lower() for name in names}:
        return "nyse"
    if set(NSE_COLUMNS) <= set(names):
        return "nse"
    return "unknown"


def _layout_error(path: Path, columns, wanted: str) -> DatasetError:
    found = [str(column) for column in columns]
    return DatasetError(
        f"{path} is not in the {wanted} layout: its columns are {found}. Expected either the "
        f"Kaggle NYSE prices.csv layout {list(NYSE_COLUMNS)} (read_nyse_prices) or the NSE "
        f"layout of NSE-TATAGLOBAL.csv / tatatest.csv {list(NSE_COLUMNS)} (read_nse_prices). "
        "Rename the columns, or export the file again in one of these layouts.")


def _read_csv(path) -> tuple[Path, pd.DataFrame]:
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"There is no file {path}. Check the path (relative paths start "
                           f"from the folder the notebook runs in, {Path.cwd()}).")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise DatasetError(f"{path} could not be read as a CSV file ({error}). Is it a "
                           "comma-separated text file with a header row?") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    return path, frame


def _parse_dates(path: Path, values: pd.Series) -> pd.Series:
    # Kaggle's prices.csv mixes "2016-01-05 00:00:00" and "2010-01-04"; keep the day only.
    days = values.astype(str).str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(days, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        raise DatasetError(f"{path}: {int(bad.sum())} dates are not in the form YYYY-MM-DD, "
                           f"e.g. {values[bad].iloc[0]!r} in row {int(bad.idxmax()) + 2}.")
    return parsed


def _numeric(path: Path, frame: pd.DataFrame, columns) -> None:
    for column in columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna()
        if bad.any():
            raise DatasetError(f"{path}: column {column!r} has {int(bad.sum())} values that "
                               f"are not numbers, e.g. {frame.loc[bad, column].iloc[0]!r} in "
                               f"row {int(bad.idxmax()) + 2}.")
        frame[column] = numbers.astype(np.float64)


def read_nyse_prices(path, symbol: str | None = None) -> pd.DataFrame:
    """Read a Kaggle NYSE ``prices.csv`` (``date, symbol, open, close, low, high, volume``).

    Args:
        path: The CSV file (``prices.csv`` or ``prices-split-adjusted.csv``).
        symbol: Keep only this ticker (e.g. ``"IBM"``); ``None`` keeps every one.

    Returns:
        Rows sorted by symbol and date (oldest first), the seven columns in NYSE order.

    Raises:
        DatasetError: the file is missing, unreadable, in another layout, has a date or
            price that does not parse, or repeats a (date, symbol) row.
        UnknownNameError: ``symbol`` is not in the file.
    """
    path, frame = _read_csv(path)
    if price_layout(frame.columns) != "nyse":
        raise _layout_error(path, frame.columns, "NYSE prices.csv")
    frame = frame.rename(columns={column: column.lower() for column in frame.columns})
    frame = frame[list(NYSE_COLUMNS)].copy()
    frame["symbol"] = frame["symbol"].astype(str).str.strip()
    if symbol is not None:
        available = sorted(frame["symbol"].unique())
        if symbol not in available:
            shown = ", ".join(available[:12]) + (" ..." if len(available) > 12 else "")
            raise UnknownNameError(f"{path} has no rows for symbol {symbol!r}; it holds "
                                   f"{len(available)} symbols: {shown}.")
        frame = frame[frame["symbol"] == symbol].copy()
    frame["date"] = _parse_dates(path, frame["date"])
    _numeric(path, frame, (*_PRICE_COLUMNS, "volume"))
    repeated = frame.duplicated(["symbol", "date"])
    if repeated.any():
        first = frame[repeated].iloc[0]
        raise DatasetError(f"{path} has {int(repeated.sum())} repeated rows, e.g. "
                           f"{first['symbol']} on {first['date']:%Y-%m-%d}; keep one row "
                           "per symbol and day.")
    frame = frame.sort_values(["symbol", "date"]).reset_index(drop=True)
    frame.attrs["source"] = str(path)
    frame.attrs["layout"] = "nyse"
    return frame


def read_nse_prices(path) -> pd.DataFrame:
    """Read the NSE layout of ``NSE-TATAGLOBAL.csv`` and ``tatatest.csv``.

    The files list the newest day first; the rows come back oldest first, with the columns
    renamed to the course's lower-case names: ``date, open, high, low, last, close, volume``
    (from "Total Trade Quantity") and ``turnover_lacs`` (from "Turnover (Lacs)").

    Raises:
        DatasetError: the file is missing, unreadable, in another layout, has a date or
            number that does not parse, or repeats a day.
    """
    path, frame = _read_csv(path)
    if price_layout(frame.columns) != "nse":
        raise _layout_error(path, frame.columns, "NSE")
    frame = frame[list(NSE_COLUMNS)].rename(columns={
        "Date": "date", "Open": "open", "High": "high", "Low": "low", "Last": "last",
        "Close": "close", "Total Trade Quantity": "volume", "Turnover (Lacs)": "turnover_lacs"})
    frame["date"] = _parse_dates(path, frame["date"])
    _numeric(path, frame, ("open", "high", "low", "last", "close", "volume", "turnover_lacs"))
    repeated = frame.duplicated("date")
    if repeated.any():
        raise DatasetError(f"{path} lists {frame.loc[repeated, 'date'].iloc[0]:%Y-%m-%d} more "
                           "than once; keep one row per day.")
    frame = frame.sort_values("date").reset_index(drop=True)
    frame.attrs["source"] = str(path)
    frame.attrs["layout"] = "nse"
    return frame


def read_price_file(path, symbol: str | None = None) -> pd.DataFrame:
    """Read a price file in either layout, recognised from its header, oldest row first.

    Args:
        path: A Kaggle NYSE ``prices.csv`` or an NSE file such as ``NSE-TATAGLOBAL.csv``.
        symbol: For NYSE files, the ticker to keep (required when the file holds several).

    Raises:
        DatasetError: the header matches neither layout (the message lists both).
        InputError: an NYSE file holds several symbols and none was chosen, or a symbol
            was asked of an NSE file (which holds one stock and no symbol column).
    """
    path, frame = _read_csv(path)
    layout = price_layout(frame.columns)
    if layout == "nse":
        if symbol is not None:
            raise InputError(f"{path} is an NSE file: it holds one stock and has no symbol "
                             f"column, so symbol={symbol!r} cannot be chosen. Leave symbol out.")
        return read_nse_prices(path)
    if layout == "nyse":
        prices = read_nyse_prices(path, symbol=symbol)
        symbols = sorted(prices["symbol"].unique())
        if symbol is None and len(symbols) > 1:
            raise InputError(f"{path} holds {len(symbols)} symbols ({', '.join(symbols[:8])}"
                             f"{' ...' if len(symbols) > 8 else ''}); choose one with "
                             f"symbol=..., e.g. symbol={symbols[0]!r}.")
        return prices
    raise _layout_error(path, frame.columns, "NYSE or NSE")


# ------------------------------------------------------------------ the files the lab uses


@dataclass(frozen=True)
class PriceFiles:
    """The sample files :func:`write_sample_files` wrote.

    Attributes:
        prices: Every symbol in the Kaggle NYSE ``prices.csv`` layout.
        train: One symbol's days before ``test_start`` (the "NSE-TATAGLOBAL.csv" role).
        test: The same symbol from ``test_start`` on (the "tatatest.csv" role).
        symbol: The stock in the train and test files.
        test_start: The first day the test file may hold.
    """

    prices: Path
    train: Path
    test: Path
    symbol: str
    test_start: str


def _write_once(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless an identical file is there; never replace another."""
    if path.exists():
        if path.read_text() == text:
            return
        raise DatasetError(f"{path} exists and differs from the course's sample file; it was "
                           "left untouched. Move it away, or pass another folder.")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text)
    temporary.replace(path)


def write_sample_files(folder=None, symbol: str = "IBM", test_start: str = "2013-01-01",
                       train_start: str | None = None, adjusted: bool = False,
                       verbose: bool = True) -> PriceFiles:
    """Write the sample prices as ``prices.csv`` plus a train file and a later test file.

    Args:
        folder: Where to write (default ``<data dir>/stock_forecasting``). Existing files
            are reused when identical and never overwritten when not.
        symbol: The stock for the train and test files.
        test_start: The first day of the test file (``YYYY-MM-DD``); the train file ends
            the trading day before.
        train_start: The first day of the train file (default: the symbol's first day).
        adjusted: Write adjusted rather than traded prices (see :func:`sample_prices`).
        verbose: Print what was written.

    Returns:
        The :class:`PriceFiles`; read them with :func:`read_nyse_prices`.
    """
    prices = sample_prices(adjusted=adjusted, verbose=verbose)
    if symbol not in set(prices["symbol"]):
        raise UnknownNameError(f"The sample has no symbol {symbol!r}; choose one of "
                               f"{sorted(prices['symbol'].unique())}.")
    try:
        start = pd.Timestamp(test_start)
        first = pd.Timestamp(train_start) if train_start is not None else None
    except ValueError:
        raise InputError(f"test_start={test_start!r} and train_start={train_start!r} must be "
                         "dates written YYYY-MM-DD.") from None
    rows = prices[prices["symbol"] == symbol]
    if first is not None:
        rows = rows[rows["date"] >= first]
    train, test = rows[rows["date"] < start], rows[rows["date"] >= start]
    if len(train) < 2 or len(test) < 1:
        raise InputError(f"{symbol} has {len(train)} days before {test_start} and {len(test)} "
                         f"from it on (data from {rows['date'].min():%Y-%m-%d} to "
                         f"{rows['date'].max():%Y-%m-%d}); move test_start or train_start.")
    folder = Path(folder).expanduser() if folder is not None else data_dir() / "stock_forecasting"
    suffix = "_adjusted" if adjusted else ""
    files = PriceFiles(prices=folder / f"prices{suffix}.csv",
                       train=folder / f"{symbol}_train{suffix}.csv",
                       test=folder / f"{symbol}_test{suffix}.csv",
                       symbol=symbol, test_start=start.strftime("%Y-%m-%d"))
    if first is not None:
        files = PriceFiles(prices=files.prices,
                           train=folder / f"{symbol}_train_from_{first:%Y-%m-%d}{suffix}.csv",
                           test=files.test, symbol=symbol, test_start=files.test_start)

    def as_csv(frame: pd.DataFrame) -> str:
        return frame.to_csv(index=False, date_format="%Y-%m-%d", float_format="%.6g")

    _write_once(files.prices, as_csv(prices.sort_values(["date", "symbol"])))
    _write_once(files.train, as_csv(train))
    _write_once(files.test, as_csv(test))
    if verbose:
        print(f"Sample files in {folder}: {files.prices.name} ({len(prices):,} rows, "
              f"{prices['symbol'].nunique()} symbols), {files.train.name} ({len(train):,} days "
              f"to {train['date'].max():%Y-%m-%d}) and {files.test.name} ({len(test)} days "
              f"from {test['date'].min():%Y-%m-%d}).")
    return files
