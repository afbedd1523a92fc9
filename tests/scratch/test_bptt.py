"""Tests for rnncourse.bptt: BPTT against finite differences and tf.GradientTape."""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.errors import ShapeError
from rnncourse.scratch import bptt
from rnncourse.scratch.bptt import (
    Adam,
    clip_by_global_norm,
    global_norm,
    gradient_check,
    gradient_norms_through_time,
    matrix_with_spectral_radius,
    relative_error,
    rnn_backward,
    sample_ids,
    sequence_loss,
    sequence_loss_and_grads,
    softmax_cross_entropy,
    spectral_radius,
)
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_backward, rnn_cell_forward
from rnncourse.scratch.runner import run_rnn

# (batch, time, input, hidden, classes); includes batch 1 and time 1.
SHAPES = [(2, 5, 3, 4, 3), (1, 1, 2, 3, 2), (1, 6, 1, 2, 4), (3, 1, 4, 5, 3), (4, 7, 2, 6, 5)]


def make_problem(batch: int, steps: int, inputs: int, hidden: int, classes: int,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, RNNParams, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = RNNParams.random(inputs, hidden, classes, seed=seed + 100, scale=0.8)
    x = rng.normal(size=(batch, steps, inputs))
    targets = rng.integers(0, classes, size=(batch, steps))
    h0 = rng.normal(scale=0.5, size=(batch, hidden))
    return x, targets, params, h0


def tf_loss_and_grads(x, targets, params, h0, truncate=None):
    """The same loss in TensorFlow float64 with explicit ops; gradients by GradientTape.

    With ``truncate=k`` the loss term of step t starts from ``stop_gradient`` of the state
    k steps earlier, an independent way to write truncated BPTT.
    """
    tf = pytest.importorskip("tensorflow")
    names = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
    variables = {name: tf.Variable(getattr(params, name)) for name in names}
    variables["h0"] = tf.Variable(h0)
    x_tf = tf.constant(x)
    batch, steps = targets.shape
    one_hot = tf.one_hot(targets, params.W_hy.shape[1], dtype=tf.float64)

    def step(x_t, h):
        return tf.tanh(x_t @ variables["W_xh"] + h @ variables["W_hh"] + variables["b_h"])

    def step_loss(h, t):
        logits = h @ variables["W_hy"] + variables["b_y"]
        log_probs = logits - tf.reduce_logsumexp(logits, axis=-1, keepdims=True)
        return -tf.reduce_sum(one_hot[:, t] * log_probs) / batch

    with tf.GradientTape() as tape:
        states, h = [], variables["h0"]
        for t in range(steps):
            h = step(x_tf[:, t], h)
            states.append(h)
        if truncate is None:
            loss = tf.add_n([step_loss(states[t], t) for t in range(steps)])
        else:
            terms = []
            for t in range(steps):
                start = t - truncate
                h = variables["h0"] if start < 0 else tf.stop_gradient(states[start])
                for s in range(max(start + 1, 0), t + 1):
                    h = step(x_tf[:, s], h)
                terms.append(step_loss(h, t))
            loss = tf.add_n(terms)
    grads = tape.gradient(loss, variables)
    return float(loss.numpy()), {name: g.numpy() for name, g in grads.items()}


@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_match_finite_differences(shape):
    x, targets, params, h0 = make_problem(*shape, seed=sum(shape))
    errors = gradient_check(x, targets, params, h0)
    assert set(errors) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0", "x"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_match_gradient_tape(shape):
    x, targets, params, h0 = make_problem(*shape, seed=7 * sum(shape))
    loss, grads = sequence_loss_and_grads(x, targets, params, h0)
    tf_loss, tf_grads = tf_loss_and_grads(x, targets, params, h0)
    assert loss == pytest.approx(tf_loss, rel=1e-10)
    for name, tf_grad in tf_grads.items():
        np.testing.assert_allclose(grads[name], tf_grad, atol=1e-6, rtol=1e-6, err_msg=name)


def test_finite_difference_check_catches_a_wrong_gradient(monkeypatch):
    x, targets, params, h0 = make_problem(2, 4, 3, 4, 3, seed=3)

    def forgets_tanh_derivative(dh_t, cache):
        x_t, h_prev, _, W_xh, W_hh = cache
        return (dh_t @ W_xh.T, dh_t @ W_hh.T, x_t.T @ dh_t, h_prev.T @ dh_t,
                dh_t.sum(axis=0))

    monkeypatch.setattr(bptt, "rnn_cell_backward", forgets_tanh_derivative)
    errors = gradient_check(x, targets, params, h0)
    assert errors["W_hh"] > 1e-3 and errors["W_hy"] < 1e-7


def test_loss_is_sum_over_time_of_step_losses():
    x, targets, params, h0 = make_problem(3, 5, 2, 4, 3, seed=11)
    hidden = run_rnn(params, x, initial_state=h0).outputs
    logits = hidden @ params.W_hy + params.b_y
    per_step = [softmax_cross_entropy(logits[:, t:t + 1], targets[:, t:t + 1])[0]
                for t in range(5)]
    assert sequence_loss(x, targets, params, h0) == pytest.approx(sum(per_step))


@pytest.mark.parametrize("shape", [(2, 6, 3, 4, 3), (1, 5, 2, 3, 2)])
def test_truncated_bptt_equals_full_when_k_covers_sequence(shape):
    x, targets, params, h0 = make_problem(*shape, seed=5)
    _, full = sequence_loss_and_grads(x, targets, params, h0)
    steps = shape[1]
    for k in (steps, steps + 3):
        _, truncated = sequence_loss_and_grads(x, targets, params, h0, truncate=k)
        for name in full:
            np.testing.assert_allclose(truncated[name], full[name], atol=1e-12, err_msg=name)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_bptt_differs_from_full_and_matches_stop_gradient_reference(k):
    x, targets, params, h0 = make_problem(2, 6, 3, 4, 3, seed=9)
    _, full = sequence_loss_and_grads(x, targets, params, h0)
    _, truncated = sequence_loss_and_grads(x, targets, params, h0, truncate=k)
    assert not np.allclose(truncated["W_hh"], full["W_hh"], atol=1e-6)
    np.testing.assert_allclose(truncated["W_hy"], full["W_hy"], atol=1e-12)
    _, reference = tf_loss_and_grads(x, targets, params, h0, truncate=k)
    for name, want in reference.items():
        np.testing.assert_allclose(truncated[name], want, atol=1e-10, err_msg=name)


def test_clip_by_global_norm_caps_norm_and_keeps_direction():
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(size=(3, 4)) * 10, "b": rng.normal(size=5) * 10}
    clipped, norm = clip_by_global_norm(grads, max_norm=1.5)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    assert global_norm(clipped) == pytest.approx(1.5)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    flat_clipped = np.concatenate([clipped[name].ravel() for name in grads])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0)
    untouched, small_norm = clip_by_global_norm(clipped, max_norm=10.0)
    assert small_norm == pytest.approx(1.5)
    for name in grads:
        np.testing.assert_array_equal(untouched[name], clipped[name])
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(grads, 0)


def test_relative_error_behaviour():
    a = np.array([1.0, 2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_gradient_norms_vanish_for_small_radius_and_explode_for_large():
    small = gradient_norms_through_time(matrix_with_spectral_radius(16, 0.5), 30)
    large = gradient_norms_through_time(matrix_with_spectral_radius(16, 3.0), 30)
    assert small[0] == pytest.approx(1.0) and large[0] == pytest.approx(1.0)
    assert small[-1] < 1e-5 < 10.0 < large[-1]
    assert spectral_radius(matrix_with_spectral_radius(8, 1.7, seed=3)) == \
        pytest.approx(1.7)


def test_bad_shapes_raise_helpful_errors():
    x, targets, params, h0 = make_problem(2, 4, 3, 4, 3)
    with pytest.raises(ShapeError, match="rank 3"):
        sequence_loss_and_grads(x[0], targets, params)
    with pytest.raises(ShapeError, match="features per step"):
        sequence_loss_and_grads(x[..., :2], targets, params)
    with pytest.raises(ShapeError, match=r"targets must be integer class ids of shape"):
        sequence_loss_and_grads(x, targets[:, :3], params)
    with pytest.raises(ShapeError, match="integer class ids"):
        sequence_loss_and_grads(x, targets.astype(float), params)
    with pytest.raises(ShapeError, match=r"\[0, 3\)"):
        sequence_loss_and_grads(x, targets + 3, params)
    with pytest.raises(ShapeError, match="h0 must be"):
        sequence_loss_and_grads(x, targets, params, h0=h0[:1])
    with pytest.raises(ShapeError, match="no read-out"):
        sequence_loss_and_grads(x, targets, RNNParams(params.W_xh, params.W_hh, params.b_h))
    with pytest.raises(ValueError, match="truncate"):
        sequence_loss_and_grads(x, targets, params, truncate=0)
    cache = rnn_cell_forward(params, x[:, 0], states=(h0,)).cache
    with pytest.raises(ShapeError, match="dh_t must have the shape"):
        rnn_cell_backward(np.ones((2, 5)), cache)
    with pytest.raises(ShapeError, match="5-tuple"):
        rnn_cell_backward(np.ones((2, 4)), cache[:3])
    caches = run_rnn(params, x).caches
    with pytest.raises(ShapeError, match="dhidden_states must be"):
        rnn_backward(np.ones((2, 3, 4)), caches)


def test_mismatched_parameters_raise():
    with pytest.raises(ShapeError, match="transposed"):
        RNNParams(np.ones((4, 3)), np.ones((4, 4)), np.ones(4))
    with pytest.raises(ShapeError, match="W_hy has"):
        RNNParams(np.ones((3, 4)), np.ones((4, 4)), np.ones(4), W_hy=np.ones((5, 2)))


def test_sampling_and_training_reduce_loss():
    rng = np.random.default_rng(0)
    vocabulary, steps = 4, 8
    ids = np.tile(np.arange(vocabulary), 4)  # 0 1 2 3 0 1 2 3 ...: trivially predictable
    x = np.eye(vocabulary)[ids[:steps]][np.newaxis]
    targets = ids[1:steps + 1][np.newaxis]
    params = RNNParams.random(vocabulary, 8, vocabulary, seed=1, scale=0.1)
    optimiser = Adam(learning_rate=0.05)
    first, _ = sequence_loss_and_grads(x, targets, params)
    for _ in range(60):
        _, grads = sequence_loss_and_grads(x, targets, params)
        optimiser.step(params, grads)
    assert sequence_loss(x, targets, params) < 0.1 * first
    sample = sample_ids(params, 0, 6, rng, temperature=0.1)
    assert sample == [1, 2, 3, 0, 1, 2]
