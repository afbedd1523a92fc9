"""The attention seq2seq model: shapes, masks, decoding, and its NumPy twin."""

import keras
import matplotlib
import numpy as np
import pytest

from rnncourse.errors import InputError
from rnncourse.models.attention_seq2seq import (
    SCORES,
    attention_on_spans,
    attention_weights,
    build_attention_seq2seq,
    decode_with_alignment,
    find_span,
)
from rnncourse.models.seq2seq import beam_search_decode, greedy_decode
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.attention import bahdanau_scores, dot_scores, general_scores
from rnncourse.visuals.attention_viewer import alignment_viewer, draw_alignment, example_labels

matplotlib.use("Agg")

SOURCE_VOCAB, TARGET_VOCAB, START = 9, 6, 1


def _sources(seed=0, batch=5, steps=7):
    """Right-padded source ids (0 = padding), every row at least 2 real tokens."""
    rng = np.random.default_rng(seed)
    sources = rng.integers(1, SOURCE_VOCAB, size=(batch, steps)).astype("int32")
    lengths = rng.integers(2, steps + 1, size=batch)
    lengths[0] = 3
    for row, length in enumerate(lengths):
        sources[row, length:] = 0
    return sources


@pytest.fixture(scope="module", params=SCORES)
def model(request):
    keras.utils.set_random_seed(0)
    return build_attention_seq2seq(SOURCE_VOCAB, TARGET_VOCAB, units=8, embedding_dim=4,
                                   score=request.param)


def test_shapes_and_weights_are_a_masked_softmax(model):
    sources = _sources()
    decoder_tokens = np.random.default_rng(1).integers(1, TARGET_VOCAB, (5, 4))
    probabilities = keras.ops.convert_to_numpy(model.training_model([sources,
                                                                     decoder_tokens]))
    assert probabilities.shape == (5, 4, TARGET_VOCAB)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)
    weights = attention_weights(model, sources, decoder_tokens)
    assert weights.shape == (5, 4, 7)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    padding = np.broadcast_to((sources == 0)[:, None, :], weights.shape)
    assert padding.any() and np.all(weights[padding] < 1e-6)


def test_greedy_decoding_and_alignment_agree_with_the_step_model(model):
    sources = _sources(2)
    tokens, weights = decode_with_alignment(model, sources, 4, START)
    assert tokens.shape == (5, 4) and weights.shape == (5, 4, 7)
    # Run the step model by hand and collect its weights: the same tokens and weights.
    values, _, h, c = model.encode(sources)
    previous = np.full((5, 1), START, dtype="int32")
    for t in range(4):
        probabilities, h, c, step_weights = model.decoder_step_model(
            [previous, sources, values, h, c])
        h, c = keras.ops.convert_to_numpy(h), keras.ops.convert_to_numpy(c)
        previous = keras.ops.convert_to_numpy(probabilities).argmax(-1)[:, None].astype("int32")
        np.testing.assert_array_equal(previous[:, 0], tokens[:, t])
        np.testing.assert_allclose(keras.ops.convert_to_numpy(step_weights), weights[:, t],
                                   atol=1e-5)


def test_beam_search_of_width_one_is_greedy(model):
    sources = _sources(3)
    greedy = greedy_decode(model, sources, 3, START)
    beam = beam_search_decode(model, sources, 3, START, beam_width=1)
    np.testing.assert_array_equal(beam.best, greedy)
    wide = beam_search_decode(model, sources, 3, START, beam_width=3)
    assert wide.sequences.shape == (5, 3, 3)
    assert np.all(np.diff(wide.scores, axis=1) <= 1e-9)  # best first


def test_the_models_attention_equals_its_numpy_twin(model):
    """The decoder's weights follow from its LSTM outputs and the score's NumPy formula."""
    sources = _sources(4)
    decoder_tokens = np.random.default_rng(5).integers(1, TARGET_VOCAB, (5, 3))
    training = model.training_model
    values = keras.Model(training.inputs, training.get_layer("encoder_lstm").output[0])
    queries = keras.Model(training.inputs, training.get_layer("decoder_lstm").output[0])
    h = keras.ops.convert_to_numpy(values([sources, decoder_tokens])).astype(float)
    s = keras.ops.convert_to_numpy(queries([sources, decoder_tokens])).astype(float)
    layer = training.get_layer("attention")
    if model.score == "additive":
        w_query = keras.ops.convert_to_numpy(training.get_layer("bahdanau_W_query").kernel)
        w_key = keras.ops.convert_to_numpy(training.get_layer("bahdanau_W_key").kernel)
        scores = bahdanau_scores(s, h, w_query, w_key, keras.ops.convert_to_numpy(layer.scale))
    elif model.score == "general":
        matrix = keras.ops.convert_to_numpy(training.get_layer("general_W").kernel)
        scores = general_scores(s, h, matrix)  # the Dense computes s @ kernel, then . h
    else:
        scale = None if layer.scale is None else keras.ops.convert_to_numpy(layer.scale)
        scores = dot_scores(s, h, scale)
    scores = np.where(sources[:, None, :] != 0, scores, scores - 1e9)
    np.testing.assert_allclose(softmax(scores), attention_weights(model, sources,
                                                                  decoder_tokens),
                               atol=1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda: build_attention_seq2seq(9, 6, score="cosine"), "score must be one of"),
    (lambda: build_attention_seq2seq(0, 6), "source_vocab_size"),
    (lambda: build_attention_seq2seq(9, 6, pad_id=9), "pad_id"),
    (lambda: attention_on_spans(np.ones((2, 3)), [None, None], [0]), "batch, Ty, Tx"),
    (lambda: attention_on_spans(np.ones((2, 3, 4)), [None], [0]), "one span"),
    (lambda: attention_on_spans(np.ones((2, 3, 4)), [None, None], [3]), "output_steps"),
    (lambda: attention_on_spans(np.ones((1, 3, 4)), [(2, 6)], [0]), "not inside"),
])
def test_bad_input_raises_a_clear_error(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_attention_weights_rejects_mismatched_batches(model):
    with pytest.raises(InputError, match="same"):
        attention_weights(model, _sources(), np.ones((4, 3), int))


def test_attention_on_spans_and_find_span():
    weights = np.zeros((2, 3, 5))
    weights[0, :, 1] = 1.0
    weights[1, :, 4] = 0.5
    weights[1, :, 0] = 0.5
    shares = attention_on_spans(weights, [(1, 3), None], [0, 1])
    np.testing.assert_allclose(shares, [1.0])
    shares = attention_on_spans(weights, [(0, 2), (3, 5)], range(3))
    np.testing.assert_allclose(shares, [1.0, 0.5])
    assert find_span("3 March 2009", "2009") == (8, 12)
    assert find_span("3 March 2009", "2009", reverse=True) == (0, 4)
    assert find_span("3/3/03", "3") is None and find_span("abc", "z") is None


def test_viewer_draws_statically(monkeypatch):
    monkeypatch.setenv("RNNCOURSE_STATIC_PLOTS", "1")
    weights = softmax(np.random.default_rng(0).normal(size=(2, 3, 6)))
    sources, predictions = ["abcd", "xy"], ["123", "456"]
    labels = example_labels(sources, predictions, ["123", "457"])
    assert labels[0].endswith("(right)") and "want 457" in labels[1]
    figure = alignment_viewer(weights, sources, predictions, ["123", "457"], choices=[1, 0])
    assert "xy" in figure.axes[0].get_title()
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["x", "y"]
    with pytest.raises(IndexError, match="pick 0 to 1"):
        draw_alignment(weights, sources, predictions, 2)
    with pytest.raises(ValueError, match="one of each"):
        example_labels(sources, predictions[:1])


def test_list_attention_shares_measure_each_dates_own_span():
    from rnncourse.models.attention_seq2seq import list_attention_shares

    texts = ["3.3.2009, 14.7.1990", "1.1.2000"]       # dates at [0, 8), [10, 19) and [0, 8)
    weights = np.zeros((2, 22, 19))
    weights[0, :11, 0] = 1.0                           # date 1 looks at its first character
    weights[0, 11:, 18] = 1.0                          # date 2 at its year's last digit
    weights[1, :, 7] = 0.5                             # half on the year's last digit,
    weights[1, :, 12] = 0.5                            # half on padding beyond the text
    measured, uniform = list_attention_shares(weights, texts, "date")
    assert measured == pytest.approx((1.0 + 1.0 + 0.5) / 3)
    assert uniform == pytest.approx((8 / 19 + 9 / 19 + 8 / 8) / 3)
    measured, uniform = list_attention_shares(weights, texts, "year")
    assert measured == pytest.approx((0.0 + 1.0 + 0.5) / 3)
    assert uniform == pytest.approx((4 / 19 + 4 / 19 + 4 / 8) / 3)
    with pytest.raises(InputError, match="part"):
        list_attention_shares(weights, texts, "month")
    with pytest.raises(InputError, match="one row per text"):
        list_attention_shares(weights[:1], texts)


def test_the_bidirectional_model_is_masked_and_sees_both_ways():
    keras.utils.set_random_seed(1)
    model = build_attention_seq2seq(SOURCE_VOCAB, TARGET_VOCAB, units=8, embedding_dim=4,
                                    bidirectional=True)
    sources = _sources(6)
    values, _, h, c = model.encode(sources)
    assert values.shape == (5, 7, 8) and h.shape == c.shape == (5, 8)
    padded = np.concatenate([sources, np.zeros((5, 3), dtype="int32")], axis=1)
    more_values, _, more_h, more_c = model.encode(padded)
    real = sources != 0
    np.testing.assert_allclose(more_values[:, :7][real], values[real], atol=1e-5)
    np.testing.assert_allclose(more_h, h, atol=1e-5)
    np.testing.assert_allclose(more_c, c, atol=1e-5)
    # The output at the first position changes when the last real character changes:
    # the backward direction has read it.
    changed = sources.copy()
    row = 1
    last = int(real[row].sum()) - 1
    changed[row, last] = 1 + changed[row, last] % (SOURCE_VOCAB - 1)
    assert not np.allclose(model.encode(changed)[0][row, 0], values[row, 0])
    tokens, weights = decode_with_alignment(model, sources, 4, START)
    assert tokens.shape == (5, 4) and weights.shape == (5, 4, 7)
    with pytest.raises(InputError, match="even"):
        build_attention_seq2seq(SOURCE_VOCAB, TARGET_VOCAB, units=7, bidirectional=True)


def test_greedy_decoding_stops_at_the_end_token():
    keras.utils.set_random_seed(2)
    model = build_attention_seq2seq(SOURCE_VOCAB, TARGET_VOCAB, units=8, embedding_dim=4,
                                    target_pad_id=0)
    sources = _sources(7)
    free, _ = decode_with_alignment(model, sources, 6, START)
    counts = np.bincount(free[:, :3].ravel(), minlength=TARGET_VOCAB)
    counts[[0, START]] = 0                                 # neither padding nor the start
    end = int(counts.argmax())                             # a token some rows emit early
    stopped, weights = decode_with_alignment(model, sources, 6, START, end_id=end)
    assert weights.shape == (5, 6, 7)
    for row, whole in zip(stopped, free, strict=True):
        cut = whole.tolist().index(end) + 1 if end in whole.tolist() else len(whole)
        np.testing.assert_array_equal(row[:cut], whole[:cut])  # same choices up to the end
        assert (row[cut:] == 0).all()                          # padding after it
    assert (stopped == 0).any()
