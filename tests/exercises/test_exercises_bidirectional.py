"""The lesson 06 exercises accept correct answers and name each targeted mistake."""

import keras
import numpy as np
import pytest

from rnncourse.exercises.bidirectional import (
    ALIGN_MISTAKES,
    PAIR_MISTAKES,
    check_align_and_concat,
    check_pair_steps,
    check_stacked_tagger,
    stacked_tagger_reference,
)
from rnncourse.exercises.checking import ERROR, FAILED, NOT_ATTEMPTED, PASSED


def not_attempted(*args):
    raise NotImplementedError


def align_with_loop(forward_states, backward_states):
    """A learner-style answer written step by step, without slicing tricks."""
    steps = forward_states.shape[1]
    columns = [np.concatenate([forward_states[:, t], backward_states[:, steps - 1 - t]], -1)
               for t in range(steps)]
    return np.stack(columns, axis=1)


def pair_with_loop(x):
    return np.stack([np.concatenate([x[:, 2 * j], x[:, 2 * j + 1]], axis=-1)
                     for j in range(x.shape[1] // 2)], axis=1)


def test_align_accepts_a_correct_answer():
    assert check_align_and_concat(align_with_loop, show=False).status == PASSED


def test_pair_accepts_a_correct_answer():
    assert check_pair_steps(pair_with_loop, show=False).status == PASSED


@pytest.mark.parametrize("mistake", ALIGN_MISTAKES)
def test_align_names_each_mistake(mistake):
    result = check_align_and_concat(mistake.function, show=False)
    assert result.status == FAILED
    assert result.message == mistake.feedback


@pytest.mark.parametrize("mistake", PAIR_MISTAKES)
def test_pair_names_each_mistake(mistake):
    result = check_pair_steps(mistake.function, show=False)
    assert result.status == FAILED
    assert result.message == mistake.feedback


def test_forgetting_the_flip_is_explained():
    result = check_align_and_concat(lambda f, b: np.concatenate([f, b], axis=-1), show=False)
    assert not result
    assert "Reverse them along the time axis" in result.message


def test_not_attempted_and_errors_do_not_crash(capsys):
    assert check_align_and_concat(not_attempted).status == NOT_ATTEMPTED
    shown = capsys.readouterr().out
    assert "Not attempted" in shown and "hint=True" in shown
    assert "Hint:" not in shown  # no hint before one is asked for
    assert check_pair_steps(lambda x: x.reshape(-1, 7)).status == ERROR


def test_unknown_wrong_answer_gets_generic_feedback():
    result = check_pair_steps(lambda x: pair_with_loop(x) + 1.0, show=False)
    assert result.status == FAILED
    assert "values differ" in result.message


@pytest.mark.parametrize("check", [check_align_and_concat, check_pair_steps])
def test_hints_describe_the_idea_without_the_code(check):
    message = check(not_attempted, show=False, hint=True).message
    assert "Hint:" in message
    for code in ("[:, ::-1]", "np.concatenate", "axis=-1", ".reshape(", "steps // 2"):
        assert code not in message
    for mistake in (*ALIGN_MISTAKES, *PAIR_MISTAKES):
        assert "[:, ::-1]" not in mistake.feedback and ".reshape(" not in mistake.feedback


# --- the stacked bidirectional tagger ----------------------------------------------


def tagger_solution(vocabulary_size, embedding_dim, units, depth, classes):
    """A learner-style answer with the functional API and a loop."""
    tokens = keras.Input((None,), dtype="int32")
    features = keras.layers.Embedding(vocabulary_size, embedding_dim)(tokens)
    for _ in range(depth):
        features = keras.layers.Bidirectional(
            keras.layers.GRU(units, return_sequences=True))(features)
    return keras.Model(tokens, keras.layers.Dense(classes, activation="softmax")(features))


def tagger_one_way(vocabulary_size, embedding_dim, units, depth, classes):
    layers = [keras.Input((None,), dtype="int32"),
              keras.layers.Embedding(vocabulary_size, embedding_dim)]
    layers += [keras.layers.GRU(units, return_sequences=True) for _ in range(depth)]
    return keras.Sequential([*layers, keras.layers.Dense(classes, activation="softmax")])


def tagger_last_layer_collapses(vocabulary_size, embedding_dim, units, depth, classes):
    layers = [keras.Input((None,), dtype="int32"),
              keras.layers.Embedding(vocabulary_size, embedding_dim)]
    layers += [keras.layers.Bidirectional(keras.layers.GRU(units,
                                                           return_sequences=level < depth - 1))
               for level in range(depth)]
    return keras.Sequential([*layers, keras.layers.Dense(classes, activation="softmax")])


def tagger_with_dropout_and_wide_embedding(vocabulary_size, embedding_dim, units, depth,
                                           classes):
    layers = [keras.Input((None,), dtype="int32"),
              keras.layers.Embedding(vocabulary_size, embedding_dim + 1)]
    layers += [keras.layers.Bidirectional(keras.layers.GRU(units, return_sequences=True))
               for _ in range(depth)]
    return keras.Sequential([*layers, keras.layers.Dense(classes, activation="softmax")])


def test_tagger_accepts_the_reference_and_another_correct_answer():
    assert check_stacked_tagger(stacked_tagger_reference, show=False).status == PASSED
    assert check_stacked_tagger(tagger_solution, show=False).status == PASSED


@pytest.mark.parametrize(("answer", "phrase"), [
    (tagger_one_way, "one direction only"),
    (tagger_last_layer_collapses, "one answer per sentence"),
])
def test_tagger_names_each_mistake(answer, phrase):
    result = check_stacked_tagger(answer, show=False)
    assert result.status == FAILED and phrase in result.message
    assert "Hint:" not in result.message


def test_tagger_unknown_mistake_is_traced_to_the_sizes():
    result = check_stacked_tagger(tagger_with_dropout_and_wide_embedding, show=False)
    assert result.status == FAILED and "weights, the exercise's" in result.message


def test_tagger_not_attempted_offers_a_hint_without_code():
    assert check_stacked_tagger(not_attempted, show=False).status == NOT_ATTEMPTED
    message = check_stacked_tagger(not_attempted, show=False, hint=True).message
    assert "Hint:" in message and "keras.layers" not in message and "return_sequences" \
        not in message
    assert "Keras model" in check_stacked_tagger(lambda *sizes: [1], show=False).message
