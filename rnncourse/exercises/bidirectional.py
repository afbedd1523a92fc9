"""Exercise checks for lesson 06: the backward direction, pyramid steps, a stacked tagger.

* :func:`check_align_and_concat`: line the backward RNN's outputs up with the forward
  ones and concatenate them, as ``keras.layers.Bidirectional`` does.
* :func:`check_pair_steps`: join consecutive time steps, the pyramid RNN's reshaping.
* :func:`check_stacked_tagger`: build a stacked bidirectional tagger in Keras. The
  learner's model and the reference get the same seeded weights and must give the same
  tag probabilities on random sentences; a wrong model is traced to the part that
  differs (one direction only, too few layers, no sequence between layers, ...).

Every check runs several random cases, names the likely mistake first, and gives a hint
(never the solution's code) only when asked (``hint=True``) or after a second wrong attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse.exercises.checking import (
    CheckResult,
    Mistake,
    run_check,
)
from rnncourse.exercises.model_probes import (
    check_model_builder,
    find_layers,
    require_model,
    seeded_outputs,
)

__all__ = ["ALIGN_MISTAKES", "PAIR_MISTAKES", "check_align_and_concat", "check_pair_steps",
           "check_stacked_tagger", "reference_align_and_concat", "reference_pair_steps",
           "stacked_tagger_reference"]

# --- exercise 1: line up the backward direction ------------------------------------------


def _align_cases(seed: int = 0) -> list[tuple]:
    rng = np.random.default_rng(seed)
    # Batch and time differ from each other and from units, so a flip along the wrong
    # axis gives different numbers (with batch 1 a flip of axis 0 would go unnoticed).
    return [(rng.normal(size=(batch, steps, units)), rng.normal(size=(batch, steps, units)))
            for batch, steps, units in ((2, 5, 3), (3, 4, 2), (4, 7, 5), (5, 3, 4))]


def reference_align_and_concat(forward_states: np.ndarray,
                               backward_states: np.ndarray) -> np.ndarray:
    """Concatenate forward outputs with backward outputs flipped back to time order.

    Args:
        forward_states: ``(batch, time, units)``, step ``t`` is input step ``t``.
        backward_states: ``(batch, time, units)`` as the backward RNN produced them: its
            step ``0`` is the one that read input step ``time - 1``.

    Returns:
        ``(batch, time, 2 * units)``: forward features first, then backward ones.
    """
    return np.concatenate([forward_states, backward_states[:, ::-1]], axis=-1)


ALIGN_MISTAKES = (
    Mistake(lambda f, b: np.concatenate([f, b], axis=-1),
            "The backward outputs are still in processing order: their first step is the "
            "one that read the LAST input. Reverse them along the time axis before "
            "joining them to the forward outputs."),
    Mistake(lambda f, b: np.concatenate([f, b[::-1]], axis=-1),
            "You reversed axis 0, the batch axis, which swaps examples. Time is axis 1."),
    Mistake(lambda f, b: np.concatenate([f, b[:, :, ::-1]], axis=-1),
            "You reversed the feature axis (the units), not time. Time is axis 1."),
    Mistake(lambda f, b: np.concatenate([f[:, ::-1], b], axis=-1),
            "You reversed the forward outputs; they are already in time order. Reverse the "
            "backward ones instead."),
    Mistake(lambda f, b: np.concatenate([b[:, ::-1], f], axis=-1),
            "The alignment is right but the order is not: Keras puts the forward features "
            "first, then the backward ones."),
    Mistake(lambda f, b: np.concatenate([f, b[:, ::-1]], axis=1),
            "You joined along the time axis (axis 1), which makes the sequence twice as "
            "long. Join along the features, the last axis."),
)


def check_align_and_concat(learner: Callable[[np.ndarray, np.ndarray], np.ndarray],
                           show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(forward_states, backward_states)`` against the aligned concatenation."""
    return run_check(
        "Align and concatenate the two directions",
        learner, reference_align_and_concat, _align_cases(), ALIGN_MISTAKES,
        hint="Ask, for output position t, which step of the backward outputs holds the "
             "summary of input step t: the backward RNN read the input from the end, so its "
             "step 0 belongs to the last position. Put the backward outputs back into time "
             "order first, then join the two arrays feature by feature, forward first.",
        show=show, hint_requested=hint,
    )


# --- exercise 2: pair the steps of a pyramid ---------------------------------------------


def _pair_cases(seed: int = 1) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(batch, steps, features)),)
            for batch, steps, features in ((2, 6, 3), (3, 8, 2), (1, 4, 5), (4, 10, 1))]


def reference_pair_steps(x: np.ndarray) -> np.ndarray:
    """Join steps ``2j`` and ``2j+1``: ``(batch, T, F) -> (batch, T // 2, 2 F)``.

    Output step ``j`` holds the features of input step ``2j`` followed by those of ``2j+1``.
    """
    batch, steps, features = x.shape
    return x.reshape(batch, steps // 2, 2 * features)


def _split_halves(x: np.ndarray) -> np.ndarray:
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, half:]], axis=-1)


def _time_major_pairs(x: np.ndarray) -> np.ndarray:
    batch, steps, features = x.shape
    return np.swapaxes(x, 1, 2).reshape(batch, steps // 2, 2 * features)


PAIR_MISTAKES = (
    Mistake(lambda x: x[:, ::2],
            "You kept every other step and threw the rest away. A pyramid keeps all the "
            "information: join steps 2j and 2j+1 side by side, doubling the features."),
    Mistake(lambda x: (x[:, ::2] + x[:, 1::2]) / 2,
            "You averaged each pair, which halves the steps but mixes the two steps' "
            "features. Put them side by side instead, so the next layer sees both."),
    Mistake(lambda x: np.concatenate([x[:, 1::2], x[:, ::2]], axis=-1),
            "The pairs are right but each is in the wrong order: the earlier step 2j "
            "comes first, then 2j+1."),
    Mistake(_split_halves,
            "You joined step j with step j + T/2 (the two halves of the sequence), not "
            "neighbours. Pair consecutive steps 2j and 2j+1."),
    Mistake(_time_major_pairs,
            "You swapped the time and feature axes before reshaping, so the features of "
            "different steps got mixed. Keep the layout (batch, time, features): the "
            "features of one step are already next to each other."),
)


def check_pair_steps(learner: Callable[[np.ndarray], np.ndarray],
                     show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(x)``, the pyramid's step pairing, against the reference."""
    return run_check(
        "Pair consecutive time steps",
        learner, reference_pair_steps, _pair_cases(), PAIR_MISTAKES,
        hint="In memory, one example's array lists step 0's features, then step 1's, and so "
             "on. Reading the same numbers as half as many steps of twice as many features "
             "puts steps 2j and 2j+1 side by side; NumPy can do that without copying "
             "anything (a loop over j that joins two steps works too).",
        show=show, hint_requested=hint,
    )


# --- exercise 3: a stacked bidirectional tagger ------------------------------------------

# (vocabulary_size, embedding_dim, units, depth, classes, seed); every size differs from
# the others, so a swap changes the number of weights.
_TAGGER_CASES = ((12, 5, 6, 2, 3, 0), (9, 4, 7, 2, 4, 1), (15, 6, 4, 1, 2, 2))


def stacked_tagger_reference(vocabulary_size: int, embedding_dim: int, units: int,
                             depth: int, classes: int) -> Any:
    """The exercise's model: an embedding, ``depth`` bidirectional GRU layers (concatenated,
    each returning sequences), and a softmax over ``classes`` tags at every step."""
    import keras

    layers: list[Any] = [keras.Input((None,), dtype="int32"),
                         keras.layers.Embedding(vocabulary_size, embedding_dim)]
    layers += [keras.layers.Bidirectional(keras.layers.GRU(units, return_sequences=True))
               for _ in range(depth)]
    layers.append(keras.layers.Dense(classes, activation="softmax"))
    return keras.Sequential(layers)


def _probe_tokens(vocabulary_size: int, seed: int) -> np.ndarray:
    return np.random.default_rng([seed, 29]).integers(
        0, vocabulary_size, size=(5, 7)).astype("int32")


def _through_tagger(builder: Callable) -> Callable:
    """A function of one case: build with ``builder``, seed the weights, return outputs."""

    def outputs(vocabulary_size, embedding_dim, units, depth, classes, seed):
        model = require_model(builder(vocabulary_size, embedding_dim, units, depth, classes),
                              "my_stacked_tagger")
        if model is None:
            return None
        probabilities = seeded_outputs(model, _probe_tokens(vocabulary_size, seed), seed)
        return np.array([model.count_params()]), probabilities

    return outputs


def _tagger_variant(*, bidirectional: bool = True, layers_for: Callable[[int], int] = int,
                    last_sequences: bool = True, activation: str | None = "softmax",
                    merge_mode: str = "concat", cell: str = "GRU") -> Callable:
    def build(vocabulary_size, embedding_dim, units, depth, classes):
        import keras

        count = layers_for(depth)
        stack: list[Any] = [keras.Input((None,), dtype="int32"),
                            keras.layers.Embedding(vocabulary_size, embedding_dim)]
        for level in range(count):
            sequences = last_sequences or level < count - 1
            rnn = getattr(keras.layers, cell)(units, return_sequences=sequences)
            stack.append(keras.layers.Bidirectional(rnn, merge_mode=merge_mode)
                         if bidirectional else rnn)
        stack.append(keras.layers.Dense(classes, activation=activation))
        return keras.Sequential(stack)

    return _through_tagger(build)


_TAGGER_HINT = ("Start from the one-layer tagger of the lesson and repeat its recurrent part "
                "`depth` times: each repetition is a GRU with `units` units wrapped so that "
                "it reads both ways, and every one of them must hand a whole sequence to "
                "the next layer (the last one too, since each token needs a tag). After the "
                "embedding and before the stack goes nothing else; after it, one dense "
                "layer with a probability for each of the `classes` tags.")


def _diagnose_tagger(build: Callable) -> str:
    """Say which part of a wrong tagger differs from the exercise's, on one case."""
    import keras

    vocabulary_size, embedding_dim, units, depth, classes, seed = _TAGGER_CASES[1]
    model = require_model(build(vocabulary_size, embedding_dim, units, depth, classes),
                          "my_stacked_tagger")
    if model is None:
        return "Your function returned None: did you forget `return model`?"
    tokens = _probe_tokens(vocabulary_size, seed)
    probabilities = seeded_outputs(model, tokens, seed)
    expected = (*tokens.shape, classes)
    if probabilities.shape != expected:
        return (f"For {tokens.shape[0]} sentences of {tokens.shape[1]} tokens and {classes} "
                f"tags your model returns shape {probabilities.shape}; a tagger returns "
                f"{expected}, one distribution per token. Every recurrent layer must return "
                "sequences.")
    if probabilities.min() < 0 or not np.allclose(probabilities.sum(-1), 1.0, atol=1e-4):
        return ("Your outputs are not probabilities (they do not sum to 1 over the tags): the "
                "last Dense layer needs the softmax activation.")
    wrappers = [layer for layer in model.layers
                if isinstance(layer, keras.layers.Bidirectional)]
    if len(wrappers) != depth:
        return (f"With depth={depth} your model has {len(wrappers)} Bidirectional layer(s); "
                f"it needs {depth}, one per level of the stack.")
    grus = find_layers(model, keras.layers.GRU)
    if len(grus) != depth:
        return "Each Bidirectional layer should wrap a GRU, as in the lesson's tagger."
    reference = stacked_tagger_reference(vocabulary_size, embedding_dim, units, depth, classes)
    if model.count_params() != reference.count_params():
        return (f"Your model has {model.count_params():,} weights, the exercise's "
                f"{reference.count_params():,}: check the sizes (embedding_dim, `units` per "
                "direction), the merge (the default concatenation) and that nothing else was "
                "added.")
    return ("Your model has the right parts and sizes but computes other probabilities with "
            "the same weights: check the order of the layers.")


def check_stacked_tagger(learner: Callable, show: bool = True,
                         hint: bool = False) -> CheckResult:
    """Check ``learner(vocabulary_size, embedding_dim, units, depth, classes) -> keras.Model``.

    The model must be ``Embedding(vocabulary_size, embedding_dim)``, then ``depth`` layers
    ``Bidirectional(GRU(units, return_sequences=True))`` and ``Dense(classes,
    activation="softmax")``. For three sets of sizes the learner's model and the reference
    get the same seeded weights and must give the same weight count and probabilities.
    """
    mistakes = [
        Mistake(_tagger_variant(bidirectional=False), "Your layers read in one direction "
                "only: a tag then cannot depend on later tokens. Wrap each GRU in "
                "keras.layers.Bidirectional."),
        Mistake(_tagger_variant(layers_for=lambda depth: 1), "Your model has one "
                "bidirectional layer whatever `depth` says: stack `depth` of them."),
        Mistake(_tagger_variant(last_sequences=False), "Your last recurrent layer returns only "
                "its final output, so the model gives one answer per sentence instead of one "
                "per token. A tagger needs return_sequences=True in every recurrent layer."),
        Mistake(_tagger_variant(activation=None), "Your outputs are not probabilities: the "
                "last Dense layer needs the softmax activation."),
        Mistake(_tagger_variant(merge_mode="sum"), "Your bidirectional layers add the two "
                "directions (merge_mode='sum'); the exercise keeps Keras's default, which "
                "concatenates them (2 * units features per step)."),
        Mistake(_tagger_variant(cell="LSTM"), "You used LSTM layers; the exercise asks for "
                "GRUs, like the lesson's tagger."),
        Mistake(_tagger_variant(layers_for=lambda depth: depth + 1), "Your stack has one "
                "bidirectional layer too many: `depth` counts the recurrent layers."),
    ]
    return check_model_builder("stacked_tagger", learner, stacked_tagger_reference,
                               _through_tagger, _TAGGER_CASES, mistakes, _TAGGER_HINT,
                               _diagnose_tagger, show=show, hint=hint)
