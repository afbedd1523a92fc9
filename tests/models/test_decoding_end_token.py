"""Greedy and beam search for outputs of different lengths: end token, finished pool,
length penalty; checked against an exhaustive search on toy decoders."""

import itertools

import numpy as np
import pytest

from rnncourse.errors import InputError
from rnncourse.models.decoding import beam_search, greedy_search, length_normalised

START, END, PAD = 1, 2, 0
VOCAB = 5  # ids 0 (pad, never likely), 1 (start, never likely), 2 (end), 3 and 4


def _toy_decoder(seed: int, batch: int):
    """A decoder whose next-token distribution depends on the example and the previous
    token (a first-order Markov chain per example); padding and start are never likely."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(batch, VOCAB, VOCAB)) * 1.5
    logits[:, :, [PAD, START]] = -30.0
    log_tables = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))

    def step(previous, states):
        (example,) = states
        return log_tables[example, previous], [example]

    return step, [np.arange(batch)], log_tables


def _all_hypotheses(log_tables, example, length, alpha):
    """Every output the search may return: ended at any step (end included), or cut off
    at ``length`` tokens; with its log-probability and normalised score."""
    found = []
    for size in range(1, length + 1):
        for body in itertools.product((3, 4), repeat=size - 1):
            for tokens in ((*body, END), (*body, 3), (*body, 4)) if size == length else \
                    ((*body, END),):
                previous, log_p = START, 0.0
                for token in tokens:
                    log_p += log_tables[example, previous, token]
                    previous = token
                found.append((log_p / len(tokens) ** alpha, log_p, tokens))
    found.sort(key=lambda item: -item[0])
    return found


def test_length_normalised_divides_by_a_power_of_the_length():
    assert length_normalised(-6.0, 3, 0.0) == pytest.approx(-6.0)
    assert length_normalised(-6.0, 3, 1.0) == pytest.approx(-2.0)
    np.testing.assert_allclose(length_normalised(np.array([-4.0, -9.0]), np.array([4, 9]),
                                                 0.5), [-2.0, -3.0])
    with pytest.raises(InputError, match="length_penalty"):
        length_normalised(-1.0, 2, -0.5)
    with pytest.raises(InputError, match="at least 1"):
        length_normalised(-1.0, 0, 1.0)


def test_greedy_stops_each_example_at_its_end_token():
    step, states, log_tables = _toy_decoder(3, batch=6)
    tokens, scores = greedy_search(step, states, START, length=8, end_id=END)
    for example in range(6):
        previous, score, expected = START, 0.0, []
        for _ in range(8):
            token = int(log_tables[example, previous].argmax())
            score += log_tables[example, previous, token]
            expected.append(token)
            previous = token
            if token == END:
                break
        row = tokens[example].tolist()
        assert row[:len(expected)] == expected
        assert all(t == PAD for t in row[len(expected):])
        assert scores[example] == pytest.approx(score)
    fixed, _ = greedy_search(step, states, START, length=8)
    assert (fixed != PAD).all()  # without an end token every position is written


@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_a_wide_beam_finds_the_exact_best_hypotheses(alpha):
    length = 5
    step, states, log_tables = _toy_decoder(1, batch=4)
    # Wide enough to keep every unfinished prefix: the search becomes exhaustive.
    beam = beam_search(step, states, START, length=length, beam_width=2 ** length,
                       end_id=END, length_penalty=alpha)
    for example in range(4):
        exact = _all_hypotheses(log_tables, example, length, alpha)
        best_score, best_log_p, best_tokens = exact[0]
        assert beam.scores[example, 0] == pytest.approx(best_score)
        assert beam.log_probabilities[example, 0] == pytest.approx(best_log_p)
        row = beam.sequences[example, 0].tolist()
        assert tuple(row[:len(best_tokens)]) == best_tokens
        assert all(t == PAD for t in row[len(best_tokens):])
        assert beam.lengths[example, 0] == len(best_tokens)
        assert bool(beam.finished[example, 0]) == (best_tokens[-1] == END)
        np.testing.assert_allclose(beam.scores[example, :5], [s for s, _, _ in exact[:5]])


def test_finished_hypotheses_are_kept_aside_while_the_beam_goes_on():
    # From the start: end (p 0.5) or token 3 (p 0.5). After 3: token 3 again, almost sure,
    # then the end, almost sure. With width 1, a search that let an ended hypothesis take
    # the beam's only place would stop with "end" alone; the pool keeps it aside and the
    # beam continues with "3", so both are compared at the end.
    table = np.full((VOCAB, VOCAB), -30.0)
    table[START, END] = table[START, 3] = np.log(0.5)
    table[3, 4] = np.log(0.99)
    table[4, END] = np.log(0.99)
    table = table - np.log(np.exp(table).sum(axis=1, keepdims=True))

    def step(previous, states):
        return table[previous], states

    short_wins = beam_search(step, [np.zeros(1)], START, 4, beam_width=1, end_id=END)
    assert short_wins.sequences[0, 0].tolist() == [END, PAD, PAD, PAD]  # alpha 0: shortest
    long_wins = beam_search(step, [np.zeros(1)], START, 4, beam_width=1, end_id=END,
                            length_penalty=1.0)
    assert long_wins.sequences[0, 0].tolist() == [3, 4, END, PAD]
    assert long_wins.lengths[0, 0] == 3 and long_wins.finished[0, 0]
    # The log-probability is the sum; the score is the sum divided by the length.
    assert long_wins.log_probabilities[0, 0] == pytest.approx(
        table[START, 3] + table[3, 4] + table[4, END])
    assert long_wins.scores[0, 0] == pytest.approx(long_wins.log_probabilities[0, 0] / 3)


def test_hypotheses_cut_off_at_the_length_limit_are_marked_unfinished():
    table = np.full((VOCAB, VOCAB), -30.0)
    table[:, 3] = 0.0  # token 3 forever, never the end
    table = table - np.log(np.exp(table).sum(axis=1, keepdims=True))

    def step(previous, states):
        return table[previous], states

    beam = beam_search(step, [np.zeros(2)], START, 3, beam_width=2, end_id=END)
    assert beam.sequences[:, 0].tolist() == [[3, 3, 3], [3, 3, 3]]
    assert not beam.finished[:, 0].any() and (beam.lengths[:, 0] == 3).all()


def test_the_search_stops_early_once_no_unfinished_hypothesis_can_win():
    step, states, _ = _toy_decoder(4, batch=3)
    calls = []

    def counting_step(previous, states):
        calls.append(1)
        return step(previous, states)

    table = np.full((VOCAB, VOCAB), -30.0)
    table[:, END] = 0.0  # every hypothesis ends at once with certainty

    def ends_at_once(previous, states):
        calls.append(1)
        logits = table[previous]
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)), states

    beam_search(ends_at_once, [np.zeros(3)], START, 50, beam_width=2, end_id=END)
    assert len(calls) < 5
    calls.clear()
    beam_search(counting_step, states, START, 6, beam_width=2)  # no end token: all steps
    assert len(calls) == 6


def test_without_an_end_token_the_result_is_unchanged():
    step, states, _ = _toy_decoder(5, batch=3)
    beam = beam_search(step, states, START, 4, beam_width=3)
    assert beam.log_probabilities is None and beam.lengths is None and beam.finished is None
    assert beam.sequences.shape == (3, 3, 4)


@pytest.mark.parametrize("kwargs, message", [
    ({"end_id": START}, "must differ"),
    ({"end_id": PAD}, "must differ"),
    ({"end_id": 99}, "not one of"),
    ({"end_id": END, "length_penalty": -1.0}, "length_penalty"),
])
def test_bad_end_token_arguments_are_refused(kwargs, message):
    step, states, _ = _toy_decoder(0, batch=2)
    with pytest.raises(InputError, match=message):
        beam_search(step, states, START, 3, beam_width=2, **kwargs)
