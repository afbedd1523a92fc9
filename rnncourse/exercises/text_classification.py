"""Exercise checks for notebook 05: encoding a sentence, padding and masking a batch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.data.text import PAD_ID, UNKNOWN_ID, pad_and_mask, standardize
from rnncourse.exercises.checking import CheckResult, Mistake, run_check

# A small vocabulary in TextVectorization's layout: "" is padding, "[UNK]" unknown words.
EXERCISE_VOCABULARY = ("", "[UNK]", "the", "phone", "is", "good", "not", "bad", "no", "i",
                       "like", "this", "battery")
EXERCISE_SENTENCES = (
    "the phone is good",
    "This phone is NOT good",
    "No, this phone is good!",
    "i like the battery , not the screen",
    "the camera is superb",
)


def _word_to_id() -> dict[str, int]:
    return {word: index for index, word in enumerate(EXERCISE_VOCABULARY)}


def check_encode_sentence(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(sentence, word_to_id) -> list of ids``.

    The sentence is lower-cased, its punctuation dropped, split on spaces, and each word
    looked up in ``word_to_id``; a word that is missing gets the unknown id 1 (never 0,
    which means padding).
    """

    def reference(sentence, word_to_id):
        return [word_to_id.get(word, UNKNOWN_ID) for word in standardize(sentence)]

    def unknown_as_padding(sentence, word_to_id):
        return [word_to_id.get(word, PAD_ID) for word in standardize(sentence)]

    def unknown_dropped(sentence, word_to_id):
        return [word_to_id[word] for word in standardize(sentence) if word in word_to_id]

    def not_lower_cased(sentence, word_to_id):
        cleaned = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in sentence)
        return [word_to_id.get(word, UNKNOWN_ID) for word in cleaned.split()]

    def punctuation_kept(sentence, word_to_id):
        return [word_to_id.get(word, UNKNOWN_ID) for word in sentence.lower().split()]

    cases = [(sentence, _word_to_id()) for sentence in EXERCISE_SENTENCES]
    mistakes = [
        Mistake(unknown_as_padding, "Unknown words get id 0, but 0 means padding: the mask "
                "would hide them as if they were not there. Give them the unknown id 1 "
                "(word_to_id['[UNK]'])."),
        Mistake(unknown_dropped, "You drop words that are not in the vocabulary, so the "
                "model never learns that something was there. Map them to the unknown id 1."),
        Mistake(not_lower_cased, "'This' and 'NOT' come out unknown: lower-case the sentence "
                "first, as TextVectorization does."),
        Mistake(punctuation_kept, "'No,' and 'good!' come out unknown because the "
                "punctuation stays attached. Replace punctuation by spaces before splitting."),
    ]
    return run_check("encode_sentence", learner, reference, cases, mistakes,
                     hint="lower-case, replace non-letters by spaces, split, then "
                          "word_to_id.get(word, 1) for each word.", show=show, hint_requested=hint)


def check_pad_and_mask(learner: Callable, show: bool = True,
                       hint: bool = False) -> CheckResult:
    """Check ``learner(sequences, length) -> (ids, mask)``.

    ``ids`` has shape ``(len(sequences), length)``: each sequence's first ``length`` ids,
    followed by 0s (padding at the end, as ``TextVectorization`` does). ``mask`` is
    True where ``ids`` holds a word.
    """

    def reference(sequences, length):
        return pad_and_mask(sequences, length)

    def padded_in_front(sequences, length):
        ids = np.zeros((len(sequences), length), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            kept = list(sequence)[:length]
            if kept:
                ids[row, length - len(kept):] = kept
        return ids, ids != 0

    def cut_from_the_front(sequences, length):
        ids = np.zeros((len(sequences), length), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            kept = list(sequence)[-length:]
            ids[row, : len(kept)] = kept
        return ids, ids != 0

    def mask_inverted(sequences, length):
        ids, mask = pad_and_mask(sequences, length)
        return ids, ~mask

    def mask_all_true(sequences, length):
        ids, mask = pad_and_mask(sequences, length)
        return ids, np.ones_like(mask)

    cases = [
        ([[4, 5, 6], [7, 8], [9, 10, 11, 12, 13, 2]], 5),
        ([[3], [2, 3, 4, 5]], 4),
        ([[5, 6, 7, 8, 9, 10]], 3),
        ([[11, 12], [13], [2, 2, 2]], 6),
    ]
    mistakes = [
        Mistake(padded_in_front, "Your zeros come first (that is keras.utils.pad_sequences's "
                "default, padding='pre'). Here, as in TextVectorization, put the words first "
                "and the zeros after them."),
        Mistake(cut_from_the_front, "A long sentence loses its first words in your answer; "
                "keep the first `length` ids (sequence[:length]) and drop the end."),
        Mistake(mask_inverted, "Your mask is upside down: it must be True where there is a "
                "word and False on the padding (mask = ids != 0)."),
        Mistake(mask_all_true, "Your mask is True everywhere, so the padding would be read "
                "as words. Set it to ids != 0."),
    ]
    return run_check("pad_and_mask", learner, reference, cases, mistakes,
                     hint="start from np.zeros((len(sequences), length), int), copy "
                          "sequence[:length] into the start of each row, mask = ids != 0.",
                     show=show, hint_requested=hint)
