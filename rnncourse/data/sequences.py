"""Sequence preparation: windows, chronological splits, train-only scaling, one-hot codes.

The functions here turn raw series and token lists into the arrays models train on,
and refuse input that would silently give garbage (a window longer than the series,
a 3-D array where a series was expected, text where numbers were expected).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError, ShapeError
from rnncourse.validation import MAX_COUNT, as_float, as_float_array, as_int, one_of


def as_series(values, name: str = "series") -> np.ndarray:
    """Return ``values`` as a float array of shape ``(time,)`` or ``(time, features)``.

    Raises:
        ShapeError: the data is not numeric, holds NaN or infinities, is empty, or has a
            rank other than 1 or 2.
    """
    array = as_float_array(name, values, finite=True)
    if array.ndim not in (1, 2):
        raise ShapeError(
            f"{name} must be 1-D (time,) or 2-D (time, features); got shape {array.shape}. "
            "Pass one series at a time, or reshape with array.reshape(len(array), -1)."
        )
    if array.shape[0] == 0:
        raise ShapeError(f"{name} is empty; it needs at least one time step.")
    return array


def autocorrelation(series, max_lag: int) -> np.ndarray:
    """The autocorrelation of a 1-D series at lags ``0 .. max_lag``.

    With ``c = x - mean(x)`` (the mean of the whole series), lag ``k`` gives
    ``r(k) = sum_t c[t] c[t + k] / sum_t c[t]**2``: 1 at lag 0, between -1 and 1 after,
    and near 0 (within about ``2 / sqrt(len(x))``) for a series whose steps are independent.

    Raises:
        ShapeError: the series is not 1-D, or is constant (it has no variation to correlate).
        InputError: ``max_lag`` is negative or not shorter than the series.
    """
    values = as_series(series)
    if values.ndim != 1:
        raise ShapeError(f"autocorrelation takes one series, shape (time,); got {values.shape}. "
                         "Pass one column at a time.")
    max_lag = as_int("max_lag", max_lag, minimum=0)
    if max_lag >= len(values):
        raise InputError(f"max_lag={max_lag} needs a series longer than {max_lag} steps; this "
                         f"one has {len(values)}. Use max_lag < len(series).")
    centred = values - values.mean()
    total = float(np.sum(centred**2))
    if total == 0:
        raise ShapeError("The series is constant, so its autocorrelation is undefined (0 / 0).")
    return np.array([1.0] + [float(np.sum(centred[:-lag] * centred[lag:])) / total
                             for lag in range(1, max_lag + 1)])


def make_windows(
    series,
    window: int,
    horizon: int = 1,
    target=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into supervised pairs: ``window`` past steps -> the value ``horizon`` ahead.

    Pair ``i`` uses steps ``i .. i+window-1`` as input and step ``i+window+horizon-1``
    as the target, so no input ever contains its own target.

    Args:
        series: Shape ``(time,)`` or ``(time, features)``.
        window: Number of past steps in each input.
        horizon: How far ahead the target lies (1 = the next step).
        target: Optional separate target series of the same length (e.g. a label
            column); defaults to ``series`` itself.

    Returns:
        ``(inputs, targets)`` with inputs of shape ``(pairs, window, features)`` and
        targets of shape ``(pairs,)`` for a 1-D target (or 1-D series) and
        ``(pairs, target_features)`` for a 2-D one.
    """
    values = as_series(series)
    if values.ndim == 1:
        values = values[:, None]
    targets = values if target is None else as_series(target, name="target")
    if targets.shape[0] != values.shape[0]:
        raise InputError(
            f"target has {targets.shape[0]} steps but series has {values.shape[0]}; "
            "they must be aligned step for step."
        )
    window = as_int("window", window, minimum=1)
    horizon = as_int("horizon", horizon, minimum=1)
    pairs = values.shape[0] - window - horizon + 1
    if pairs < 1:
        raise InputError(
            f"window={window} plus horizon={horizon} needs at least {window + horizon} steps, "
            f"but the series has only {values.shape[0]}. Use a shorter window or a longer series."
        )
    starts = np.arange(pairs)
    inputs = values[starts[:, None] + np.arange(window)[None, :]]
    outputs = targets[starts + window + horizon - 1]
    if target is None and np.asarray(series).ndim == 1:
        outputs = outputs[:, 0]
    return inputs, outputs


def chronological_split(
    *arrays: np.ndarray,
    fractions: Sequence[float] = (0.7, 0.15, 0.15),
) -> list[tuple[np.ndarray, ...]]:
    """Split arrays along their first axis into consecutive parts, earliest first.

    No shuffling: the model is trained on the past and judged on the future, as it
    will be used. With windowed pairs, neighbouring windows overlap, so a shuffled split
    would put near-copies of test windows into training.

    Args:
        *arrays: Arrays with the same first dimension (e.g. inputs and targets).
        fractions: Positive fractions summing to 1, e.g. ``(0.7, 0.15, 0.15)``.

    Returns:
        One tuple per part, holding that slice of every array.
    """
    if not arrays:
        raise InputError("chronological_split needs at least one array.")
    for position, array in enumerate(arrays):
        if not hasattr(array, "__len__") or isinstance(array, str):
            raise ArgumentTypeError(f"Array {position} to split is {type(array).__name__}; pass "
                                    "arrays (or lists) with one row per time step.")
    if isinstance(fractions, str) or not isinstance(fractions, Sequence):
        raise ArgumentTypeError(f"fractions must be a list of numbers such as (0.7, 0.15, "
                                f"0.15); got {fractions!r:.40}.")
    length = len(arrays[0])
    for array in arrays[1:]:
        if len(array) != length:
            raise InputError(
                f"All arrays must have the same length; got {[len(a) for a in arrays]}."
            )
    fractions = [as_float("fractions", f) for f in fractions]
    if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise InputError(f"fractions must be positive and sum to 1; got {fractions}.")
    bounds = np.round(np.cumsum([0.0, *fractions]) * length).astype(int)
    bounds[-1] = length
    if np.any(np.diff(bounds) < 1):
        raise InputError(
            f"{length} rows are too few to split into {fractions}: some part would be empty."
        )
    return [tuple(array[start:stop] for array in arrays)
            for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]


@dataclass
class StandardScaler:
    """Per-feature standardisation whose mean and spread come from training data only.

    Fit it on the training part, then apply the same numbers to validation and test:
    fitting on everything lets future values leak into the past.
    """

    mean: np.ndarray | None = None
    scale: np.ndarray | None = None

    def fit(self, data) -> StandardScaler:
        """Learn the mean and standard deviation of each feature (last axis)."""
        values = as_float_array("data", data, finite=True)
        if values.ndim == 0:
            raise ShapeError("Fit the scaler on an array of values (time,) or (time, features), "
                             f"not a single number ({data!r:.30}).")
        if values.size == 0:
            raise InputError("Cannot fit a scaler on empty data: pass the training part.")
        flat = values.reshape(-1, values.shape[-1]) if values.ndim > 1 else values[:, None]
        self.mean = flat.mean(axis=0)
        spread = flat.std(axis=0)
        self.scale = np.where(spread > 0, spread, 1.0)  # constant features stay finite
        return self

    def _check_fitted(self, values: np.ndarray) -> None:
        if self.mean is None or self.scale is None:
            raise InputError("Call fit(train_data) before transform; the scaler is empty.")
        features = values.shape[-1] if values.ndim > 1 else 1
        if features != self.mean.shape[0]:
            raise InputError(
                f"The scaler was fitted on {self.mean.shape[0]} features but got {features}."
            )

    def transform(self, data) -> np.ndarray:
        """Standardise ``data`` with the fitted mean and scale."""
        values = as_float_array("data", data)
        self._check_fitted(values)
        if values.ndim == 1:
            return (values - self.mean[0]) / self.scale[0]
        return (values - self.mean) / self.scale

    def inverse_transform(self, data) -> np.ndarray:
        """Undo :meth:`transform`."""
        values = as_float_array("data", data)
        self._check_fitted(values)
        if values.ndim == 1:
            return values * self.scale[0] + self.mean[0]
        return values * self.scale + self.mean

    def fit_transform(self, data) -> np.ndarray:
        """Fit on ``data`` and return it standardised."""
        return self.fit(data).transform(data)


def one_hot(indices, depth: int) -> np.ndarray:
    """One-hot encode integer ``indices`` (any shape) into vectors of length ``depth``."""
    array = np.asarray(indices)
    if not np.issubdtype(array.dtype, np.integer):
        raise InputError(
            f"one_hot needs integer indices; got dtype {array.dtype}. Map tokens to "
            "integers first, e.g. with Vocabulary.encode."
        )
    depth = as_int("depth", depth, minimum=1, maximum=MAX_COUNT)
    if array.size * depth > 50 * MAX_COUNT:
        raise InputError(f"{array.size} one-hot vectors of {depth} entries would not fit in "
                         "memory; use a smaller vocabulary or encode fewer indices at once.")
    if array.size and (array.min() < 0 or array.max() >= depth):
        raise InputError(
            f"Indices must lie in [0, {depth - 1}]; got values from {array.min()} to "
            f"{array.max()}. Is the vocabulary size (depth) right?"
        )
    return np.eye(depth, dtype=np.float32)[array]


@dataclass
class Vocabulary:
    """A token <-> integer mapping built from example text.

    Index 0 is reserved for unknown tokens (``"<unk>"``), so unseen words still map
    somewhere instead of raising in the middle of an experiment.
    """

    tokens: list[str]
    level: str = "word"

    UNKNOWN: ClassVar[str] = "<unk>"

    @classmethod
    def from_texts(cls, texts: Iterable[str], level: str = "word",
                   max_size: int | None = None) -> Vocabulary:
        """Build a vocabulary from texts, most frequent tokens first.

        Args:
            texts: The example strings.
            level: ``"word"`` (lower-cased, split on whitespace) or ``"char"``.
            max_size: Keep at most this many tokens (the unknown token included).
        """
        if isinstance(texts, str):
            raise InputError("Vocabulary.from_texts takes a list of texts; wrap one text in a "
                             "list: Vocabulary.from_texts([text]).")
        if not isinstance(texts, Iterable):
            raise ArgumentTypeError("Vocabulary.from_texts takes a list of texts; got "
                                    f"{type(texts).__name__}.")
        if max_size is not None:
            max_size = as_int("max_size", max_size, minimum=1)
        counts: dict[str, int] = {}
        for text in texts:
            for token in tokenize(text, level):
                counts[token] = counts.get(token, 0) + 1
        ordered = sorted(counts, key=lambda token: (-counts[token], token))
        tokens = [cls.UNKNOWN, *ordered]
        if max_size is not None:
            tokens = tokens[:max_size]
        return cls(tokens, level)

    def __post_init__(self) -> None:
        one_of("level", self.level, ("word", "char"))
        self.index = {token: position for position, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> np.ndarray:
        """Map a text to integer ids (unknown tokens become 0)."""
        return np.array([self.index.get(token, 0) for token in tokenize(text, self.level)],
                        dtype=np.int64)

    def decode(self, ids) -> list[str]:
        """Map integer ids back to tokens."""
        return [self.tokens[int(i)] for i in np.asarray(ids).ravel()]

    def bag_of_words(self, text: str) -> np.ndarray:
        """Count vector of ``text`` over this vocabulary: word order is discarded."""
        return np.bincount(self.encode(text), minlength=len(self)).astype(np.float32)


def tokenize(text: str, level: str = "word") -> list[str]:
    """Split ``text`` into lower-case words (punctuation stripped) or characters."""
    if not isinstance(text, str):
        raise ArgumentTypeError(f"tokenize expects a string; got {type(text).__name__}.")
    one_of("level", level, ("word", "char"))
    if level == "char":
        return list(text)
    cleaned = "".join(ch if ch.isalnum() or ch.isspace() or ch == "'" else " "
                      for ch in text.lower())
    return cleaned.split()
