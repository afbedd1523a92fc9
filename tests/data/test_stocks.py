"""Stock prices: the offline sample, its files, and readers for both original layouts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnncourse.data import stocks
from rnncourse.data.registry import REGISTRY, catalogue, load
from rnncourse.errors import ChecksumError, DatasetError, InputError, UnknownNameError

REPOSITORY = Path(__file__).resolve().parents[2]



def test_catalogue_entries_of_the_new_datasets_are_complete_and_documented():
    from rnncourse.data import alice, python_texts  # noqa: F401  (register them)

    readme = (REPOSITORY / "datasets" / "README.md").read_text()
    entries = catalogue()
    for name in ("stock_prices", "python_help_topics", "alice_canterbury"):
        entry = entries[name]
        for field in ("description", "licence", "origin", "size"):
            assert entry[field].strip(), f"{name} lacks {field}"
        assert name in REGISTRY and REGISTRY[name].notebooks
        assert f"`{name}`" in readme
    for name in ("stock_prices", "alice_canterbury"):
        assert re.fullmatch(r"[0-9a-f]{64}", entries[name]["sha256"])


def test_the_sample_loads_offline_verified_and_says_from_where(capsys):
    frame = load("stock_prices")
    assert "offline copy shipped with a dependency" in capsys.readouterr().out
    assert len(frame) == 12154 and sorted(frame["symbol"].unique()) == [
        "AAPL", "FB", "GOOG", "IBM", "MSFT"]
    ibm = frame[frame["symbol"] == "IBM"]
    assert ibm["date"].min() == pd.Timestamp("2000-03-01")
    assert ibm["date"].max() == pd.Timestamp("2013-03-01")
    assert ibm["date"].is_monotonic_increasing


def test_the_sample_is_found_by_path_without_importing_bokeh():
    import subprocess
    import sys

    code = ("import sys\nfrom rnncourse.data import stocks\n"
            "stocks.sample_prices(verbose=False)\n"
            "assert not [m for m in sys.modules if m.startswith('bokeh')], 'bokeh imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]


def test_a_corrupted_sample_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "stocks.csv.gz"
    broken.write_bytes(REGISTRY["stock_prices"].packaged_path().read_bytes()[:-50])
    import dataclasses

    monkeypatch.setitem(REGISTRY, "stock_prices", dataclasses.replace(
        REGISTRY["stock_prices"], packaged_path=lambda: broken))
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(ChecksumError):
        stocks.sample_prices()


def test_splits_show_in_traded_prices_and_not_in_adjusted_ones():
    frame = load("stock_prices", verbose=False)
    assert stocks.split_dates(frame, "AAPL") == ["2000-06-21", "2005-02-28"]
    assert stocks.split_dates(frame, "MSFT") == ["2003-02-18"]
    assert stocks.split_dates(frame, "IBM") == []
    adjusted = stocks.sample_prices(adjusted=True, verbose=False)
    aapl = adjusted[adjusted["symbol"] == "AAPL"].set_index("date")["close"].pct_change()
    assert aapl[pd.Timestamp("2000-06-21")] > -0.2
    with pytest.raises(UnknownNameError, match="AAPL"):
        stocks.split_dates(frame, "XYZ")


def test_sample_files_are_a_prices_csv_and_a_train_file_before_a_test_file(tmp_path):
    files = stocks.write_sample_files(tmp_path, verbose=False)
    prices = stocks.read_nyse_prices(files.prices)
    assert list(prices.columns) == list(stocks.NYSE_COLUMNS) and len(prices) == 12154
    train, test = stocks.read_price_file(files.train), stocks.read_price_file(files.test)
    assert train["date"].max() < pd.Timestamp("2013-01-01") <= test["date"].min()
    assert len(test) == 41 and set(train["symbol"]) == {"IBM"}
    moves = np.abs(np.diff(np.concatenate([train["close"].values[-1:], test["close"].values])))
    assert round(moves.mean(), 2) == 1.42 and round(moves[1:].mean(), 2) == 1.34
    again = stocks.write_sample_files(tmp_path, verbose=False)  # identical files are reused
    assert again == files


def test_sample_files_never_overwrite_a_different_file(tmp_path):
    (tmp_path / "IBM_test.csv").write_text("my own notes\n")
    with pytest.raises(DatasetError, match="left untouched"):
        stocks.write_sample_files(tmp_path, verbose=False)
    assert (tmp_path / "IBM_test.csv").read_text() == "my own notes\n"


def test_sample_files_check_their_arguments(tmp_path):
    with pytest.raises(UnknownNameError, match="IBM"):
        stocks.write_sample_files(tmp_path, symbol="ZZZ", verbose=False)
    with pytest.raises(InputError, match="move test_start"):
        stocks.write_sample_files(tmp_path, test_start="2030-01-01", verbose=False)


NYSE_TEXT = """date,symbol,open,close,low,high,volume
2016-01-05 00:00:00,WLTW,123.43,125.839996,122.309998,126.25,2163600.0
2016-01-05 00:00:00,ACN,102.5,103.0,101.9,103.2,1000.0
2016-01-06,WLTW,125.239998,119.980003,119.940002,125.540001,2386400.0
2016-01-04,WLTW,120.0,121.0,119.0,122.0,100.0
"""

NSE_TEXT = """Date,Open,High,Low,Last,Close,Total Trade Quantity,Turnover (Lacs)
2018-09-28,234.05,235.95,230.2,233.5,233.75,3069914,7162.35
2018-09-27,234.55,236.8,231.1,233.8,233.25,5082859,11859.95
2018-09-26,240.0,240.0,232.5,235.0,234.25,2240909,5248.6
"""


def test_a_kaggle_nyse_file_is_read_oldest_first_with_mixed_date_formats(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(NYSE_TEXT)
    frame = stocks.read_nyse_prices(path, symbol="WLTW")
    assert list(frame["date"].dt.strftime("%Y-%m-%d")) == ["2016-01-04", "2016-01-05",
                                                           "2016-01-06"]
    assert frame.attrs["layout"] == "nyse" and list(frame.columns) == list(stocks.NYSE_COLUMNS)
    with pytest.raises(InputError, match="holds 2 symbols"):
        stocks.read_price_file(path)
    with pytest.raises(UnknownNameError, match="ACN, WLTW"):
        stocks.read_nyse_prices(path, symbol="IBM")


def test_an_nse_file_is_turned_oldest_first(tmp_path):
    path = tmp_path / "NSE-TATAGLOBAL.csv"
    path.write_text(NSE_TEXT)
    frame = stocks.read_price_file(path)
    assert frame.attrs["layout"] == "nse"
    assert list(frame["close"]) == [234.25, 233.25, 233.75]
    assert {"date", "open", "high", "low", "last", "close", "volume"} <= set(frame.columns)
    with pytest.raises(InputError, match="no symbol"):
        stocks.read_price_file(path, symbol="TATA")


@pytest.mark.parametrize("text, reader, message", [
    ("Date,Price\n2020-01-01,3\n", stocks.read_price_file, "NYSE or NSE layout"),
    (NSE_TEXT, stocks.read_nyse_prices, "not in the NYSE prices.csv layout"),
    (NYSE_TEXT, stocks.read_nse_prices, "not in the NSE layout"),
    (NSE_TEXT.replace("233.75", "n/a"), stocks.read_nse_prices, "not numbers"),
    (NSE_TEXT.replace("2018-09-27", "27/09/2018"), stocks.read_nse_prices, "YYYY-MM-DD"),
    (NSE_TEXT + NSE_TEXT.splitlines()[1] + "\n", stocks.read_nse_prices, "more than once"),
    (NYSE_TEXT + NYSE_TEXT.splitlines()[3] + "\n", stocks.read_nyse_prices, "repeated rows"),
])
def test_a_file_in_the_wrong_layout_or_with_bad_values_gets_a_clear_error(tmp_path, text,
                                                                         reader, message):
    path = tmp_path / "prices.csv"
    path.write_text(text)
    with pytest.raises(DatasetError, match=message):
        reader(path)


def test_a_missing_file_names_the_folder_relative_paths_start_from(tmp_path):
    with pytest.raises(DatasetError, match="There is no file"):
        stocks.read_price_file(tmp_path / "nope.csv")


def test_price_layout_names_each_header():
    assert stocks.price_layout(stocks.NYSE_COLUMNS) == "nyse"
    assert stocks.price_layout([c.upper() for c in stocks.NYSE_COLUMNS]) == "nyse"
    assert stocks.price_layout(stocks.NSE_COLUMNS) == "nse"
    assert stocks.price_layout(["a", "b"]) == "unknown"
