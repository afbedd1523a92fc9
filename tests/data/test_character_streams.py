"""character_streams: contiguous rows read in chunks, for truncated BPTT over a text."""

import numpy as np
import pytest

from rnncourse.data.text import character_streams, character_vocabulary
from rnncourse.errors import InputError

TEXT = "the quick brown fox jumps over the lazy dog, again and again and again."
CHARACTERS, CHAR_TO_ID = character_vocabulary(TEXT)


def decode(one_hot_rows):
    return "".join(CHARACTERS[i] for i in one_hot_rows.argmax(-1))


@pytest.mark.parametrize("rows, steps, offset", [(1, 5, 0), (3, 4, 2), (2, 7, 5), (4, 1, 0)])
def test_each_row_reads_one_contiguous_piece_chunk_after_chunk(rows, steps, offset):
    inputs, targets = character_streams(TEXT, CHAR_TO_ID, rows, steps, offset=offset)
    chunks = inputs.shape[0]
    per_row = (len(TEXT) - 1 - offset) // rows
    assert inputs.shape == (chunks, rows, steps, len(CHARACTERS))
    assert targets.shape == (chunks, rows, steps) and chunks == per_row // steps
    for row in range(rows):
        read = "".join(decode(inputs[k, row]) for k in range(chunks))
        start = offset + row * per_row
        assert read == TEXT[start:start + chunks * steps]
        following = "".join(CHARACTERS[i] for i in targets[:, row].reshape(-1))
        assert following == TEXT[start + 1:start + chunks * steps + 1]  # the next character


def test_rows_do_not_overlap_and_offsets_move_the_cuts():
    first = character_streams(TEXT, CHAR_TO_ID, 2, 5, offset=0)[0]
    shifted = character_streams(TEXT, CHAR_TO_ID, 2, 5, offset=3)[0]
    assert decode(first[0, 0]) == TEXT[:5] and decode(shifted[0, 0]) == TEXT[3:8]
    row_length = (len(TEXT) - 1) // 2
    assert decode(first[0, 1]) == TEXT[row_length:row_length + 5]
    assert np.all(first.sum(axis=-1) == 1)


@pytest.mark.parametrize("kwargs, words", [
    ({"rows": 40, "steps": 5}, "do not fit"),
    ({"rows": 1, "steps": 100}, "do not fit"),
    ({"rows": 1, "steps": 5, "offset": len(TEXT)}, "do not fit"),
    ({"rows": 0, "steps": 5}, "rows"),
    ({"rows": 1, "steps": 5, "offset": -1}, "offset"),
])
def test_sizes_that_do_not_fit_are_explained(kwargs, words):
    with pytest.raises(InputError, match=words):
        character_streams(TEXT, CHAR_TO_ID, **kwargs)


def test_unknown_characters_are_named():
    with pytest.raises(InputError, match="'Z'"):
        character_streams("Zebra " * 10, CHAR_TO_ID, 1, 3)
