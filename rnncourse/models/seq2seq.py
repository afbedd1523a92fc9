"""Sequence to sequence without attention: an LSTM encoder-decoder, teacher forcing, decoding.

The model (Sutskever et al. 2014, Cho et al. 2014), built from Keras layers:

* **Encoder.** ``Embedding`` then an ``LSTM`` with ``return_state=True``. Its outputs
  are thrown away; only its final ``h`` and ``c`` are kept. Those two vectors are the
  *context*: everything the decoder will ever know about the input, whatever its length.
  Padding (``pad_id``) is masked, so the final states are those after the last real
  character.
* **Decoder.** ``Embedding`` then an ``LSTM`` started from the encoder's ``[h, c]``, then
  a ``Dense`` softmax over the output vocabulary at every step.

Training uses **teacher forcing**: at step ``t`` the decoder reads the *true* previous
output character (the targets shifted right behind a start token, see
:func:`teacher_forcing_inputs`), so all steps train in parallel. At inference the true
characters are unknown, so a separate loop runs the decoder one step at a time and
feeds back its own choice: :func:`greedy_decode` takes the most likely character,
:func:`beam_search_decode` keeps the ``beam_width`` best partial outputs by total
log-probability. :func:`greedy_search` and :func:`beam_search` hold the model-free
logic (any ``step`` function, in :mod:`rnncourse.models.decoding`), so other models
(with attention, say) reuse them. :mod:`rnncourse.models.metrics` scores the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from rnncourse.errors import InputError, ShapeError
from rnncourse.models.decoding import BeamResult, beam_search, greedy_search
from rnncourse.validation import as_int

__all__ = ["EncoderDecoder", "beam_search_decode", "build_encoder_decoder", "greedy_decode",
           "reverse_sources", "teacher_forcing_inputs"]


@dataclass
class EncoderDecoder:
    """The three Keras models of one encoder-decoder; they share every layer's weights.

    Attributes:
        training_model: ``[source_tokens (B, Tx), decoder_tokens (B, Ty)] ->
            probabilities (B, Ty, V)``: compile and fit this one, with teacher forcing.
        encoder_model: ``source_tokens -> [h, c]``, the context vectors ``(B, units)``.
        decoder_step_model: ``[previous_token (B, 1), h, c] -> [probabilities (B, V),
            h, c]``: one decoding step, for the inference loop.
        units: LSTM units of encoder and decoder (the context has ``2 * units`` numbers).
        pad_id: The source id that marks padding (masked).
    """

    training_model: keras.Model
    encoder_model: keras.Model
    decoder_step_model: keras.Model
    units: int
    pad_id: int = 0

    def encode(self, sources: np.ndarray) -> list[np.ndarray]:
        """The context ``[h, c]`` of each source row, as NumPy arrays."""
        states = self.encoder_model(np.asarray(sources, dtype="int32"), training=False)
        return [keras.ops.convert_to_numpy(state) for state in states]

    def step(self, previous: np.ndarray, states: list[np.ndarray]
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One decoder step: log-probabilities ``(B, V)`` of the next token and new states."""
        previous = np.asarray(previous, dtype="int32").reshape(-1, 1)
        probabilities, h, c = self.decoder_step_model([previous, *states], training=False)
        probabilities = keras.ops.convert_to_numpy(probabilities)
        log_probabilities = np.log(np.maximum(probabilities, 1e-12))
        return log_probabilities, [keras.ops.convert_to_numpy(h), keras.ops.convert_to_numpy(c)]


def build_encoder_decoder(source_vocab_size: int, target_vocab_size: int, *,
                          units: int = 128, embedding_dim: int = 32, pad_id: int = 0,
                          learning_rate: float = 0.003) -> EncoderDecoder:
    """Build and compile an LSTM encoder-decoder without attention.

    Args:
        source_vocab_size: Number of source ids (padding included).
        target_vocab_size: Number of target ids (start token included).
        units: LSTM units of the encoder and the decoder.
        embedding_dim: Size of the source and target embeddings.
        pad_id: The source id used for padding; masked in the encoder.
        learning_rate: Adam's learning rate.

    Returns:
        An :class:`EncoderDecoder`; its ``training_model`` is compiled with sparse
        categorical cross-entropy and per-character accuracy.
    """
    for name, size in (("source_vocab_size", source_vocab_size),
                       ("target_vocab_size", target_vocab_size), ("units", units),
                       ("embedding_dim", embedding_dim)):
        as_int(name, size, minimum=1)
    if not 0 <= as_int("pad_id", pad_id) < source_vocab_size:
        raise InputError(f"pad_id {pad_id} is not a source id (0 to "
                         f"{source_vocab_size - 1}).")

    source_tokens = keras.Input((None,), dtype="int32", name="source_tokens")
    source_embedding = keras.layers.Embedding(source_vocab_size, embedding_dim,
                                              name="source_embedding")
    encoder_lstm = keras.layers.LSTM(units, return_state=True, name="encoder_lstm")
    mask = keras.ops.not_equal(source_tokens, pad_id)
    _, state_h, state_c = encoder_lstm(source_embedding(source_tokens), mask=mask)

    decoder_tokens = keras.Input((None,), dtype="int32", name="decoder_tokens")
    target_embedding = keras.layers.Embedding(target_vocab_size, embedding_dim,
                                              name="target_embedding")
    decoder_lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True,
                                     name="decoder_lstm")
    output_layer = keras.layers.Dense(target_vocab_size, activation="softmax",
                                      name="next_character")
    decoder_outputs, _, _ = decoder_lstm(target_embedding(decoder_tokens),
                                         initial_state=[state_h, state_c])
    training_model = keras.Model([source_tokens, decoder_tokens],
                                 output_layer(decoder_outputs), name="encoder_decoder")
    training_model.compile(keras.optimizers.Adam(learning_rate),
                           "sparse_categorical_crossentropy", metrics=["accuracy"])
    encoder_model = keras.Model(source_tokens, [state_h, state_c], name="encoder")

    previous_token = keras.Input((1,), dtype="int32", name="previous_token")
    h_in = keras.Input((units,), name="h")
    c_in = keras.Input((units,), name="c")
    step_outputs, h_out, c_out = decoder_lstm(target_embedding(previous_token),
                                              initial_state=[h_in, c_in])
    step_probabilities = output_layer(step_outputs[:, 0])
    decoder_step_model = keras.Model([previous_token, h_in, c_in],
                                     [step_probabilities, h_out, c_out], name="decoder_step")
    return EncoderDecoder(training_model, encoder_model, decoder_step_model, int(units),
                          pad_id)


def teacher_forcing_inputs(targets: np.ndarray, start_id: int) -> np.ndarray:
    """The decoder's inputs under teacher forcing: ``start_id``, then the targets but the
    last (``[a, b, c] -> [<start>, a, b]``), so at step ``t`` it reads target ``t - 1``.

    Args:
        targets: ``(batch, Ty)`` integer ids the decoder must emit.
        start_id: The id of the start token.
    """
    targets = np.asarray(targets)
    if targets.ndim != 2:
        raise ShapeError(f"targets must have shape (batch, Ty); got {targets.shape}.")
    if not np.issubdtype(targets.dtype, np.integer):
        raise ShapeError(f"targets must hold integer token ids; got dtype {targets.dtype}.")
    start_id = as_int("start_id", start_id, minimum=0)
    start = np.full((len(targets), 1), start_id, dtype=targets.dtype)
    return np.concatenate([start, targets[:, :-1]], axis=1)


def reverse_sources(sources: np.ndarray, pad_id: int = 0) -> np.ndarray:
    """Reverse each row's tokens before its right padding: ``[a, b, c, 0] -> [c, b, a, 0]``.

    The reversed-source trick: the first source tokens end up last, nearest the decoder.
    """
    sources = np.asarray(sources)
    if sources.ndim != 2:
        raise ShapeError(f"sources must have shape (batch, Tx); got {sources.shape}.")
    if not np.issubdtype(sources.dtype, np.integer):
        raise ShapeError(f"sources must hold integer token ids; got dtype {sources.dtype}.")
    pad_id = as_int("pad_id", pad_id, minimum=0)
    out = np.full_like(sources, pad_id)
    lengths = (sources != pad_id).sum(axis=1)
    for row, length in enumerate(lengths):
        if length and (sources[row, length:] != pad_id).any():
            raise ShapeError(f"Row {row} has a pad id inside the text; reverse_sources "
                             "needs right-padded rows.")
        out[row, :length] = sources[row, :length][::-1]
    return out


def greedy_decode(model: EncoderDecoder, sources: np.ndarray, length: int, start_id: int,
                  batch_size: int = 2048) -> np.ndarray:
    """Translate ``sources`` greedily with a trained :class:`EncoderDecoder`.

    Returns:
        Predicted target ids ``(batch, length)``.
    """
    sources = _check_sources(sources)
    start_id = check_start_id(model, start_id)
    chunks = [greedy_search(model.step, model.encode(sources[i:i + batch_size]),
                            start_id, length)[0]
              for i in range(0, len(sources), batch_size)]
    return np.concatenate(chunks)


def beam_search_decode(model: EncoderDecoder, sources: np.ndarray, length: int,
                       start_id: int, beam_width: int = 3,
                       batch_size: int = 512) -> BeamResult:
    """Translate ``sources`` with beam search; sequences come best first with scores."""
    sources = _check_sources(sources)
    start_id = check_start_id(model, start_id)
    parts = [beam_search(model.step, model.encode(sources[i:i + batch_size]), start_id,
                         length, beam_width)
             for i in range(0, len(sources), batch_size)]
    return BeamResult(np.concatenate([p.sequences for p in parts]),
                      np.concatenate([p.scores for p in parts]))


def check_start_id(model: Any, start_id: Any) -> int:
    """``start_id`` as an int, checked against the decoder's input vocabulary (its embedding).

    An id beyond the embedding would stop TensorFlow deep inside the decoding loop.
    """
    start_id = as_int("start_id", start_id)
    try:
        vocab = model.training_model.get_layer("target_embedding").input_dim
    except (AttributeError, ValueError):
        return start_id  # a model without that layer: nothing to check against
    if not 0 <= start_id < vocab:
        raise InputError(f"start_id={start_id} is not a decoder input id (0 to {vocab - 1}); "
                         "pass the codec's start id, e.g. codec.start_id.")
    return start_id


def _check_sources(sources: np.ndarray) -> np.ndarray:
    sources = np.asarray(sources, dtype="int32")
    if sources.ndim != 2 or not len(sources):
        raise ShapeError(f"sources must have shape (batch, Tx) with batch >= 1; got "
                         f"{sources.shape}.")
    return sources
