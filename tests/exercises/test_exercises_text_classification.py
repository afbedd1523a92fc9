"""The lesson 05 exercises accept right answers and name each targeted mistake."""

import string

import keras
import numpy as np
import pytest

from rnncourse.exercises.checking import HINT_OFFER
from rnncourse.exercises.text_classification import (
    build_classifier_reference,
    check_build_classifier,
    check_early_stopping,
    check_encode_sentence,
    check_pad_and_mask,
    early_stopping_reference,
)


def not_attempted(*args):
    raise NotImplementedError


# --- encode_sentence ------------------------------------------------------------


def encode_solution(sentence, word_to_id):
    """A learner-style answer written without the package."""
    kept = "".join(c for c in sentence.lower() if c not in string.punctuation)
    return [word_to_id.get(word, 1) for word in kept.split()]


def encode_unknown_zero(sentence, word_to_id):
    kept = "".join(c for c in sentence.lower() if c not in string.punctuation)
    return [word_to_id.get(word, 0) for word in kept.split()]


def encode_no_lower(sentence, word_to_id):
    kept = "".join(c for c in sentence if c not in string.punctuation)
    return [word_to_id.get(word, 1) for word in kept.split()]


def encode_split_only(sentence, word_to_id):
    return [word_to_id.get(word, 1) for word in sentence.lower().split()]


def encode_drop_unknown(sentence, word_to_id):
    kept = "".join(c for c in sentence.lower() if c not in string.punctuation)
    return [word_to_id[word] for word in kept.split() if word in word_to_id]


def encode_punctuation_to_space(sentence, word_to_id):
    """The old lesson's rule: every character that is not a letter or digit becomes a space."""
    spaced = "".join(c if c.isalnum() else " " for c in sentence.lower())
    return [word_to_id.get(word, 1) for word in spaced.split()]


def test_encode_accepts_a_correct_answer():
    assert check_encode_sentence(encode_solution, show=False)


@pytest.mark.parametrize(("answer", "phrase"), [
    (encode_unknown_zero, "0 means padding"),
    (encode_no_lower, "lower-case"),
    (encode_split_only, "punctuation stays attached"),
    (encode_drop_unknown, "drop words"),
    (encode_punctuation_to_space, "'don' and 't'"),
])
def test_encode_names_each_mistake(answer, phrase):
    result = check_encode_sentence(answer, show=False)
    assert result.status == "failed" and phrase in result.message
    assert "Hint:" not in result.message  # the first wrong answer gets no hint


def test_encode_hint_comes_when_asked_and_holds_no_code(capsys):
    result = check_encode_sentence(not_attempted)
    assert result.status == "not attempted" and HINT_OFFER in capsys.readouterr().out
    hinted = check_encode_sentence(not_attempted, show=False, hint=True)
    assert "Hint:" in hinted.message
    for code in (".lower()", ".split()", ".get(", "string.punctuation", "translate"):
        assert code not in hinted.message


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


# --- early stopping --------------------------------------------------------------


def stopping_solution(val_losses, patience):
    """A learner-style answer: count the epochs since the best one."""
    best, best_epoch, waited = None, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if best is None or loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stopping_keeps_last(val_losses, patience):
    run, _ = stopping_solution(val_losses, patience)
    return run, run


def stopping_late(val_losses, patience):
    return stopping_solution(val_losses, patience + 1)


def stopping_ties_count(val_losses, patience):
    best, best_epoch, waited = None, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if best is None or loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def test_early_stopping_accepts_a_correct_answer():
    assert check_early_stopping(stopping_solution, show=False)


@pytest.mark.parametrize(("answer", "phrase"), [
    (stopping_keeps_last, "weights of the last epoch"),
    (stopping_late, "one epoch too late"),
    (stopping_ties_count, "strictly lower"),
])
def test_early_stopping_names_each_mistake(answer, phrase):
    result = check_early_stopping(answer, show=False)
    assert result.status == "failed" and phrase in result.message


class _FakeModel:
    """Just enough of a model for EarlyStopping: weights and a stop flag."""

    def __init__(self):
        self.stop_training = False
        self.epoch = 0

    def get_weights(self):
        return [np.array(self.epoch)]

    def set_weights(self, weights):
        self.epoch = int(weights[0])


def keras_early_stopping(val_losses, patience):
    """What Keras's own callback does with these losses: (epochs run, restored epoch)."""
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                            restore_best_weights=True)
    model = _FakeModel()
    stopper.set_model(model)
    stopper.on_train_begin()
    run = 0
    for epoch, loss in enumerate(val_losses):
        model.epoch, run = epoch + 1, epoch + 1
        stopper.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            break
    stopper.on_train_end()
    return run, model.epoch


@pytest.mark.parametrize("seed", range(6))
def test_the_reference_does_what_keras_early_stopping_does(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        losses = [round(float(v), 1) for v in rng.uniform(0.2, 0.9, int(rng.integers(2, 15)))]
        patience = int(rng.integers(1, 5))
        assert early_stopping_reference(losses, patience) == \
            keras_early_stopping(losses, patience), (losses, patience)


# --- build the classifier --------------------------------------------------------


def classifier_solution(vocabulary_size, embedding_dim, units):
    """A learner-style answer with the functional API instead of Sequential."""
    ids = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)(ids)
    state = keras.layers.LSTM(units)(vectors)
    return keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(state))


def classifier_without_mask(vocabulary_size, embedding_dim, units):
    return keras.Sequential([keras.Input((None,), dtype="int32"),
                             keras.layers.Embedding(vocabulary_size, embedding_dim),
                             keras.layers.LSTM(units),
                             keras.layers.Dense(1, activation="sigmoid")])


def classifier_without_sigmoid(vocabulary_size, embedding_dim, units):
    return keras.Sequential([keras.Input((None,), dtype="int32"),
                             keras.layers.Embedding(vocabulary_size, embedding_dim,
                                                    mask_zero=True),
                             keras.layers.LSTM(units), keras.layers.Dense(1)])


def classifier_with_extra_layer(vocabulary_size, embedding_dim, units):
    return keras.Sequential([keras.Input((None,), dtype="int32"),
                             keras.layers.Embedding(vocabulary_size, embedding_dim,
                                                    mask_zero=True),
                             keras.layers.LSTM(units),
                             keras.layers.Dense(4, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])


def test_classifier_accepts_the_reference_and_another_correct_answer():
    assert check_build_classifier(build_classifier_reference, show=False)
    assert check_build_classifier(classifier_solution, show=False)


@pytest.mark.parametrize(("answer", "phrase"), [
    (classifier_without_mask, "mask_zero=True"),
    (classifier_without_sigmoid, "not probabilities"),
])
def test_classifier_names_each_mistake(answer, phrase):
    result = check_build_classifier(answer, show=False)
    assert result.status == "failed" and phrase in result.message


def test_classifier_unknown_mistake_is_traced_to_the_part_that_differs():
    result = check_build_classifier(classifier_with_extra_layer, show=False)
    assert result.status == "failed" and "weights, the exercise's" in result.message


def test_classifier_wrong_return_values_are_explained():
    assert "Keras model" in check_build_classifier(lambda v, e, u: 3, show=False).message
    assert check_build_classifier(lambda v, e, u: None, show=False).status == "not attempted"
    first = check_build_classifier(not_attempted, show=False)
    assert first.status == "not attempted" and "Hint:" not in first.message
    assert "Hint:" in check_build_classifier(not_attempted, show=False, hint=True).message
