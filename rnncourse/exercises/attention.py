"""Exercise checks for notebook 08: masked scaled dot-product attention, one output step of
an attention decoder, and a bidirectional encoder in Keras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.scratch.activations import softmax
from rnncourse.scratch.attention import attention_output_step, dot_product_attention

# --------------------------------------------------------------------- exercise 1


def _attention_cases(seed: int) -> list[tuple]:
    """(query, value, value_mask) triples; every mask hides some positions, none all."""
    rng = np.random.default_rng(seed)
    cases = []
    for batch, query_steps, value_steps, dim in ((2, 3, 5, 4), (1, 4, 6, 9), (3, 2, 7, 16)):
        query = rng.normal(size=(batch, query_steps, dim))
        value = rng.normal(size=(batch, value_steps, dim))
        mask = np.ones((batch, value_steps), dtype=bool)
        mask[:, -2:] = False  # right padding, as in a padded batch of inputs
        mask[0, 1] = False
        cases.append((query, value, mask))
    return cases


def reference_scaled_dot_attention(query: np.ndarray, value: np.ndarray,
                                   value_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masked scaled dot-product attention: ``(context, weights)``."""
    result = dot_product_attention(query, value, scale=1.0 / np.sqrt(query.shape[-1]),
                                   value_mask=value_mask)
    return result.context, result.weights


def _scores(query: np.ndarray, value: np.ndarray, scaled: bool = True) -> np.ndarray:
    scores = query @ np.swapaxes(value, 1, 2)
    return scores / np.sqrt(query.shape[-1]) if scaled else scores


def _masked(scores: np.ndarray, value_mask: np.ndarray) -> np.ndarray:
    return np.where(value_mask[:, None, :], scores, -1e9)


def _softmax_over_query_axis(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value), value_mask), axis=1)
    return weights @ value, weights


def _no_scaling(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value, scaled=False), value_mask))
    return weights @ value, weights


def _divided_by_dim(query, value, value_mask):
    weights = softmax(_masked(_scores(query, value, scaled=False) / query.shape[-1],
                              value_mask))
    return weights @ value, weights


def _no_mask(query, value, value_mask):
    weights = softmax(_scores(query, value))
    return weights @ value, weights


def _mask_after_softmax(query, value, value_mask):
    weights = softmax(_scores(query, value)) * value_mask[:, None, :]
    return weights @ value, weights


def check_scaled_dot_attention(learner: Callable, show: bool = True,
                               hint: bool = False) -> CheckResult:
    """Check ``learner(query, value, value_mask) -> (context, weights)``.

    ``query`` is ``(batch, Tq, dim)``, ``value`` is ``(batch, Tv, dim)`` (it is also the
    key) and ``value_mask`` is ``(batch, Tv)`` booleans, False at padding. The answer must
    be the context ``(batch, Tq, dim)`` and the weights ``(batch, Tq, Tv)`` of masked
    scaled dot-product attention.
    """
    mistakes = [
        Mistake(_softmax_over_query_axis,
                "Your softmax runs over the query axis (axis 1), so each *input* position's "
                "weights sum to 1. Each output step must spread its attention over the "
                "value positions: the softmax runs over the last axis."),
        Mistake(_no_scaling,
                "You forgot the scaling: divide the dot products by the square root of the "
                "feature size before the softmax."),
        Mistake(_divided_by_dim,
                "You divided the scores by dim; scaled dot-product attention divides by "
                "its square root."),
        Mistake(_no_mask,
                "You forgot the mask: padded positions still receive attention. Give their "
                "scores a very negative value before the softmax."),
        Mistake(_mask_after_softmax,
                "You masked after the softmax, so the weights no longer sum to 1. Mask the "
                "scores before the softmax instead (very negative scores at padding)."),
    ]
    hint_text = ("Three steps: the dot product of every query vector with every value vector, "
                 "divided by the square root of the feature size; a very negative score "
                 "wherever the mask is False; a softmax over the value positions. The context "
                 "is then the weights times the values.")
    return run_check("scaled_dot_attention", learner, reference_scaled_dot_attention,
                     _attention_cases(8), mistakes, hint=hint_text, show=show,
                     hint_requested=hint)


# --------------------------------------------------------------------- exercise 2


def reference_attention_step(s: np.ndarray, encoder_outputs: np.ndarray, mask: np.ndarray,
                             w_c: np.ndarray, b_c: np.ndarray, w_o: np.ndarray,
                             b_o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Luong output step with the dot score: ``(probabilities, weights)``."""
    step = attention_output_step(s, encoder_outputs, w_c, b_c, w_o, b_o, value_mask=mask)
    return step.probabilities, step.weights


def _step_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, steps, dim, units, vocab in ((2, 5, 4, 3, 6), (3, 7, 6, 5, 4), (1, 4, 3, 4, 5)):
        s = rng.normal(size=(batch, dim))
        encoder_outputs = rng.normal(size=(batch, steps, dim))
        mask = np.ones((batch, steps), dtype=bool)
        mask[-1, -2:] = False  # the last example is two positions shorter
        cases.append((s, encoder_outputs, mask, rng.normal(size=(2 * dim, units)),
                      rng.normal(size=units), rng.normal(size=(units, vocab)),
                      rng.normal(size=vocab)))
    return cases


def _luong_variant(s, h, mask, w_c, b_c, w_o, b_o, *, order="context first", squash=True,
                   masked=True, context="attention"):
    scores = np.einsum("bd,btd->bt", s, h)
    if masked:
        scores = np.where(mask, scores, -1e9)
    weights = softmax(scores, axis=-1)
    if context == "attention":
        ctx = np.einsum("bt,btd->bd", weights, h)
    elif context == "scores":
        ctx = np.einsum("bt,btd->bd", np.where(mask, scores, 0.0), h)
    else:  # the last real encoder output, as a plain encoder-decoder would use
        ctx = h[np.arange(len(h)), mask.sum(axis=1) - 1]
    joined = np.concatenate([ctx, s] if order == "context first" else [s, ctx], axis=-1)
    state = joined @ w_c + b_c
    state = np.tanh(state) if squash else state
    return softmax(state @ w_o + b_o, axis=-1), weights


def check_attention_step(learner: Callable, show: bool = True,
                         hint: bool = False) -> CheckResult:
    """Check ``learner(s, encoder_outputs, mask, w_c, b_c, w_o, b_o) -> (probabilities,
    weights)``, one output step of an attention decoder with the dot score."""

    def weights_before_softmax(s, h, mask, w_c, b_c, w_o, b_o):
        return _luong_variant(s, h, mask, w_c, b_c, w_o, b_o, context="scores")

    mistakes = [
        Mistake(lambda *case: _luong_variant(*case, order="state first"),
                "You joined [s; ctx]; the course's model (and this exercise) puts the context "
                "first: [ctx; s]. The order decides which rows of w_c meet which numbers."),
        Mistake(lambda *case: _luong_variant(*case, squash=False),
                "The attentional state has no tanh: squash [ctx; s] w_c + b_c with tanh "
                "before the read-out."),
        Mistake(lambda *case: _luong_variant(*case, masked=False),
                "Padded positions receive attention: give their scores a very negative value "
                "before the softmax."),
        Mistake(lambda *case: _luong_variant(*case, context="last"),
                "Your context is the last real encoder output, as in a plain "
                "encoder-decoder. With attention it is the weighted average of all encoder "
                "outputs, the weights coming from the softmax of the scores."),
        Mistake(weights_before_softmax,
                "Your context averages the encoder outputs with the raw scores. Turn the "
                "scores into weights with a softmax first (positive, summing to 1)."),
    ]
    return run_check("attention_step", learner, reference_attention_step, _step_cases(4),
                     mistakes,
                     hint="Score: the dot product of s with every encoder output. Weights: a "
                          "softmax of the masked scores over the input positions. Context: "
                          "the weighted sum of the encoder outputs. Then the context and s "
                          "side by side (context first) go through w_c, b_c and a tanh, and "
                          "the read-out w_o, b_o with a softmax gives the probabilities.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------- exercise 3


def reference_bidirectional_encoder(source_vocab_size: int, units: int,
                                    embedding_dim: int) -> Any:
    """A bidirectional LSTM encoder: ``source_tokens -> [outputs, h, c]``.

    Each direction has ``units // 2`` units; the outputs of both are concatenated at every
    position (``(batch, Tx, units)``) and so are their final states (``(batch, units)``
    each). Id 0 is padding, masked.
    """
    import keras

    tokens = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(source_vocab_size, embedding_dim, mask_zero=True)(tokens)
    outputs, h_forward, c_forward, h_backward, c_backward = keras.layers.Bidirectional(
        keras.layers.LSTM(units // 2, return_sequences=True, return_state=True))(embedded)
    h = keras.layers.Concatenate()([h_forward, h_backward])
    c = keras.layers.Concatenate()([c_forward, c_backward])
    return keras.Model(tokens, [outputs, h, c])


def _encoder_sources(seed: int, batch: int = 3, steps: int = 6,
                     vocab: int = 9) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sources = rng.integers(1, vocab, size=(batch, steps)).astype("int32")
    for row, length in enumerate((steps, steps - 2, 2)[:batch]):
        sources[row, length:] = 0
    return sources


def probe_encoder(build: Callable, source_vocab_size: int, units: int,
                  embedding_dim: int, seed: int) -> tuple[np.ndarray, ...]:
    """Build an encoder with ``build``, give it seeded random weights and run it.

    Every weight array gets numbers drawn from one generator in the order the model lists
    them, so two encoders built the same way compute the same outputs. Returns the
    ``(outputs, h, c)`` arrays on fixed right-padded sources.
    """
    import keras

    model = build(source_vocab_size, units, embedding_dim)
    if model is None:
        return None  # the learner's function returned nothing
    if not isinstance(model, keras.Model):
        raise TypeError(f"return a keras.Model (keras.Model(inputs, [outputs, h, c])); got "
                        f"{type(model).__name__}")
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape) * 0.6 for w in model.get_weights()])
    outputs = model(_encoder_sources(seed, vocab=source_vocab_size), training=False)
    if not isinstance(outputs, list | tuple) or len(outputs) != 3:
        count = len(outputs) if isinstance(outputs, list | tuple) else 1
        raise ValueError(f"the model must return three tensors, [outputs, h, c]; it returns "
                         f"{count}")
    return tuple(np.asarray(keras.ops.convert_to_numpy(part), dtype=float) for part in outputs)


def _encoder_builders() -> dict[str, Callable]:
    import keras

    def forward_only(vocab, units, embedding_dim):
        tokens = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(vocab, embedding_dim, mask_zero=True)(tokens)
        outputs, h, c = keras.layers.LSTM(units, return_sequences=True,
                                          return_state=True)(embedded)
        return keras.Model(tokens, [outputs, h, c])

    def no_mask(vocab, units, embedding_dim):
        tokens = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(vocab, embedding_dim)(tokens)
        outputs, hf, cf, hb, cb = keras.layers.Bidirectional(
            keras.layers.LSTM(units // 2, return_sequences=True, return_state=True))(embedded)
        return keras.Model(tokens, [outputs, keras.layers.Concatenate()([hf, hb]),
                                    keras.layers.Concatenate()([cf, cb])])

    def full_units_each(vocab, units, embedding_dim):
        tokens = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(vocab, embedding_dim, mask_zero=True)(tokens)
        outputs, hf, cf, hb, cb = keras.layers.Bidirectional(
            keras.layers.LSTM(units, return_sequences=True, return_state=True))(embedded)
        return keras.Model(tokens, [outputs, keras.layers.Concatenate()([hf, hb]),
                                    keras.layers.Concatenate()([cf, cb])])

    def states_per_direction(vocab, units, embedding_dim):
        tokens = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(vocab, embedding_dim, mask_zero=True)(tokens)
        outputs, hf, cf, hb, cb = keras.layers.Bidirectional(
            keras.layers.LSTM(units // 2, return_sequences=True, return_state=True))(embedded)
        return keras.Model(tokens, [outputs, keras.layers.Concatenate()([hf, cf]),
                                    keras.layers.Concatenate()([hb, cb])])

    def summed(vocab, units, embedding_dim):
        tokens = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(vocab, embedding_dim, mask_zero=True)(tokens)
        outputs, hf, cf, hb, cb = keras.layers.Bidirectional(
            keras.layers.LSTM(units, return_sequences=True, return_state=True),
            merge_mode="sum")(embedded)
        return keras.Model(tokens, [outputs, keras.layers.Add()([hf, hb]),
                                    keras.layers.Add()([cf, cb])])

    return {"forward only": forward_only, "no mask": no_mask,
            "full units each": full_units_each, "states per direction": states_per_direction,
            "summed": summed}


def check_bidirectional_encoder(learner: Callable, show: bool = True,
                                hint: bool = False) -> CheckResult:
    """Check ``learner(source_vocab_size, units, embedding_dim) -> keras.Model``.

    The model maps source ids ``(batch, Tx)`` (0 = padding) to ``[outputs (batch, Tx,
    units), h (batch, units), c (batch, units)]``: a forward and a backward LSTM of
    ``units // 2`` each, outputs and final states concatenated, padding masked. Both the
    learner's encoder and the reference get the same seeded random weights (drawn in the
    order the model lists them) and must then agree.
    """

    def probing(build: Callable) -> Callable:
        def run(vocab, units, embedding_dim, seed):
            return probe_encoder(build, vocab, units, embedding_dim, seed)
        return run

    builders = _encoder_builders()
    feedback = {
        "forward only": "Your encoder reads only left to right: an output at position j has "
                        "not seen the characters after j. Wrap the LSTM in "
                        "keras.layers.Bidirectional (units // 2 per direction).",
        "no mask": "Padding changes your encoder's outputs and states: the backward LSTM "
                   "starts by reading the padding. Mask id 0 (the Embedding can do it).",
        "full units each": "Each direction has `units` units, so the outputs have 2 * units "
                           "numbers. Give each direction units // 2, so that the decoder "
                           "keeps its size.",
        "states per direction": "Your h joins the forward h with the forward c. The decoder "
                                "needs h = [forward h; backward h] and c = [forward c; "
                                "backward c].",
        "summed": "You added the two directions (merge_mode='sum'). Concatenate them "
                  "instead, each direction with units // 2, so no information is mixed.",
    }
    mistakes = [Mistake(probing(builders[name]), text) for name, text in feedback.items()]
    cases = [(9, 8, 4, 1), (11, 6, 3, 2)]
    return run_check("bidirectional_encoder", probing(learner),
                     probing(reference_bidirectional_encoder), cases, mistakes, atol=1e-5,
                     timeout=120.0,
                     hint="An Embedding that masks id 0, then one Bidirectional layer around "
                          "an LSTM of units // 2 that returns its sequence and its states. "
                          "The Bidirectional layer returns the outputs and then h and c of "
                          "each direction; join the two h's, then the two c's.",
                     show=show, hint_requested=hint)
