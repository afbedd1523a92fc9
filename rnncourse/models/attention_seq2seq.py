"""A sequence-to-sequence model with attention, in Keras: training, decoding, alignments.

The model (Luong et al. 2015 style, built from Keras layers) is the plain encoder-decoder
of :mod:`rnncourse.models.seq2seq` plus one attention step per output character:

* **Encoder.** ``Embedding`` then an ``LSTM`` with ``return_sequences=True`` and
  ``return_state=True``: unlike the plain model it keeps one output vector ``h_j`` per
  input character (the *values* the decoder attends to) and still hands its final ``h``
  and ``c`` to the decoder. Padding (``pad_id``) is masked, so padded positions neither
  update the encoder nor receive attention. With ``bidirectional=True`` it is a forward
  and a backward LSTM of ``units // 2`` each (Bahdanau's encoder): their outputs are
  concatenated at every position, so each ``h_j`` has seen the whole input, and their
  final states are concatenated into the decoder's first state.
* **Decoder.** ``Embedding`` then an ``LSTM`` started from the encoder's final states.
  Its output ``s_t`` at output step ``t`` is the *query*.
* **Attention.** ``score`` chooses how ``s_t`` is compared with every ``h_j``:
  ``"dot"`` (``s . h``, ``keras.layers.Attention``), ``"scaled"`` (a learned scalar
  times ``s . h``), ``"general"`` (``s W h``: a bias-free ``Dense`` on the query, then
  dot attention) or ``"additive"`` (Bahdanau, ``v . tanh(s W_q + h W_k)``: two bias-free
  ``Dense`` layers, then ``keras.layers.AdditiveAttention``). The softmax of the scores
  over the input positions gives the weights ``alpha_tj``; their weighted average of the
  ``h_j`` is the context ``ctx_t`` (the course writes ``c_t`` only for an LSTM's cell state).
* **Output.** ``softmax(W_o tanh(W_c [ctx_t; s_t]))``, one distribution over the output
  characters per step (:func:`rnncourse.scratch.attention.attention_output_step` is its
  NumPy twin for the dot score).

Training uses teacher forcing (:func:`rnncourse.models.seq2seq.teacher_forcing_inputs`).
:class:`AttentionSeq2Seq` has the same ``encode``/``step`` interface as
:class:`rnncourse.models.seq2seq.EncoderDecoder`, so
:func:`rnncourse.models.seq2seq.greedy_decode` and
:func:`rnncourse.models.seq2seq.beam_search_decode` decode it unchanged; here the decoder's
state is ``[encoder_outputs, source_tokens, h, c]``, because every step attends to all
the encoder outputs again. :func:`attention_weights` reads the weights (the soft
alignment between output and input characters) and :func:`decode_with_alignment` returns
a greedy translation together with the weights it used; :func:`attention_on_spans` and
:func:`list_attention_shares` measure where the weights went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from rnncourse.data.generated.dates import ISO_LENGTH, list_spans
from rnncourse.errors import InputError
from rnncourse.models.seq2seq import compile_seq2seq, greedy_decode, teacher_forcing_inputs
from rnncourse.validation import as_flag, as_int, one_of

SCORES = ("dot", "scaled", "general", "additive")
"""The score functions :func:`build_attention_seq2seq` offers."""


@dataclass
class AttentionSeq2Seq:
    """The Keras models of one attention seq2seq network; they share every layer's weights.

    Attributes:
        training_model: ``[source_tokens (B, Tx), decoder_tokens (B, Ty)] ->
            probabilities (B, Ty, V)``; compile and fit this one (teacher forcing).
        alignment_model: ``[source_tokens, decoder_tokens] -> weights (B, Ty, Tx)``: the
            attention weights of every output step on every input position.
        encoder_model: ``source_tokens -> [encoder_outputs (B, Tx, units), h, c]``.
        decoder_step_model: ``[previous_token (B, 1), source_tokens, encoder_outputs, h,
            c] -> [probabilities (B, V), h, c, weights (B, Tx)]``: one decoding step.
        units: LSTM units of the encoder and the decoder.
        score: The score function used (one of :data:`SCORES`).
        pad_id: The source id that marks padding (masked).
    """

    training_model: keras.Model
    alignment_model: keras.Model
    encoder_model: keras.Model
    decoder_step_model: keras.Model
    units: int
    score: str
    pad_id: int = 0

    def encode(self, sources: np.ndarray) -> list[np.ndarray]:
        """The decoder's starting state ``[encoder_outputs, sources, h, c]`` as NumPy."""
        sources = np.asarray(sources, dtype="int32")
        values, h, c = self.encoder_model.predict_on_batch(sources)
        return [np.asarray(values), sources, np.asarray(h), np.asarray(c)]

    def step(self, previous: np.ndarray, states: list[np.ndarray]
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One decoder step: log-probabilities ``(B, V)`` of the next token and new states.

        Same contract as :meth:`rnncourse.models.seq2seq.EncoderDecoder.step`, so the greedy and
        beam searches of :mod:`rnncourse.models.decoding` work on this model.
        """
        values, sources, h, c = states
        previous = np.asarray(previous, dtype="int32").reshape(-1, 1)
        probabilities, h, c, _ = self.decoder_step_model.predict_on_batch(
            [previous, sources, values, h, c])
        return (np.log(np.maximum(np.asarray(probabilities), 1e-12)),
                [values, sources, np.asarray(h), np.asarray(c)])


def _attention_block(score: str, units: int) -> tuple[list[keras.layers.Layer],
                                                      keras.layers.Layer]:
    """The projection layers (query, key) and the Keras attention layer for ``score``."""
    if score == "dot":
        return [], keras.layers.Attention(name="attention")
    if score == "scaled":
        return [], keras.layers.Attention(use_scale=True, name="attention")
    if score == "general":
        return [keras.layers.Dense(units, use_bias=False, name="general_W")], \
            keras.layers.Attention(name="attention")
    if score == "additive":
        return [keras.layers.Dense(units, use_bias=False, name="bahdanau_W_query"),
                keras.layers.Dense(units, use_bias=False, name="bahdanau_W_key")], \
            keras.layers.AdditiveAttention(name="attention")
    raise InputError(f"score must be one of {SCORES}; got {score!r}.")


def build_attention_seq2seq(source_vocab_size: int, target_vocab_size: int, *,
                            units: int = 64, embedding_dim: int = 32,
                            score: str = "additive", pad_id: int = 0,
                            learning_rate: float = 0.003, bidirectional: bool = False,
                            target_pad_id: int | None = None) -> AttentionSeq2Seq:
    """Build (and compile) an LSTM encoder-decoder with attention.

    Args:
        source_vocab_size: Number of source ids (padding included).
        target_vocab_size: Number of target ids (start token included).
        units: LSTM units of the encoder and of the decoder (and attention size).
        embedding_dim: Size of the source and target character embeddings.
        score: ``"dot"``, ``"scaled"``, ``"general"`` or ``"additive"`` (module doc).
        pad_id: The source id used for padding; those positions are masked.
        learning_rate: Adam's learning rate for the compiled training model.
        bidirectional: Read the source in both directions: a forward and a backward LSTM
            of ``units // 2`` each (``units`` must be even), whose outputs are concatenated
            at every position (so each ``h_j`` has ``units`` numbers and has seen the
            whole input) and whose final states are concatenated into the decoder's
            initial state. ``False``: one left-to-right LSTM of ``units``.
        target_pad_id: For targets of different lengths, the id that pads them after the
            end token; the loss and accuracy then skip those positions.

    Returns:
        An :class:`AttentionSeq2Seq` whose ``training_model`` is compiled with sparse
        categorical cross-entropy and per-character accuracy.
    """
    for name, size in (("source_vocab_size", source_vocab_size),
                       ("target_vocab_size", target_vocab_size), ("units", units),
                       ("embedding_dim", embedding_dim)):
        as_int(name, size, minimum=1)
    if not 0 <= as_int("pad_id", pad_id) < source_vocab_size:
        raise InputError(f"pad_id {pad_id} is not a source id (0 to "
                         f"{source_vocab_size - 1}).")
    bidirectional = as_flag("bidirectional", bidirectional)
    if bidirectional and units % 2:
        raise InputError(f"A bidirectional encoder splits units={units} between its two "
                         "directions; give an even number of units.")
    projections, attention = _attention_block(score, units)

    source_embedding = keras.layers.Embedding(source_vocab_size, embedding_dim,
                                              name="source_embedding")
    if bidirectional:
        encoder_lstm = keras.layers.Bidirectional(
            keras.layers.LSTM(units // 2, return_sequences=True, return_state=True),
            merge_mode="concat", name="encoder_lstm")
    else:
        encoder_lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True,
                                         name="encoder_lstm")
    target_embedding = keras.layers.Embedding(target_vocab_size, embedding_dim,
                                              name="target_embedding")
    decoder_lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True,
                                     name="decoder_lstm")
    combine = keras.layers.Dense(units, activation="tanh", name="attentional_state")
    output_layer = keras.layers.Dense(target_vocab_size, activation="softmax",
                                      name="next_character")

    def attend(decoder_outputs, encoder_outputs, source_tokens):
        mask = [None, keras.ops.not_equal(source_tokens, pad_id)]
        if score == "general":
            inputs = [projections[0](decoder_outputs), encoder_outputs]
        elif score == "additive":
            inputs = [projections[0](decoder_outputs), encoder_outputs,
                      projections[1](encoder_outputs)]
        else:
            inputs = [decoder_outputs, encoder_outputs]
        context, weights = attention(inputs, mask=mask, return_attention_scores=True)
        merged = keras.ops.concatenate([context, decoder_outputs], axis=-1)
        return output_layer(combine(merged)), weights

    # Training graph (teacher forcing) and the alignment it computes on the way.
    source_tokens = keras.Input((None,), dtype="int32", name="source_tokens")
    decoder_tokens = keras.Input((None,), dtype="int32", name="decoder_tokens")
    encoded = encoder_lstm(source_embedding(source_tokens),
                           mask=keras.ops.not_equal(source_tokens, pad_id))
    if bidirectional:  # [outputs, forward h, forward c, backward h, backward c]
        encoder_outputs = encoded[0]
        state_h = keras.ops.concatenate([encoded[1], encoded[3]], axis=-1)
        state_c = keras.ops.concatenate([encoded[2], encoded[4]], axis=-1)
    else:
        encoder_outputs, state_h, state_c = encoded
    decoder_outputs, _, _ = decoder_lstm(target_embedding(decoder_tokens),
                                         initial_state=[state_h, state_c])
    probabilities, weights = attend(decoder_outputs, encoder_outputs, source_tokens)
    training_model = keras.Model([source_tokens, decoder_tokens], probabilities,
                                 name=f"seq2seq_{score}_attention")
    compile_seq2seq(training_model, learning_rate, target_pad_id)
    alignment_model = keras.Model([source_tokens, decoder_tokens], weights,
                                  name="alignment")
    encoder_model = keras.Model(source_tokens, [encoder_outputs, state_h, state_c],
                                name="encoder")

    # One decoding step (inference).
    previous_token = keras.Input((1,), dtype="int32", name="previous_token")
    step_sources = keras.Input((None,), dtype="int32", name="step_source_tokens")
    step_values = keras.Input((None, units), name="encoder_outputs")
    h_in = keras.Input((units,), name="h")
    c_in = keras.Input((units,), name="c")
    step_output, h_out, c_out = decoder_lstm(target_embedding(previous_token),
                                             initial_state=[h_in, c_in])
    step_probabilities, step_weights = attend(step_output, step_values, step_sources)
    decoder_step_model = keras.Model(
        [previous_token, step_sources, step_values, h_in, c_in],
        [step_probabilities[:, 0], h_out, c_out, step_weights[:, 0]], name="decoder_step")
    return AttentionSeq2Seq(training_model, alignment_model, encoder_model,
                            decoder_step_model, int(units), score, pad_id)


def attention_weights(model: AttentionSeq2Seq, sources: np.ndarray,
                      decoder_tokens: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """The attention weights ``(batch, Ty, Tx)`` when the decoder reads ``decoder_tokens``.

    With ``decoder_tokens = teacher_forcing_inputs(predicted, start_id)`` these are exactly
    the weights greedy decoding used (the decoder read its own previous outputs); with the
    true targets shifted behind the start token, those of training.

    Args:
        model: A built :class:`AttentionSeq2Seq`.
        sources: ``(batch, Tx)`` source ids.
        decoder_tokens: ``(batch, Ty)`` ids the decoder reads, the start token first.
        batch_size: Examples per forward pass (memory only, not the result).
    """
    sources = np.asarray(sources, dtype="int32")
    decoder_tokens = np.asarray(decoder_tokens, dtype="int32")
    if sources.ndim != 2 or decoder_tokens.ndim != 2 or len(sources) != len(decoder_tokens):
        raise InputError(
            f"sources (batch, Tx) and decoder_tokens (batch, Ty) must be 2-D with the same "
            f"batch; got {sources.shape} and {decoder_tokens.shape}.")
    return np.asarray(model.alignment_model.predict([sources, decoder_tokens],
                                                    batch_size=batch_size, verbose=0))


def decode_with_alignment(model: AttentionSeq2Seq, sources: np.ndarray, length: int,
                          start_id: int, *, end_id: int | None = None,
                          pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Translate greedily and return the attention weights the decoder used.

    Args:
        model: A trained :class:`AttentionSeq2Seq`.
        sources: ``(batch, Tx)`` source ids.
        length: The most output tokens.
        start_id: The start token's id.
        end_id: The end token, for outputs of different lengths (each output stops after
            it; the weights after it are those of reading padding and mean nothing).
        pad_id: What fills an output after its end token.

    Returns:
        ``(tokens, weights)``: predicted ids ``(batch, length)`` and weights
        ``(batch, length, Tx)``; row ``t`` of an example's weights is where output
        step ``t`` looked in the input.
    """
    tokens = greedy_decode(model, sources, length, start_id, end_id=end_id, pad_id=pad_id)
    weights = attention_weights(model, sources, teacher_forcing_inputs(tokens, start_id))
    return tokens, weights


def attention_on_spans(weights: np.ndarray, spans: Sequence[tuple[int, int] | None],
                       output_steps: Sequence[int]) -> np.ndarray:
    """The share of attention that ``output_steps`` put on one input span per example.

    Args:
        weights: ``(batch, Ty, Tx)`` attention weights (rows sum to 1).
        spans: For each example, ``(start, stop)`` input positions (``stop`` excluded),
            or ``None`` to skip the example.
        output_steps: Which output steps to average over (e.g. ``range(4)``, the year's
            digits of an ISO date).

    Returns:
        ``(n,)`` shares in ``[0, 1]``, one per example with a span: the weight on the span,
        summed over its positions and averaged over ``output_steps``.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3:
        raise InputError(f"weights must have shape (batch, Ty, Tx); got "
                         f"{weights.shape}.")
    if len(spans) != len(weights):
        raise InputError(f"Got {len(spans)} spans for {len(weights)} examples; "
                         "give one span (or None) per example.")
    steps = list(output_steps)
    if not steps or min(steps) < 0 or max(steps) >= weights.shape[1]:
        raise InputError(f"output_steps must be non-empty and within 0 to "
                         f"{weights.shape[1] - 1}; got {steps}.")
    shares = []
    for row, span in zip(weights, spans, strict=True):
        if span is None:
            continue
        start, stop = span
        if not 0 <= start < stop <= weights.shape[2]:
            raise InputError(f"span {span} is not inside the {weights.shape[2]} "
                             "input positions.")
        shares.append(row[steps, start:stop].sum(axis=1).mean())
    return np.array(shares)


def find_span(text: str, part: str, reverse: bool = False) -> tuple[int, int] | None:
    """Where ``part`` sits in ``text`` as input positions, or ``None`` if not exactly once.

    Args:
        text: The input text.
        part: The substring to find (e.g. a four-digit year).
        reverse: True when the encoder read the text backwards (the reversed-source trick).
    """
    if not part or text.count(part) != 1:
        return None
    start = text.index(part)
    if reverse:
        start = len(text) - start - len(part)
    return start, start + len(part)


LIST_PARTS = ("date", "year")
"""What :func:`list_attention_shares` can measure: a whole date or its year."""


def list_attention_shares(weights: np.ndarray, texts: Sequence[str], part: str = "date",
                          max_dates: int | None = None) -> tuple[float, float]:
    """How much attention each date of an ISO answer puts on its own date in the input.

    For lists of dates (:func:`rnncourse.data.generated.dates.make_date_list_dataset`) the
    answer's date ``i`` occupies output steps ``11 i`` to ``11 i + 9``. With ``part="date"``
    this measures the share of those steps' attention that falls on input date ``i``; with
    ``part="year"`` the share of the year's four output steps that falls on the last four
    characters of input date ``i`` (where formats such as ``"dotted"`` write the year).

    Args:
        weights: ``(batch, Ty, Tx)`` attention weights, one row per example of ``texts``.
        texts: The input lists as text.
        part: ``"date"`` or ``"year"``.
        max_dates: Only the first this many dates of each list (default: all).

    Returns:
        ``(measured, uniform)``: the mean share over every date of every list, and the
        mean share uniform attention would give (the span's length over the input's).
    """
    part = one_of("part", part, LIST_PARTS)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or len(weights) != len(texts):
        raise InputError(f"weights must have shape (batch, Ty, Tx) with one row per text; got "
                         f"{weights.shape} for {len(texts)} texts.")
    spans = [list_spans(text) for text in texts]
    most = max(len(s) for s in spans) if max_dates is None else as_int("max_dates", max_dates,
                                                                        minimum=1)
    measured, uniform = [], []
    for place in range(most):
        chosen = [s[place] if place < len(s) else None for s in spans]
        if part == "year":
            chosen = [None if span is None else (span[1] - 4, span[1]) for span in chosen]
        first = (ISO_LENGTH + 1) * place
        steps = range(first, first + (ISO_LENGTH if part == "date" else 4))
        if steps[-1] >= weights.shape[1] or not any(chosen):
            continue
        measured.append(attention_on_spans(weights, chosen, steps))
        uniform += [(span[1] - span[0]) / len(text) for text, span in
                    zip(texts, chosen, strict=True) if span]
    if not measured:
        raise InputError("No date of these lists fits the weights' output steps.")
    return float(np.concatenate(measured).mean()), float(np.mean(uniform))
