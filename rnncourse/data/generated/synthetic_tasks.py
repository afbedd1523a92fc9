"""Seeded synthetic tasks for bidirectional and deep RNNs (notebook 06).

Each generator takes an example count, a sequence length and a seed (or a NumPy
``Generator``) and returns arrays ready for Keras. They are small on purpose: the point is
a task whose answer is fully known, so we can say exactly what a model *could* reach.

* :func:`lookahead_tags`: the tag of each word is decided by the word ``lookahead`` steps
  to its right ("Apple is my favourite ___, and I work there"). A model that only reads
  the past cannot do better than :func:`causal_accuracy_ceiling`.
* :func:`ambiguous_word_tags`: a sequence-labelling task. Ordinary words have a fixed tag;
  the ambiguous word ("Teddy") is tagged by the word that follows it.
* :func:`frequency_sequences`: long noisy sine waves to classify by frequency, the
  per-sequence task for comparing a pyramid RNN with a plain stack.
"""

from __future__ import annotations

import numpy as np

from rnncourse.errors import InputError
from rnncourse.validation import (
    MAX_COUNT,
    MAX_LENGTH,
    as_float,
    as_int,
    generator_from,
    positive_float,
)

# Tags of lookahead_tags.
FIRST_HALF, SECOND_HALF, NO_CUE = 0, 1, 2
# Tags of ambiguous_word_tags; token 0 is the ambiguous word.
AMBIGUOUS_TOKEN = 0
LOWER_WORD, UPPER_WORD, TOY, PERSON = 0, 1, 2, 3


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)


def lookahead_tags(examples: int, length: int, lookahead: int, vocabulary_size: int,
                   seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Word sequences whose tags are decided by a word further to the right.

    Words are drawn uniformly from ``0 .. vocabulary_size - 1``. The tag at position ``t``
    says which half of the vocabulary the word at ``t + lookahead`` comes from
    (:data:`FIRST_HALF` or :data:`SECOND_HALF`); the last ``lookahead`` positions have no
    word that far ahead and get :data:`NO_CUE`. Nothing at or before ``t`` predicts the
    tag, so a forward-only reader is at chance on every position that has a cue.

    Args:
        examples: Number of sequences.
        length: Words per sequence.
        lookahead: How far to the right the deciding word is (at least 1).
        vocabulary_size: Number of distinct words (even, at least 2).
        seed: A seed or a NumPy ``Generator``.

    Returns:
        ``(tokens, tags)``, both ``int32`` of shape ``(examples, length)``.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    length = as_int("length", length, minimum=2, maximum=MAX_LENGTH)
    lookahead = as_int("lookahead", lookahead, minimum=1)
    vocabulary_size = as_int("vocabulary_size", vocabulary_size, minimum=2, maximum=MAX_COUNT)
    _require(examples * length <= MAX_COUNT * 10,
             f"{examples} sequences of {length} words are too many to hold; use fewer.")
    _require(1 <= lookahead < length,
             f"lookahead must be between 1 and length - 1 = {length - 1}, got {lookahead}; "
             "make the sequences longer or look less far ahead.")
    _require(vocabulary_size >= 2 and vocabulary_size % 2 == 0,
             f"vocabulary_size must be even and at least 2 (two halves), got "
             f"{vocabulary_size}.")
    generator = generator_from(seed)
    tokens = generator.integers(0, vocabulary_size, size=(examples, length)).astype(np.int32)
    tags = np.full((examples, length), NO_CUE, dtype=np.int32)
    tags[:, :length - lookahead] = (tokens[:, lookahead:] >= vocabulary_size // 2)
    return tokens, tags


def causal_accuracy_ceiling(length: int, lookahead: int) -> float:
    """Best expected per-token accuracy on :func:`lookahead_tags` without seeing the future.

    A model that reads only the past can count positions, so it gets the ``lookahead``
    :data:`NO_CUE` tags right, but every other tag is a fair coin to it: the ceiling is
    ``((length - lookahead) * 0.5 + lookahead) / length``.
    """
    length = as_int("length", length, minimum=2)
    lookahead = as_int("lookahead", lookahead, minimum=1)
    _require(1 <= lookahead < length,
             f"lookahead must be between 1 and length - 1 = {length - 1}, got {lookahead}.")
    return ((length - lookahead) * 0.5 + lookahead) / length


def ambiguous_word_tags(examples: int, length: int, vocabulary_size: int,
                        ambiguous_rate: float = 0.25,
                        seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sentences to tag word by word, where one ambiguous word needs the word after it.

    Ordinary words are ``1 .. vocabulary_size - 1`` and have a fixed tag: :data:`LOWER_WORD`
    for the lower half of that range, :data:`UPPER_WORD` for the upper half (think noun and
    verb). Word :data:`AMBIGUOUS_TOKEN` ("Teddy") is placed at positions that have a right
    neighbour, never next to another ambiguous word. Like "Teddy bears" against "Teddy
    Roosevelt", the word *after* it decides: a :data:`TOY` when that word is from the lower
    half, a :data:`PERSON` when it is from the upper half. Reading only from the left, the
    ambiguous tag is a coin flip; every other tag is known from the word itself.

    Args:
        examples: Number of sentences.
        length: Words per sentence (at least 2).
        vocabulary_size: Distinct words including the ambiguous one (odd, at least 3, so
            the ordinary words split into two equal halves).
        ambiguous_rate: Chance that a position is tried for the ambiguous word.
        seed: A seed or a NumPy ``Generator``.

    Returns:
        ``(tokens, tags)``, both ``int32`` of shape ``(examples, length)``.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    length = as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    vocabulary_size = as_int("vocabulary_size", vocabulary_size, maximum=MAX_COUNT)
    ambiguous_rate = as_float("ambiguous_rate", ambiguous_rate)
    _require(length >= 2, f"length must be at least 2 (a word and the word after it), got "
                          f"{length}.")
    _require(vocabulary_size >= 3 and vocabulary_size % 2 == 1,
             f"vocabulary_size must be odd and at least 3 (the ambiguous word plus two equal "
             f"halves of ordinary words), got {vocabulary_size}.")
    _require(0.0 < ambiguous_rate <= 1.0,
             f"ambiguous_rate must be in (0, 1], got {ambiguous_rate}.")
    generator = generator_from(seed)
    half = (vocabulary_size - 1) // 2
    tokens = generator.integers(1, vocabulary_size, size=(examples, length)).astype(np.int32)
    chosen = np.zeros((examples, length), dtype=bool)
    chosen[:, :-1] = generator.random((examples, length - 1)) < ambiguous_rate
    for position in range(1, length - 1):  # keep the first of two neighbours
        chosen[:, position] &= ~chosen[:, position - 1]
    tags = (tokens > half).astype(np.int32)  # LOWER_WORD or UPPER_WORD
    next_upper = np.zeros_like(chosen)
    next_upper[:, :-1] = tokens[:, 1:] > half
    tags[chosen] = np.where(next_upper, PERSON, TOY)[chosen]
    tokens[chosen] = AMBIGUOUS_TOKEN
    return tokens, tags


def causal_tagging_ceiling(tokens: np.ndarray) -> float:
    """Best expected per-token accuracy on :func:`ambiguous_word_tags` reading left to right.

    Ordinary words are always right; the ambiguous word is a coin flip between
    :data:`TOY` and :data:`PERSON`, so the ceiling is ``1 - 0.5 * (share of ambiguous
    words)``.
    """
    tokens = np.asarray(tokens)
    _require(tokens.size > 0, "tokens is empty; pass the tokens of a generated data set.")
    return float(1.0 - 0.5 * np.mean(tokens == AMBIGUOUS_TOKEN))


def frequency_sequences(examples: int, length: int, classes: int = 3, noise: float = 0.5,
                        seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine waves, one of ``classes`` frequencies each, to classify by frequency.

    Class ``c`` completes ``2 + 2 c`` cycles over the sequence, with a random phase and
    amplitude and Gaussian noise of standard deviation ``noise``.

    Returns:
        ``(x, y)``: ``float32`` inputs ``(examples, length, 1)`` and ``int32`` labels.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    length = as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    classes = as_int("classes", classes, minimum=2)
    noise = positive_float("noise", noise, allow_zero=True)
    _require(length >= 4 * (2 + 2 * (classes - 1)),
             f"length {length} is too short to tell {classes} frequencies apart; use at "
             f"least {4 * (2 + 2 * (classes - 1))} steps (4 per cycle of the fastest wave).")
    generator = generator_from(seed)
    labels = generator.integers(0, classes, size=examples).astype(np.int32)
    cycles = 2.0 + 2.0 * labels
    phase = generator.uniform(0, 2 * np.pi, size=examples)
    amplitude = generator.uniform(0.5, 1.5, size=examples)
    time = np.arange(length) / length
    waves = amplitude[:, None] * np.sin(2 * np.pi * cycles[:, None] * time + phase[:, None])
    waves += noise * generator.normal(size=waves.shape)
    return waves[..., None].astype(np.float32), labels
