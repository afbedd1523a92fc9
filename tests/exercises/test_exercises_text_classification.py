"""The notebook 05 exercises accept right answers and name each targeted mistake."""

import numpy as np
import pytest

from rnncourse.exercises.text_classification import check_encode_sentence, check_pad_and_mask


def not_attempted(*args):
    raise NotImplementedError


# --- encode_sentence ------------------------------------------------------------


def encode_solution(sentence, word_to_id):
    """A learner-style answer written without the package."""
    words = "".join(c if c.isalnum() else " " for c in sentence.lower()).split()
    return [word_to_id.get(word, 1) for word in words]


def encode_unknown_zero(sentence, word_to_id):
    words = "".join(c if c.isalnum() else " " for c in sentence.lower()).split()
    return [word_to_id.get(word, 0) for word in words]


def encode_no_lower(sentence, word_to_id):
    words = "".join(c if c.isalnum() else " " for c in sentence).split()
    return [word_to_id.get(word, 1) for word in words]


def encode_split_only(sentence, word_to_id):
    return [word_to_id.get(word, 1) for word in sentence.lower().split()]


def encode_drop_unknown(sentence, word_to_id):
    words = "".join(c if c.isalnum() else " " for c in sentence.lower()).split()
    return [word_to_id[word] for word in words if word in word_to_id]


def test_encode_accepts_a_correct_answer():
    assert check_encode_sentence(encode_solution, show=False)


@pytest.mark.parametrize(("answer", "phrase"), [
    (encode_unknown_zero, "0 means padding"),
    (encode_no_lower, "lower-case"),
    (encode_split_only, "punctuation"),
    (encode_drop_unknown, "drop words"),
])
def test_encode_names_each_mistake(answer, phrase):
    result = check_encode_sentence(answer, show=False)
    assert result.status == "failed" and phrase in result.message


def test_encode_not_attempted_gives_a_hint(capsys):
    result = check_encode_sentence(not_attempted)
    assert result.status == "not attempted" and "Hint" in capsys.readouterr().out


# --- pad_and_mask ----------------------------------------------------------------


def pad_solution(sequences, length):
    ids = np.zeros((len(sequences), length), dtype=int)
    for row, sequence in enumerate(sequences):
        kept = sequence[:length]
        ids[row, :len(kept)] = kept
    return ids, ids != 0


def pad_pre(sequences, length):
    ids = np.zeros((len(sequences), length), dtype=int)
    for row, sequence in enumerate(sequences):
        kept = sequence[:length]
        ids[row, length - len(kept):] = kept
    return ids, ids != 0


def pad_keep_end(sequences, length):
    ids = np.zeros((len(sequences), length), dtype=int)
    for row, sequence in enumerate(sequences):
        kept = sequence[-length:]
        ids[row, :len(kept)] = kept
    return ids, ids != 0


def pad_mask_upside_down(sequences, length):
    ids, mask = pad_solution(sequences, length)
    return ids, ids == 0


def pad_no_mask(sequences, length):
    ids, _ = pad_solution(sequences, length)
    return ids, np.ones(ids.shape, dtype=bool)


def pad_off_by_one(sequences, length):
    ids, _ = pad_solution(sequences, length + 1)
    return ids[:, :length], ids[:, :length] != 0


def test_pad_accepts_a_correct_answer():
    assert check_pad_and_mask(pad_solution, show=False)


@pytest.mark.parametrize(("answer", "phrase"), [
    (pad_pre, "padding='pre'"),
    (pad_keep_end, "loses its first words"),
    (pad_mask_upside_down, "upside down"),
    (pad_no_mask, "True everywhere"),
])
def test_pad_names_each_mistake(answer, phrase):
    result = check_pad_and_mask(answer, show=False)
    assert result.status == "failed" and phrase in result.message


def test_pad_wrong_shape_is_reported():
    result = check_pad_and_mask(lambda s, n: pad_solution(s, n + 1), show=False)
    assert result.status == "failed" and "shape" in result.message


def test_pad_not_attempted_and_crashing_answers_do_not_raise():
    assert check_pad_and_mask(not_attempted, show=False).status == "not attempted"
    assert check_pad_and_mask(lambda s, n: s[99], show=False).status == "error"
    assert check_pad_and_mask(pad_off_by_one, show=False)  # same output: accepted
