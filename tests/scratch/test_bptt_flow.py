"""Gradient flow through time, truncated BPTT over chunks, and text generation (lesson 03)."""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.errors import InputError, ShapeError
from rnncourse.scratch import bptt
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_backward
from rnncourse.scratch.runner import run_rnn


def tanh_states(W_hh, steps, seed=0):
    rng = np.random.default_rng(seed)
    hidden = W_hh.shape[0]
    params = RNNParams(rng.normal(size=(3, hidden)), W_hh, rng.normal(size=hidden) * 0.1)
    return run_rnn(params, rng.normal(size=(1, steps, 3))).caches


def test_backward_norms_follow_rnn_cell_backward_step_by_step():
    W_hh = bptt.matrix_with_spectral_radius(6, 1.3, seed=2)
    caches = tanh_states(W_hh, 9)
    states = np.stack([cache.h_t[0] for cache in caches])
    dh_last = np.random.default_rng(1).normal(size=6)
    dh, expected = dh_last[np.newaxis], []
    for cache in reversed(caches):
        expected.append(np.linalg.norm(dh))
        dh = rnn_cell_backward(dh, cache)[1]
    np.testing.assert_allclose(bptt.backward_norms(W_hh, states, dh_last), expected,
                               rtol=1e-12)


def test_linear_backward_norms_are_powers_of_the_transposed_matrix():
    W_hh = np.random.default_rng(3).normal(size=(4, 4))
    states = np.random.default_rng(4).uniform(-1, 1, size=(5, 4))
    dh = np.arange(4.0)
    norms = bptt.backward_norms(W_hh, states, dh, linear=True)
    for d in range(5):
        assert norms[d] == pytest.approx(np.linalg.norm(dh @ np.linalg.matrix_power(W_hh.T, d)))


def test_orthogonal_matrices_keep_lengths():
    Q = bptt.orthogonal_matrix(16, seed=5)
    np.testing.assert_allclose(Q.T @ Q, np.eye(16), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 1.0, atol=1e-12)
    assert bptt.spectral_radius(Q) == pytest.approx(1.0)
    assert not np.allclose(Q, bptt.orthogonal_matrix(16, seed=6))
    flow = bptt.gradient_flow(Q, 40, seed=5, linear=True)
    np.testing.assert_allclose(flow.norms, 1.0, atol=1e-10)
    assert flow.mean_tanh_derivative == 1.0


def test_tanh_takes_back_growth_that_a_linear_rnn_shows():
    W_hh = bptt.matrix_with_spectral_radius(24, 1.5, seed=1)
    linear = bptt.gradient_flow(W_hh, 50, seed=1, linear=True)
    tanh = bptt.gradient_flow(W_hh, 50, seed=1)
    assert linear.norms[-1] > 1e6
    assert np.all(tanh.norms <= linear.norms * (1 + 1e-9))
    assert tanh.norms[-1] < 1e-3 * linear.norms[-1]
    assert 0 < tanh.mean_tanh_derivative < 0.9  # saturated states pass less back
    small = bptt.gradient_flow(bptt.matrix_with_spectral_radius(24, 0.5, seed=1), 50, seed=1)
    assert small.mean_tanh_derivative > tanh.mean_tanh_derivative


def test_gradient_norms_through_time_is_the_flow_s_norms():
    W_hh = bptt.matrix_with_spectral_radius(8, 0.9, seed=3)
    np.testing.assert_array_equal(bptt.gradient_norms_through_time(W_hh, 12, seed=3),
                                  bptt.gradient_flow(W_hh, 12, seed=3).norms)
    np.testing.assert_array_equal(
        bptt.gradient_norms_through_time(W_hh, 12, seed=3, linear=True),
        bptt.gradient_flow(W_hh, 12, seed=3, linear=True).norms)


@pytest.mark.parametrize("call, error, words", [
    (lambda: bptt.backward_norms(np.ones((3, 4)), np.ones((2, 3)), np.ones(3)), ShapeError,
     "square"),
    (lambda: bptt.backward_norms(np.eye(3), np.ones((2, 4)), np.ones(3)), ShapeError,
     "hidden = 3"),
    (lambda: bptt.backward_norms(np.eye(3), np.ones((2, 3)), np.ones(4)), ShapeError,
     "vector of 3"),
    (lambda: bptt.orthogonal_matrix(0), InputError, "size"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ------------------------------------------------------------ truncated BPTT over chunks


def test_return_state_gives_the_last_hidden_state_and_chunks_chain():
    rng = np.random.default_rng(0)
    params = RNNParams.random(4, 5, 4, seed=1)
    x = np.eye(4)[rng.integers(0, 4, size=(2, 10))]
    targets = rng.integers(0, 4, size=(2, 10))
    loss, grads, last = bptt.sequence_loss_and_grads(x, targets, params, return_state=True)
    np.testing.assert_allclose(last, run_rnn(params, x).outputs[:, -1])
    assert loss == pytest.approx(bptt.sequence_loss(x, targets, params))
    # Two chunks with the state carried: the losses add up to the whole sequence's loss.
    first, _, middle = bptt.sequence_loss_and_grads(x[:, :6], targets[:, :6], params,
                                                    return_state=True)
    second, chunk_grads = bptt.sequence_loss_and_grads(x[:, 6:], targets[:, 6:], params,
                                                       h0=middle)
    assert first + second == pytest.approx(loss)
    assert chunk_grads["h0"].shape == middle.shape  # where the gradient stops


def test_parameter_gradients_keep_only_the_weights():
    x = np.random.default_rng(0).normal(size=(2, 3, 2))
    _, grads = bptt.sequence_loss_and_grads(x, np.zeros((2, 3), dtype=int),
                                            RNNParams.random(2, 3, 2))
    weights = bptt.parameter_gradients(grads)
    assert list(weights) == list(bptt.PARAMETER_NAMES) and "x" in grads and "h0" in grads
    assert bptt.global_norm(weights) < bptt.global_norm(grads)
    with pytest.raises(InputError, match="lacks"):
        bptt.parameter_gradients({"W_xh": np.ones(2)})


# ------------------------------------------------------------------------ generation


def trained_cycle_model():
    """A model that has learned the cycle 0 1 2 3 0 1 2 3 ..."""
    vocabulary, steps = 4, 8
    ids = np.tile(np.arange(vocabulary), 4)
    x = np.eye(vocabulary)[ids[:steps]][np.newaxis]
    targets = ids[1:steps + 1][np.newaxis]
    params = RNNParams.random(vocabulary, 8, vocabulary, seed=1, scale=0.1)
    optimiser = bptt.Adam(learning_rate=0.05)
    for _ in range(80):
        _, grads = bptt.sequence_loss_and_grads(x, targets, params)
        optimiser.step(params, grads)
    return params


def test_generate_continues_a_prime_greedily_and_by_sampling():
    params = trained_cycle_model()
    assert bptt.generate(params, [0, 1, 2], 6) == [3, 0, 1, 2, 3, 0]
    assert bptt.generate(params, [2], 3) == [3, 0, 1]
    drawn = bptt.generate(params, [0, 1], 5, np.random.default_rng(0), temperature=0.1)
    assert drawn == [2, 3, 0, 1, 2]
    # Reading the prime sets the state exactly as sample_ids does from that state.
    state = run_rnn(params, np.eye(4)[[0, 1]][np.newaxis]).states[0]
    assert bptt.generate(params, [0, 1, 2], 4, np.random.default_rng(3)) == \
        bptt.sample_ids(params, 2, 4, np.random.default_rng(3), h0=state)
    assert bptt.generate(params, [1], 0) == []


@pytest.mark.parametrize("prime, words", [
    ("abc", "not text"), ([], "non-empty"), ([0, 9], r"\[0, 4\)"), ([0.5], "integer"),
])
def test_generate_rejects_bad_primes(prime, words):
    with pytest.raises((ValueError, TypeError), match=words):
        bptt.generate(trained_cycle_model(), prime, 3)
