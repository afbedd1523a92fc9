"""Exercise checks for notebook 07: teacher-forcing inputs, the greedy inference loop, one
step of beam search, and the masked loss for targets of different lengths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check
from rnncourse.models.seq2seq import teacher_forcing_inputs
from rnncourse.scratch.activations import softmax

# --------------------------------------------------------------------- teacher forcing


def _target_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [(rng.integers(2, 13, size=shape), start_id)
            for shape, start_id in (((3, 10), 1), ((1, 4), 1), ((5, 2), 7))]


def check_teacher_forcing_inputs(learner: Callable, show: bool = True,
                                 hint: bool = False) -> CheckResult:
    """Check ``learner(targets, start_id) -> decoder_inputs`` (both ``(batch, Ty)``)."""

    def no_shift(targets, start_id):
        return np.asarray(targets)

    def shifted_left(targets, start_id):
        targets = np.asarray(targets)
        return np.concatenate([targets[:, 1:], np.full((len(targets), 1), start_id)], axis=1)

    def padding_first(targets, start_id):
        return teacher_forcing_inputs(targets, 0)

    def last_kept(targets, start_id):
        targets = np.asarray(targets)
        return np.concatenate([np.full((len(targets), 1), start_id), targets], axis=1)

    mistakes = [
        Mistake(no_shift, "Your decoder inputs are the targets themselves: at step t the "
                "decoder would read the very character it must predict, and learn to copy "
                "it. Step t must read the character of step t - 1."),
        Mistake(shifted_left, "You shifted the wrong way: step t would read the character "
                "*after* the one it must predict. The start token comes first, and every "
                "target moves one place to the right."),
        Mistake(padding_first, "The first input is 0, the padding id, not start_id. The "
                "decoder needs a real start token to know it must begin a date."),
        Mistake(last_kept, "Your inputs are one step too long: the start token plus *all* "
                "targets. The last target is never read (nothing comes after it), so "
                "inputs and targets have the same length."),
    ]
    return run_check("teacher_forcing_inputs", learner, teacher_forcing_inputs,
                     _target_cases(7), mistakes,
                     hint="Make a column holding only start_id, one row per example, and "
                          "put it in front of the targets without their last column.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------- the inference loop


class ToyDecoder:
    """A stand-in for a trained encoder-decoder with the same ``encode``/``step`` interface.

    Its "context" is a random projection of the source ids and its next-token scores
    depend strongly on both the state and the previous token, so a loop that forgets
    either gives other outputs. Pure NumPy and deterministic per seed.
    """

    def __init__(self, seed: int, vocab: int = 6, source_vocab: int = 9, units: int = 5):
        rng = np.random.default_rng(seed)
        self.vocab = vocab
        self.embed_source = rng.normal(size=(source_vocab, units)) * 1.5
        self.embed_target = rng.normal(size=(vocab, units)) * 0.5
        self.recurrent = rng.normal(size=(units, units)) / np.sqrt(units) * 1.5
        self.read_out = rng.normal(size=(units, vocab)) * 3.0

    def __deepcopy__(self, memo: dict) -> ToyDecoder:
        return self  # never changed by a decoding loop

    def encode(self, sources: np.ndarray) -> list[np.ndarray]:
        """The context ``[h]`` of each source row, ``(batch, units)``."""
        sources = np.asarray(sources)
        return [np.tanh(self.embed_source[sources].sum(axis=1) / np.sqrt(sources.shape[1]))]

    def step(self, previous: np.ndarray, states: list[np.ndarray]
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Log-probabilities ``(batch, vocab)`` of the next token and the new state."""
        (h,) = states
        h = np.tanh(h @ self.recurrent + self.embed_target[np.asarray(previous).reshape(-1)])
        logits = h @ self.read_out
        logits = logits - logits.max(axis=-1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True)), [h]


class SharedModel:
    """Wraps a Keras model so the check hands the learner the model itself, not a copy.

    The checks give a learner's function deep copies of its inputs; a Keras model is
    neither cheap nor safe to copy, and the loop never changes it.
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    def __deepcopy__(self, memo: dict) -> SharedModel:
        return self

    def encode(self, sources: np.ndarray) -> list[np.ndarray]:
        """The wrapped model's ``encode``."""
        return self.model.encode(sources)

    def step(self, previous: np.ndarray, states: list[np.ndarray]
             ) -> tuple[np.ndarray, list[np.ndarray]]:
        """The wrapped model's ``step``."""
        return self.model.step(previous, states)


def reference_greedy_decode(model: Any, sources: np.ndarray, length: int,
                            start_id: int) -> np.ndarray:
    """Greedy decoding: encode once, then ``length`` steps, each feeding back its choice.

    Returns:
        The chosen token ids ``(batch, length)``, the start token not included.
    """
    states = model.encode(sources)
    previous = np.full(len(sources), start_id)
    chosen = []
    for _ in range(length):
        log_probabilities, states = model.step(previous, states)
        previous = log_probabilities.argmax(axis=-1)
        chosen.append(previous)
    return np.stack(chosen, axis=1)


def _keras_case_model() -> SharedModel:
    """A tiny Keras encoder-decoder with random weights whose outputs vary."""
    from rnncourse.models.seq2seq import build_encoder_decoder

    model = build_encoder_decoder(9, 6, units=6, embedding_dim=4)
    rng = np.random.default_rng(11)
    # Random matrices, zero biases: a bias would make one token win at every step.
    model.training_model.set_weights([rng.normal(size=w.shape) if w.ndim > 1 else
                                      np.zeros(w.shape)
                                      for w in model.training_model.get_weights()])
    return SharedModel(model)


def _decode_cases(with_keras: bool) -> list[tuple]:
    rng = np.random.default_rng(5)
    cases = [(ToyDecoder(seed), rng.integers(1, 9, size=(batch, steps)), length, 1)
             for seed, batch, steps, length in ((0, 4, 6, 7), (1, 3, 5, 5), (2, 6, 4, 9))]
    if with_keras:
        cases.append((_keras_case_model(), rng.integers(1, 9, size=(5, 7)), 6, 1))
    return cases


def check_greedy_decode(learner: Callable, show: bool = True, hint: bool = False,
                        with_keras: bool = True) -> CheckResult:
    """Check ``learner(model, sources, length, start_id) -> ids (batch, length)``.

    The cases are toy decoders with the ``encode``/``step`` interface of the course's
    models and (``with_keras``) a small random Keras encoder-decoder.
    """

    def never_feeds_back(model, sources, length, start_id):
        states = model.encode(sources)
        chosen = []
        for _ in range(length):
            log_probabilities, states = model.step(np.full(len(sources), start_id), states)
            chosen.append(log_probabilities.argmax(axis=-1))
        return np.stack(chosen, axis=1)

    def restarts_from_context(model, sources, length, start_id):
        context = model.encode(sources)
        previous, chosen = np.full(len(sources), start_id), []
        for _ in range(length):
            log_probabilities, _ = model.step(previous, context)
            previous = log_probabilities.argmax(axis=-1)
            chosen.append(previous)
        return np.stack(chosen, axis=1)

    def keeps_the_start_token(model, sources, length, start_id):
        ids = reference_greedy_decode(model, sources, length, start_id)
        return np.concatenate([np.full((len(sources), 1), start_id), ids[:, :-1]], axis=1)

    def time_first(model, sources, length, start_id):
        return reference_greedy_decode(model, sources, length, start_id).T

    def one_step_only(model, sources, length, start_id):
        log_probabilities, _ = model.step(np.full(len(sources), start_id),
                                          model.encode(sources))
        return np.repeat(log_probabilities.argmax(axis=-1)[:, None], length, axis=1)

    mistakes = [
        Mistake(never_feeds_back, "Every step reads the start token: your loop never feeds "
                "back the character it just chose. The next step must read the previous "
                "step's choice, as the decoder read the true previous character in training."),
        Mistake(restarts_from_context, "Every step starts again from the encoder's context: "
                "your loop throws away the states that step returns. Carry them to the next "
                "step; they hold what the decoder has written so far."),
        Mistake(keeps_the_start_token, "Your output begins with the start token and misses "
                "the last character. The start token is only the first input; the output "
                "is the `length` characters the decoder chose."),
        Mistake(time_first, "Your output is (length, batch): one row per step. Return one row "
                "per example, (batch, length): stack the steps along axis 1."),
        Mistake(one_step_only, "You ran the decoder once and repeated its first choice. Each "
                "output character needs its own step, fed with the one before."),
    ]
    return run_check("greedy_decode", learner, reference_greedy_decode,
                     _decode_cases(with_keras), mistakes, atol=0.0, timeout=60.0,
                     hint="Encode the sources once. Start every example from the start "
                          "token. Then, `length` times: call model.step with the previous "
                          "tokens and the current states, keep the new states, take the "
                          "most likely token of each example as this step's output and as "
                          "the next step's input. Finally put the steps side by side.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------- beam search


def reference_beam_step(scores: np.ndarray, log_probabilities: np.ndarray,
                        width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One beam-search step for one example, best first.

    Args:
        scores: ``(k,)`` total log-probability of each partial output so far.
        log_probabilities: ``(k, V)`` log-probability of each next token after each one.
        width: How many extensions to keep.

    Returns:
        ``(parents, tokens, new_scores)``, each ``(width,)``: which partial output each
        survivor extends, with which token, and its new total log-probability.
    """
    candidates = np.asarray(scores)[:, None] + np.asarray(log_probabilities)
    flat = candidates.reshape(-1)
    order = np.argsort(-flat, kind="stable")[:width]
    parents, tokens = np.divmod(order, candidates.shape[1])
    return parents, tokens, flat[order]


def _beam_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for beams, vocab, width in ((3, 5, 3), (2, 6, 4), (4, 3, 2)):
        logits = rng.normal(size=(beams, vocab)) * 2
        log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        scores = -np.sort(rng.uniform(0.5, 4.0, size=beams))
        cases.append((scores, log_probabilities, width))
    return cases


def check_beam_step(learner: Callable, show: bool = True,
                    hint: bool = False) -> CheckResult:
    """Check ``learner(scores, log_probabilities, width) -> (parents, tokens, new_scores)``."""

    def ignores_history(scores, log_probabilities, width):
        return reference_beam_step(np.zeros_like(scores), log_probabilities, width)

    def multiplies(scores, log_probabilities, width):
        flat = (np.asarray(scores)[:, None] * log_probabilities).reshape(-1)
        order = np.argsort(-flat, kind="stable")[:width]
        parents, tokens = np.divmod(order, log_probabilities.shape[1])
        return parents, tokens, flat[order]

    def worst_first(scores, log_probabilities, width):
        flat = (np.asarray(scores)[:, None] + log_probabilities).reshape(-1)
        order = np.argsort(flat, kind="stable")[:width]
        parents, tokens = np.divmod(order, log_probabilities.shape[1])
        return parents, tokens, flat[order]

    def parent_and_token_swapped(scores, log_probabilities, width):
        parents, tokens, new_scores = reference_beam_step(scores, log_probabilities, width)
        flat_index = parents * log_probabilities.shape[1] + tokens
        return flat_index % len(scores), flat_index // len(scores), new_scores

    mistakes = [
        Mistake(ignores_history, "You ranked the next tokens by their own log-probability "
                "and forgot the score of the partial output they extend. A candidate's "
                "score is its parent's total plus the new token's log-probability."),
        Mistake(multiplies, "You multiplied log-probabilities. Probabilities multiply, so "
                "their logarithms *add*."),
        Mistake(worst_first, "You kept the *lowest* scores. Log-probabilities are negative; "
                "the best candidates have the largest (closest to 0) totals."),
        Mistake(parent_and_token_swapped, "Parents and tokens are mixed up. Flattened, the "
                "k * V candidates run through all V tokens of parent 0, then of parent 1, "
                "...: the parent is the index divided by V, the token the remainder."),
    ]
    return run_check("beam_step", learner, reference_beam_step, _beam_cases(3), mistakes,
                     hint="Form a (k, V) table of candidate totals (each parent's score plus "
                          "each token's log-probability), flatten it, pick the positions of "
                          "the `width` largest, best first, and turn each position back into "
                          "a (parent, token) pair.",
                     show=show, hint_requested=hint)


# --------------------------------------------------------------------- the masked loss


def reference_masked_loss(probabilities: np.ndarray, targets: np.ndarray,
                          pad_id: int) -> float:
    """Cross-entropy averaged over the real (not padded) target tokens of the batch.

    Args:
        probabilities: ``(batch, Ty, V)`` the decoder's softmax outputs.
        targets: ``(batch, Ty)`` target ids, ``pad_id`` after each answer's end token.
        pad_id: The padding id.
    """
    probabilities, targets = np.asarray(probabilities), np.asarray(targets)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]
    real = targets != pad_id
    return float(-np.log(picked[real]).sum() / real.sum())


def _loss_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, steps, vocab, pad_id in ((3, 6, 5, 0), (4, 5, 7, 0), (2, 8, 6, 3)):
        probabilities = softmax(rng.normal(size=(batch, steps, vocab)) * 1.5)
        choices = [i for i in range(vocab) if i != pad_id]
        targets = rng.choice(choices, size=(batch, steps))
        lengths = rng.integers(1, steps, size=batch)
        lengths[0] = steps  # one answer fills every position
        for row, length in enumerate(lengths):
            targets[row, length:] = pad_id
        cases.append((probabilities, targets, pad_id))
    return cases


def check_masked_loss(learner: Callable, show: bool = True,
                      hint: bool = False) -> CheckResult:
    """Check ``learner(probabilities, targets, pad_id) -> loss`` (a float)."""

    def _picked(probabilities, targets):
        return np.take_along_axis(np.asarray(probabilities),
                                  np.asarray(targets)[..., None], axis=-1)[..., 0]

    def no_mask(probabilities, targets, pad_id):
        return float(-np.log(_picked(probabilities, targets)).mean())

    def divided_by_all_positions(probabilities, targets, pad_id):
        real = np.asarray(targets) != pad_id
        return float(-np.log(_picked(probabilities, targets))[real].sum() / real.size)

    def per_example_first(probabilities, targets, pad_id):
        real = np.asarray(targets) != pad_id
        losses = -np.log(_picked(probabilities, targets)) * real
        return float((losses.sum(axis=1) / real.sum(axis=1)).mean())

    def summed(probabilities, targets, pad_id):
        real = np.asarray(targets) != pad_id
        return float(-np.log(_picked(probabilities, targets))[real].sum())

    def no_minus(probabilities, targets, pad_id):
        return -reference_masked_loss(probabilities, targets, pad_id)

    def pad_zero_always(probabilities, targets, pad_id):
        return reference_masked_loss(probabilities, targets, 0)

    mistakes = [
        Mistake(no_mask, "Your loss counts the padded positions too: the model would be "
                "trained to predict padding after every answer, and short answers would "
                "weigh less. Leave out the positions where the target is pad_id."),
        Mistake(divided_by_all_positions, "You left the padded positions out of the sum but "
                "still divided by the number of all positions. Divide by the number of real "
                "tokens, so the loss is a mean over them."),
        Mistake(per_example_first, "You averaged within each example, then over examples: a "
                "short answer's tokens then weigh more than a long one's. Average over all "
                "real tokens of the batch together."),
        Mistake(summed, "You summed the losses; the exercise asks for the mean over the real "
                "tokens (a sum grows with the batch and the answers' lengths)."),
        Mistake(no_minus, "Your loss is negative: cross-entropy is minus the log-probability "
                "of the right token."),
        Mistake(pad_zero_always, "Your mask ignores the pad_id argument (it assumes 0). Use "
                "the pad_id you are given."),
    ]
    return run_check("masked_loss", learner, reference_masked_loss, _loss_cases(2), mistakes,
                     atol=1e-6,
                     hint="Pick, at every position, the probability the model gave the "
                          "target token; take minus its logarithm; keep only the positions "
                          "whose target is not padding; average what is left.",
                     show=show, hint_requested=hint)
