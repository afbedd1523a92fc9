"""The text pipeline in NumPy: tokens, vocabularies, padded id rows, characters one-hot.

Word level (lesson 05), in the layout of Keras's ``TextVectorization``: id 0 is the
padding token ``""``, id 1 is ``"[UNK]"`` for words the vocabulary lacks, then the
words from most to least frequent (:func:`vocabulary_from_texts`, :func:`encode_texts`,
:func:`pad_and_mask`). Character level (lessons 03, 04 and the text-generation lab):
:func:`character_vocabulary`, :func:`next_character_batches`, :func:`char_windows`,
:func:`character_streams` (contiguous chunks for truncated BPTT) and :func:`one_hot_text`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError
from rnncourse.validation import MAX_COUNT, MAX_LENGTH, as_int, as_text

__all__ = [
    "PAD_ID",
    "PAD_TOKEN",
    "UNKNOWN_ID",
    "UNKNOWN_TOKEN",
    "char_windows",
    "character_streams",
    "character_vocabulary",
    "encode_texts",
    "next_character_batches",
    "one_hot_text",
    "pad_and_mask",
    "standardize",
    "vocabulary_from_texts",
]

PAD_ID, UNKNOWN_ID = 0, 1
PAD_TOKEN, UNKNOWN_TOKEN = "", "[UNK]"


def _text_list(texts: Any, caller: str) -> list[str]:
    """``texts`` as a list of strings, or a message naming the entry that is not one."""
    if isinstance(texts, str):
        raise InputError(f"{caller} takes a list of texts; wrap one text in a list: "
                         f"{caller}([text]).")
    if not isinstance(texts, Iterable):
        raise ArgumentTypeError(f"{caller} takes a list of texts; got {type(texts).__name__}.")
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise ArgumentTypeError(f"text {position} is {text!r:.40} ({type(text).__name__}), "
                                    "not a string; drop it or convert it with str() first.")
    return texts


# What TextVectorization's defaults do, character for character (checked against the layer
# in tests/models/test_text_classifiers.py): tf.strings.lower changes only the ASCII letters
# A-Z, the punctuation regex deletes the 32 ASCII punctuation characters of
# string.punctuation (it does not put a space in their place), and tf.strings.split breaks
# on the six ASCII whitespace characters only.
_LOWER_ASCII_AND_DELETE_PUNCTUATION = str.maketrans(string.ascii_uppercase,
                                                    string.ascii_lowercase, string.punctuation)
_ASCII_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


def standardize(text: str) -> list[str]:
    """Split ``text`` into tokens exactly as ``TextVectorization``'s defaults do.

    The default ``standardize="lower_and_strip_punctuation"`` lower-cases the ASCII
    letters and *deletes* ASCII punctuation (``"don't"`` becomes ``"dont"``, ``"No,"``
    becomes ``"no"``, ``"well-made"`` becomes ``"wellmade"``); the default
    ``split="whitespace"`` then cuts at runs of spaces, tabs and line breaks. Letters
    outside ASCII keep their case (``"É"`` stays ``"É"``) and non-ASCII symbols stay in
    their word, as in the Keras layer.
    """
    if not isinstance(text, str):
        raise ArgumentTypeError(f"Expected a sentence (str), got {type(text).__name__} "
                                f"({text!r:.40}); convert it with str() or drop it.")
    cleaned = text.translate(_LOWER_ASCII_AND_DELETE_PUNCTUATION)
    return [token for token in _ASCII_WHITESPACE.split(cleaned) if token]


def pad_and_mask(sequences: Sequence[Sequence[int]], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Pad (or cut) integer sequences to ``length`` at the end, and say which ids are real.

    Args:
        sequences: One list of token ids per sentence (ids >= 1; 0 is reserved for padding).
        length: The number of time steps every row gets. Longer sequences keep their
            first ``length`` ids; shorter ones get 0s appended.

    Returns:
        ``(ids, mask)``: ``ids`` is int64 ``(sentences, length)``, ``mask`` is boolean of the
        same shape, True where ``ids`` holds a word (this is what ``Embedding(mask_zero=True)``
        computes and passes to the recurrent layer).
    """
    length = as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        sequences = list(sequences)
    if not isinstance(sequences, Sequence) or isinstance(sequences, str):
        raise ArgumentTypeError(f"sequences must be a list of id lists, one per sentence; got "
                                f"{type(sequences).__name__}.")
    if len(sequences) * length > MAX_COUNT * 10:
        raise InputError(f"{len(sequences)} rows of {length} ids would not fit in memory; "
                         "pad fewer sentences at a time or use a shorter length.")
    ids = np.zeros((len(sequences), int(length)), dtype=np.int64)
    for row, sequence in enumerate(sequences):
        values = np.asarray(sequence)
        if values.size and (values.ndim != 1 or not np.issubdtype(values.dtype, np.integer)):
            raise InputError(f"Sentence {row} must be a flat list of integer word ids; got "
                             f"{np.asarray(sequence).ravel()[:4]!r:.60}. Map words to ids first.")
        kept = values.astype(np.int64)[:length]
        if kept.size and kept.min() < 1:
            raise InputError(f"Sentence {row} contains id {kept.min()}; word ids start at "
                             "1 because 0 means padding.")
        ids[row, : kept.size] = kept
    return ids, ids != PAD_ID


def vocabulary_from_texts(texts: Iterable[str], max_tokens: int | None = None) -> list[str]:
    """The vocabulary ``TextVectorization.adapt`` builds: pad, unknown, then by frequency.

    Ties in frequency are broken alphabetically here; ``TextVectorization`` breaks them in
    its own way, so compare the two as sets, or pass one vocabulary to both.
    """
    texts = _text_list(texts, "vocabulary_from_texts")
    if max_tokens is not None:
        max_tokens = as_int("max_tokens", max_tokens, minimum=2)  # pad and unknown come first
    counts: dict[str, int] = {}
    for text in texts:
        for token in standardize(text):
            counts[token] = counts.get(token, 0) + 1
    words = sorted(counts, key=lambda token: (-counts[token], token))
    vocabulary = [PAD_TOKEN, UNKNOWN_TOKEN, *words]
    return vocabulary if max_tokens is None else vocabulary[:max_tokens]


def encode_texts(texts: Sequence[str], vocabulary: Sequence[str],
                 length: int) -> tuple[np.ndarray, np.ndarray]:
    """Sentences to padded id rows and their mask, in NumPy, as ``TextVectorization`` does.

    Args:
        texts: The sentences.
        vocabulary: Token list with ``""`` at 0 and ``"[UNK]"`` at 1 (see
            :func:`vocabulary_from_texts` or ``vectorizer.get_vocabulary()``).
        length: Time steps per row (``output_sequence_length``).
    """
    if isinstance(vocabulary, np.ndarray):
        vocabulary = [str(token) for token in vocabulary.ravel()] if vocabulary.ndim == 1 \
            else vocabulary
    if isinstance(vocabulary, str) or not isinstance(vocabulary, Sequence):
        raise ArgumentTypeError("vocabulary must be a list of tokens (e.g. "
                                "vectorizer.get_vocabulary()); got "
                                f"{type(vocabulary).__name__}.")
    length = as_int("length", length, minimum=1, maximum=MAX_LENGTH)
    if len(vocabulary) < 2 or vocabulary[PAD_ID] != PAD_TOKEN or \
            vocabulary[UNKNOWN_ID] != UNKNOWN_TOKEN:
        raise InputError("The vocabulary must start with the padding token '' and the "
                         "unknown token '[UNK]' (TextVectorization's layout).")
    texts = _text_list(texts, "encode_texts")
    index = {token: position for position, token in enumerate(vocabulary)}
    sequences = [[index.get(token, UNKNOWN_ID) for token in standardize(text)] for text in texts]
    return pad_and_mask(sequences, length)


def character_vocabulary(text: str) -> tuple[list[str], dict[str, int]]:
    """Sorted distinct characters of ``text`` and the map from character to id."""
    text = as_text("text", text)
    if not text:
        raise InputError("The text is empty: a vocabulary needs at least one character.")
    characters = sorted(set(text))
    return characters, {character: index for index, character in enumerate(characters)}


def next_character_batches(text: str, steps: int,
                           char_to_id: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``text`` into non-overlapping windows for next-character prediction.

    Returns:
        ``(inputs, targets)``: one-hot inputs ``(windows, steps, vocabulary)`` and integer
        targets ``(windows, steps)``, where ``targets[i, t]`` is the character after
        ``inputs[i, t]``.
    """
    steps = as_int("steps", steps, minimum=1)
    ids = _character_ids(text, char_to_id)
    windows = (len(ids) - 1) // steps
    if windows == 0:
        raise InputError(f"The text has {len(ids)} characters, too few for one window of "
                         f"{steps} steps plus its target.")
    inputs = ids[: windows * steps].reshape(windows, steps)
    targets = ids[1: windows * steps + 1].reshape(windows, steps)
    return np.eye(len(char_to_id))[inputs], targets


def _character_ids(text: str, char_to_id: dict[str, int]) -> np.ndarray:
    """The ids of ``text``'s characters; unknown characters are named, not a KeyError."""
    if not isinstance(text, str):
        raise ArgumentTypeError(f"text must be a string; got {type(text).__name__}.")
    if not isinstance(char_to_id, dict):
        raise ArgumentTypeError("char_to_id must be the dict that character_vocabulary returns "
                                f"(character -> id); got {type(char_to_id).__name__}.")
    unknown = sorted({character for character in text if character not in char_to_id})
    if unknown:
        raise InputError(f"The characters {', '.join(map(repr, unknown[:10]))} are not in the "
                         "vocabulary; use text made of the training text's characters (or "
                         "build the vocabulary from this text).")
    return np.array([char_to_id[character] for character in text], dtype=np.int64)


def one_hot_text(text: str, char_to_id: dict[str, int]) -> np.ndarray:
    """``text`` as a float32 one-hot batch of one, ``(1, len(text), vocabulary)``."""
    if not text:
        raise InputError("The text is empty: give at least one character.")
    ids = _character_ids(text, char_to_id)
    return np.eye(len(char_to_id), dtype="float32")[ids][None]


def char_windows(text: str, steps: int, char_to_id: dict[str, int],
                 stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping windows for next-character prediction.

    Args:
        text: The training text.
        steps: Characters per window.
        char_to_id: Character -> id (see :func:`character_vocabulary`).
        stride: Characters between the starts of two windows.

    Returns:
        ``(inputs, targets)``: float32 one-hot ``(windows, steps, vocabulary)`` and int
        ``(windows, steps)``, where ``targets[k, t]`` is the character after
        ``inputs[k, t]``.
    """
    steps = as_int("steps", steps, minimum=1)
    stride = as_int("stride", stride, minimum=1)
    text = as_text("text", text)
    if len(text) < steps + 1:
        raise InputError(f"The text has {len(text)} characters; a window of {steps} steps "
                         "needs at least steps + 1.")
    ids = _character_ids(text, char_to_id)
    starts = np.arange(0, len(ids) - steps, stride)
    positions = starts[:, None] + np.arange(steps)[None, :]
    inputs = np.eye(len(char_to_id), dtype="float32")[ids[positions]]
    return inputs, ids[positions + 1]


def character_streams(text: str, char_to_id: dict[str, int], rows: int, steps: int,
                      offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Cut a text into ``rows`` contiguous streams read in chunks, for truncated BPTT.

    The text from character ``offset`` on is split into ``rows`` equal, contiguous parts,
    one per row of the batch, and each part into chunks of ``steps`` characters. Chunk
    ``k + 1`` of a row continues chunk ``k`` of the same row, so a model that carries its
    state from one chunk to the next reads every row as one long text (the batched form of
    min-char-rnn's loop). The characters at the end of a row that do not fill a whole
    chunk are left out of this pass; a different ``offset`` moves the cuts.

    Args:
        text: The training text.
        char_to_id: Character -> id (see :func:`character_vocabulary`).
        rows: Parallel streams (the batch size).
        steps: Characters per chunk.
        offset: Characters skipped at the start, ``0 <= offset < len(text)``.

    Returns:
        ``(inputs, targets)``: float one-hot ``(chunks, rows, steps, vocabulary)`` and int
        ``(chunks, rows, steps)``, where ``targets[k, r, t]`` is the character after
        ``inputs[k, r, t]``.
    """
    rows = as_int("rows", rows, minimum=1, maximum=MAX_COUNT)
    steps = as_int("steps", steps, minimum=1, maximum=MAX_LENGTH)
    ids = _character_ids(as_text("text", text), char_to_id)
    offset = as_int("offset", offset, minimum=0)
    per_row = (len(ids) - 1 - offset) // rows
    chunks = per_row // steps
    if offset >= len(ids) or chunks < 1:
        raise InputError(f"The text has {len(ids)} characters: from offset {offset}, {rows} "
                         f"rows of at least one chunk of {steps} characters (plus the target "
                         f"after it) do not fit. Use fewer rows, shorter chunks or a longer "
                         "text.")
    starts = offset + per_row * np.arange(rows)
    positions = starts[:, None] + np.arange(chunks * steps)[None, :]  # (rows, chunks*steps)
    inputs = ids[positions].reshape(rows, chunks, steps).transpose(1, 0, 2)
    targets = ids[positions + 1].reshape(rows, chunks, steps).transpose(1, 0, 2)
    return np.eye(len(char_to_id))[inputs], targets
