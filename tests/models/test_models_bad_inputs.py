"""What a learner passes the Keras models, decoding, metrics and training by mistake.

Each row: a call, the exception it must raise (a package error that is also the expected
built-in) and words its message must contain. Removing a validation makes its row fail.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError, UnknownNameError
from rnncourse.models import pyramid, recall, video
from rnncourse.models.bidirectional import MergedBidirectional, build_tagger, direction_influence
from rnncourse.models.cudnn import cudnn_compatibility
from rnncourse.models.decoding import beam_search, greedy_search
from rnncourse.models.gates import GateRecording, build_char_model, record_gates
from rnncourse.models.metrics import accuracy_by_length, exact_match_accuracy, token_accuracy
from rnncourse.models.peephole_cell import PeepholeLSTMCell
from rnncourse.models.seq2seq import (
    build_encoder_decoder,
    greedy_decode,
    reverse_sources,
    teacher_forcing_inputs,
)
from rnncourse.models.text_classifiers import (
    build_bag_of_words_model,
    build_rnn_classifier,
    make_vectorizer,
    train_with_early_stopping,
)


def _step(previous, states):
    return np.log(np.full((len(previous), 4), 0.25)), states


STATES = [np.zeros((2, 3))]
RECORDING = GateRecording("ab", "LSTM", {"forget gate": np.zeros((2, 3))})

ROWS = [
    # encoder-decoder and decoding
    ("zero source vocabulary", lambda: build_encoder_decoder(0, 5), InputError,
     ["source_vocab_size", "positive"]),
    ("pad id outside the vocabulary", lambda: build_encoder_decoder(5, 5, pad_id=7), InputError,
     ["pad_id"]),
    ("teacher forcing on one row", lambda: teacher_forcing_inputs(np.arange(4), 1), ShapeError,
     ["(batch, Ty)"]),
    ("reverse with padding inside", lambda: reverse_sources(np.array([[3, 0, 4]])), ShapeError,
     ["right-padded"]),
    ("greedy search of length 0", lambda: greedy_search(_step, STATES, 1, 0), InputError,
     ["length"]),
    ("greedy search without states", lambda: greedy_search(_step, [], 1, 3), ShapeError,
     ["initial state"]),
    ("beam width 0", lambda: beam_search(_step, STATES, 1, 3, beam_width=0), InputError,
     ["beam_width"]),
    ("start id outside the vocabulary",
     lambda: greedy_decode(build_encoder_decoder(5, 4, units=2, embedding_dim=2),
                           np.ones((1, 3)), 3, 9), InputError, ["start_id", "0 to 3"]),
    # metrics
    ("id arrays against strings",
     lambda: exact_match_accuracy(np.array([[2, 3]]), ["2009-03-03"]), InputError,
     ["decode", "same kind"]),
    ("one string as predictions", lambda: exact_match_accuracy("2009", ["2009"]), InputError,
     ["list"]),
    ("predictions of another count", lambda: exact_match_accuracy(["a"], ["a", "b"]),
     InputError, ["1 predictions", "2 expected"]),
    ("nothing to score", lambda: exact_match_accuracy([], []), InputError, ["at least one"]),
    ("bins not increasing", lambda: accuracy_by_length(["ab"], ["x"], ["x"], [5, 2]),
     InputError, ["bins", "increasing"]),
    ("lengths outside the bins", lambda: accuracy_by_length(["abcdef"], ["x"], ["x"], [0, 3]),
     InputError, ["widen the bins"]),
    ("tags of another shape", lambda: token_accuracy(np.ones((2, 3, 4)), np.ones((2, 4))),
     ShapeError, ["same examples"]),
    # text classifiers
    ("bag of words over one word", lambda: build_bag_of_words_model(1), InputError,
     ["vocabulary_size"]),
    ("unknown recurrent cell", lambda: build_rnn_classifier(10, cell="transformer"), InputError,
     ["transformer", "LSTM"]),
    ("vectorizer of length 0", lambda: make_vectorizer(["a b"], 0), InputError, ["length"]),
    ("vectorizer of no texts", lambda: make_vectorizer([], 5), InputError, ["no sentences"]),
    ("vectorizer of one string", lambda: make_vectorizer("a b c", 5), InputError, ["list"]),
    ("patience 0",
     lambda: train_with_early_stopping(None, (None, None), (None, None), name="x", epochs=2,
                                       patience=0), InputError, ["patience"]),
    # taggers, pyramids, video, recall, gates, cells
    ("unknown tagger direction", lambda: build_tagger(10, 3, direction="sideways"), InputError,
     ["direction", "'forward'"]),
    ("unknown tagger merge", lambda: build_tagger(10, 3, merge_mode="min"), InputError,
     ["merge mode"]),
    ("wrap a Dense layer", lambda: MergedBidirectional(keras.layers.Dense(3)), ArgumentTypeError,
     ["recurrent layer"]),
    ("influence at a step past the end",
     lambda: direction_influence(keras.layers.Bidirectional(keras.layers.SimpleRNN(
         2, return_sequences=True)), np.zeros((1, 3, 2)), 5), InputError, ["position", "0 and 2"]),
    ("pyramid of depth 0", lambda: pyramid.pyramid_steps(16, 0), InputError, ["depth"]),
    ("pyramid too deep", lambda: pyramid.pyramid_steps(4, 5), InputError, ["too deep"]),
    ("unknown pyramid cell", lambda: pyramid.rnn_parameter_count("CNN", 3, 4), InputError,
     ["Unknown cell"]),
    ("clip shape of rank 3", lambda: video.build_crnn((10, 24, 24), 6), InputError,
     ["clip_shape", "positive integers"]),
    ("one class", lambda: video.build_single_frame_cnn((24, 24, 1), 1), InputError,
     ["n_classes", "at least 2"]),
    ("unknown recall cell", lambda: recall.build_recall_model("RNN", 5, 4), InputError,
     ["cell", "SimpleRNN"]),
    ("recall lengths empty",
     lambda: recall.compare_long_range([], units=4, examples=8, epochs=1, seed=0), InputError,
     ["length"]),
    ("char model of one character", lambda: build_char_model(1, 4), InputError, ["vocabulary"]),
    ("record gates of a Dense layer",
     lambda: record_gates(keras.layers.Dense(2), np.zeros((1, 2, 2)), "ab"), ArgumentTypeError,
     ["LSTM or GRU"]),
    ("unknown recorded quantity", lambda: RECORDING["output gate"], UnknownNameError,
     ["'output gate'", "forget gate"]),
    ("peephole cell of 0 units", lambda: PeepholeLSTMCell(0), InputError, ["units"]),
    ("cuDNN check of a layer name", lambda: cudnn_compatibility("LSTM"), ArgumentTypeError,
     ["LSTM/GRU layer", "str"]),
]


@pytest.mark.parametrize("call, kind, words", [row[1:] for row in ROWS],
                         ids=[row[0] for row in ROWS])
def test_bad_input_gets_a_clear_error(call, kind, words, expect_error):
    expect_error(call, kind, *words)
