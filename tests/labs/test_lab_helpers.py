"""The labs' plumbing: data loading, evidence tables, the alphabet and the fast sampler."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnncourse.config import notebook_settings
from rnncourse.data.registry import DATA_DIR_ENV, REGISTRY
from rnncourse.data.sequences import StandardScaler
from rnncourse.errors import DatasetError, DatasetNotAvailableError, InputError
from rnncourse.labs import stock_forecasting as stock_lab
from rnncourse.labs import text_generation as text_lab


class _Run(dict):
    __getattr__ = dict.__getitem__


def _run(lab, mode):
    return _Run(notebook_settings(lab, mode))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("mode, first_year, train_days",
                         [("full", 2000, 3229), ("fast", 2010, 754)])
def test_the_stock_lab_loads_ibm_before_and_after_2013(cache, mode, first_year, train_days):
    data = stock_lab.load_lab_data(_run("stock_forecasting", mode), verbose=False)
    assert data.symbol == "IBM" and data.column == "close"
    assert data.train["date"].min().year == first_year and len(data.train) == train_days
    assert len(data.test) == 41 and data.test["date"].min().year == 2013
    assert (cache / "stock_forecasting" / "IBM_test.csv").is_file()


def test_the_stock_lab_reads_your_own_nse_files(tmp_path, cache):
    header = "Date,Open,High,Low,Last,Close,Total Trade Quantity,Turnover (Lacs)\n"
    rows = [f"2018-01-{day:02d},{100 + day},{101 + day},{99 + day},{100 + day},{100 + day},10,1"
            for day in range(1, 29)]
    (tmp_path / "train.csv").write_text(header + "\n".join(reversed(rows[:20])) + "\n")
    (tmp_path / "test.csv").write_text(header + "\n".join(reversed(rows[20:])) + "\n")
    data = stock_lab.load_lab_data(_run("stock_forecasting", "fast"), tmp_path / "train.csv",
                                   tmp_path / "test.csv", verbose=False)
    assert list(data.train_values[:3]) == [101, 102, 103] and len(data.test_values) == 8
    with pytest.raises(DatasetError, match="must come after the training period"):
        stock_lab.load_lab_data(_run("stock_forecasting", "fast"), tmp_path / "train.csv",
                                tmp_path / "train.csv", verbose=False)
    with pytest.raises(InputError, match="both"):
        stock_lab.load_lab_data(_run("stock_forecasting", "fast"), tmp_path / "train.csv",
                                verbose=False)


def test_a_missing_sample_package_says_what_to_install(cache, monkeypatch):
    monkeypatch.setitem(REGISTRY, "stock_prices", dataclasses.replace(
        REGISTRY["stock_prices"], packaged_path=lambda: None))
    with pytest.raises(DatasetNotAvailableError, match="install-labs"):
        stock_lab.load_lab_data(_run("stock_forecasting", "full"), verbose=False)


def test_split_evidence_and_the_stationarity_table_back_the_lab_prose():
    splits = stock_lab.split_evidence()
    aapl = splits[splits["symbol"] == "AAPL"]
    assert (aapl["traded close change %"] < -40).all()
    assert (aapl["adjusted close change %"].abs() < 10).all()
    train = np.linspace(50.0, 150.0, 200)
    table = stock_lab.stationarity_table(train, np.full(10, 160.0))
    assert table.loc["price (USD)", "share of train values below test mean"] == 1.0
    assert table.loc["price (USD)", "z of test mean"] > 1.5


def test_unscale_undoes_a_one_feature_scaler_on_any_shape():
    scaler = StandardScaler().fit(np.array([1.0, 2.0, 3.0]))
    values = np.arange(6.0).reshape(2, 3, 1)
    assert np.allclose(stock_lab.unscale(scaler, scaler.transform(values.ravel()).reshape(
        values.shape)), values)


def test_lines_alphabet_and_split():
    lines = text_lab.split_lines("a  b\n\n\tc\nd e \n")
    assert lines == ["a b", "c", "d e"]
    alphabet = text_lab.Alphabet(lines)
    assert alphabet.symbols[0] == "" and alphabet.char_to_id["\n"] == 1
    assert set(alphabet.char_to_id) == {"\n", " ", "a", "b", "c", "d", "e"}
    train, val = text_lab.train_validation_lines([f"l{i}" for i in range(10)], 8, 0.25)
    assert train == [f"l{i}" for i in range(6)] and val == ["l6", "l7"]
    with pytest.raises(InputError, match="between 0 and 1"):
        text_lab.train_validation_lines(lines, 3, 1.5)


def test_window_comparison_counts_what_fixed_windows_cross():
    shares = text_lab.window_comparison(["abcd", "ef"], max_len=3)
    # text "abcd\nef\n": windows of 3 inputs: abc, bcd, cd\n, d\ne, \nef -> 3 of 5 cross
    assert shares["fixed windows spanning a line break"] == pytest.approx(3 / 5)
    # padded contexts have lengths 0 1 2 3 3 | 0 1 2: six of eight are shorter than 3
    assert shares["padded sequences shorter than max_len"] == pytest.approx(6 / 8)


def test_next_char_function_encodes_the_current_line_and_never_offers_padding():
    import keras

    alphabet = text_lab.Alphabet(["ab"])
    seen = []

    class Spy(keras.layers.Layer):
        def call(self, ids):
            seen.append(ids)
            return keras.ops.ones((1, len(alphabet))) / len(alphabet)

    inputs = keras.Input((4,), dtype="int32")
    model = keras.Model(inputs, Spy()(inputs))
    next_char = text_lab.next_char_function(model, alphabet, max_len=4)
    probabilities = next_char("ab\nba")
    assert probabilities[0] == 0 and np.isclose(probabilities.sum(), 1.0)
    with pytest.raises(InputError, match="never saw"):
        next_char("xyz")


def test_load_text_offline_and_alice_only_with_consent(cache):
    text, description = text_lab.load_text("python_help", verbose=False)
    assert len(text) > 400_000 and "help topics" in description
    with pytest.raises(DatasetNotAvailableError, match="download=True"):
        text_lab.load_text("alice")
    with pytest.raises(InputError, match="python_help"):
        text_lab.load_text("moby_dick")
