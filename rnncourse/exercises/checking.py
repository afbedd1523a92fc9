"""The checking machinery every exercise uses: run, compare, diagnose, report.

Feedback comes in steps, as a good tutor gives it. The first answer that is wrong is told
*what* is wrong (the likely mistake, or which case and how). A hint about *how* to get there
comes only when the learner asks for it (``check_...(my_function, hint=True)``) or after a
second wrong attempt, and hints never contain the solution's code.

Learner code is run defensively: on deep copies of the inputs (so a function that changes
its arguments in place cannot change what the reference sees, and is told so), under a
time limit (an endless loop is stopped and reported, default :data:`DEFAULT_TIMEOUT_S`
seconds, ``RNNCOURSE_CHECK_TIMEOUT`` to change it), and its answer must be numbers, not text.
"""

from __future__ import annotations

import copy
import inspect
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"

DEFAULT_TIMEOUT_S = 10.0
"""Seconds one call of a learner's function may take before the check stops it."""
TIMEOUT_ENV = "RNNCOURSE_CHECK_TIMEOUT"


class LearnerTimeout(BaseException):  # noqa: N818 - a BaseException, so `except Exception` in
    """The learner's function ran past its time limit."""  # learner code cannot swallow it


def check_timeout(timeout: float | None = None) -> float:
    """The time limit to use: ``timeout``, else ``RNNCOURSE_CHECK_TIMEOUT``, else the default."""
    if timeout is None:
        raw = os.environ.get(TIMEOUT_ENV, "").strip()
        try:
            timeout = float(raw) if raw else DEFAULT_TIMEOUT_S
        except ValueError:
            timeout = DEFAULT_TIMEOUT_S
    return max(float(timeout), 0.01)


def _call_with_timeout(function: Callable[..., Any], args: tuple, timeout: float) -> Any:
    """Call ``function(*args)``; raise :class:`LearnerTimeout` after ``timeout`` seconds."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def stop(signum: int, frame: Any) -> None:
            raise LearnerTimeout

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return function(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    # Not the main thread (or no SIGALRM): run in a helper thread and stop waiting for it.
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise LearnerTimeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _same(before: Any, after: Any) -> bool:
    try:
        if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
            return bool(np.array_equal(before, after, equal_nan=True))
        return bool(before == after)
    except Exception:  # noqa: BLE001 - unusual objects: assume unchanged
        return True


@dataclass(frozen=True)
class LearnerCall:
    """One guarded call of the learner's function: its answer and what it changed."""

    answer: Any
    changed: tuple[str, ...]  # names of the arguments the function modified in place


def parameter_names(function: Callable[..., Any], count: int) -> list[str]:
    """The names of a function's first ``count`` parameters (``argument 1``... if unknown)."""
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def call_learner(learner: Callable[..., Any], case: Sequence[Any],
                 timeout: float | None = None) -> LearnerCall:
    """Run ``learner`` on a deep copy of ``case`` under a time limit.

    Raises:
        LearnerTimeout: the call took longer than the limit.
    """
    given = copy.deepcopy(tuple(case))
    answer = _call_with_timeout(learner, given, check_timeout(timeout))
    names = parameter_names(learner, len(given))
    changed = tuple(name for name, before, after in zip(names, case, given, strict=True)
                    if not _same(before, after))
    return LearnerCall(answer, changed)


def guarded(learner: Callable[..., Any], timeout: float | None = None) -> Callable[..., Any]:
    """``learner`` wrapped by :func:`call_learner`: copies its inputs, enforces the time limit."""

    def run(*args: Any) -> Any:
        return call_learner(learner, args, timeout).answer

    return run


def holds_text(value: Any) -> bool:
    """True when an answer is (or contains) text where numbers were expected."""
    if isinstance(value, str | bytes):
        return True
    if isinstance(value, tuple | list):
        return any(holds_text(part) for part in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO" and any(isinstance(v, str | bytes)
                                                 for v in value.ravel()[:100])
    return False


_FAILED_ATTEMPTS: dict[str, int] = {}  # exercise name -> wrong or crashing attempts so far


def attempts(exercise: str) -> int:
    """How many wrong (or crashing) answers to ``exercise`` were checked in this session."""
    return _FAILED_ATTEMPTS.get(exercise, 0)


def reset_attempts(exercise: str | None = None) -> None:
    """Forget the attempts of one exercise (or of all), so the next hint waits again."""
    if exercise is None:
        _FAILED_ATTEMPTS.clear()
    else:
        _FAILED_ATTEMPTS.pop(exercise, None)


HINT_OFFER = "Stuck? Run the check again with hint=True for a hint."


def with_hint(exercise: str, message: str, hint: str, hint_requested: bool) -> str:
    """``message`` plus the hint when it was asked for or this is a repeated wrong attempt,
    else plus the offer of a hint."""
    if not hint:
        return message
    if hint_requested or attempts(exercise) >= 2:
        return f"{message} Hint: {hint}"
    return f"{message} {HINT_OFFER}"


TIMEOUT_MESSAGE = ("Your function ran for more than {seconds:g} s on a small test case and was "
                   "stopped: look for a loop whose condition never becomes false (or that "
                   "never advances its counter). If your kernel stays busy, interrupt or "
                   "restart it.")


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one exercise check.

    Attributes:
        exercise: The exercise's name.
        status: ``"passed"``, ``"failed"``, ``"not attempted"`` or ``"error"``.
        message: Feedback for the learner.
        unexplained: True when the answer is wrong but matches no known mistake (only then
            may a check probe further to say which part is wrong).
    """

    exercise: str
    status: str
    message: str
    unexplained: bool = False

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
    """Compare outputs that may be arrays, numbers or tuples of arrays (text never matches)."""
    if holds_text(actual):
        return False
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
    timeout: float | None = None,
    hint_requested: bool = False,
) -> CheckResult:
    """Compare ``learner`` with ``reference`` on ``cases`` and diagnose a wrong answer.

    Args:
        exercise: Name shown in the feedback.
        learner: The learner's function.
        reference: The correct implementation.
        cases: Argument tuples to call both with (random inputs, edge cases).
        mistakes: Plausible wrong answers; the first one the learner agrees with on
            every case is named in the feedback.
        hint: How to approach the exercise, never its code. Shown only when asked
            (``hint_requested``) or from the second wrong attempt on.
        atol: Absolute tolerance for numeric comparison.
        show: Print the result (set ``False`` in tests).
        timeout: Seconds one call of ``learner`` may take (default
            :data:`DEFAULT_TIMEOUT_S`, or ``RNNCOURSE_CHECK_TIMEOUT``).
        hint_requested: The learner asked for the hint (``check_...(fn, hint=True)``).
    """

    def finish(status: str, message: str, unexplained: bool = False,
               offer_hint: bool = False) -> CheckResult:
        if status in (FAILED, ERROR):
            _FAILED_ATTEMPTS[exercise] = attempts(exercise) + 1
        if offer_hint:
            message = with_hint(exercise, message, hint, hint_requested)
        result = CheckResult(exercise, status, message, unexplained)
        if show:
            print(result)
        return result

    if not callable(learner):
        return finish(ERROR, f"The check needs your function itself, not its result: pass the "
                             f"name without brackets (e.g. check(my_function)), got "
                             f"{type(learner).__name__}.")
    seconds = check_timeout(timeout)
    answers = []
    for case in cases:
        try:
            call = call_learner(learner, case, seconds)
        except NotImplementedError:
            return finish(NOT_ATTEMPTED, "Not attempted yet: replace `raise NotImplementedError` "
                                         "with your code and run the cell again.",
                          offer_hint=True)
        except LearnerTimeout:
            return finish(ERROR, TIMEOUT_MESSAGE.format(seconds=seconds))
        except Exception as error:  # noqa: BLE001 - any learner bug becomes feedback
            return finish(ERROR, f"Your function raised {type(error).__name__}: {error}.",
                          offer_hint=True)
        answer = call.answer
        if answer is None:
            return finish(NOT_ATTEMPTED, "Your function returned None: did you forget "
                                         "`return`?")
        if call.changed:
            return finish(FAILED, f"Your function changed its input {', '.join(call.changed)} "
                                  "in place, so the caller's data is altered. Leave the inputs "
                                  "as they are: build new arrays (or work on a .copy()).")
        if holds_text(answer):
            return finish(FAILED, f"Your function returned text ({answer!r:.60}) where numbers "
                                  "are expected: return the number itself, not a string.")
        answers.append(answer)

    expected = [reference(*copy.deepcopy(tuple(case))) for case in cases]
    if all(outputs_match(a, e, atol) for a, e in zip(answers, expected, strict=True)):
        return finish(PASSED, f"Correct on all {len(cases)} test cases. Well done!")

    for mistake in mistakes:
        matches = True
        for case, answer in zip(cases, answers, strict=True):
            try:
                wrong = mistake.function(*copy.deepcopy(tuple(case)))
            except Exception:  # noqa: BLE001 - a mistake that cannot run cannot match
                matches = False
                break
            if not outputs_match(answer, wrong, atol):
                matches = False
                break
        if matches:
            return finish(FAILED, mistake.feedback, offer_hint=bool(hint_requested))

    for case_number, (answer, want) in enumerate(zip(answers, expected, strict=True)):
        if not outputs_match(answer, want, atol):
            got_shape, want_shape = _shape_of(answer), _shape_of(want)
            if got_shape != want_shape:
                return finish(FAILED, f"Case {case_number + 1}: your output has shape "
                                      f"{got_shape}, expected {want_shape}.", unexplained=True,
                              offer_hint=True)
            return finish(FAILED, f"Case {case_number + 1}: the shape is right but the values "
                                  "differ from the reference.", unexplained=True,
                          offer_hint=True)
    return finish(FAILED, "Your answer differs from the reference.",  # pragma: no cover
                  unexplained=True)
