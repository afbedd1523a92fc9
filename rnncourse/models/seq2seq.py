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
:func:`teacher_forcing_inputs`). The decoder's whole input is then known in advance, so
one call of the training model scores every output step against the truth; the decoder
LSTM still runs its steps one after another inside that call (step ``t`` needs the state
of step ``t - 1``). At inference the true characters are unknown, so a separate loop runs
the decoder one step at a time and feeds back its own choice: :func:`greedy_decode` takes
the most likely character, :func:`beam_search_decode` keeps the ``beam_width`` best
partial outputs by total log-probability. :func:`greedy_search` and :func:`beam_search`
hold the model-free logic (any ``step`` function, in :mod:`rnncourse.models.decoding`),
so other models (with attention, say) reuse them. :mod:`rnncourse.models.metrics` scores
the outputs.

Targets of different lengths end with an end token and are padded after it;
``build_encoder_decoder(..., target_pad_id=0)`` compiles the model with a loss masked to
the real tokens (:func:`masked_sparse_crossentropy`), both decoders stop at ``end_id``,
and :func:`sequence_log_probability` scores any given output (the right answer, say) for
the beam search error analysis. :class:`DecodingTracker` decodes held-out examples during
training, for learning curves of what the model really writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from rnncourse.errors import InputError, ShapeError
from rnncourse.models.decoding import BeamResult, beam_search, greedy_search
from rnncourse.validation import as_int, positive_float, require_callable

__all__ = ["DecodingTracker", "EncoderDecoder", "beam_search_decode", "build_encoder_decoder",
           "compile_seq2seq", "greedy_decode", "masked_sparse_crossentropy",
           "masked_token_accuracy", "reverse_sources", "sequence_log_probability",
           "teacher_forcing_inputs"]


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
        # predict_on_batch runs a compiled function: many times faster than an eager call
        # once traced, which matters in a loop that calls the decoder once per token.
        states = self.encoder_model.predict_on_batch(np.asarray(sources, dtype="int32"))
        return [np.asarray(state) for state in states]

    def step(self, previous: np.ndarray, states: list[np.ndarray]
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One decoder step: log-probabilities ``(B, V)`` of the next token and new states."""
        previous = np.asarray(previous, dtype="int32").reshape(-1, 1)
        probabilities, h, c = self.decoder_step_model.predict_on_batch([previous, *states])
        log_probabilities = np.log(np.maximum(np.asarray(probabilities), 1e-12))
        return log_probabilities, [np.asarray(h), np.asarray(c)]


def masked_sparse_crossentropy(pad_id: int = 0) -> Callable[[Any, Any], Any]:
    """A Keras loss for targets of different lengths, padded with ``pad_id``.

    The loss of a batch is the cross-entropy averaged over its *real* target tokens only:
    a padded position adds nothing to the loss and nothing to the count it is divided by,
    so a short answer is not rewarded for the padding it is filled up with, and a model is
    never trained to predict padding. (Keras's plain ``"sparse_categorical_crossentropy"``
    would average over every position, padding included.)

    Args:
        pad_id: The target id that marks padding after the end token.

    Returns:
        ``loss(y_true (B, Ty), y_pred (B, Ty, V)) -> scalar``, for ``model.compile``.
    """
    pad_id = as_int("pad_id", pad_id, minimum=0)

    def masked_loss(y_true: Any, y_pred: Any) -> Any:
        y_true = keras.ops.cast(y_true, "int32")
        losses = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
        mask = keras.ops.cast(keras.ops.not_equal(y_true, pad_id), losses.dtype)
        return keras.ops.sum(losses * mask) / keras.ops.maximum(keras.ops.sum(mask), 1.0)

    masked_loss.__name__ = "masked_loss"
    return masked_loss


def masked_token_accuracy(pad_id: int = 0) -> Callable[[Any, Any], Any]:
    """A Keras metric: the share of real (not padded) target tokens predicted right."""
    pad_id = as_int("pad_id", pad_id, minimum=0)

    def accuracy(y_true: Any, y_pred: Any) -> Any:
        y_true = keras.ops.cast(y_true, "int32")
        hits = keras.ops.cast(keras.ops.equal(
            y_true, keras.ops.cast(keras.ops.argmax(y_pred, axis=-1), "int32")), "float32")
        mask = keras.ops.cast(keras.ops.not_equal(y_true, pad_id), "float32")
        return keras.ops.sum(hits * mask) / keras.ops.maximum(keras.ops.sum(mask), 1.0)

    accuracy.__name__ = "accuracy"
    return accuracy


def compile_seq2seq(model: keras.Model, learning_rate: float,
                    target_pad_id: int | None = None) -> None:
    """Compile a training model with Adam: the plain loss for fixed-length targets, or the
    masked loss and accuracy when ``target_pad_id`` marks padded targets."""
    learning_rate = positive_float("learning_rate", learning_rate)
    if target_pad_id is None:
        model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    else:
        model.compile(keras.optimizers.Adam(learning_rate),
                      masked_sparse_crossentropy(target_pad_id),
                      metrics=[masked_token_accuracy(target_pad_id)])


def build_encoder_decoder(source_vocab_size: int, target_vocab_size: int, *,
                          units: int = 128, embedding_dim: int = 32, pad_id: int = 0,
                          learning_rate: float = 0.003,
                          target_pad_id: int | None = None) -> EncoderDecoder:
    """Build and compile an LSTM encoder-decoder without attention.

    Args:
        source_vocab_size: Number of source ids (padding included).
        target_vocab_size: Number of target ids (start token included).
        units: LSTM units of the encoder and the decoder.
        embedding_dim: Size of the source and target embeddings.
        pad_id: The source id used for padding; masked in the encoder.
        learning_rate: Adam's learning rate.
        target_pad_id: For targets of different lengths, the id that pads them after the
            end token: the loss and accuracy then skip those positions
            (:func:`masked_sparse_crossentropy`). ``None`` (fixed-length targets): every
            position counts.

    Returns:
        An :class:`EncoderDecoder`; its ``training_model`` is compiled with sparse
        categorical cross-entropy and per-character accuracy (masked when
        ``target_pad_id`` is given).
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
    compile_seq2seq(training_model, learning_rate, target_pad_id)
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


def greedy_decode(model: Any, sources: np.ndarray, length: int, start_id: int,
                  batch_size: int = 2048, *, end_id: int | None = None,
                  pad_id: int = 0) -> np.ndarray:
    """Translate ``sources`` greedily with a trained model that has ``encode`` and ``step``
    (an :class:`EncoderDecoder`, or the attention model of notebook 08).

    Args:
        model: The trained model.
        sources: ``(batch, Tx)`` source ids.
        length: The most output tokens.
        start_id: The start token's id.
        batch_size: Examples decoded together (memory only, not the result).
        end_id: The end token for outputs of different lengths (then each output stops
            after it and is padded with ``pad_id``); ``None`` for fixed-length outputs.
        pad_id: What fills an output after its end token.

    Returns:
        Predicted target ids ``(batch, length)``.
    """
    sources = _check_sources(sources)
    start_id = check_start_id(model, start_id)
    chunks = [greedy_search(model.step, model.encode(sources[i:i + batch_size]),
                            start_id, length, end_id=end_id, pad_id=pad_id)[0]
              for i in range(0, len(sources), batch_size)]
    return np.concatenate(chunks)


def beam_search_decode(model: Any, sources: np.ndarray, length: int,
                       start_id: int, beam_width: int = 3,
                       batch_size: int = 512, *, end_id: int | None = None,
                       length_penalty: float = 0.0, pad_id: int = 0) -> BeamResult:
    """Translate ``sources`` with beam search; hypotheses come best first with scores.

    ``end_id``, ``length_penalty`` and ``pad_id`` are those of
    :func:`rnncourse.models.decoding.beam_search` (for outputs of different lengths).
    """
    sources = _check_sources(sources)
    start_id = check_start_id(model, start_id)
    parts = [beam_search(model.step, model.encode(sources[i:i + batch_size]), start_id,
                         length, beam_width, end_id=end_id, length_penalty=length_penalty,
                         pad_id=pad_id)
             for i in range(0, len(sources), batch_size)]

    def joined(name: str) -> np.ndarray | None:
        values = [getattr(part, name) for part in parts]
        return None if values[0] is None else np.concatenate(values)

    return BeamResult(joined("sequences"), joined("scores"), joined("log_probabilities"),
                      joined("lengths"), joined("finished"))


def sequence_log_probability(model: Any, sources: np.ndarray, targets: np.ndarray,
                             start_id: int, end_id: int | None = None,
                             batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """How likely the model finds given outputs: ``log p(y | x)``, summed over the tokens.

    The decoder reads the targets themselves (teacher forcing), so one pass of the
    training model scores any answer, the right one included, whatever the search would
    have found. Comparing the right answer's score with the score of the output a search
    chose tells whether a mistake is the search's fault or the model's
    (:func:`rnncourse.models.metrics.beam_error_analysis`).

    Args:
        model: A trained model with a ``training_model`` (both kinds in this course).
        sources: ``(batch, Tx)`` source ids.
        targets: ``(batch, Ty)`` the outputs to score, end token included if any.
        start_id: The start token's id.
        end_id: The end token: each row is scored up to and including its first end
            token (what follows is padding). ``None`` scores every position
            (fixed-length outputs).
        batch_size: Examples per forward pass (memory only).

    Returns:
        ``(log_probabilities, lengths)``, each ``(batch,)``: the summed log-probabilities
        and the number of tokens scored.
    """
    sources = _check_sources(sources)
    targets = np.asarray(targets)
    if targets.ndim != 2 or len(targets) != len(sources):
        raise ShapeError(f"targets must have shape (batch, Ty) with the batch of sources "
                         f"({len(sources)}); got {targets.shape}.")
    probabilities = np.asarray(model.training_model.predict(
        [sources, teacher_forcing_inputs(targets.astype("int32"), start_id)],
        batch_size=batch_size, verbose=0))
    if probabilities.shape[:2] != targets.shape:
        raise ShapeError(f"The model gave probabilities {probabilities.shape} for targets "
                         f"{targets.shape}.")
    chosen = np.take_along_axis(probabilities, targets[..., None].astype(int), axis=-1)[..., 0]
    log_p = np.log(np.maximum(chosen, 1e-12))
    mask = np.ones_like(log_p, dtype=bool)
    if end_id is not None:  # keep each row up to its first end token
        ended_before = np.cumsum(targets == as_int("end_id", end_id), axis=1) - (targets == end_id)
        mask = ended_before == 0
    return (log_p * mask).sum(axis=1), mask.sum(axis=1)


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


class DecodingTracker(keras.callbacks.Callback):
    """Decodes held-out examples greedily during training and records a score per group.

    Training loss says little about what a model outputs once it feeds back its own
    choices. Every ``every`` epochs (and after the last) this callback translates the
    given sources with :func:`greedy_decode`, scores each output with ``score(predicted
    texts, expected texts) -> (n,)`` and records the mean per group (e.g. per list size),
    giving learning curves of what the model really writes.

    Attributes:
        epochs: The epochs (1-based) after which it decoded.
        scores: For each of those epochs, ``{group: mean score}``.
    """

    def __init__(self, model: Any, sources: np.ndarray, expected: list[str],
                 groups: np.ndarray, *, decode: Callable[[np.ndarray], list[str]],
                 score: Callable[[list[str], list[str]], np.ndarray], length: int,
                 start_id: int, end_id: int | None = None, every: int = 1) -> None:
        super().__init__()
        self.seq2seq = model
        self.sources = _check_sources(sources)
        self.expected = list(expected)
        self.groups = np.asarray(groups)
        if not len(self.expected) == len(self.groups) == len(self.sources):
            raise InputError(f"Got {len(self.sources)} sources, {len(self.expected)} expected "
                             f"outputs and {len(self.groups)} groups; give one of each per "
                             "example.")
        self.decode, self.score = require_callable("decode", decode), \
            require_callable("score", score)
        self.length = as_int("length", length, minimum=1)
        self.start_id, self.end_id = start_id, end_id
        self.every = as_int("every", every, minimum=1)
        self.epochs: list[int] = []
        self.scores: list[dict] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        last = epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every and not last:
            return
        ids = greedy_decode(self.seq2seq, self.sources, self.length, self.start_id,
                            end_id=self.end_id)
        values = np.asarray(self.score(self.decode(ids), self.expected), dtype=float)
        self.epochs.append(epoch + 1)
        self.scores.append({group.item(): float(values[self.groups == group].mean())
                            for group in np.unique(self.groups)})

    def curves(self) -> dict:
        """``{group: {epoch: score}}``, ready for a line plot."""
        groups = self.scores[0].keys() if self.scores else []
        return {group: {epoch: scores[group] for epoch, scores in
                        zip(self.epochs, self.scores, strict=True)} for group in groups}
