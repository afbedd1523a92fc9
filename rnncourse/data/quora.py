"""Insincere questions (the pretrained-embeddings lab): your Quora file, or an offline stand-in.

The lab's original data is Quora's *Insincere Questions Classification* competition on
Kaggle: 1,306,122 questions in ``train.csv`` (``qid``, ``question_text``, ``target``), 6.2 %
of them marked insincere (``target`` 1: a question meant to make a statement, not to get an
answer). It can only be downloaded from Kaggle with an account that has accepted the
competition's rules, so nothing here downloads it:

* :func:`read_quora_questions` reads your ``train.csv`` (or the competition's zip, taking
  ``train.csv`` out of it) and checks its layout.
* :func:`newsgroup_questions` is the offline stand-in, in the same layout: real, imbalanced
  text with a real label, from 20 Newsgroups. The positives are the posts of the three
  ``talk.politics.*`` groups (13.9 % of the training posts), the negatives everything else,
  including the religion and other debating groups, so the model must tell politics from
  other heated talk. It is not a set of questions: each "question" is the start of a post
  (its subject line, then its first words), cut to a question-like length. No packaged
  collection of labelled questions could be found: the question sets that ship with Python
  packages are either unlabelled or labelled by answer type, not by intent.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from rnncourse.data.news import newsgroup_posts
from rnncourse.data.registry import register_dataset
from rnncourse.errors import DatasetError
from rnncourse.validation import as_int, one_of

__all__ = ["POLITICS_GROUPS", "QUORA_COLUMNS", "newsgroup_questions", "read_quora_questions"]

QUORA_COLUMNS = ("qid", "question_text", "target")
"""The columns of the competition's ``train.csv``."""

POLITICS_GROUPS = ("talk.politics.guns", "talk.politics.mideast", "talk.politics.misc")
"""The newsgroups whose posts are the offline stand-in's positives."""


def read_quora_questions(path) -> pd.DataFrame:
    """Read the Quora competition's ``train.csv`` (``qid, question_text, target``).

    Args:
        path: ``train.csv``, or the competition's zip (``train.csv`` is read from it without
            extracting anything else; the zip also holds 6 GB of embeddings).

    Returns:
        Columns ``question_text`` and ``target`` (0 sincere, 1 insincere), plus ``qid``
        when present; ``attrs["source"]`` names the file.

    Raises:
        DatasetError: the file is missing or unreadable, lacks a column (the competition's
            ``test.csv`` has no ``target``), or has a target other than 0 and 1.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(
            f"There is no file {path}. The Quora questions come only from Kaggle: sign in with "
            "a Kaggle account, accept the rules of the 'Quora Insincere Questions "
            "Classification' competition, "
            "download its data (or `kaggle competitions download -c "
            "quora-insincere-questions-classification`) and give the path of train.csv or of "
            "the zip. Without it, the lab uses rnncourse.data.quora.newsgroup_questions().")
    where = str(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [name for name in archive.namelist() if Path(name).name == "train.csv"]
                if not members:
                    raise DatasetError(f"{path} holds no train.csv; it holds "
                                       f"{archive.namelist()[:8]}.")
                where = f"{path}:{members[0]}"
                frame = pd.read_csv(io.BytesIO(archive.read(members[0])), dtype=str,
                                    keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError,
            zipfile.BadZipFile) as error:
        raise DatasetError(f"{path} could not be read as a CSV file ({error}).") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    if "question_text" not in frame.columns or "target" not in frame.columns:
        hint = (" This looks like the competition's test.csv, which has no labels; use "
                "train.csv." if "question_text" in frame.columns else "")
        raise DatasetError(f"{path} has the columns {list(frame.columns)[:10]}; the Quora "
                           f"layout is {list(QUORA_COLUMNS)} (question_text and target are "
                           f"needed).{hint}")
    targets = frame["target"].str.strip()
    bad = ~targets.isin(["0", "1"])
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise DatasetError(f"{path}: target must be 0 or 1; row {row + 2} has "
                           f"{frame['target'].iloc[row]!r} ({int(bad.sum())} such rows).")
    columns = [column for column in QUORA_COLUMNS if column in frame.columns]
    result = frame[columns].copy()
    result["target"] = targets.astype("int64")
    result.attrs["source"] = where
    return result


register_dataset("quora_insincere", reader=read_quora_questions)


def newsgroup_questions(split: str = "train", words: int = 40,
                        verbose: bool = True) -> pd.DataFrame:
    """The offline stand-in in the Quora layout: talk.politics.* posts (1) against the rest (0).

    Args:
        split: ``"train"`` (11,293 posts) or ``"test"`` (7,528), the collection's split by date.
        words: Words kept from the start of each post (subject line first).
        verbose: Print which copy of the data was used.

    Returns:
        Columns ``question_text``, ``target`` and ``newsgroup``; posts left empty are dropped.
    """
    split = one_of("split", split, ("train", "test"))
    words = as_int("words", words, minimum=1)
    posts = newsgroup_posts(split, verbose=verbose)
    texts = posts["text"].str.split().str[:words].str.join(" ")
    frame = pd.DataFrame({"question_text": texts.to_numpy(),
                          "target": posts["newsgroup"].isin(POLITICS_GROUPS).to_numpy(int),
                          "newsgroup": posts["newsgroup"].to_numpy()})
    frame = frame[frame["question_text"].str.len() > 0].reset_index(drop=True)
    frame.attrs["source"] = posts.attrs.get("source", "")
    frame.attrs["words"] = words
    return frame
