"""Exercise checks for lesson 05: the text pipeline, early stopping and a Keras classifier.

* :func:`check_encode_sentence`: tokenise a sentence exactly as ``TextVectorization``
  does (ASCII lower case, punctuation deleted, split at whitespace) and look the words up.
* :func:`check_pad_and_mask`: pad (or cut) id lists to one length and say which ids are
  words.
* :func:`check_early_stopping`: given the validation losses of every epoch, say when
  ``EarlyStopping(patience=..., restore_best_weights=True)`` stops and which epoch's
  weights it keeps.
* :func:`check_build_classifier`: build the many-to-one classifier in Keras (an embedding
  that masks padding, an LSTM, one sigmoid unit). The learner's model and the reference
  get the same seeded weights and must give the same probabilities on padded batches;
  a wrong model is traced to the part that differs.

Every check runs several random cases, names the likely mistake first, and gives a hint
(never the solution's code) only when asked (``hint=True``) or after a second wrong attempt.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnncourse.data.text import PAD_ID, UNKNOWN_ID, pad_and_mask, standardize
from rnncourse.exercises.checking import (
    CheckResult,
    Mistake,
    run_check,
)
from rnncourse.exercises.model_probes import (
    check_model_builder,
    find_layers,
    require_model,
    seeded_outputs,
)

__all__ = ["check_build_classifier", "check_early_stopping", "check_encode_sentence",
           "check_pad_and_mask", "early_stopping_reference", "build_classifier_reference"]

# --- exercise 1: encode a sentence ------------------------------------------------------

# A small vocabulary in TextVectorization's layout: "" is padding, "[UNK]" unknown words.
EXERCISE_VOCABULARY = ("", "[UNK]", "the", "phone", "is", "good", "not", "bad", "no", "i",
                       "like", "this", "battery", "dont", "its", "wellmade", "screen")
EXERCISE_SENTENCES = (
    "the phone is good",
    "This phone is NOT good",
    "No, this phone is good!",
    "I don't like the battery; its screen is well-made.",
    "the camera is superb",
)
_KNOWN_WORDS = EXERCISE_VOCABULARY[2:]
_DELETE = str.maketrans("", "", string.punctuation)
_EXTRA_WORDS = ("camera", "superb", "case", "charger")


def _word_to_id() -> dict[str, int]:
    return {word: index for index, word in enumerate(EXERCISE_VOCABULARY)}


def _random_sentence(rng: np.random.Generator) -> str:
    """A sentence of known and unknown words with random capitals and punctuation."""
    pieces = []
    for _ in range(int(rng.integers(3, 9))):
        pool = _KNOWN_WORDS if rng.random() < 0.8 else _EXTRA_WORDS
        word = str(rng.choice(pool))
        if word == "dont":
            word = "don't"
        if rng.random() < 0.3:
            word = word.upper() if rng.random() < 0.5 else word.capitalize()
        if rng.random() < 0.3:
            word += str(rng.choice(list(",.!?;:")))
        pieces.append(word)
    return " ".join(pieces)


def _encode_cases(seed: int = 5) -> list[tuple[str, dict[str, int]]]:
    rng = np.random.default_rng(seed)
    sentences = [*EXERCISE_SENTENCES, *(_random_sentence(rng) for _ in range(5))]
    return [(sentence, _word_to_id()) for sentence in sentences]


def check_encode_sentence(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(sentence, word_to_id) -> list of ids``.

    The sentence is tokenised as ``TextVectorization`` does by default: ASCII letters
    lower-cased, ASCII punctuation deleted (``"don't"`` -> ``"dont"``), split at
    whitespace; each word is looked up in ``word_to_id``, and a missing word gets the
    unknown id 1 (never 0, which means padding).
    """

    def reference(sentence, word_to_id):
        return [word_to_id.get(word, UNKNOWN_ID) for word in standardize(sentence)]

    def unknown_as_padding(sentence, word_to_id):
        return [word_to_id.get(word, PAD_ID) for word in standardize(sentence)]

    def unknown_dropped(sentence, word_to_id):
        return [word_to_id[word] for word in standardize(sentence) if word in word_to_id]

    def not_lower_cased(sentence, word_to_id):
        return [word_to_id.get(word, UNKNOWN_ID) for word in sentence.translate(_DELETE).split()]

    def punctuation_kept(sentence, word_to_id):
        return [word_to_id.get(word, UNKNOWN_ID) for word in sentence.lower().split()]

    def punctuation_to_spaces(sentence, word_to_id):
        spaced = "".join(" " if ch in string.punctuation else ch for ch in sentence.lower())
        return [word_to_id.get(word, UNKNOWN_ID) for word in spaced.split()]

    mistakes = [
        Mistake(unknown_as_padding, "Unknown words get id 0, but 0 means padding: the mask "
                "would hide them as if they were not there. Give them the id of '[UNK]'."),
        Mistake(unknown_dropped, "You drop words that are not in the vocabulary, so the "
                "model never learns that something was there. Map them to the id of "
                "'[UNK]' instead."),
        Mistake(not_lower_cased, "'This' and 'NOT' come out unknown: lower-case the sentence "
                "first, as TextVectorization does."),
        Mistake(punctuation_kept, "'No,' and 'good!' come out unknown because the "
                "punctuation stays attached to the words. Remove the punctuation before "
                "splitting."),
        Mistake(punctuation_to_spaces, "You turned punctuation into spaces, so \"don't\" "
                "became two words, 'don' and 't'. TextVectorization deletes punctuation "
                "(\"don't\" becomes 'dont', 'well-made' becomes 'wellmade'): remove those "
                "characters without putting anything in their place."),
    ]
    return run_check("encode_sentence", learner, reference, _encode_cases(), mistakes,
                     hint="Work in three steps: make the sentence lower case, remove every "
                          "punctuation character (Python's string module has a ready-made "
                          "list of them), split at whitespace. Then look each word up in the "
                          "dictionary, with the id of '[UNK]' as the fallback for words it "
                          "does not know.", show=show, hint_requested=hint)


# --- exercise 2: pad and mask a batch ----------------------------------------------------


def _pad_cases(seed: int = 6) -> list[tuple[list[list[int]], int]]:
    rng = np.random.default_rng(seed)
    cases: list[tuple[list[list[int]], int]] = [
        ([[4, 5, 6], [7, 8], [9, 10, 11, 12, 13, 2]], 5),
        ([[5, 6, 7, 8, 9, 10]], 3),
    ]
    for _ in range(4):
        length = int(rng.integers(3, 8))
        rows = [[int(i) for i in rng.integers(1, 30, size=int(rng.integers(1, length + 4)))]
                for _ in range(int(rng.integers(2, 5)))]
        cases.append((rows, length))
    return cases


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

    mistakes = [
        Mistake(padded_in_front, "Your zeros come first (that is keras.utils.pad_sequences's "
                "default, padding='pre'). Here, as in TextVectorization, the words come first "
                "and the zeros after them."),
        Mistake(cut_from_the_front, "A long sentence loses its first words in your answer; "
                "keep its first `length` ids and drop the end, as TextVectorization does."),
        Mistake(mask_inverted, "Your mask is upside down: it must be True where there is a "
                "word and False on the padding."),
        Mistake(mask_all_true, "Your mask is True everywhere, so the padding would be read "
                "as words. It must be False wherever the id is the padding id 0."),
    ]
    return run_check("pad_and_mask", learner, reference, _pad_cases(), mistakes,
                     hint="Make an integer array of zeros with the final shape first (one "
                          "row per sentence, `length` columns); then copy at most `length` "
                          "ids of each sentence into the start of its row. The mask compares "
                          "every entry with the padding id.", show=show, hint_requested=hint)


# --- exercise 3: when does early stopping stop? ------------------------------------------


def early_stopping_reference(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """``(epochs_run, kept_epoch)`` of ``EarlyStopping(monitor="val_loss", patience=patience,
    restore_best_weights=True)`` when the validation losses would be ``val_losses``.

    Epochs are counted from 1. An epoch improves when its loss is strictly lower than the
    best so far; training stops at the end of the first epoch that is ``patience`` epochs
    after the best one, or runs all ``len(val_losses)`` epochs. The weights kept are those
    of the best epoch (the first one, if several share the lowest loss).
    """
    best_loss, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_loss, best_epoch = float(loss), epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses), best_epoch


def _stopping_cases(seed: int = 7) -> list[tuple[list[float], int]]:
    rng = np.random.default_rng(seed)
    cases: list[tuple[list[float], int]] = [
        ([0.9, 0.7, 0.6, 0.62, 0.61, 0.65, 0.7, 0.72], 3),   # stops: best 3, stop 6
        ([0.8, 0.6, 0.5, 0.45, 0.42, 0.41], 2),             # never stops
        ([0.7, 0.5, 0.5, 0.5, 0.52, 0.49, 0.6], 3),         # ties do not improve
        ([0.69, 0.71, 0.70, 0.73], 1),                      # stops after one bad epoch
    ]
    for _ in range(4):
        epochs, patience = int(rng.integers(8, 20)), int(rng.integers(1, 6))
        falling = np.linspace(0.7, 0.25, epochs) + rng.normal(0, 0.03, epochs)
        turn = int(rng.integers(2, epochs))
        falling[turn:] += np.linspace(0.0, 0.3, epochs - turn)
        cases.append(([round(float(value), 2) for value in falling], patience))
    return cases


def check_early_stopping(learner: Callable, show: bool = True,
                         hint: bool = False) -> CheckResult:
    """Check ``learner(val_losses, patience) -> (epochs_run, kept_epoch)``, epochs from 1."""

    def keeps_last(val_losses, patience):
        run, _ = early_stopping_reference(val_losses, patience)
        return run, run

    def zero_based(val_losses, patience):
        run, kept = early_stopping_reference(val_losses, patience)
        return run - 1, kept - 1

    def one_epoch_late(val_losses, patience):
        return early_stopping_reference(val_losses, patience + 1)

    def one_epoch_early(val_losses, patience):
        if patience == 1:
            return len(val_losses), int(np.argmin(val_losses)) + 1
        return early_stopping_reference(val_losses, patience - 1)

    def ties_improve(val_losses, patience):
        best_loss, best_epoch = float("inf"), 0
        for epoch, loss in enumerate(val_losses, start=1):
            if loss <= best_loss:
                best_loss, best_epoch = float(loss), epoch
            elif epoch - best_epoch >= patience:
                return epoch, best_epoch
        return len(val_losses), best_epoch

    def global_minimum(val_losses, patience):
        run, _ = early_stopping_reference(val_losses, patience)
        return run, int(np.argmin(val_losses)) + 1

    mistakes = [
        Mistake(zero_based, "Your epochs are counted from 0; count them from 1, as Keras's "
                "progress lines do (the first epoch is epoch 1)."),
        Mistake(keeps_last, "You keep the weights of the last epoch run. With "
                "restore_best_weights=True Keras puts back the weights of the best epoch, "
                "the one with the lowest validation loss so far."),
        Mistake(one_epoch_late, "You stop one epoch too late: with patience p, training "
                "ends at the end of the p-th epoch in a row without a new best, not after "
                "p + 1 of them."),
        Mistake(one_epoch_early, "You stop one epoch too early: patience p allows p epochs "
                "in a row without a new best; training ends at the end of the p-th of "
                "them."),
        Mistake(ties_improve, "A loss equal to the best so far counts as an improvement in "
                "your answer. Keras needs a strictly lower loss (min_delta=0), so a tie "
                "does not reset the patience and does not move the kept epoch."),
        Mistake(global_minimum, "Your kept epoch is the lowest loss of the whole list, "
                "including epochs after training stopped. Early stopping only knows the "
                "epochs it ran: keep the best of those."),
    ]
    return run_check("early_stopping", learner, early_stopping_reference, _stopping_cases(),
                     mistakes,
                     hint="Walk through the losses once, remembering the best loss so far "
                          "and the epoch it came from. At each epoch, either it beats the "
                          "best (update both) or it does not; in that case compare how many "
                          "epochs have passed since the best one with the patience.",
                     show=show, hint_requested=hint)


# --- exercise 4: build the classifier in Keras -------------------------------------------

# (vocabulary_size, embedding_dim, units, seed); the sizes differ from each other, so
# swapping two of them changes the number of weights.
_CLASSIFIER_CASES = ((30, 4, 6, 0), (47, 7, 3, 1), (19, 5, 9, 2))


def build_classifier_reference(vocabulary_size: int, embedding_dim: int, units: int) -> Any:
    """The exercise's model: masked embedding, LSTM, one sigmoid unit for P(positive)."""
    import keras

    return keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
        keras.layers.LSTM(units),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


def _probe_ids(vocabulary_size: int, seed: int) -> np.ndarray:
    """Padded id rows: random words, random lengths, zeros at the end of the shorter ones."""
    rng = np.random.default_rng([seed, 17])
    ids = rng.integers(1, vocabulary_size, size=(6, 9))
    for row, length in enumerate((9, 7, 5, 4, 2, 1)):
        ids[row, length:] = PAD_ID
    return ids.astype("int32")


def _through_classifier(builder: Callable) -> Callable:
    """A function of one case: build with ``builder``, seed the weights, return outputs."""

    def outputs(vocabulary_size, embedding_dim, units, seed):
        model = require_model(builder(vocabulary_size, embedding_dim, units),
                              "my_build_classifier")
        if model is None:
            return None
        probabilities = seeded_outputs(model, _probe_ids(vocabulary_size, seed), seed)
        return np.array([model.count_params()]), probabilities

    return outputs


def _classifier_variant(*, mask: bool = True, activation: str | None = "sigmoid",
                        outputs: int = 1, sequences: bool = False, reader: str = "lstm",
                        swap_sizes: bool = False) -> Callable:
    def build(vocabulary_size, embedding_dim, units):
        import keras

        if swap_sizes:
            embedding_dim, units = units, embedding_dim
        read = {"lstm": lambda: keras.layers.LSTM(units, return_sequences=sequences),
                "gru": lambda: keras.layers.GRU(units),
                "simplernn": lambda: keras.layers.SimpleRNN(units),
                "average": keras.layers.GlobalAveragePooling1D}[reader]()
        return keras.Sequential([
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=mask),
            read,
            keras.layers.Dense(outputs, activation=activation),
        ])

    return _through_classifier(build)


_CLASSIFIER_HINT = ("The model is a stack of three layers that reads rows of word ids of "
                    "any length: first an embedding that turns each id into a vector of "
                    "embedding_dim numbers and is told that id 0 is padding; then a "
                    "recurrent layer with `units` units that hands on only its last "
                    "output; last a dense layer with a single unit whose activation "
                    "squashes any number into (0, 1).")


def _diagnose_classifier(build: Callable) -> str:
    """Say which part of a wrong classifier differs from the exercise's, on one case."""
    import keras

    vocabulary_size, embedding_dim, units, seed = _CLASSIFIER_CASES[1]
    model = require_model(build(vocabulary_size, embedding_dim, units), "my_build_classifier")
    if model is None:
        return "Your function returned None: did you forget `return model`?"
    ids = _probe_ids(vocabulary_size, seed)
    outputs = seeded_outputs(model, ids, seed)
    if outputs.shape != (len(ids), 1):
        return (f"For {len(ids)} sentences your model returns shape {outputs.shape}; it should "
                f"return ({len(ids)}, 1): one probability per sentence.")
    if outputs.min() < 0 or outputs.max() > 1:
        return ("Your outputs are not probabilities (some lie outside 0..1): the last layer "
                "needs the sigmoid activation.")
    embeddings = find_layers(model, keras.layers.Embedding)
    if not embeddings:
        return "Your model has no Embedding layer to turn the word ids into vectors."
    if not getattr(embeddings[0], "mask_zero", False):
        return ("Your embedding does not mask padding, so the LSTM also reads the zeros at the "
                "end of short sentences: tell the Embedding that id 0 is padding.")
    if not find_layers(model, keras.layers.LSTM):
        return ("Your model has no LSTM reading the words in order; the exercise asks for an "
                "LSTM between the embedding and the output.")
    reference = build_classifier_reference(vocabulary_size, embedding_dim, units)
    if model.count_params() != reference.count_params():
        return (f"Your model has {model.count_params():,} weights, the exercise's "
                f"{reference.count_params():,}: check the sizes (an embedding of "
                "vocabulary_size rows and embedding_dim columns, an LSTM with `units` units, "
                "one output unit) and that nothing else was added.")
    return ("Your model has the right parts and sizes but computes other probabilities with "
            "the same weights: check the order of the layers and the activations.")


def check_build_classifier(learner: Callable, show: bool = True,
                           hint: bool = False) -> CheckResult:
    """Check ``learner(vocabulary_size, embedding_dim, units) -> keras.Model``.

    The model must be ``Embedding(vocabulary_size, embedding_dim, mask_zero=True)``,
    ``LSTM(units)`` and ``Dense(1, activation="sigmoid")``. For three sets of sizes the
    learner's model and the reference get the same seeded weights and must give the same
    number of weights and the same probabilities on a batch of padded sentences.
    """
    mistakes = [
        Mistake(_classifier_variant(mask=False), "Your model reads the padding: without "
                "mask_zero=True on the Embedding, the zeros at the end of a short sentence go "
                "through the LSTM like words and change its answer."),
        Mistake(_classifier_variant(activation=None), "Your outputs are not probabilities: "
                "the last Dense layer has no activation. A sigmoid turns its number into "
                "P(positive)."),
        Mistake(_classifier_variant(outputs=2, activation="softmax"), "Your model has two "
                "outputs with a softmax. That works with sparse categorical cross-entropy, but "
                "the exercise (like binary_crossentropy) wants one sigmoid unit: P(positive)."),
        Mistake(_classifier_variant(sequences=True), "Your LSTM returns its output at every "
                "step (return_sequences=True), so the model gives one answer per word. A "
                "many-to-one classifier keeps only the LSTM's last output."),
        Mistake(_classifier_variant(reader="average"), "You average the word vectors instead "
                "of reading them with an LSTM: an average is the same in any word order, so "
                "this is a bag of words again."),
        Mistake(_classifier_variant(reader="gru"), "You used a GRU; the exercise asks for an "
                "LSTM (it has four gate blocks, the GRU three)."),
        Mistake(_classifier_variant(reader="simplernn"), "You used a SimpleRNN; the exercise "
                "asks for an LSTM."),
        Mistake(_classifier_variant(swap_sizes=True), "The sizes are swapped: the embedding "
                "has `units` columns and the LSTM `embedding_dim` units. Give the embedding "
                "embedding_dim columns and the LSTM `units` units."),
    ]
    return check_model_builder("build_classifier", learner, build_classifier_reference,
                               _through_classifier, _CLASSIFIER_CASES, mistakes,
                               _CLASSIFIER_HINT, _diagnose_classifier, show=show, hint=hint)
