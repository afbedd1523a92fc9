"""The four checks of notebook 03 accept right answers and name plausible mistakes."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from rnncourse.exercises.bptt import (
    _norms_variant,
    _walk,
    check_backward_norms,
    check_clip_by_global_norm,
    check_rnn_backward,
    check_rnn_cell_backward,
    reference_rnn_backward,
)
from rnncourse.exercises.checking import ERROR, FAILED, HINT_OFFER
from rnncourse.scratch.bptt import backward_norms, clip_by_global_norm
from rnncourse.scratch.rnn_cell import rnn_cell_backward

CHECKS = [check_rnn_cell_backward, check_rnn_backward, check_backward_norms,
          check_clip_by_global_norm]



def not_written(*args):
    raise NotImplementedError


# --------------------------------------------------------------------- one cell, backward


def test_cell_check_accepts_the_reference_and_an_independent_answer():
    def by_hand(dh_t, cache):
        x_t, h_prev, h_t, W_xh, W_hh = cache
        dz = dh_t - dh_t * np.tanh(np.arctanh(h_t)) ** 2
        return (np.einsum("bh,ih->bi", dz, W_xh), dz.dot(W_hh.T), np.einsum("bi,bh->ih", x_t, dz),
                np.einsum("bi,bh->ih", h_prev, dz), np.einsum("bh->h", dz))

    assert check_rnn_cell_backward(rnn_cell_backward, show=False)
    assert check_rnn_cell_backward(by_hand, show=False)


def _with(gradient_index, replace):
    def learner(dh_t, cache):
        grads = list(rnn_cell_backward(dh_t, cache))
        grads[gradient_index] = replace(dh_t, cache)
        return tuple(grads)
    return learner


@pytest.mark.parametrize("learner, words", [
    (lambda dh, c: (dh @ c[3].T, dh @ c[4].T, c[0].T @ dh, c[1].T @ dh, dh.sum(axis=0)),
     ["Every gradient is wrong", "forgot the tanh derivative"]),
    (lambda dh, c: rnn_cell_backward(dh * (1 - c[1] ** 2) / (1 - c[2] ** 2), c),
     ["h_t, not the previous state"]),
    (_with(3, lambda dh, c: c[1].T @ dh), ["dW_hh is wrong", "tanh derivative"]),
    (_with(1, lambda dh, c: (dh * (1 - c[2] ** 2)) @ c[4]), ["dh_prev is wrong", "transposed"]),
    (_with(3, lambda dh, c: c[2].T @ (dh * (1 - c[2] ** 2))), ["dW_hh is wrong", "h_prev"]),
    (_with(4, lambda dh, c: dh * (1 - c[2] ** 2)), ["db_h has shape"]),
    (_with(4, lambda dh, c: (dh * (1 - c[2] ** 2)).mean(axis=0)), ["db_h is wrong", "batch"]),
    (lambda dh, c: rnn_cell_backward(dh, c)[:4], ["Return five arrays"]),
])
def test_cell_check_names_the_mistake(learner, words):
    result = check_rnn_cell_backward(learner, show=False)
    assert result.status == FAILED
    for word in words:
        assert word in result.message, result.message


# ------------------------------------------------------------- the loop over time (BPTT)


def independent_loop(dh_direct, caches):
    """A learner-style solution written without the package's loop."""
    steps = dh_direct.shape[1]
    totals, future = None, 0.0
    for t in range(steps - 1, -1, -1):
        _, future, *weights = rnn_cell_backward(dh_direct[:, t] + future, caches[t])
        totals = weights if totals is None else [a + b for a, b in zip(totals, weights,
                                                                        strict=True)]
    return (*totals, future)


@pytest.mark.parametrize("answer", [reference_rnn_backward, independent_loop,
                                    lambda d, c: list(_walk(d, c))])
def test_loop_check_accepts_correct_loops(answer):
    assert check_rnn_backward(answer, show=False)


@pytest.mark.parametrize("options, words", [
    ({"carry": False}, ["gradient from the future is missing"]),
    ({"order": "forward"}, ["walk forward in time"]),
    ({"accumulate": False}, ["sums over time"]),
    ({"dh0_after_first_step": False}, ["dh0 is off"]),
])
def test_loop_check_names_the_mistake(options, words):
    result = check_rnn_backward(lambda d, c: _walk(d, c, **options), show=False)
    assert result.status == FAILED
    for word in words:
        assert word in result.message, result.message


def test_loop_check_explains_wrong_structure_and_a_wrong_dh0_alone():
    three = check_rnn_backward(lambda d, c: reference_rnn_backward(d, c)[:3], show=False)
    assert "Return four arrays" in three.message

    def zero_dh0(d, c):
        *weights, dh0 = reference_rnn_backward(d, c)
        return (*weights, np.zeros_like(dh0))

    result = check_rnn_backward(zero_dh0, show=False)
    assert result.status == FAILED and "weight gradients are right, dh0 is not" in result.message


# ------------------------------------------------------- norms carried back through time


def independent_norms(W_hh, hidden_states, dh_last):
    dh = np.array(dh_last, dtype=float)
    out = np.empty(len(hidden_states))
    for d in range(len(hidden_states)):
        out[d] = np.sqrt(np.sum(dh**2))
        dh = np.einsum("j,ij->i", dh * (1 - hidden_states[-1 - d] ** 2), W_hh)
    return out


@pytest.mark.parametrize("answer", [backward_norms, independent_norms])
def test_norms_check_accepts_correct_walks(answer):
    assert check_backward_norms(answer, show=False)


@pytest.mark.parametrize("answer, words", [
    (lambda W, h, d: _norms_variant(W, h, d, tanh=False), ["linear RNN", "tanh derivative"]),
    (lambda W, h, d: _norms_variant(W, h, d, transpose=False), ["transposed"]),
    (lambda W, h, d: _norms_variant(W, h, d, state_shift=1), ["wrong state"]),
    (lambda W, h, d: _norms_variant(W, h, d)[::-1], ["wrong order"]),
    (lambda W, h, d: _norms_variant(W, h, d, record_first=False), ["shifted by one step"]),
])
def test_norms_check_names_the_mistake(answer, words):
    result = check_backward_norms(answer, show=False)
    assert result.status == FAILED
    for word in words:
        assert word in result.message, result.message


# ------------------------------------------------------------------ clipping by global norm


def independent_clip(grads, max_norm):
    norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()])))
    factor = max_norm / norm if norm > max_norm else 1.0
    return {name: factor * g for name, g in grads.items()}, norm


@pytest.mark.parametrize("answer", [clip_by_global_norm, independent_clip])
def test_clip_check_accepts_correct_clipping(answer):
    assert check_clip_by_global_norm(answer, show=False)


def _norm(grads):
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


@pytest.mark.parametrize("answer, words", [
    (lambda g, m: ({k: v * min(1, m / np.linalg.norm(v)) for k, v in g.items()}, _norm(g)),
     ["each array by its own norm", "clipnorm"]),
    (lambda g, m: ({k: v * m / _norm(g) for k, v in g.items()}, _norm(g)),
     ["small gradients are stretched"]),
    (lambda g, m: ({k: np.clip(v, -m, m) for k, v in g.items()}, _norm(g)),
     ["clipping by value"]),
    (lambda g, m: clip_by_global_norm(g, m)[:1] + (min(m, _norm(g)),),
     ["measured before clipping"]),
    (lambda g, m: ({k: v * min(1, m / sum(np.linalg.norm(x) for x in g.values()))
                    for k, v in g.items()}, sum(np.linalg.norm(x) for x in g.values())),
     ["not the sum of the arrays' norms"]),
    (lambda g, m: [v * 0.5 for v in g.values()], ["Return two things"]),
    (lambda g, m: ({f"d{k}": v for k, v in g.items()}, 1.0), ["keep the names"]),
])
def test_clip_check_names_the_mistake(answer, words):
    result = check_clip_by_global_norm(answer, show=False)
    assert result.status == FAILED
    for word in words:
        assert word in result.message, result.message


def test_clip_check_notices_inputs_changed_in_place():
    def in_place(grads, max_norm):
        clipped, norm = clip_by_global_norm(grads, max_norm)
        for name in grads:
            grads[name][...] = clipped[name]
        return grads, norm

    result = check_clip_by_global_norm(in_place, show=False)
    assert result.status == FAILED and "in place" in result.message


# ------------------------------------------------------------------- every check, alike


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_not_attempted_offers_a_hint_without_giving_it(check, capsys):
    result = check(not_written)
    assert result.status == "not attempted" and not result
    printed = capsys.readouterr().out
    assert HINT_OFFER in printed and "Hint:" not in printed


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_the_hint_comes_when_asked_or_on_the_second_wrong_attempt(check):
    assert "Hint:" in check(not_written, show=False, hint=True).message

    def crashes(*args):
        raise ValueError("a learner's bug")

    first = check(crashes, show=False)
    assert "Hint:" not in first.message and "a learner's bug" in first.message
    assert "Hint:" in check(crashes, show=False).message


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_hints_hold_no_code_of_the_solution(check):
    hint = check(not_written, show=False, hint=True).message.split("Hint:", 1)[1]
    for code in (r"@", r"\*\*", r"\.T\b", r"np\.", r"\w\(", r"\bfor \w+ in\b", r"\w = "):
        assert not re.search(code, hint), (code, hint)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_bad_hand_ins_are_explained(check, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_CHECK_TIMEOUT", "0.3")
    value = check(np.zeros(3), show=False)
    assert value.status == ERROR and "your function itself" in value.message
    assert check(lambda *args: "130", show=False).status == FAILED

    def forever(*args):
        while True:
            pass

    start = time.perf_counter()
    stopped = check(forever, show=False)
    assert not stopped and "was stopped" in stopped.message
    assert time.perf_counter() - start < 5
