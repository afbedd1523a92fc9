"""Encoder-decoder helpers: teacher forcing, greedy and beam search, metrics, the models."""

import itertools

import numpy as np
import pytest

from rnncourse.errors import InputError
from rnncourse.models.decoding import beam_search, greedy_search
from rnncourse.models.metrics import AccuracyByLength, accuracy_by_length, exact_match_accuracy
from rnncourse.models.seq2seq import (
    beam_search_decode,
    build_encoder_decoder,
    greedy_decode,
    reverse_sources,
    teacher_forcing_inputs,
)

VOCAB = 4


def _markov_step(seed: int, batch: int):
    """A toy decoder: the next-token distribution depends on the previous token and on a
    per-example state, like a real decoder's (h, c). Log-probabilities are exact."""
    rng = np.random.default_rng(seed)
    tables = rng.normal(size=(batch, VOCAB + 1, VOCAB)) * 2.0
    log_tables = tables - np.log(np.exp(tables).sum(axis=-1, keepdims=True))

    def step(previous, states):
        (example,) = states
        return log_tables[example, previous], [example]

    return step, [np.arange(batch)], log_tables


def _brute_force(log_tables, example, length, start):
    scored = []
    for sequence in itertools.product(range(VOCAB), repeat=length):
        previous, score = start, 0.0
        for token in sequence:
            score += log_tables[example, previous, token]
            previous = token
        scored.append((score, sequence))
    scored.sort(key=lambda item: -item[0])
    return scored


def test_teacher_forcing_shifts_right_behind_the_start_token():
    targets = np.array([[5, 6, 7], [8, 9, 10]])
    assert teacher_forcing_inputs(targets, 1).tolist() == [[1, 5, 6], [1, 8, 9]]
    with pytest.raises(InputError, match="batch, Ty"):
        teacher_forcing_inputs(np.array([1, 2, 3]), 1)


def test_reverse_sources_keeps_padding_on_the_right():
    sources = np.array([[3, 4, 5, 0, 0], [6, 7, 0, 0, 0], [0, 0, 0, 0, 0]])
    assert reverse_sources(sources).tolist() == [[5, 4, 3, 0, 0], [7, 6, 0, 0, 0],
                                                 [0, 0, 0, 0, 0]]
    with pytest.raises(InputError, match="right-padded"):
        reverse_sources(np.array([[3, 0, 4]]))


def test_beam_width_one_equals_greedy():
    step, states, _ = _markov_step(0, batch=6)
    greedy_tokens, greedy_scores = greedy_search(step, states, VOCAB, length=5)
    beam = beam_search(step, states, VOCAB, length=5, beam_width=1)
    assert beam.sequences.shape == (6, 1, 5)
    np.testing.assert_array_equal(beam.best, greedy_tokens)
    np.testing.assert_allclose(beam.scores[:, 0], greedy_scores)


def test_beam_sequences_are_sorted_and_scores_are_their_log_probabilities():
    step, states, log_tables = _markov_step(1, batch=5)
    beam = beam_search(step, states, VOCAB, length=4, beam_width=3)
    assert np.all(np.diff(beam.scores, axis=1) <= 0)
    for example in range(5):
        for k in range(3):
            previous, score = VOCAB, 0.0
            for token in beam.sequences[example, k]:
                score += log_tables[example, previous, token]
                previous = token
            assert beam.scores[example, k] == pytest.approx(score)
        assert len({tuple(s) for s in beam.sequences[example]}) == 3


def test_a_beam_as_wide_as_all_sequences_finds_the_exact_top_k():
    length = 3
    step, states, log_tables = _markov_step(2, batch=3)
    beam = beam_search(step, states, VOCAB, length=length, beam_width=VOCAB ** length)
    for example in range(3):
        exact = _brute_force(log_tables, example, length, VOCAB)
        np.testing.assert_allclose(beam.scores[example], [s for s, _ in exact])
        assert tuple(beam.sequences[example, 0]) == exact[0][1]


def test_beam_search_can_beat_greedy():
    # Greedy takes token 0 (p=0.6) but then faces a flat distribution; token 1 (p=0.4)
    # leads to a sure continuation: 0.4 * 1.0 > 0.6 * 0.5.
    table = np.log(np.array([[0.5, 0.5, 1e-9], [1e-9, 1.0, 1e-9], [1e-9, 1e-9, 1.0],
                             [0.6, 0.4, 1e-9]]))

    def step(previous, states):
        return table[previous], states

    states = [np.zeros(1)]
    greedy_tokens, greedy_score = greedy_search(step, states, 3, length=2)
    beam = beam_search(step, states, 3, length=2, beam_width=2)
    assert greedy_tokens.tolist() == [[0, 0]]
    assert beam.best.tolist() == [[1, 1]]
    assert beam.scores[0, 0] > greedy_score[0]


def test_search_rejects_bad_arguments():
    step, states, _ = _markov_step(0, batch=2)
    with pytest.raises(InputError, match="beam_width"):
        beam_search(step, states, 0, length=2, beam_width=0)
    with pytest.raises(InputError, match="length"):
        greedy_search(step, states, 0, length=0)
    with pytest.raises(InputError, match="initial state"):
        greedy_search(step, [], 0, length=2)


def test_exact_match_accuracy_counts_whole_outputs():
    assert exact_match_accuracy(["2009-03-03", "2009-03-04"],
                                ["2009-03-03", "2009-03-05"]) == 0.5
    assert exact_match_accuracy(np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 5]])) == 0.5
    with pytest.raises(InputError, match="one prediction per example"):
        exact_match_accuracy(["a"], ["a", "b"])
    with pytest.raises(InputError, match="not one string"):
        exact_match_accuracy("2009-03-03", "2009-03-03")


def test_accuracy_by_length_bins_inputs():
    texts = ["ab", "abc", "abcdef", "abcdefg", "abcdefgh"]
    result = accuracy_by_length(texts, ["x", "y", "x", "x", "z"], ["x", "x", "x", "y", "y"],
                                bins=[0, 5, 8, 20])
    assert isinstance(result, AccuracyByLength)
    assert result.counts.tolist() == [2, 2, 1]
    np.testing.assert_allclose(result.accuracies, [0.5, 0.5, 0.0])
    assert result.labels == ["0-4", "5-7", "8-19"]
    assert result.as_dict() == {2.0: 0.5, 6.0: 0.5, 13.5: 0.0}
    empty = accuracy_by_length(["ab"], ["x"], ["x"], bins=[0, 5, 8])
    assert np.isnan(empty.accuracies[1]) and 6.0 not in empty.as_dict()
    with pytest.raises(InputError, match="widen the bins"):
        accuracy_by_length(["abcdefghij"], ["x"], ["x"], bins=[0, 5])
    with pytest.raises(InputError, match="increasing"):
        accuracy_by_length(["ab"], ["x"], ["x"], bins=[5, 0])


def test_encoder_decoder_models_share_weights_and_agree():
    model = build_encoder_decoder(7, 5, units=8, embedding_dim=4)
    rng = np.random.default_rng(0)
    sources = rng.integers(1, 7, size=(3, 6)).astype("int32")
    sources[0, 4:] = 0
    decoded = greedy_decode(model, sources, length=4, start_id=1)
    # Teacher forcing on the model's own output reproduces the step-by-step loop.
    probabilities = model.training_model.predict(
        [sources, teacher_forcing_inputs(decoded, 1)], verbose=0)
    np.testing.assert_array_equal(probabilities.argmax(-1), decoded)
    beam = beam_search_decode(model, sources, length=4, start_id=1, beam_width=1)
    np.testing.assert_array_equal(beam.best, decoded)
    # Padding is masked: extra pad ids do not change the context.
    padded = np.concatenate([sources, np.zeros((3, 5), dtype="int32")], axis=1)
    np.testing.assert_allclose(model.encode(padded)[0], model.encode(sources)[0], atol=1e-6)
    assert model.encode(sources)[0].shape == (3, 8)


def test_build_rejects_bad_sizes():
    with pytest.raises(InputError, match="units"):
        build_encoder_decoder(7, 5, units=0)
    with pytest.raises(InputError, match="pad_id"):
        build_encoder_decoder(7, 5, pad_id=9)


def test_accuracy_by_input_length_plot_draws_one_bar_group_per_bin():
    import matplotlib

    matplotlib.use("Agg")
    from rnncourse.visuals.accuracy import plot_accuracy_by_input_length

    texts, outputs = ["ab", "abcdef", "abcdefgh"], ["x", "x", "y"]
    first = accuracy_by_length(texts, outputs, ["x", "x", "x"], bins=[0, 5, 10])
    second = accuracy_by_length(texts, outputs, ["x", "y", "y"], bins=[0, 5, 10])
    figure = plot_accuracy_by_input_length({"a": first, "b": second})
    assert len(figure.axes[0].patches) == 4
    other_bins = accuracy_by_length(texts, outputs, outputs, bins=[0, 3, 10])
    with pytest.raises(ValueError, match="same bins"):
        plot_accuracy_by_input_length({"a": first, "b": other_bins})
    with pytest.raises(ValueError, match="at least one"):
        plot_accuracy_by_input_length({})


# --- targets of different lengths: the masked loss, scoring given outputs ----------------


def test_the_masked_loss_averages_over_real_tokens_only():
    import keras

    from rnncourse.models.seq2seq import masked_sparse_crossentropy, masked_token_accuracy

    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(5), size=(3, 4)).astype("float32")
    targets = np.array([[3, 4, 2, 0], [3, 2, 0, 0], [4, 4, 4, 2]])
    loss = float(keras.ops.convert_to_numpy(masked_sparse_crossentropy(0)(targets,
                                                                          probabilities)))
    real = targets != 0
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]
    assert loss == pytest.approx(-np.log(picked[real]).mean(), rel=1e-5)
    # Whatever the model says at padded positions changes nothing.
    changed = probabilities.copy()
    changed[~real] = rng.dirichlet(np.ones(5), size=int((~real).sum()))
    assert float(keras.ops.convert_to_numpy(masked_sparse_crossentropy(0)(
        targets, changed))) == pytest.approx(loss, rel=1e-6)
    accuracy = float(keras.ops.convert_to_numpy(masked_token_accuracy(0)(targets,
                                                                         probabilities)))
    assert accuracy == pytest.approx((probabilities.argmax(-1) == targets)[real].mean())


def test_a_model_trained_with_the_masked_loss_ignores_padded_targets():
    """Two copies of one model, trained on the same batch whose padded target positions hold
    different junk ids, end with the same weights: padding never reaches the gradient."""
    import keras

    sources = np.array([[3, 4, 5, 0], [6, 5, 0, 0]], dtype="int32")
    targets = np.array([[3, 4, 2, 0, 0], [4, 2, 0, 0, 0]], dtype="int32")
    junk = targets.copy()
    junk[targets == 0] = 4
    trained = []
    for y in (targets, np.where(targets == 0, 0, targets)):
        keras.utils.set_random_seed(3)
        model = build_encoder_decoder(7, 5, units=6, embedding_dim=3, target_pad_id=0)
        model.training_model.fit([sources, teacher_forcing_inputs(targets, 1)], y,
                                 epochs=2, verbose=0, batch_size=2)
        trained.append(model.training_model.get_weights())
    for a, b in zip(*trained, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    keras.utils.set_random_seed(3)
    plain = build_encoder_decoder(7, 5, units=6, embedding_dim=3)
    plain.training_model.fit([sources, teacher_forcing_inputs(targets, 1)], targets,
                             epochs=2, verbose=0, batch_size=2)
    differs = any(not np.allclose(a, b, atol=1e-6) for a, b in
                  zip(trained[0], plain.training_model.get_weights(), strict=True))
    assert differs, "the unmasked loss trains on padding, so it must end elsewhere"
    assert not np.array_equal(junk, targets)


def test_sequence_log_probability_equals_the_step_by_step_score():
    from rnncourse.models.seq2seq import sequence_log_probability

    model = build_encoder_decoder(7, 6, units=8, embedding_dim=4, target_pad_id=0)
    rng = np.random.default_rng(4)
    sources = rng.integers(2, 7, size=(4, 5)).astype("int32")
    tokens, scores = greedy_search(model.step, model.encode(sources), 1, 6, end_id=2)
    log_p, lengths = sequence_log_probability(model, sources, tokens, 1, end_id=2)
    np.testing.assert_allclose(log_p, scores, atol=1e-4)
    ended = (tokens == 2).any(axis=1)
    expected_lengths = np.where(ended, (tokens == 2).argmax(axis=1) + 1, tokens.shape[1])
    assert (lengths == expected_lengths).all()
    beam = beam_search_decode(model, sources, 6, 1, beam_width=3, end_id=2)
    for k in range(3):
        log_p, n = sequence_log_probability(model, sources, beam.sequences[:, k], 1, end_id=2)
        finite = np.isfinite(beam.log_probabilities[:, k])
        np.testing.assert_allclose(log_p[finite], beam.log_probabilities[finite, k], atol=1e-4)
        assert (n[finite] == beam.lengths[finite, k]).all()
    with pytest.raises(InputError, match="batch"):
        sequence_log_probability(model, sources, tokens[:2], 1)


def test_item_accuracy_scores_each_date_of_a_list_in_place():
    from rnncourse.models.metrics import item_accuracy, item_hits, mean_by_group

    shares = item_accuracy(["a b c", "a x", "a", ""], ["a b c", "a b", "a b c", "a"])
    np.testing.assert_allclose(shares, [1.0, 0.5, 1 / 3, 0.0])
    hits = item_hits(["a b c", "x b"], ["a b c", "a b"])
    np.testing.assert_array_equal(hits, [[1, 1, 1], [0, 1, np.nan]])
    assert mean_by_group(shares, [3, 2, 3, 1]) == pytest.approx({1: 0.0, 2: 0.5,
                                                                3: (1 + 1 / 3) / 2})
    with pytest.raises(InputError, match="one prediction per example"):
        item_accuracy(["a"], ["a", "b"])
    with pytest.raises(InputError, match="same length"):
        mean_by_group([1.0, 0.0], [1])


def test_beam_error_analysis_blames_the_search_only_when_the_right_answer_scores_higher():
    from rnncourse.models.metrics import beam_error_analysis

    analysis = beam_error_analysis(chosen_scores=[-1.0, -2.0, -3.0, -0.5],
                                   right_scores=[-1.0, -1.5, -4.0, -0.5 + 1e-6],
                                   correct=[True, False, False, False])
    assert (analysis.wrong, analysis.search_errors, analysis.model_errors) == (3, 1, 2)
    np.testing.assert_allclose(analysis.margins, [0.5, -1.0, 1e-6])
    assert analysis.search_share == pytest.approx(1 / 3)
    with pytest.raises(InputError, match="same"):
        beam_error_analysis([-1.0], [-1.0, -2.0], [False])


def test_the_decoding_tracker_records_a_score_per_group_after_each_epoch():
    from rnncourse.models.seq2seq import DecodingTracker

    model = build_encoder_decoder(7, 6, units=6, embedding_dim=3, target_pad_id=0)
    rng = np.random.default_rng(8)
    sources = rng.integers(2, 7, size=(6, 5)).astype("int32")
    targets = rng.integers(3, 6, size=(6, 4)).astype("int32")
    calls = []

    def decode(ids):
        calls.append(ids.shape)
        return ["".join(map(str, row)) for row in ids]

    def score(predicted, expected):
        return np.array([p == e for p, e in zip(predicted, expected, strict=True)], float)

    expected = ["".join(map(str, row)) for row in targets]
    groups = np.array([1, 1, 2, 2, 3, 3])
    tracker = DecodingTracker(model, sources, expected, groups, decode=decode, score=score,
                              length=4, start_id=1, end_id=2, every=2)
    model.training_model.fit([sources, teacher_forcing_inputs(targets, 1)], targets,
                             epochs=3, verbose=0, callbacks=[tracker])
    assert tracker.epochs == [2, 3]  # every second epoch, and the last one
    assert len(calls) == 2 and calls[0] == (6, 4)
    assert all(set(scores) == {1, 2, 3} for scores in tracker.scores)
    assert set(tracker.curves()) == {1, 2, 3} and list(tracker.curves()[2]) == [2, 3]
    with pytest.raises(InputError, match="one of each"):
        DecodingTracker(model, sources, expected[:2], groups, decode=decode, score=score,
                        length=4, start_id=1)
