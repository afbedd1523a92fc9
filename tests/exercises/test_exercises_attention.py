"""The notebook 08 exercises accept correct answers and name each targeted mistake."""

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.exercises.attention import (
    check_attention_step,
    check_bidirectional_encoder,
    check_scaled_dot_attention,
    reference_scaled_dot_attention,
)
from rnncourse.exercises.checking import HINT_OFFER


def not_attempted(*args):
    raise NotImplementedError


# --- exercise 1: masked scaled dot-product attention ---------------------------------------


def independent_solution(query, value, value_mask):
    """A learner-style answer written without the package, using -inf for padding."""
    scores = np.einsum("bqd,bvd->bqv", query, value) / np.sqrt(query.shape[-1])
    scores = np.where(value_mask[:, None, :], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    return np.einsum("bqv,bvd->bqd", weights, value), weights


def _softmax(scores, axis):
    exponentials = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return exponentials / exponentials.sum(axis=axis, keepdims=True)


def wrong_axis(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=1)
    return weights @ value, weights


def no_scaling(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1)
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=-1)
    return weights @ value, weights


def divided_by_dim(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / query.shape[-1]
    weights = _softmax(np.where(value_mask[:, None, :], scores, -1e9), axis=-1)
    return weights @ value, weights


def no_mask(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(scores, axis=-1)
    return weights @ value, weights


def mask_after_softmax(query, value, value_mask):
    scores = query @ value.transpose(0, 2, 1) / np.sqrt(query.shape[-1])
    weights = _softmax(scores, axis=-1) * value_mask[:, None, :]
    return weights @ value, weights


def test_accepts_the_reference_and_an_independent_solution():
    assert check_scaled_dot_attention(reference_scaled_dot_attention, show=False)
    assert check_scaled_dot_attention(independent_solution, show=False)


def test_is_exported_from_the_exercises_package():
    assert exercises.check_scaled_dot_attention is check_scaled_dot_attention


def test_not_attempted_offers_the_hint_and_gives_it_when_asked():
    result = check_scaled_dot_attention(not_attempted, show=False)
    assert result.status == "not attempted" and HINT_OFFER in result.message
    asked = check_scaled_dot_attention(not_attempted, show=False, hint=True)
    assert "softmax" in asked.message and "@" not in asked.message and "np." not in asked.message


@pytest.mark.parametrize("answer, feedback", [
    (wrong_axis, "query axis"),
    (no_scaling, "forgot the scaling"),
    (divided_by_dim, "square root"),
    (no_mask, "forgot the mask"),
    (mask_after_softmax, "after the softmax"),
])
def test_names_the_mistake(answer, feedback):
    result = check_scaled_dot_attention(answer, show=False)
    assert not result and result.status == "failed"
    assert feedback in result.message


def test_weights_only_is_a_shape_error():
    result = check_scaled_dot_attention(lambda q, v, m: independent_solution(q, v, m)[1],
                                        show=False)
    assert not result and result.status == "failed"


# --- exercise 2: one output step of an attention decoder -----------------------------------


def _soft(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def step_solution(s, encoder_outputs, mask, w_c, b_c, w_o, b_o, *, order="ctx", squash=True,
                  masked=True, last=False):
    scores = (encoder_outputs * s[:, None, :]).sum(axis=-1)
    if masked:
        scores = np.where(mask, scores, -np.inf)
    weights = _soft(scores)
    context = (weights[:, :, None] * encoder_outputs).sum(axis=1)
    if last:
        context = np.stack([encoder_outputs[b, mask[b].sum() - 1] for b in range(len(s))])
    joined = np.hstack([context, s] if order == "ctx" else [s, context])
    state = joined @ w_c + b_c
    if squash:
        state = np.tanh(state)
    return _soft(state @ w_o + b_o), weights


def test_attention_step_accepts_a_solution_and_reports_not_attempted():
    assert check_attention_step(step_solution, show=False)
    assert check_attention_step(not_attempted, show=False).status == "not attempted"


@pytest.mark.parametrize("kwargs, feedback", [
    ({"order": "s"}, "context first"),
    ({"squash": False}, "no tanh"),
    ({"masked": False}, "Padded positions receive attention"),
    ({"last": True}, "last real encoder output"),
])
def test_attention_step_names_the_mistake(kwargs, feedback):
    result = check_attention_step(lambda *case: step_solution(*case, **kwargs), show=False)
    assert result.status == "failed" and feedback in result.message


def test_the_attention_step_matches_the_keras_model():
    """The reference of exercise 2 is the NumPy twin of the course model's last layers."""
    import keras

    from rnncourse.models.attention_seq2seq import build_attention_seq2seq
    from rnncourse.scratch.attention import attention_output_step

    keras.utils.set_random_seed(2)
    model = build_attention_seq2seq(9, 6, units=8, embedding_dim=4, score="dot")
    sources = np.array([[3, 4, 5, 6, 0, 0], [7, 8, 2, 3, 4, 5]], dtype="int32")
    values, _, h, c = model.encode(sources)
    previous = np.array([[1], [1]], dtype="int32")
    probabilities, _, _, weights = model.decoder_step_model([previous, sources, values, h, c])
    lstm = model.training_model.get_layer("decoder_lstm")
    embed = model.training_model.get_layer("target_embedding")
    s = keras.ops.convert_to_numpy(lstm(embed(previous), initial_state=[h, c])[0])[:, 0]
    combine = model.training_model.get_layer("attentional_state")
    read_out = model.training_model.get_layer("next_character")
    step = attention_output_step(s, values, *[keras.ops.convert_to_numpy(w) for w in
                                              (*combine.weights, *read_out.weights)],
                                 value_mask=sources != 0)
    np.testing.assert_allclose(step.probabilities, keras.ops.convert_to_numpy(probabilities),
                               atol=1e-5)
    np.testing.assert_allclose(step.weights, keras.ops.convert_to_numpy(weights), atol=1e-5)


# --- exercise 3: a bidirectional encoder in Keras -------------------------------------------


def encoder_solution(source_vocab_size, units, embedding_dim):
    """Built with the Keras ops a learner might use instead of Concatenate layers."""
    import keras

    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab_size, embedding_dim, mask_zero=True)(tokens)
    out, hf, cf, hb, cb = keras.layers.Bidirectional(
        keras.layers.LSTM(units // 2, return_sequences=True, return_state=True))(x)
    return keras.Model(tokens, [out, keras.ops.concatenate([hf, hb], axis=-1),
                                keras.ops.concatenate([cf, cb], axis=-1)])


def _forward_only(source_vocab_size, units, embedding_dim):
    import keras

    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab_size, embedding_dim, mask_zero=True)(tokens)
    out, h, c = keras.layers.LSTM(units, return_sequences=True, return_state=True)(x)
    return keras.Model(tokens, [out, h, c])


def _unmasked(source_vocab_size, units, embedding_dim):
    import keras

    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab_size, embedding_dim)(tokens)
    out, hf, cf, hb, cb = keras.layers.Bidirectional(
        keras.layers.LSTM(units // 2, return_sequences=True, return_state=True))(x)
    return keras.Model(tokens, [out, keras.ops.concatenate([hf, hb], axis=-1),
                                keras.ops.concatenate([cf, cb], axis=-1)])


def _two_outputs(source_vocab_size, units, embedding_dim):
    import keras

    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(source_vocab_size, embedding_dim, mask_zero=True)(tokens)
    out = keras.layers.Bidirectional(keras.layers.LSTM(units // 2, return_sequences=True))(x)
    return keras.Model(tokens, [out, out[:, -1]])


def test_bidirectional_encoder_accepts_a_solution_and_reports_not_attempted():
    assert check_bidirectional_encoder(encoder_solution, show=False)
    assert check_bidirectional_encoder(not_attempted, show=False).status == "not attempted"


@pytest.mark.parametrize("wrong, feedback", [
    (_forward_only, "only left to right"),
    (_unmasked, "Padding changes"),
])
def test_bidirectional_encoder_names_the_mistake(wrong, feedback):
    result = check_bidirectional_encoder(wrong, show=False)
    assert result.status == "failed" and feedback in result.message


def test_a_model_with_the_wrong_outputs_gets_a_clear_message():
    result = check_bidirectional_encoder(_two_outputs, show=False)
    assert result.status == "error" and "three tensors" in result.message


@pytest.mark.parametrize("check", [check_scaled_dot_attention, check_attention_step,
                                   check_bidirectional_encoder])
def test_hints_come_only_when_asked_or_after_two_wrong_answers(check):
    def crashes(*args):
        raise ValueError("a learner's bug")

    first = check(not_attempted, show=False)
    assert "Hint:" not in first.message and HINT_OFFER in first.message
    asked = check(not_attempted, show=False, hint=True).message
    assert "Hint:" in asked and "np." not in asked and "keras." not in asked
    assert "Hint:" not in check(crashes, show=False).message
    assert "Hint:" in check(crashes, show=False).message
