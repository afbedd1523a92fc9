"""Small English texts that ship with Python itself, so character models train offline.

The notebooks need a little real English without a download. Python carries one: the
``this`` module holds "The Zen of Python" by Tim Peters, stored ROT13-encoded in
``this.s`` (``import this`` decodes and prints it).
"""

from __future__ import annotations

import codecs
import contextlib
import io

import numpy as np


def zen_of_python() -> str:
    """The Zen of Python (PEP 20) as plain text, decoded from the ``this`` module."""
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the poem
        import this
    return codecs.decode(this.s, "rot13")


def character_vocabulary(text: str) -> tuple[list[str], dict[str, int]]:
    """Sorted distinct characters of ``text`` and the map from character to id."""
    if not text:
        raise ValueError("The text is empty: a vocabulary needs at least one character.")
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
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}.")
    ids = np.array([char_to_id[character] for character in text])
    windows = (len(ids) - 1) // steps
    if windows == 0:
        raise ValueError(f"The text has {len(ids)} characters, too few for one window of "
                         f"{steps} steps plus its target.")
    inputs = ids[: windows * steps].reshape(windows, steps)
    targets = ids[1: windows * steps + 1].reshape(windows, steps)
    return np.eye(len(char_to_id))[inputs], targets
