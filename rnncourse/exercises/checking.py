"""The checking machinery every exercise uses: run, compare, diagnose, report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one exercise check.

    Attributes:
        exercise: The exercise's name.
        status: ``"passed"``, ``"failed"``, ``"not attempted"`` or ``"error"``.
        message: Feedback for the learner.
    """

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        icon = {PASSED: "[passed]", FAILED: "[not yet]", NOT_ATTEMPTED: "[to do]",
                ERROR: "[error]"}[self.status]
        return f"{icon} {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {PASSED: "#1a7f37", FAILED: "#b35900", NOT_ATTEMPTED: "#555555",
                  ERROR: "#b00020"}[self.status]
        return (f'<div style="border-left:4px solid {colour};padding:4px 8px">'
                f"<b>{self.exercise}</b> ({self.status})<br>{self.message}</div>")


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer and the feedback that explains it."""

    function: Callable[..., Any]
    feedback: str


def outputs_match(actual: Any, expected: Any, atol: float) -> bool:
    """Compare outputs that may be arrays, numbers or tuples of arrays."""
    if isinstance(expected, tuple):
        return (isinstance(actual, tuple | list) and len(actual) == len(expected)
                and all(outputs_match(a, e, atol) for a, e in zip(actual, expected, strict=True)))
    try:
        actual_array = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    expected_array = np.asarray(expected, dtype=np.float64)
    if actual_array.size == 0 and expected_array.size == 0:
        return True  # empty results agree whatever shape the empty list took
    return (actual_array.shape == expected_array.shape
            and bool(np.allclose(actual_array, expected_array, atol=atol, rtol=0)))


def _shape_of(value: Any) -> Any:
    if isinstance(value, tuple | list) and value and not np.isscalar(value[0]):
        return tuple(np.shape(part) for part in value)
    return np.shape(value)


def run_check(
    exercise: str,
    learner: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    mistakes: Sequence[Mistake] = (),
    hint: str = "",
    atol: float = 1e-6,
    show: bool = True,
) -> CheckResult:
    """Compare ``learner`` with ``reference`` on ``cases`` and diagnose a wrong answer.

    Args:
        exercise: Name shown in the feedback.
        learner: The learner's function.
        reference: The correct implementation.
        cases: Argument tuples to call both with (random inputs, edge cases).
        mistakes: Plausible wrong answers; the first one the learner agrees with on
            every case is named in the feedback.
        hint: Printed when the exercise has not been attempted or raises.
        atol: Absolute tolerance for numeric comparison.
        show: Print the result (set ``False`` in tests).
    """

    def finish(status: str, message: str) -> CheckResult:
        result = CheckResult(exercise, status, message)
        if show:
            print(result)
        return result

    answers = []
    for case in cases:
        try:
            answer = learner(*case)
        except NotImplementedError:
            return finish(NOT_ATTEMPTED, f"Not attempted yet. Hint: {hint}")
        except Exception as error:  # noqa: BLE001 - any learner bug becomes feedback
            return finish(ERROR, f"Your function raised {type(error).__name__}: {error}. "
                                 f"Hint: {hint}")
        if answer is None:
            return finish(NOT_ATTEMPTED, "Your function returned None: did you forget "
                                         f"`return`? Hint: {hint}")
        answers.append(answer)

    expected = [reference(*case) for case in cases]
    if all(outputs_match(a, e, atol) for a, e in zip(answers, expected, strict=True)):
        return finish(PASSED, f"Correct on all {len(cases)} test cases. Well done!")

    for mistake in mistakes:
        matches = True
        for case, answer in zip(cases, answers, strict=True):
            try:
                wrong = mistake.function(*case)
            except Exception:  # noqa: BLE001 - a mistake that cannot run cannot match
                matches = False
                break
            if not outputs_match(answer, wrong, atol):
                matches = False
                break
        if matches:
            return finish(FAILED, mistake.feedback)

    for case_number, (answer, want) in enumerate(zip(answers, expected, strict=True)):
        if not outputs_match(answer, want, atol):
            got_shape, want_shape = _shape_of(answer), _shape_of(want)
            if got_shape != want_shape:
                return finish(FAILED, f"Case {case_number + 1}: your output has shape "
                                      f"{got_shape}, expected {want_shape}.")
            return finish(FAILED, f"Case {case_number + 1}: the shape is right but the values "
                                  f"differ from the reference. Hint: {hint}")
    return finish(FAILED, "Your answer differs from the reference.")  # pragma: no cover
