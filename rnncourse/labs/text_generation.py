"""Plumbing of the text-generation lab: its texts, lines and alphabet, and fast sampling.

The learner writes the assignment's changes in the notebook (punctuation removed, padded
sequences, the dropout layout, the unigram baseline, temperature sampling, the 500-character
generator); this module holds the rest: loading the text (Python's help topics offline, or
Alice's Adventures in Wonderland on request), cutting it into lines, the alphabet with id 0
kept for padding, the line-wise split into training and validation, a comparison with random
fixed windows, and a compiled next-character function so that generating 500 characters
takes seconds rather than minutes.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence

import numpy as np

from rnncourse.data.text import character_vocabulary
from rnncourse.errors import InputError
from rnncourse.validation import as_int, one_of

__all__ = ["END_OF_LINE", "PAD", "Alphabet", "load_text", "next_char_function",
           "plot_entropy", "split_lines", "train_validation_lines", "window_comparison"]

PAD = ""
"""The padding symbol: id 0, never a character of the text."""

END_OF_LINE = "\n"
"""The character that ends every line, and the target after a line's last character."""

TEXTS = ("python_help", "alice")


def load_text(source: str = "python_help", download: bool = False, path=None,
              verbose: bool = True) -> tuple[str, str]:
    """The lab's raw text and a sentence saying what it is.

    Args:
        source: ``"python_help"`` (Python's help topics, offline) or ``"alice"`` (Alice's
            Adventures in Wonderland: a verified download the first time, see
            :func:`rnncourse.data.alice.alice_text`).
        download: Allow the one-off download of Alice when no copy is cached.
        path: Your own Project Gutenberg plain-text file instead (overrides ``source``).
        verbose: Print the description.
    """
    if path is not None:
        from rnncourse.data.alice import read_gutenberg_text

        text = read_gutenberg_text(path)
        description = f"your Project Gutenberg file {path}"
    elif one_of("source", source, TEXTS) == "alice":
        from rnncourse.data.alice import alice_text

        text = alice_text(download=download, verbose=False)
        description = ("Alice's Adventures in Wonderland (Project Gutenberg #11, Canterbury "
                       "corpus alice29.txt, verified by SHA-256)")
    else:
        from rnncourse.data.python_texts import python_help_topics

        text = python_help_topics(verbose=False)
        description = (f"Python {platform.python_version()}'s help topics (pydoc_data.topics, "
                       "offline)")
    if verbose:
        print(f"Text: {description}, {len(text):,} characters.")
    return text, description


def split_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each with its runs of spaces and tabs made one space."""
    if not isinstance(text, str):
        raise InputError(f"split_lines expects the text as a str; got {type(text).__name__}.")
    lines = (" ".join(line.split()) for line in text.split(END_OF_LINE))
    return [line for line in lines if line]


class Alphabet:
    """The characters of the lines, with id 0 kept for padding and ``"\\n"`` always present.

    Attributes:
        symbols: ``symbols[i]`` is the character with id ``i``; ``symbols[0]`` is ``""``.
        char_to_id: Character to id (padding is not a character, so it has no entry).
    """

    def __init__(self, lines: Sequence[str]) -> None:
        characters, _ = character_vocabulary("".join(lines) + END_OF_LINE)
        self.symbols: list[str] = [PAD, *characters]
        self.char_to_id: dict[str, int] = {char: i + 1 for i, char in enumerate(characters)}

    def __len__(self) -> int:
        return len(self.symbols)

    def __repr__(self) -> str:
        shown = "".join(symbol for symbol in self.symbols[1:] if symbol != END_OF_LINE)
        return f"Alphabet({len(self)} ids: padding, newline and {shown!r})"


def train_validation_lines(lines: Sequence[str], count: int,
                           validation_share: float) -> tuple[list[str], list[str]]:
    """The first ``count`` lines, split in order: the first part trains, the rest validates.

    Whole lines go to one side, so no validation character is ever a training target.
    """
    count = as_int("count", count, minimum=2)
    if not 0 < validation_share < 1:
        raise InputError(f"validation_share must lie between 0 and 1; got {validation_share}.")
    chosen = list(lines[:count])
    if len(chosen) < 2:
        raise InputError(f"The text has {len(lines)} lines; the lab needs at least 2.")
    cut = min(len(chosen) - 1, max(1, round(len(chosen) * (1 - validation_share))))
    return chosen[:cut], chosen[cut:]


def window_comparison(lines: Sequence[str], max_len: int) -> dict[str, float]:
    """What random fixed windows over the joined text do that padded line sequences never do.

    Returns the share of fixed windows of ``max_len`` characters (taken at every position of
    the text with lines joined by newlines) that span a line break, and the share of padded
    sequences that are shorter than ``max_len`` (the line starts a fixed window never shows).
    """
    max_len = as_int("max_len", max_len, minimum=1)
    text = END_OF_LINE.join(lines) + END_OF_LINE
    is_break = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == ord(END_OF_LINE)
    inside = np.convolve(is_break[:-1].astype(int), np.ones(max_len, dtype=int), "valid")
    lengths = np.concatenate([np.minimum(np.arange(len(line) + 1), max_len) for line in lines])
    return {"fixed windows spanning a line break": float(np.mean(inside > 0)),
            "padded sequences shorter than max_len": float(np.mean(lengths < max_len))}


def next_char_function(model, alphabet: Alphabet, max_len: int) -> Callable[[str], np.ndarray]:
    """A function from the text so far to the model's probabilities for the next character.

    The context is encoded the way padded sequences are: the characters of the current
    (last) line, at most the last ``max_len`` of them, left-padded with id 0. The padding id
    gets probability 0 and the rest is renormalised. The model runs as one compiled
    TensorFlow function, about a hundred times faster per character than calling it eagerly.
    """
    import tensorflow as tf

    max_len = as_int("max_len", max_len, minimum=1)
    step = tf.function(lambda ids: model(ids, training=False),
                       input_signature=[tf.TensorSpec((1, max_len), tf.int32)])

    def next_char_probabilities(context: str) -> np.ndarray:
        line = context.split(END_OF_LINE)[-1][-max_len:]
        unknown = sorted({char for char in line if char not in alphabet.char_to_id})
        if unknown:
            raise InputError(f"The context holds characters the model never saw: {unknown}.")
        ids = np.zeros((1, max_len), dtype=np.int32)
        if line:
            ids[0, -len(line):] = [alphabet.char_to_id[char] for char in line]
        probabilities = np.asarray(step(ids), dtype=np.float64)[0]
        probabilities[0] = 0.0
        return probabilities / probabilities.sum()

    return next_char_probabilities


def plot_entropy(temperatures: Sequence[float], entropies: Sequence[float], reference: float):
    """Sample entropy against temperature, with the training text's own entropy."""
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5.5, 3.2))
    axis.plot(temperatures, entropies, marker="o", label="500 generated characters")
    axis.axhline(reference, color="grey", ls="--", label="training text")
    axis.set_xlabel("temperature")
    axis.set_ylabel("entropy (bits per character)")
    axis.legend()
    figure.tight_layout()
    return figure
