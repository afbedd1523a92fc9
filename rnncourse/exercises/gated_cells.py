"""Exercise checks for notebook 04: an LSTM step, a GRU step, and the weights they cost.

* :func:`check_lstm_cell`: one LSTM step in Keras's layout;
* :func:`check_gru_cell`: one GRU step as Keras computes it by default (``reset_after=True``);
* :func:`check_parameter_count`: the number of weights of a SimpleRNN, LSTM or GRU layer.

For the LSTM, the learner writes
``my_lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)`` returning
``(h_t, c_t)`` in Keras's layout (gate blocks i, f, c, o side by side). When the answer is
wrong, the check finds out *which gate* is wrong. It first compares with
plausible mistakes (gate blocks in the wrong order, returned states swapped, ...), then
probes the learner's cell with weights chosen so that one gate at a time decides the
result: with all weights zero each gate is fixed by its bias, and a bias of -30 shuts a
gate. Shut the input gate and ``c_t`` must be ``f * c_prev``, which isolates the forget
gate; shut the forget gate and ``c_t = i * tanh(a_c)`` isolates the input gate and the
candidate; the output gate is then read from ``h_t = o * tanh(c_t)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnncourse.exercises.checking import (
    FAILED,
    TIMEOUT_MESSAGE,
    CheckResult,
    LearnerTimeout,
    Mistake,
    check_timeout,
    guarded,
    outputs_match,
    run_check,
    with_hint,
)
from rnncourse.scratch.activations import sigmoid
from rnncourse.scratch.gru import GRUParams, gru_cell_forward, gru_parameter_count
from rnncourse.scratch.lstm import LSTM_GATES, LSTMParams, lstm_cell_forward, lstm_parameter_count
from rnncourse.scratch.rnn_cell import simple_rnn_parameter_count
from rnncourse.validation import one_of

__all__ = [
    "check_gru_cell",
    "check_lstm_cell",
    "check_parameter_count",
    "gru_cell_variant",
    "lstm_cell_variant",
    "reference_gru_cell",
    "reference_lstm_cell",
    "reference_parameter_count",
]

GATE_NAMES = {"i": "input gate", "f": "forget gate", "c": "candidate", "o": "output gate"}
_SHUT = -30.0  # a bias that drives a sigmoid gate to ~1e-13
_ATOL = 1e-6
_HINT = ("compute all four pre-activations at once (the input part, the recurrent part and "
         "the bias added together), then cut the result into four equal blocks of columns, "
         "in the order i, f, c, o. The three gates are sigmoids, the candidate is a tanh. "
         "The new cell state fades the old one by the forget gate and adds the candidate "
         "scaled by the input gate; the output gate then scales the squashed new cell state.")
_INPUT_GATE_MISSING = ("The input gate is wrong: the candidate went into c_t unscaled, even "
                       "with the input gate shut. Multiply it by the input gate: "
                       "c_t = f * c_prev + i * candidate.")
_INPUT_GATE_TANH = ("The input gate is wrong: it must be a sigmoid (0 = ignore, 1 = write), "
                    "not tanh.")


def reference_lstm_cell(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
                        kernel: np.ndarray, recurrent_kernel: np.ndarray,
                        bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The correct answer: the states of :func:`rnncourse.scratch.lstm.lstm_cell_forward`."""
    step = lstm_cell_forward(LSTMParams(kernel, recurrent_kernel, bias), x_t,
                             states=(h_prev, c_prev))
    return step.states.h, step.states.c


def lstm_cell_variant(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
                      kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, *,
                      order: Sequence[str] = LSTM_GATES,
                      candidate_activation: Callable[[np.ndarray], np.ndarray] = np.tanh,
                      gate_activation: Callable[[np.ndarray], np.ndarray] = sigmoid,
                      output_activation: Callable[[np.ndarray], np.ndarray] = sigmoid,
                      apply_forget: bool = True, apply_input: bool = True,
                      apply_output: bool = True, tanh_on_cell: bool = True,
                      output_from_previous_cell: bool = False,
                      ) -> tuple[np.ndarray, np.ndarray]:
    """An LSTM step with switchable mistakes; the defaults give the correct cell.

    ``order`` names the gate stored in each of the four weight blocks, e.g.
    ``("f", "i", "c", "o")`` reads the forget gate from the first block.
    """
    blocks = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=1)
    pre = dict(zip(order, blocks, strict=True))
    input_gate = gate_activation(pre["i"]) if apply_input else 1.0
    forget_gate = gate_activation(pre["f"]) if apply_forget else 1.0
    candidate = candidate_activation(pre["c"])
    output_gate = output_activation(pre["o"]) if apply_output else 1.0
    c_t = forget_gate * c_prev + input_gate * candidate
    shown = c_prev if output_from_previous_cell else c_t
    h_t = output_gate * (np.tanh(shown) if tanh_on_cell else shown)
    return h_t, c_t


def _cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, units in ((3, 4, 5), (1, 2, 3), (4, 3, 2)):
        cases.append((rng.normal(size=(batch, inputs)), rng.normal(size=(batch, units)),
                      rng.normal(size=(batch, units)),
                      rng.normal(size=(inputs, 4 * units)) * 0.7,
                      rng.normal(size=(units, 4 * units)) * 0.7,
                      rng.normal(size=4 * units) * 0.7))
    return cases


def _order_mistakes() -> list[Mistake]:
    """Every other assignment of the four gates to the four weight blocks."""
    mistakes = []
    for order in itertools.permutations(LSTM_GATES):
        if order == LSTM_GATES:
            continue
        wrong = [f"the {GATE_NAMES[gate]} from block {index + 1}"
                 for index, gate in enumerate(order) if gate != LSTM_GATES[index]]
        feedback = (
            f"The gates read the wrong weight blocks: you take {', '.join(wrong)}. "
            "Keras stores the blocks in the order i, f, c, o: input gate = block 1 "
            "(columns 0:units), forget gate = block 2, candidate = block 3, output gate = "
            "block 4."
        )

        def cell(*args: Any, _order: tuple[str, ...] = order) -> tuple:
            return lstm_cell_variant(*args, order=_order)

        mistakes.append(Mistake(cell, feedback))
    return mistakes


def _named_mistakes() -> list[Mistake]:
    def swapped_return(*args: Any) -> tuple:
        h_t, c_t = reference_lstm_cell(*args)
        return c_t, h_t

    return [
        Mistake(swapped_return, "You return (c_t, h_t); return (h_t, c_t), the hidden state "
                "first, as Keras's states [h, c] are ordered."),
        Mistake(lambda *a: lstm_cell_variant(*a, output_from_previous_cell=True),
                "The output gate step is wrong: h_t must show the NEW cell state, "
                "h_t = o * tanh(c_t), not tanh(c_prev)."),
        Mistake(lambda *a: lstm_cell_variant(*a, candidate_activation=sigmoid),
                "The candidate is wrong: it uses tanh (values in -1..1, so it can add or "
                "subtract), not sigmoid."),
        Mistake(lambda *a: lstm_cell_variant(*a, tanh_on_cell=False),
                "The output step is wrong: squash the cell state before the output gate, "
                "h_t = o * tanh(c_t)."),
    ]


def _probe(units: int, inputs: int, bias_blocks: dict[str, np.ndarray], seed: int,
           zero_kernel: bool = True, zero_recurrent: bool = True) -> tuple:
    rng = np.random.default_rng(seed)
    batch = 3
    kernel = np.zeros((inputs, 4 * units)) if zero_kernel else \
        rng.normal(size=(inputs, 4 * units)) * 0.7
    recurrent = np.zeros((units, 4 * units)) if zero_recurrent else \
        rng.normal(size=(units, 4 * units)) * 0.7
    bias = np.concatenate([bias_blocks[gate] for gate in LSTM_GATES])
    return (rng.normal(size=(batch, inputs)), rng.normal(size=(batch, units)),
            rng.normal(size=(batch, units)) * 1.5, kernel, recurrent, bias)


def _close(actual: Any, expected: Any) -> bool:
    """Compare with ``expected`` broadcast to the shape of ``actual``, if it can be."""
    actual = np.asarray(actual, dtype=float)
    try:
        expected = np.broadcast_to(expected, actual.shape)
    except ValueError:
        return False
    return outputs_match(actual, expected, _ATOL)


def _diagnose(learner: Callable) -> str:
    """Probe one gate at a time and say which one the learner's cell gets wrong."""
    units, inputs = 4, 3
    rng = np.random.default_rng(11)
    a = {gate: rng.uniform(-2, 2, size=units) for gate in LSTM_GATES}

    def run(case: tuple) -> tuple[np.ndarray, np.ndarray]:
        h_t, c_t = learner(*case)
        return np.asarray(h_t, dtype=float), np.asarray(c_t, dtype=float)

    # 1. Input gate shut: c_t = f * c_prev isolates the forget gate.
    case = _probe(units, inputs, {**a, "i": np.full(units, _SHUT)}, seed=1)
    c_prev = case[2]
    _, c_t = run(case)
    if not _close(c_t, sigmoid(a["f"]) * c_prev):
        kept = sigmoid(a["f"]) * c_prev
        if _close(c_t, kept + np.tanh(a["c"])):
            return _INPUT_GATE_MISSING
        if _close(c_t, kept - np.tanh(a["c"])):
            return _INPUT_GATE_TANH
        if _close(c_t, c_prev):
            return ("The forget gate is wrong: with the input gate shut, c_t came out equal "
                    "to c_prev. Multiply the old cell state by the forget gate: "
                    "c_t = f * c_prev + i * candidate.")
        if _close(c_t, np.tanh(a["f"]) * c_prev):
            return "The forget gate is wrong: it must be a sigmoid (0 = forget, 1 = keep)."
        for gate in ("i", "c", "o"):
            if _close(c_t, sigmoid(case[5][LSTM_GATES.index(gate) * units:
                                           (LSTM_GATES.index(gate) + 1) * units]) * c_prev):
                return (f"The forget gate is wrong: it reads the {GATE_NAMES[gate]}'s block. "
                        "Keras's order is i, f, c, o, so f is the second block "
                        "(columns units:2*units).")
        return ("The forget gate is wrong: with the input gate shut (bias -30) and zero "
                "weights, c_t should be sigmoid(bias_f) * c_prev. Check how f is computed "
                "and that it multiplies c_prev.")

    # 2. Forget gate shut: c_t = i * tanh(a_c) isolates the input gate and candidate.
    case = _probe(units, inputs, {**a, "f": np.full(units, _SHUT)}, seed=2)
    _, c_t = run(case)
    if not _close(c_t, sigmoid(a["i"]) * np.tanh(a["c"])):
        if _close(c_t, np.tanh(a["c"])):
            return _INPUT_GATE_MISSING
        if _close(c_t, sigmoid(a["i"]) * a["c"]):
            return "The candidate is wrong: squash it with tanh before the input gate scales it."
        if _close(c_t, np.tanh(a["i"]) * sigmoid(a["c"])):
            return ("The input gate and the candidate are swapped: i is block 1 (sigmoid), "
                    "the candidate block 3 (tanh).")
        if _close(c_t, np.tanh(a["i"]) * np.tanh(a["c"])):
            return _INPUT_GATE_TANH
        return ("The input gate or the candidate is wrong: with the forget gate shut and zero "
                "weights, c_t should be sigmoid(bias_i) * tanh(bias_c).")

    # 3. Everything open: h_t = o * tanh(c_t) isolates the output gate.
    case = _probe(units, inputs, a, seed=3)
    c_prev = case[2]
    h_t, c_t = run(case)
    expected_c = sigmoid(a["f"]) * c_prev + sigmoid(a["i"]) * np.tanh(a["c"])
    o = sigmoid(a["o"])
    if not _close(h_t, o * np.tanh(expected_c)):
        if _close(h_t, np.tanh(expected_c)):
            return "The output gate is missing: h_t = o * tanh(c_t)."
        if _close(h_t, np.tanh(a["o"]) * np.tanh(expected_c)):
            return "The output gate is wrong: it must be a sigmoid, not tanh."
        if _close(h_t, o * expected_c):
            return "The output step is wrong: apply tanh to c_t, h_t = o * tanh(c_t)."
        if _close(h_t, o * np.tanh(c_prev)):
            return "The output step is wrong: use the new cell state, h_t = o * tanh(c_t)."
        return ("The output gate is wrong: with zero weights h_t should be "
                "sigmoid(bias_o) * tanh(c_t), using block 4 of the bias.")

    # 4. The weights: the input part, then the recurrent part.
    for zero_kernel, what in ((False, "the input weights: add x_t @ kernel"),
                              (True, "the recurrent weights: add h_prev @ recurrent_kernel")):
        case = _probe(units, inputs, a, seed=4, zero_kernel=zero_kernel,
                      zero_recurrent=not zero_kernel)
        if not outputs_match(run(case), reference_lstm_cell(*case), _ATOL):
            return (f"Every gate works from its bias alone, so the mistake is in {what} "
                    "to the pre-activations of all four blocks (before splitting them).")
    return "Your (h_t, c_t) differ from the reference."


def check_lstm_cell(learner: Callable, show: bool = True,
                    hint: bool = False) -> CheckResult:
    """Check ``learner(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> (h_t, c_t)``.

    Shapes (batch-first, Keras layout): ``x_t`` ``(batch, input_dim)``, ``h_prev`` and
    ``c_prev`` ``(batch, units)``, ``kernel`` ``(input_dim, 4 * units)``,
    ``recurrent_kernel`` ``(units, 4 * units)``, ``bias`` ``(4 * units,)``, gate blocks in
    the order i, f, c, o. A wrong answer is traced to the gate that is wrong.
    """
    mistakes = _named_mistakes() + _order_mistakes()
    cases = _cases(5)
    result = run_check("lstm_cell", learner, reference_lstm_cell, cases, mistakes,
                       hint=_HINT, show=False, hint_requested=hint)
    if result.unexplained:
        safe = guarded(learner)
        try:
            answer = safe(*cases[0])
            if not isinstance(answer, tuple | list) or len(answer) != 2:
                message = "Return two arrays, (h_t, c_t)."
            else:
                message = _diagnose(safe)
        except LearnerTimeout:
            message = TIMEOUT_MESSAGE.format(seconds=check_timeout())
        except Exception as error:  # noqa: BLE001 - a crash on a probe is feedback too
            message = (f"Your cell raised {type(error).__name__} on a probe with zero "
                       f"weights: {error}.")
        result = CheckResult(result.exercise, FAILED,
                             with_hint(result.exercise, message, _HINT, hint))
    if show:
        print(result)
    return result


# ------------------------------------------------------------------------------ the GRU

_GRU_HINT = ("compute the input part (x_t times the kernel, plus the input bias, row 0) and "
             "the recurrent part (h_prev times the recurrent kernel, plus the recurrent bias, "
             "row 1) separately, and cut each into three blocks in the order z, r, h. The "
             "update and reset gates are sigmoids of their two parts added. The candidate is "
             "a tanh of the input part of block h plus the reset gate times the recurrent "
             "part of block h. In Keras's blend the update gate weights the OLD state.")


def reference_gru_cell(x_t: np.ndarray, h_prev: np.ndarray, kernel: np.ndarray,
                       recurrent_kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """The correct answer: ``h_t`` of :func:`rnncourse.scratch.gru.gru_cell_forward`
    (``reset_after=True``, Keras's blend)."""
    params = GRUParams(kernel, recurrent_kernel, bias, reset_after=True)
    return gru_cell_forward(params, x_t, states=(h_prev,)).output


def gru_cell_variant(x_t: np.ndarray, h_prev: np.ndarray, kernel: np.ndarray,
                     recurrent_kernel: np.ndarray, bias: np.ndarray, *,
                     order: Sequence[str] = ("z", "r", "h"), z_keeps_previous: bool = True,
                     reset: str = "after", recurrent_bias: bool = True,
                     candidate_activation: Callable[[np.ndarray], np.ndarray] = np.tanh,
                     ) -> np.ndarray:
    """A GRU step (``reset_after`` weights) with switchable mistakes; the defaults are right.

    ``reset`` is ``"after"`` (Keras: ``r * (h_prev W_h + b_rh)``), ``"before"``
    (``(r * h_prev) W_h + b_rh``, the original form applied to these weights), ``"outside"``
    (``r * (h_prev W_h) + b_rh``) or ``"none"`` (no reset gate).
    """
    units = h_prev.shape[1]
    input_bias, hidden_bias = bias[0], bias[1] if recurrent_bias else np.zeros_like(bias[1])
    x_part = dict(zip(order, np.split(x_t @ kernel + input_bias, 3, axis=1), strict=True))
    columns = {gate: slice(k * units, (k + 1) * units) for k, gate in enumerate(order)}
    h_part = dict(zip(order, np.split(h_prev @ recurrent_kernel + hidden_bias, 3, axis=1),
                      strict=True))
    z = sigmoid(x_part["z"] + h_part["z"])
    r = sigmoid(x_part["r"] + h_part["r"])
    if reset == "after":
        recurrent = r * h_part["h"]
    elif reset == "before":
        recurrent = (r * h_prev) @ recurrent_kernel[:, columns["h"]] + hidden_bias[columns["h"]]
    elif reset == "outside":
        recurrent = r * (h_prev @ recurrent_kernel[:, columns["h"]]) + hidden_bias[columns["h"]]
    else:
        recurrent = h_part["h"]
    candidate = candidate_activation(x_part["h"] + recurrent)
    if z_keeps_previous:
        return z * h_prev + (1 - z) * candidate
    return (1 - z) * h_prev + z * candidate


def _gru_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, inputs, units in ((3, 4, 5), (1, 2, 3), (4, 3, 2)):
        cases.append((rng.normal(size=(batch, inputs)), rng.normal(size=(batch, units)),
                      rng.normal(size=(inputs, 3 * units)) * 0.7,
                      rng.normal(size=(units, 3 * units)) * 0.7,
                      rng.normal(size=(2, 3 * units)) * 0.7))
    return cases


def check_gru_cell(learner: Callable, show: bool = True, hint: bool = False) -> CheckResult:
    """Check ``learner(x_t, h_prev, kernel, recurrent_kernel, bias) -> h_t``.

    Keras's default GRU (``reset_after=True``): ``kernel`` ``(input_dim, 3 * units)``,
    ``recurrent_kernel`` ``(units, 3 * units)``, blocks z, r, h; ``bias`` ``(2, 3 * units)``,
    row 0 added to the input part and row 1 to the recurrent part.
    """
    def variant(**kwargs: Any) -> Callable[..., np.ndarray]:
        return lambda *args: gru_cell_variant(*args, **kwargs)

    mistakes = [
        Mistake(variant(z_keeps_previous=False),
                "The blend is the other textbook convention: you let z weight the candidate. "
                "Keras lets the update gate weight the old state (z near 1 keeps h_prev) and "
                "1 - z the candidate."),
        Mistake(variant(order=("r", "z", "h")),
                "The update and reset gates are swapped: Keras's blocks come in the order "
                "z, r, h, so the update gate is the first block of columns and the reset "
                "gate the second."),
        Mistake(variant(reset="before"),
                "The reset gate is applied before the recurrent product (the original GRU, "
                "reset_after=False). Keras's default multiplies the reset gate with the "
                "result of the product, recurrent bias included."),
        Mistake(variant(reset="outside"),
                "The recurrent bias of the candidate sits outside the reset gate. With "
                "reset_after=True the reset gate scales the whole recurrent part of block h: "
                "the product and its bias (row 1) together."),
        Mistake(variant(recurrent_bias=False),
                "The recurrent bias is missing: bias has two rows, row 0 for the input part "
                "and row 1 for the recurrent part; add both."),
        Mistake(variant(reset="none"),
                "The reset gate is missing: it must scale the recurrent part of the "
                "candidate's block, so that the cell can ignore its old state."),
        Mistake(variant(candidate_activation=sigmoid),
                "The candidate is wrong: it uses tanh (a signed amount, -1 to 1), not sigmoid."),
    ]
    result = run_check("gru_cell", learner, reference_gru_cell, _gru_cases(9), mistakes,
                       hint=_GRU_HINT, hint_requested=hint, show=False)
    if show:
        print(result)
    return result


# ---------------------------------------------------------------------- parameter counts

_COUNT_HINT = ("a SimpleRNN has one block: a weight from every input and from every unit "
               "of the previous state to every unit, plus one bias per unit. An LSTM has one "
               "such block per gate and candidate, a GRU one per update gate, reset gate and "
               "candidate. With reset_after=True the GRU's recurrent part has a bias of its "
               "own.")
_BLOCKS = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def reference_parameter_count(cell: str, input_size: int, units: int,
                              reset_after: bool = True) -> int:
    """Weights of one Keras layer: SimpleRNN, LSTM or GRU (``reset_after`` for the GRU)."""
    one_of("cell", cell, tuple(_BLOCKS))
    if cell == "SimpleRNN":
        return simple_rnn_parameter_count(input_size, units)
    if cell == "LSTM":
        return lstm_parameter_count(input_size, units)
    return gru_parameter_count(input_size, units, reset_after)


def _count_cases() -> list[tuple]:
    return [("SimpleRNN", 3, 7), ("LSTM", 5, 8), ("GRU", 10, 20, False), ("GRU", 10, 20, True),
            ("LSTM", 1, 1), ("GRU", 4, 3), ("SimpleRNN", 12, 2), ("LSTM", 32, 64)]


def check_parameter_count(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(cell, input_size, units, reset_after=True) -> number of weights``.

    ``cell`` is ``"SimpleRNN"``, ``"LSTM"`` or ``"GRU"``; ``reset_after`` matters for the GRU
    only (Keras's default is True).
    """
    def blocks(cell: str, n: int, u: int, reset_after: bool = True, *, second_bias: bool = True,
               bias: bool = True, shared_recurrent: bool = False,
               table: dict[str, int] | None = None) -> int:
        g = (table or _BLOCKS)[cell]
        recurrent = u * u if shared_recurrent else g * u * u
        total = g * u * n + recurrent + (g * u if bias else 0)
        if bias and second_bias and cell == "GRU" and reset_after:
            total += g * u
        return total

    mistakes = [
        Mistake(lambda *a: blocks(*a, second_bias=False),
                "Right for the SimpleRNN and the LSTM, but a GRU with reset_after=True (Keras's "
                "default) has a second bias: its recurrent part has a bias of its own, 3 * "
                "units more weights."),
        Mistake(lambda *a: blocks(*a, bias=False),
                "The biases are missing: every block has one bias per unit."),
        Mistake(lambda *a: blocks(*a, table={"SimpleRNN": 1, "LSTM": 3, "GRU": 4}),
                "The block counts are swapped: an LSTM has four blocks (input, forget and "
                "output gates and the candidate), a GRU three (update gate, reset gate, "
                "candidate)."),
        Mistake(lambda *a: blocks(*a, table={"SimpleRNN": 1, "LSTM": 1, "GRU": 1}),
                "You count one block for every cell: each gate of an LSTM or GRU has its own "
                "input weights, recurrent weights and bias, like a SimpleRNN of its own."),
        Mistake(lambda *a: blocks(*a, shared_recurrent=True),
                "The recurrent weights are counted once: each gate (and the candidate) has "
                "its own units x units recurrent block."),
    ]
    result = run_check("parameter_count", learner, reference_parameter_count, _count_cases(),
                       mistakes, hint=_COUNT_HINT, hint_requested=hint, show=False, atol=0.5)
    if show:
        print(result)
    return result
