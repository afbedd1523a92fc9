"""The validators every public function uses at its boundary, written once.

Each one takes the argument's *name* as the learner typed it, so a message reads
``window must be a positive whole number; got -3.`` rather than a NumPy broadcast error
from three calls deeper. They raise :class:`~rnncourse.errors.InputError` or
:class:`~rnncourse.errors.ShapeError` (both ``ValueError`` subclasses) and return the
value converted to the type the caller computes with.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError

__all__ = [
    "MAX_COUNT",
    "MAX_LENGTH",
    "as_flag",
    "as_float",
    "as_float_array",
    "as_text",
    "require_callable",
    "as_int",
    "as_seed",
    "generator_from",
    "check_mask",
    "one_of",
    "positive_float",
    "require_rank",
    "require_shape",
]


MAX_COUNT = 10_000_000
"""The most examples, clips or tokens a generator or encoder is asked to hold at once."""
MAX_LENGTH = 1_000_000
"""The longest sequence (time steps, characters) a function is asked to build or run."""


def _describe(value: Any) -> str:
    """A short description of a value for a message: its repr, cut, and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def as_int(name: str, value: Any, *, minimum: int | None = None,
           maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``, refusing booleans, fractions and text.

    Args:
        name: The argument's name, for the message.
        value: What the caller passed.
        minimum, maximum: Inclusive bounds, when there are any.

    Raises:
        InputError: ``value`` is not a whole number or lies outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and \
                float(value).is_integer():
            value = int(value)  # 3.0 is a whole number; accept it
        else:
            hint = " Convert it with int(...) first." if isinstance(value, str) else ""
            raise InputError(f"{name} must be a whole number; got {_describe(value)}.{hint}")
    value = int(value)
    if minimum is not None and value < minimum:
        wanted = {0: "zero or more", 1: "a positive whole number"}.get(
            minimum, f"at least {minimum}")
        raise InputError(f"{name} must be {wanted}; got {value}.")
    if maximum is not None and value > maximum:
        raise InputError(f"{name} must be at most {maximum:,}; got {value:,}, which would not "
                         "fit in memory or would run for hours. Use a smaller value.")
    return value


def as_seed(name: str, value: Any) -> int:
    """Return a seed for ``np.random.default_rng``: a whole number from 0 up."""
    if isinstance(value, np.random.Generator):
        raise InputError(f"{name} must be a whole number, not a Generator; pass the seed "
                         "that made it.")
    seed = as_int(name, value)
    if seed < 0:
        raise InputError(f"{name} must be zero or a positive whole number (NumPy's random "
                         f"generators take no negative seeds); got {seed}.")
    return seed


def generator_from(seed: Any, name: str = "seed") -> np.random.Generator:
    """A NumPy ``Generator``: ``seed`` itself if it is one, else ``default_rng(seed)``.

    A generator passed in is used (and advanced) as is; a seed is checked first, so a
    negative or fractional seed gets a message instead of NumPy's.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_seed(name, seed))


def as_flag(name: str, value: Any) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (NumPy booleans included)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise InputError(f"{name} must be True or False; got {_describe(value)}.")


def as_float(name: str, value: Any) -> float:
    """Return ``value`` as a finite ``float`` (any sign), refusing booleans and text."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not np.isfinite(float(value)):
        raise InputError(f"{name} must be a finite number; got {_describe(value)}.")
    return float(value)


def as_text(name: str, value: Any) -> str:
    """Return ``value`` if it is a string; otherwise say what it is."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string; got {_describe(value)}.")
    return value


def require_callable(name: str, value: Any) -> Callable[..., Any]:
    """Return ``value`` if it can be called (a function, a model's method, ...)."""
    if not callable(value):
        raise ArgumentTypeError(f"{name} must be a function you pass by name (no brackets); "
                                f"got {_describe(value)}.")
    return value


def positive_float(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite ``float`` above zero (or from zero with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number; got {_describe(value)}.")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        wanted = "zero or more" if allow_zero else "greater than zero"
        raise InputError(f"{name} must be a finite number {wanted}; got {value!r}.")
    return number


def one_of(name: str, value: Any, options: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``options``; otherwise say which ones exist."""
    options = tuple(options)
    known = isinstance(value, Hashable) and not isinstance(value, np.ndarray) and any(
        value == option and (isinstance(value, type(option)) or isinstance(option, type(value)))
        for option in options)
    if not known:
        raise InputError(f"{name} must be one of {', '.join(map(repr, options))}; "
                         f"got {value!r}.")
    return value


def as_float_array(name: str, value: Any, *, rank: int | None = None, meaning: str = "",
                   finite: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 array, with its rank and finiteness checked.

    Args:
        name: The argument's name, for the message.
        value: Anything ``np.asarray`` turns into numbers.
        rank: The number of axes required, if one is.
        meaning: What the axes are, e.g. ``"(batch, time, features)"``.
        finite: Also refuse NaN and infinite entries.

    Raises:
        ShapeError: the value is not numeric, has the wrong rank or holds NaN/inf.
    """
    if value is None:
        raise ShapeError(f"{name} is None; pass a numeric array{' ' + meaning if meaning else ''}.")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ShapeError(
            f"{name} must be numeric; got {_describe(value)}. Convert text or ragged lists "
            "to a rectangular array of numbers first.") from None
    if rank is not None:
        require_rank(name, array, rank, meaning)
    if finite and not np.all(np.isfinite(array)):
        where = np.argwhere(~np.isfinite(array))[:3].tolist()
        raise ShapeError(f"{name} contains NaN or infinite values (at {where}); fill or drop "
                         "them first.")
    return array


def require_rank(name: str, array: np.ndarray, rank: int, meaning: str = "") -> None:
    """Raise :class:`ShapeError` unless ``array`` has ``rank`` axes."""
    if np.ndim(array) != rank:
        raise ShapeError(f"{name} must have rank {rank}{' ' + meaning if meaning else ''}; "
                         f"got shape {np.shape(array)}.")


def require_shape(name: str, array: np.ndarray, shape: Sequence[int | None],
                  meaning: str = "") -> None:
    """Raise :class:`ShapeError` unless ``array`` has ``shape`` (``None`` matches any size)."""
    actual = np.shape(array)
    if len(actual) != len(shape) or any(
            want is not None and got != want for got, want in zip(actual, shape, strict=False)):
        wanted = tuple("any" if size is None else size for size in shape)
        raise ShapeError(f"{name} must have shape {meaning + ' = ' if meaning else ''}"
                         f"{wanted}; got {actual}.")


def check_mask(mask: Any, batch: int, steps: int, name: str = "mask") -> np.ndarray | None:
    """Validate a padding mask and return it as a ``(batch, time)`` bool array.

    ``True`` (or 1) marks a real step, ``False`` (or 0) a padded one, as in Keras.
    ``None`` means no mask and is returned unchanged.
    """
    if mask is None:
        return None
    mask_array = np.asarray(mask)
    if mask_array.shape != (batch, steps):
        raise ShapeError(f"{name} must have shape (batch, time) = ({batch}, {steps}); got "
                         f"{mask_array.shape}.")
    if mask_array.dtype != bool:
        if not np.isin(mask_array, (0, 1)).all():
            raise ShapeError(f"{name} must hold booleans (or 0/1): True for real steps, False "
                             "for padding.")
        mask_array = mask_array.astype(bool)
    return mask_array
