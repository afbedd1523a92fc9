"""Sequence to sequence without attention: an LSTM encoder-decoder, decoding and metrics.

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
logic (any ``step`` function), so other models (with attention, say) can reuse them.

:func:`exact_match_accuracy` and :func:`accuracy_by_length` score whole output strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np

StepFunction = Callable[[np.ndarray, list[np.ndarray]], tuple[np.ndarray, list[np.ndarray]]]
"""``step(previous_tokens (B,), states) -> (log_probabilities (B, V), new_states)``; every
state array has the batch as its first axis."""


class Seq2SeqError(ValueError):
    """Bad input to a seq2seq helper (shapes, widths, lengths)."""


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
        if int(size) < 1:
            raise Seq2SeqError(f"{name} must be a positive integer; got {size}.")
    if not 0 <= pad_id < source_vocab_size:
        raise Seq2SeqError(f"pad_id {pad_id} is not a source id (0 to "
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
        raise Seq2SeqError(f"targets must have shape (batch, Ty); got {targets.shape}.")
    start = np.full((len(targets), 1), start_id, dtype=targets.dtype)
    return np.concatenate([start, targets[:, :-1]], axis=1)


def reverse_sources(sources: np.ndarray, pad_id: int = 0) -> np.ndarray:
    """Reverse each row's tokens before its right padding: ``[a, b, c, 0] -> [c, b, a, 0]``.

    The reversed-source trick: the first source tokens end up last, nearest the decoder.
    """
    sources = np.asarray(sources)
    if sources.ndim != 2:
        raise Seq2SeqError(f"sources must have shape (batch, Tx); got {sources.shape}.")
    out = np.full_like(sources, pad_id)
    lengths = (sources != pad_id).sum(axis=1)
    for row, length in enumerate(lengths):
        if length and (sources[row, length:] != pad_id).any():
            raise Seq2SeqError(f"Row {row} has a pad id inside the text; reverse_sources "
                               "needs right-padded rows.")
        out[row, :length] = sources[row, :length][::-1]
    return out


def _check_search(states: list[np.ndarray], length: int) -> int:
    if not states:
        raise Seq2SeqError("Give at least one initial state array (batch first).")
    batch = len(states[0])
    if any(len(state) != batch for state in states):
        raise Seq2SeqError("Every initial state must have the same batch size.")
    if int(length) < 1:
        raise Seq2SeqError(f"length must be at least 1; got {length}.")
    return batch


def greedy_search(step: StepFunction, states: list[np.ndarray], start_id: int,
                  length: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with any ``step`` function: feed back the most likely token.

    Returns:
        ``(tokens, scores)``: ids ``(batch, length)`` and the summed log-probabilities
        of those tokens ``(batch,)``.
    """
    batch = _check_search(states, length)
    previous = np.full(batch, start_id, dtype="int32")
    tokens, scores = [], np.zeros(batch)
    for _ in range(int(length)):
        log_probabilities, states = step(previous, states)
        previous = log_probabilities.argmax(axis=-1).astype("int32")
        scores += log_probabilities[np.arange(batch), previous]
        tokens.append(previous)
    return np.stack(tokens, axis=1), scores


@dataclass
class BeamResult:
    """What :func:`beam_search` returns, best first for every example.

    Attributes:
        sequences: ``(batch, beam_width, length)`` token ids; ``[:, 0]`` is the best.
        scores: ``(batch, beam_width)`` summed log-probabilities, descending per row.
    """

    sequences: np.ndarray
    scores: np.ndarray

    @property
    def best(self) -> np.ndarray:
        """The best sequence of every example, ``(batch, length)``."""
        return self.sequences[:, 0]


def beam_search(step: StepFunction, states: list[np.ndarray], start_id: int, length: int,
                beam_width: int = 3) -> BeamResult:
    """Beam search with any ``step`` function, batched over examples.

    At every step each of the ``beam_width`` partial outputs of an example is extended
    by every token; the ``beam_width`` extensions with the highest total log-probability
    (parent score plus the new token's log-probability) survive. Width 1 is greedy
    decoding. Outputs have a fixed ``length`` (no end token).

    Args:
        step: ``step(previous (B,), states) -> (log_probabilities (B, V), states)``.
        states: Initial states, batch first (e.g. the encoder's ``[h, c]``).
        start_id: The token fed at the first step.
        length: Number of tokens to produce.
        beam_width: Partial outputs kept per example.

    Returns:
        A :class:`BeamResult`, sequences sorted by score, best first.
    """
    batch = _check_search(states, length)
    if int(beam_width) < 1:
        raise Seq2SeqError(f"beam_width must be at least 1; got {beam_width}.")
    width = int(beam_width)
    # Row b * width + k holds beam k of example b. At the start only beam 0 is alive.
    states = [np.repeat(state, width, axis=0) for state in states]
    previous = np.full(batch * width, start_id, dtype="int32")
    scores = np.tile(np.r_[0.0, np.full(width - 1, -np.inf)], batch).reshape(batch, width)
    sequences = np.zeros((batch, width, 0), dtype="int32")
    rows = np.arange(batch)[:, None]
    for _ in range(int(length)):
        log_probabilities, states = step(previous, states)
        vocab = log_probabilities.shape[-1]
        candidates = scores[:, :, None] + log_probabilities.reshape(batch, width, vocab)
        flat = candidates.reshape(batch, width * vocab)
        # Stable sort on the negated scores: ties keep the lower (parent, token) index.
        order = np.argsort(-flat, axis=1, kind="stable")[:, :width]
        parents, tokens = np.divmod(order, vocab)
        scores = flat[rows, order]
        sequences = np.concatenate([sequences[rows, parents], tokens[:, :, None]], axis=2)
        flat_parents = (rows * width + parents).reshape(-1)
        states = [state[flat_parents] for state in states]
        previous = tokens.reshape(-1).astype("int32")
    return BeamResult(sequences=sequences, scores=scores)


def greedy_decode(model: EncoderDecoder, sources: np.ndarray, length: int, start_id: int,
                  batch_size: int = 2048) -> np.ndarray:
    """Translate ``sources`` greedily with a trained :class:`EncoderDecoder`.

    Returns:
        Predicted target ids ``(batch, length)``.
    """
    sources = _check_sources(sources)
    chunks = [greedy_search(model.step, model.encode(sources[i:i + batch_size]),
                            start_id, length)[0]
              for i in range(0, len(sources), batch_size)]
    return np.concatenate(chunks)


def beam_search_decode(model: EncoderDecoder, sources: np.ndarray, length: int,
                       start_id: int, beam_width: int = 3,
                       batch_size: int = 512) -> BeamResult:
    """Translate ``sources`` with beam search; sequences come best first with scores."""
    sources = _check_sources(sources)
    parts = [beam_search(model.step, model.encode(sources[i:i + batch_size]), start_id,
                         length, beam_width)
             for i in range(0, len(sources), batch_size)]
    return BeamResult(np.concatenate([p.sequences for p in parts]),
                      np.concatenate([p.scores for p in parts]))


def _check_sources(sources: np.ndarray) -> np.ndarray:
    sources = np.asarray(sources, dtype="int32")
    if sources.ndim != 2 or not len(sources):
        raise Seq2SeqError(f"sources must have shape (batch, Tx) with batch >= 1; got "
                           f"{sources.shape}.")
    return sources


def _as_strings(name: str, values: Sequence | np.ndarray) -> list:
    if isinstance(values, str):
        raise Seq2SeqError(f"{name} must be a list of outputs, not one string; wrap it: "
                           f"[{values!r}].")
    array_like = isinstance(values, np.ndarray)
    return [tuple(row.tolist()) if array_like else row for row in values]


def exact_match_accuracy(predicted: Sequence | np.ndarray,
                         expected: Sequence | np.ndarray) -> float:
    """Fraction of outputs that are entirely right (every character), in ``[0, 1]``.

    Accepts lists of strings or ``(n, steps)`` id arrays. One wrong character makes the
    whole date wrong, unlike the per-character accuracy Keras reports while training.
    """
    predicted, expected = _as_strings("predicted", predicted), _as_strings("expected",
                                                                            expected)
    if len(predicted) != len(expected):
        raise Seq2SeqError(f"{len(predicted)} predictions for {len(expected)} expected "
                           "outputs; give one prediction per example.")
    if not expected:
        raise Seq2SeqError("No outputs to score; give at least one example.")
    return float(np.mean([p == e for p, e in zip(predicted, expected, strict=True)]))


@dataclass
class AccuracyByLength:
    """Exact-match accuracy of the examples whose input length falls in each bin.

    Attributes:
        edges: Bin edges; bin ``i`` holds lengths ``edges[i] <= length < edges[i + 1]``.
        counts: Examples per bin.
        accuracies: Exact-match accuracy per bin (``nan`` for an empty bin).
    """

    edges: np.ndarray
    counts: np.ndarray
    accuracies: np.ndarray

    @property
    def labels(self) -> list[str]:
        """Bin names such as ``"6-9"`` (inclusive lengths)."""
        return [f"{low}-{high - 1}" for low, high in zip(self.edges[:-1], self.edges[1:],
                                                         strict=True)]

    @property
    def centres(self) -> np.ndarray:
        """The middle length of each bin, for plotting."""
        return (self.edges[:-1] + self.edges[1:] - 1) / 2

    def as_dict(self) -> dict[float, float]:
        """``{bin centre: accuracy}`` of the non-empty bins (for line plots)."""
        return {float(c): float(a) for c, a, n in zip(self.centres, self.accuracies,
                                                      self.counts, strict=True) if n}


def accuracy_by_length(texts: Sequence[str], predicted: Sequence | np.ndarray,
                       expected: Sequence | np.ndarray,
                       bins: Sequence[int]) -> AccuracyByLength:
    """Exact-match accuracy grouped by the length of the input text.

    Args:
        texts: The input texts (their lengths are binned).
        predicted, expected: Outputs as for :func:`exact_match_accuracy`.
        bins: Increasing bin edges; lengths outside ``[bins[0], bins[-1])`` raise.
    """
    edges = np.asarray(bins, dtype=int)
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise Seq2SeqError(f"bins must be at least two increasing edges; got {list(bins)}.")
    predicted, expected = _as_strings("predicted", predicted), _as_strings("expected",
                                                                            expected)
    if not len(texts) == len(predicted) == len(expected):
        raise Seq2SeqError(f"Got {len(texts)} texts, {len(predicted)} predictions and "
                           f"{len(expected)} expected outputs; give one of each per example.")
    lengths = np.array([len(text) for text in texts])
    if lengths.size and (lengths.min() < edges[0] or lengths.max() >= edges[-1]):
        raise Seq2SeqError(f"Input lengths run from {lengths.min()} to {lengths.max()}, "
                           f"outside the bins [{edges[0]}, {edges[-1]}); widen the bins.")
    correct = np.array([p == e for p, e in zip(predicted, expected, strict=True)], dtype=float)
    which = np.searchsorted(edges, lengths, side="right") - 1
    counts = np.bincount(which, minlength=len(edges) - 1)
    hits = np.bincount(which, weights=correct, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracies = np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)
    return AccuracyByLength(edges=edges, counts=counts, accuracies=accuracies)
