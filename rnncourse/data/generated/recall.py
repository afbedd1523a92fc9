"""The long-range recall task of lessons 03 and 04: sequences with one symbol to remember.

Each step of a sequence carries one of :data:`SYMBOLS` random symbols (one-hot) and a
marker flag; exactly one step, at a random position, is marked. After reading the whole
sequence the network must say which symbol was marked. The marked step may be anywhere,
up to the full length back, so a longer sequence demands a longer memory. Guessing
scores ``1 / SYMBOLS``. The models trained on it are in :mod:`rnncourse.models.recall`.
"""

from __future__ import annotations

import numpy as np

from rnncourse.errors import InputError
from rnncourse.validation import MAX_COUNT, MAX_LENGTH, as_int, as_seed, generator_from

__all__ = ["SYMBOLS", "TEST_EXAMPLES", "marked_recall", "recall_datasets"]

SYMBOLS = 4
"""Number of distinct symbols; guessing scores ``1 / SYMBOLS``."""

TEST_EXAMPLES = 500
"""Held-out sequences per length on which accuracy is measured."""


def marked_recall(examples: int, length: int, seed: int | np.random.Generator,
                  symbols: int = SYMBOLS) -> tuple[np.ndarray, np.ndarray]:
    """Sequences with one marked symbol to recall at the end.

    Args:
        examples: Number of sequences.
        length: Steps per sequence (at least 1).
        seed: A seed or a NumPy ``Generator`` (a generator is advanced, so two calls
            with the same generator give different data).
        symbols: Number of distinct symbols (at least 2).

    Returns:
        ``(inputs, labels)``: ``inputs`` is float32 ``(examples, length, symbols + 1)``,
        a one-hot symbol plus a last feature that is 1 at the marked step only;
        ``labels`` ``(examples,)`` holds the marked symbol.
    """
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    length = as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    symbols = as_int("symbols", symbols, maximum=10_000)
    if examples * length * (symbols + 1) > 50 * MAX_COUNT:
        raise InputError(f"{examples} sequences of {length} steps with {symbols} symbols are "
                         "too many to hold in memory; use fewer or shorter sequences.")
    if symbols < 2:
        raise InputError(f"A recall task needs at least 2 symbols; got {symbols}.")
    generator = generator_from(seed)
    drawn = generator.integers(0, symbols, size=(examples, length))
    marked = generator.integers(0, length, size=examples)
    inputs = np.zeros((examples, length, symbols + 1), dtype="float32")
    inputs[..., :symbols] = np.eye(symbols, dtype="float32")[drawn]
    inputs[np.arange(examples), marked, symbols] = 1.0
    return inputs, drawn[np.arange(examples), marked]


def recall_datasets(length: int, examples: int, seed: int,
                    test_examples: int = TEST_EXAMPLES,
                    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Training and test sets for one length, drawn from ``default_rng(seed + length)``.

    Every cell type sees exactly the same data at a given length and seed.
    """
    test_examples = as_int("test_examples", test_examples, minimum=1, maximum=MAX_COUNT)
    generator = np.random.default_rng(as_seed("seed", seed) + as_int("length", length, minimum=1))
    train = marked_recall(examples, length, generator)
    test = marked_recall(test_examples, length, generator)
    return train, test
