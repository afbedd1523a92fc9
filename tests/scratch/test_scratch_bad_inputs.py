"""What a learner passes the from-scratch NumPy code by mistake, and the error it must get.

Each row: a call, the exception (a package error, also the expected built-in) and words its
message must contain. Removing a validation makes its row fail: the call then raises NumPy's
broadcast error, returns NaN, or returns a wrong number.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.errors import InputError, ShapeError, UnknownNameError
from rnncourse.scratch import bptt
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.attention import (
    additive_attention,
    attend,
    dot_product_attention,
    general_scores,
)
from rnncourse.scratch.bidirectional import bidirectional_forward, merge_directions, merged_units
from rnncourse.scratch.gru import GRUParams, gru_parameter_count
from rnncourse.scratch.lstm import LSTMParams, lstm_parameter_count
from rnncourse.scratch.peephole import PeepholeLSTMParams, peephole_lstm_parameter_count
from rnncourse.scratch.rnn_cell import RNNParams, rnn_cell_forward, simple_rnn_parameter_count
from rnncourse.scratch.runner import run_rnn

RNN = RNNParams.random(3, 4, output_size=3, seed=0)
LSTM = LSTMParams.random(3, 4, seed=0)
X = np.zeros((2, 5, 3))
TARGETS = np.zeros((2, 5), dtype=int)
Q, V = np.ones((2, 3, 4)), np.ones((2, 6, 4))


def _rnn_with_bad_recurrent_kernel():
    params = RNNParams.random(3, 4, seed=0)
    params.W_hh = np.zeros((4, 5))  # changed after construction, as a learner might
    return rnn_cell_forward(params, np.zeros((2, 3)), states=(np.zeros((2, 4)),))


def _rnn_with_bad_bias():
    params = RNNParams.random(3, 4, seed=0)
    params.b_h = np.zeros(3)
    return run_rnn(params, X)


ROWS = [
    # parameters
    ("W_hh not square", lambda: RNNParams(np.zeros((3, 4)), np.zeros((4, 5)), np.zeros(4)),
     ShapeError, ["W_hh", "square"]),
    ("W_xh transposed", lambda: RNNParams(np.zeros((4, 3)), np.zeros((4, 4)), np.zeros(4)),
     ShapeError, ["W_xh", "transposed"]),
    ("b_h of the wrong size", lambda: RNNParams(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(3)),
     ShapeError, ["b_h", "(4,)"]),
    ("weights given as text", lambda: RNNParams("W", np.zeros((4, 4)), np.zeros(4)), ShapeError,
     ["W_xh", "numeric"]),
    ("W_hh changed to a wrong shape", _rnn_with_bad_recurrent_kernel, ShapeError, ["W_hh"]),
    ("b_h changed to a wrong shape", _rnn_with_bad_bias, ShapeError, ["b_h"]),
    ("negative input size", lambda: RNNParams.random(-3, 4), InputError, ["input_size"]),
    ("zero units", lambda: LSTMParams.random(3, 0), InputError, ["units", "positive"]),
    ("negative seed", lambda: GRUParams.random(3, 4, seed=-1), InputError, ["seed", "negative"]),
    ("LSTM bias of a GRU", lambda: LSTMParams(np.zeros((3, 16)), np.zeros((4, 16)), np.zeros(12)),
     ShapeError, ["bias", "(16,)"]),
    ("GRU weights of an LSTM", lambda: GRUParams(np.zeros((3, 16)), np.zeros((4, 16))),
     ShapeError, ["3 * units"]),
    ("GRU bias of the other variant",
     lambda: GRUParams(np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12), reset_after=True),
     ShapeError, ["reset_after=False"]),
    ("unknown GRU convention", lambda: GRUParams.random(3, 4).with_convention("cho"), InputError,
     ["convention", "z_keeps_previous"]),
    ("peephole of matrix shape",
     lambda: PeepholeLSTMParams(np.zeros((3, 16)), np.zeros((4, 16)), np.zeros((4, 4)),
                                np.zeros(4), np.zeros(4), np.zeros(16)),
     ShapeError, ["input_peephole", "diagonal"]),
    ("unknown gate", lambda: LSTM.gate("g"), UnknownNameError, ["'g'", "'i'"]),
    # counts
    ("negative hidden size", lambda: simple_rnn_parameter_count(10, -5), InputError,
     ["hidden_size", "positive"]),
    ("input size as text", lambda: simple_rnn_parameter_count("10", 5), InputError,
     ["input_size", "whole number"]),
    ("LSTM count of zero units", lambda: lstm_parameter_count(3, 0), InputError, ["units"]),
    ("GRU count of fractional units", lambda: gru_parameter_count(3, 2.5), InputError, ["units"]),
    ("peephole count of negative inputs", lambda: peephole_lstm_parameter_count(-1, 3),
     InputError, ["input_size"]),
    # steps and the runner
    ("x of rank 2", lambda: run_rnn(RNN, np.zeros((2, 3))), ShapeError, ["rank 3", "batch"]),
    ("no time steps", lambda: run_rnn(RNN, np.zeros((2, 0, 3))), ShapeError, ["zero time steps"]),
    ("too many features", lambda: run_rnn(LSTM, np.zeros((2, 5, 4))), ShapeError,
     ["4 features", "expects 3"]),
    ("initial state of another batch", lambda: run_rnn(RNN, X, initial_state=np.zeros((3, 4))),
     ShapeError, ["h0", "(2, 4)"]),
    ("one state for an LSTM", lambda: run_rnn(LSTM, X, initial_state=(np.zeros((2, 4)),)),
     ShapeError, ["2 states", "h0, c0"]),
    ("mask of the wrong shape", lambda: run_rnn(RNN, X, mask=np.ones((5, 2), bool)), ShapeError,
     ["mask", "(2, 5)"]),
    ("mask of probabilities", lambda: run_rnn(RNN, X, mask=np.full((2, 5), 0.5)), ShapeError,
     ["mask", "booleans"]),
    ("text input", lambda: run_rnn(RNN, [["a"]]), ShapeError, ["x", "numeric"]),
    ("weights instead of params", lambda: run_rnn(np.eye(4), X), ShapeError,
     ["cell's parameters"]),
    ("step state of the wrong shape",
     lambda: rnn_cell_forward(RNN, np.zeros((2, 3)), states=(np.zeros((3, 4)),)), ShapeError,
     ["h_prev", "(2, 4)"]),
    # BPTT, clipping, sampling
    ("float targets", lambda: bptt.sequence_loss_and_grads(X, TARGETS + 0.5, RNN), ShapeError,
     ["integer class ids"]),
    ("targets out of range", lambda: bptt.sequence_loss_and_grads(X, TARGETS + 3, RNN),
     ShapeError, ["[0, 3)"]),
    ("params without read-out",
     lambda: bptt.sequence_loss_and_grads(X, TARGETS, RNNParams.random(3, 4)), ShapeError,
     ["read-out", "output_size"]),
    ("truncate zero", lambda: bptt.sequence_loss_and_grads(X, TARGETS, RNN, truncate=0),
     InputError, ["truncate"]),
    ("clip at zero", lambda: bptt.clip_by_global_norm({"W": np.ones(2)}, 0), InputError,
     ["max_norm"]),
    ("clip an infinite gradient", lambda: bptt.clip_by_global_norm({"W": np.array([np.inf])}, 1),
     InputError, ["infinite", "learning rate"]),
    ("clip a NaN gradient", lambda: bptt.clip_by_global_norm({"W": np.array([np.nan])}, 1),
     InputError, ["NaN"]),
    ("negative spectral radius", lambda: bptt.matrix_with_spectral_radius(4, -1.0), InputError,
     ["radius"]),
    ("spectral radius of a rectangle", lambda: bptt.spectral_radius(np.zeros((2, 3))),
     ShapeError, ["square"]),
    ("zero steps back in time", lambda: bptt.gradient_norms_through_time(np.eye(3), 0),
     InputError, ["steps"]),
    ("sampling at temperature 0",
     lambda: bptt.sample_ids(RNNParams.random(3, 4, 3), 0, 5, np.random.default_rng(0),
                             temperature=0),
     InputError, ["temperature", "greater than zero"]),
    ("first id outside the vocabulary",
     lambda: bptt.sample_ids(RNNParams.random(3, 4, 3), 7, 5, np.random.default_rng(0)),
     InputError, ["first_id", "0 to 2"]),
    ("negative sample length",
     lambda: bptt.sample_ids(RNNParams.random(3, 4, 3), 0, -1, np.random.default_rng(0)),
     InputError, ["length"]),
    ("zero learning rate", lambda: bptt.Adam(learning_rate=0), InputError, ["learning_rate"]),
    ("negative SGD learning rate", lambda: bptt.sgd_step(RNN, {}, -0.1), InputError,
     ["learning_rate"]),
    # attention
    ("query of rank 2", lambda: dot_product_attention(np.ones((2, 4)), V), ShapeError,
     ["query", "x[:, None, :]"]),
    ("attention over zero values", lambda: dot_product_attention(Q, np.ones((2, 0, 4))),
     ShapeError, ["value", "at least one"]),
    ("query and key of other sizes", lambda: dot_product_attention(Q, np.ones((2, 6, 5))),
     ShapeError, ["feature size", "Dense"]),
    ("fully masked row", lambda: dot_product_attention(Q, V, value_mask=np.zeros((2, 6), bool)),
     ShapeError, ["nothing to attend to"]),
    ("unknown score mode", lambda: dot_product_attention(Q, V, score_mode="cosine"), InputError,
     ["score_mode", "'dot'"]),
    ("additive scale of the wrong size", lambda: additive_attention(Q, V, scale=np.ones(3)),
     ShapeError, ["scale", "(4,)"]),
    ("general matrix of the wrong shape", lambda: general_scores(Q, V, np.ones((3, 3))),
     ShapeError, ["(4, 4)"]),
    ("scores that do not fit the values", lambda: attend(np.ones((2, 3, 5)), V), ShapeError,
     ["scores", "value"]),
    # bidirectional
    ("unknown merge mode", lambda: merge_directions(np.ones(3), np.ones(3), "min"), InputError,
     ["merge mode", "'max'"]),
    ("directions of other shapes", lambda: merge_directions(np.ones(3), np.ones(4)), ShapeError,
     ["same shape"]),
    ("merged units of an unknown mode", lambda: merged_units(4, "avg"), InputError, ["'ave'"]),
    ("bidirectional pass over rank 2",
     lambda: bidirectional_forward(np.ones((2, 3)), RNN, RNN), ShapeError, ["rank 3"]),
    # activations
    ("softmax of text", lambda: softmax(["a", "b"]), ShapeError, ["numeric"]),
]


@pytest.mark.parametrize("call, kind, words", [row[1:] for row in ROWS],
                         ids=[row[0] for row in ROWS])
def test_bad_input_gets_a_clear_error(call, kind, words, expect_error):
    expect_error(call, kind, *words)
