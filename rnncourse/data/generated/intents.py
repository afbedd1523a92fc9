"""A generated corpus of short chatbot requests in four intents (lesson 05's multi-class task).

A many-to-one task with four classes instead of two: the same embedding + recurrent
model works with a ``Dense(4, activation="softmax")`` output
(:func:`rnncourse.models.text_classifiers.build_intent_classifier`).

The patterns and fillers make only about a hundred distinct requests, so requests drawn
independently for training and testing are nearly all the same sentences.
:func:`make_intent_splits` therefore holds out whole sentences: no test request occurs in
training, and a good test score means the model recognises new combinations of known words.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass

import numpy as np

from rnncourse.errors import InputError
from rnncourse.validation import MAX_COUNT, as_float, as_int, as_seed

__all__ = ["INTENTS", "IntentSplits", "intent_sentences", "make_intent_corpus",
           "make_intent_splits"]

INTENTS = ("time", "weather", "alarm", "music")
_INTENT_PATTERNS = {
    "time": ("what time is it", "tell me the time", "do you know what time it is",
             "what is the time {place}", "is it late {place}"),
    "weather": ("what is the weather {day}", "will it rain {day}", "is it sunny {place}",
                "do i need an umbrella {day}", "how cold is it {place}"),
    "alarm": ("set an alarm for {hour}", "wake me up at {hour}", "cancel my alarm",
              "set an alarm {day} at {hour}", "remind me at {hour}"),
    "music": ("play some {genre}", "play my {genre} playlist", "stop the music",
              "put on some {genre} {day}", "i want to hear {genre}"),
}
_INTENT_FILLERS = {
    "place": ("", "here", "in london", "at home", "in paris"),
    "day": ("", "today", "tomorrow", "tonight", "this weekend"),
    "hour": ("seven", "six thirty", "noon", "eight am", "nine"),
    "genre": ("jazz", "rock", "music", "songs", "classical music"),
}


def make_intent_corpus(examples: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Short chatbot requests and their intent id (an index into :data:`INTENTS`).

    A many-to-one task with four classes instead of two: the same embedding + recurrent
    model works with a ``Dense(4, activation="softmax")`` output. Sentences are drawn
    uniformly over the intents from a few patterns each, filled from small word lists.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    rng = np.random.default_rng(as_seed("seed", seed))
    texts, labels = [], []
    for _ in range(int(examples)):
        label = int(rng.integers(len(INTENTS)))
        pattern = str(rng.choice(_INTENT_PATTERNS[INTENTS[label]]))
        fillers = {slot: str(rng.choice(words)) for slot, words in _INTENT_FILLERS.items()}
        texts.append(" ".join(pattern.format(**fillers).split()))
        labels.append(label)
    return texts, np.array(labels, dtype=np.int64)


def intent_sentences() -> list[tuple[str, int]]:
    """Every distinct request the patterns can produce, with its intent id, sorted."""
    sentences: set[tuple[str, int]] = set()
    for label, intent in enumerate(INTENTS):
        for pattern in _INTENT_PATTERNS[intent]:
            slots = [name for _, name, _, _ in string.Formatter().parse(pattern) if name]
            for values in itertools.product(*(_INTENT_FILLERS[slot] for slot in slots)):
                text = pattern.format(**dict(zip(slots, values, strict=True)))
                sentences.add((" ".join(text.split()), label))
    return sorted(sentences)


@dataclass(frozen=True)
class IntentSplits:
    """Training requests (drawn with repetition) and held-out test requests (each once).

    Attributes:
        train_texts, train_labels: ``examples`` requests drawn from the training sentences.
        test_texts, test_labels: The held-out sentences, none of which occurs in training.
    """

    train_texts: list[str]
    train_labels: np.ndarray
    test_texts: list[str]
    test_labels: np.ndarray


def make_intent_splits(examples: int, test_share: float = 0.25, seed: int = 0) -> IntentSplits:
    """Hold out a share of the distinct requests for testing, and draw training requests.

    The distinct sentences of every intent are shuffled and the last ``test_share`` of
    them kept aside; ``examples`` training requests are then drawn uniformly over the
    intents from the remaining sentences.

    Args:
        examples: Number of training requests.
        test_share: Share of each intent's distinct sentences held out, in (0, 1).
        seed: Seed of the shuffle and the draws.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    test_share = as_float("test_share", test_share)
    if not 0.0 < test_share < 1.0:
        raise InputError(f"test_share must lie strictly between 0 and 1, got {test_share}.")
    rng = np.random.default_rng(as_seed("seed", seed))
    by_intent: dict[int, list[str]] = {}
    for text, label in intent_sentences():
        by_intent.setdefault(label, []).append(text)
    train_pool, test_texts, test_labels = {}, [], []
    for label, texts in by_intent.items():
        shuffled = [texts[i] for i in rng.permutation(len(texts))]
        held_out = max(1, round(test_share * len(shuffled)))
        train_pool[label] = shuffled[:-held_out]
        test_texts += shuffled[-held_out:]
        test_labels += [label] * held_out
    labels = rng.integers(len(INTENTS), size=examples)
    texts = [str(rng.choice(train_pool[int(label)])) for label in labels]
    return IntentSplits(texts, labels.astype(np.int64), test_texts,
                        np.array(test_labels, dtype=np.int64))

