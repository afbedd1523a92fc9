"""The generated chatbot requests: every sentence enumerated, test sentences held out."""

import numpy as np
import pytest

from rnncourse.data.generated.intents import (
    INTENTS,
    intent_sentences,
    make_intent_corpus,
    make_intent_splits,
)
from rnncourse.errors import InputError


def test_every_drawn_request_is_one_of_the_enumerated_sentences():
    sentences = dict(intent_sentences())
    texts, labels = make_intent_corpus(300, seed=4)
    assert all(sentences[text] == label for text, label in zip(texts, labels, strict=True))
    assert len(sentences) == len(intent_sentences())  # one intent per sentence


def test_independent_draws_repeat_the_training_sentences():
    """Why the lesson needs held-out sentences: fresh draws are mostly seen ones."""
    train, _ = make_intent_corpus(800, seed=42)
    fresh, _ = make_intent_corpus(200, seed=43)
    assert np.mean([text in set(train) for text in fresh]) > 0.9


@pytest.mark.parametrize("seed", [42, 7, 123])
def test_held_out_sentences_never_occur_in_training(seed):
    splits = make_intent_splits(800, test_share=0.25, seed=seed)
    assert len(splits.train_texts) == 800 and splits.train_labels.shape == (800,)
    assert not set(splits.train_texts) & set(splits.test_texts)
    assert len(set(splits.test_texts)) == len(splits.test_texts)  # each once
    assert set(splits.test_labels.tolist()) == set(range(len(INTENTS)))
    sentences = dict(intent_sentences())
    assert all(sentences[text] == label
               for text, label in zip(splits.test_texts, splits.test_labels, strict=True))
    again = make_intent_splits(800, test_share=0.25, seed=seed)
    assert again.test_texts == splits.test_texts


def test_bad_split_arguments_are_explained():
    with pytest.raises(InputError, match="test_share"):
        make_intent_splits(10, test_share=1.0)
    with pytest.raises(InputError, match="examples"):
        make_intent_splits(0)
