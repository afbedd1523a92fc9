"""Offline video data: short clips of handwritten digits whose class only motion reveals.

Two synthetic data sets, both built from the real 8x8 handwritten digit scans that ship
with scikit-learn (``sklearn.datasets.load_digits``), so nothing is downloaded:

* :func:`make_motion_clips` renders clips of one digit moving on a dark canvas. The six
  classes are *right*, *left*, *down*, *up*, *grow* and *shrink*. The generator is built so
  that a single frame picked at a random time says nothing about the class: every class
  has the same distribution of positions, sizes, digits and brightness over its frames
  (left is right played backwards, the coordinate that does not move and the size of a
  mover are drawn from the very distribution a moving coordinate or a growing size has).
  Only the change *between* frames tells the classes apart.
* :func:`make_digit_sequences` renders number sequences such as 1, 2, 4, 8 with digit
  images, one image per term, with the next term (16) as the target: the lecture's
  hybrid-model example.

:func:`clips_dataset` wraps either in a ``tf.data.Dataset``; :func:`single_frames`,
:func:`frame_statistics`, :func:`class_mean_z_scores`, :func:`first_last_statistics` and
:func:`nearest_centroid_accuracy` test that single frames are uninformative, and
:func:`shuffle_frames` removes the order of the frames to test what order carries. Rendering is
vectorised NumPy: bilinear sampling of a scaled sprite factorises into one interpolation
matrix per axis, so all frames are drawn with two batched matrix products and thousands
of clips take about a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from rnncourse.errors import InputError, MissingDependencyError
from rnncourse.validation import (
    MAX_COUNT,
    as_float,
    as_float_array,
    as_int,
    generator_from,
    positive_float,
)

MOTION_CLASSES: tuple[str, ...] = ("right", "left", "down", "up", "grow", "shrink")
SEQUENCE_RULES: tuple[str, ...] = ("double", "add")
DIGIT_SIDE = 8  # the scikit-learn digit scans are 8 x 8 pixels
_TEST_EVERY = 4  # every 4th digit scan is held out for the "test" subset

# Geometry as fractions of the canvas side: object side, centre margin, travel per clip.
_SIZE_RANGE = (0.25, 0.5)
_GROWTH_RANGE = (0.12, 0.2)  # how much the side grows over the whole clip
_TRAVEL_RANGE = (0.28, 0.42)  # how far a mover's centre travels over the whole clip


# --- digit images ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _all_digits() -> tuple[np.ndarray, np.ndarray]:
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - scikit-learn is a dependency
        raise MissingDependencyError(
            "rnncourse.data.generated.motion_clips needs scikit-learn for its digit images: "
            "`pip install scikit-learn` (it is listed in pyproject.toml)."
        ) from error
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    images.setflags(write=False)
    labels = digits.target.astype(np.int64)
    labels.setflags(write=False)
    return images, labels


def digit_images(subset: str = "all") -> tuple[np.ndarray, np.ndarray]:
    """Return the 8x8 handwritten digit scans (values in [0, 1]) and their digit labels.

    Args:
        subset: ``"all"`` (1,797 scans), ``"train"`` (three quarters) or ``"test"`` (every
            fourth scan). Train and test clips use different digit scans, so a model
            cannot score by remembering particular images. (The 1,797 scans come from 13
            writers and are not labelled by writer, so the split is by scan, not writer.)

    Returns:
        ``(images, labels)`` with shapes ``(n, 8, 8)`` and ``(n,)``.
    """
    images, labels = _all_digits()
    index = np.arange(len(images))
    if not isinstance(subset, str):
        raise InputError(f"subset must be 'all', 'train' or 'test'; got {subset!r:.40}.")
    if subset == "all":
        keep = index
    elif subset == "train":
        keep = index[index % _TEST_EVERY != _TEST_EVERY - 1]
    elif subset == "test":
        keep = index[index % _TEST_EVERY == _TEST_EVERY - 1]
    else:
        raise InputError(f"subset={subset!r:.40} is not one of 'all', 'train', 'test'.")
    return images[keep], labels[keep]


# --- rendering -------------------------------------------------------------------------


def render_sprites(sprites: np.ndarray, centres: np.ndarray, sides: np.ndarray,
                   canvas: int) -> np.ndarray:
    """Draw square images onto blank canvases at sub-pixel positions and sizes.

    Every output pixel looks up where it falls inside its sprite and samples it
    bilinearly (zero outside), all frames at once. Bilinear sampling of a scaled,
    unrotated sprite factorises into one interpolation matrix per axis, so each frame
    is two small matrix products.

    Args:
        sprites: ``(n, h, w)`` images to draw, one per canvas.
        centres: ``(n, 2)`` centre of each sprite as (row, column) in pixels.
        sides: ``(n,)`` side length of each drawn sprite in pixels.
        canvas: Side of the square output canvas in pixels.

    Returns:
        ``(n, canvas, canvas)`` float32 frames.
    """
    sprites = np.asarray(sprites, dtype=np.float32)
    centres = np.asarray(centres, dtype=np.float32)
    sides = np.asarray(sides, dtype=np.float32)
    if sprites.ndim != 3 or centres.shape != (len(sprites), 2) or sides.shape != (len(sprites),):
        raise InputError(
            f"Expected sprites (n, h, w), centres (n, 2) and sides (n,); got shapes "
            f"{sprites.shape}, {centres.shape} and {sides.shape}."
        )
    n, height, width = sprites.shape
    row_weights = _interpolation_weights(centres[:, 0], sides, height, canvas)
    col_weights = _interpolation_weights(centres[:, 1], sides, width, canvas)
    # Bilinear sampling of an axis-aligned, scaled sprite is separable:
    # frame = R @ sprite @ C.T with one linear-interpolation matrix per axis.
    return np.matmul(np.matmul(row_weights, sprites), col_weights.transpose(0, 2, 1))


def _interpolation_weights(centre: np.ndarray, side: np.ndarray, source: int,
                           canvas: int) -> np.ndarray:
    """``(n, canvas, source)`` linear-interpolation weights along one axis (zero outside)."""
    pixel = np.arange(canvas, dtype=np.float32) + 0.5
    # Source coordinate of every canvas pixel, +1 for a zero border on either side.
    coordinate = ((pixel[None, :] - (centre[:, None] - side[:, None] / 2))
                  * (source / side)[:, None] + 0.5)
    coordinate = np.clip(coordinate, 0, source + 1)  # the zero borders beyond the sprite
    lower = np.floor(coordinate).astype(np.int64)
    fraction = (coordinate - lower).astype(np.float32)
    index = np.arange(source + 2)
    weights = ((index == lower[..., None]) * (1 - fraction)[..., None]
               + (index == lower[..., None] + 1) * fraction[..., None])
    return weights[..., 1:-1].astype(np.float32)


# --- motion clips ----------------------------------------------------------------------


@dataclass(frozen=True)
class MotionClips:
    """A batch of motion clips and what generated them.

    Attributes:
        clips: ``(n, frames, size, size, 1)`` float32 pixel values in [0, 1].
        labels: ``(n,)`` class index into :attr:`class_names`.
        class_names: The motion class of each index.
        centres: ``(n, frames, 2)`` object centre (row, column) in pixels per frame.
        sides: ``(n, frames)`` object side length in pixels per frame.
        digits: ``(n,)`` which digit (0-9) each clip shows; unrelated to the class.
    """

    clips: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    centres: np.ndarray
    sides: np.ndarray
    digits: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def _trajectory(rng: np.random.Generator, n: int, frames: int, low: float, high: float,
                travel_range: tuple[float, float]) -> np.ndarray:
    """Values moving linearly from a random start by a random travel, inside [low, high]."""
    travel = rng.uniform(*travel_range, size=n)
    start = low + rng.uniform(size=n) * (high - low - travel)
    step = np.linspace(0.0, 1.0, frames)
    return start[:, None] + travel[:, None] * step[None, :]


def _frozen_like(rng: np.random.Generator, n: int, frames: int, low: float, high: float,
                 travel_range: tuple[float, float]) -> np.ndarray:
    """A constant value drawn from the same distribution a random frame of a trajectory has."""
    moving = _trajectory(rng, n, frames, low, high, travel_range)
    pick = rng.integers(0, frames, size=n)
    return np.repeat(moving[np.arange(n), pick][:, None], frames, axis=1)


def make_motion_clips(
    n_clips: int,
    *,
    frames: int = 10,
    frame_size: int = 24,
    classes: Sequence[str] = MOTION_CLASSES,
    noise: float = 0.03,
    digit_subset: str = "train",
    seed: int = 0,
    chunk: int = 512,
) -> MotionClips:
    """Generate ``n_clips`` clips of a handwritten digit moving, growing or shrinking.

    Classes are balanced (``n_clips`` is split as evenly as possible and shuffled). Within
    each clip the object keeps its digit image; its centre or side follows a straight
    line in time. Every class has the same per-frame distribution of position, size,
    digit and brightness, so a single frame at a random time carries no class signal.

    Args:
        n_clips: Number of clips (at least 1).
        frames: Frames per clip (at least 2: motion needs two frames).
        frame_size: Side of the square frames in pixels (at least 12).
        classes: Which of :data:`MOTION_CLASSES` to generate, in label order.
        noise: Standard deviation of the Gaussian pixel noise (0 for clean frames).
        digit_subset: ``"train"``, ``"test"`` or ``"all"`` handwriting (see
            :func:`digit_images`); use ``"test"`` for held-out clips.
        seed: Seed; the same seed gives the same clips.
        chunk: Clips rendered per vectorised step (bounds the memory used).

    Returns:
        A :class:`MotionClips`.
    """
    n_clips = as_int("n_clips", n_clips, minimum=1, maximum=MAX_COUNT)
    frames = as_int("frames", frames, minimum=2, maximum=10_000)
    frame_size = as_int("frame_size", frame_size, minimum=12, maximum=1024)
    chunk = as_int("chunk", chunk, minimum=1)
    if n_clips * frames * frame_size ** 2 > 100 * MAX_COUNT:
        raise InputError(f"{n_clips} clips of {frames} frames of {frame_size}x{frame_size} "
                         "pixels would not fit in memory; use fewer or smaller clips.")
    if isinstance(classes, str):
        classes = (classes,)
    classes = tuple(classes)
    unknown = [name for name in classes if name not in MOTION_CLASSES]
    if not classes or unknown or len(set(classes)) != len(classes):
        raise InputError(
            f"classes must be distinct names from {MOTION_CLASSES}; got {classes!r}."
        )
    noise = positive_float("noise", noise, allow_zero=True)
    if not 0 <= noise < 1:
        raise InputError(f"noise is a pixel standard deviation in [0, 1); got {noise!r}.")
    images, digit_labels = digit_images(digit_subset)

    rng = generator_from(seed)
    labels = rng.permutation(np.arange(n_clips) % len(classes))
    which = rng.integers(0, len(images), size=n_clips)
    length = float(frame_size)
    side_low, side_high = _SIZE_RANGE[0] * length, _SIZE_RANGE[1] * length
    growth = (_GROWTH_RANGE[0] * length, _GROWTH_RANGE[1] * length)
    margin = side_high / 2
    travel = (_TRAVEL_RANGE[0] * length, _TRAVEL_RANGE[1] * length)

    def position(count: int, moving: bool) -> np.ndarray:
        if moving:
            return _trajectory(rng, count, frames, margin, length - margin, travel)
        return _frozen_like(rng, count, frames, margin, length - margin, travel)

    def size(count: int, changing: bool) -> np.ndarray:
        if changing:
            return _trajectory(rng, count, frames, side_low, side_high, growth)
        return _frozen_like(rng, count, frames, side_low, side_high, growth)

    centres = np.zeros((n_clips, frames, 2))
    sides = np.zeros((n_clips, frames))
    for label, name in enumerate(classes):
        members = np.flatnonzero(labels == label)
        count = len(members)
        if count == 0:
            continue
        axis = {"right": 1, "left": 1, "down": 0, "up": 0}.get(name)
        rows = position(count, moving=axis == 0)
        cols = position(count, moving=axis == 1)
        scale = size(count, changing=name in ("grow", "shrink"))
        if name in ("left", "up"):
            rows, cols = rows[:, ::-1], cols[:, ::-1]  # the same paths, played backwards
        if name == "shrink":
            scale = scale[:, ::-1]
        centres[members, :, 0] = rows
        centres[members, :, 1] = cols
        sides[members] = scale

    clips = np.empty((n_clips, frames, frame_size, frame_size), dtype=np.float32)
    for start in range(0, n_clips, chunk):
        stop = min(start + chunk, n_clips)
        count = stop - start
        sprites = np.repeat(images[which[start:stop]], frames, axis=0)
        drawn = render_sprites(sprites, centres[start:stop].reshape(count * frames, 2),
                               sides[start:stop].reshape(-1), frame_size)
        clips[start:stop] = drawn.reshape(count, frames, frame_size, frame_size)
    if noise > 0:
        clips += noise * rng.standard_normal(size=clips.shape, dtype=np.float32)
        np.clip(clips, 0.0, 1.0, out=clips)
    return MotionClips(clips=clips[..., None], labels=labels.astype(np.int64),
                       class_names=classes, centres=centres.astype(np.float32),
                       sides=sides.astype(np.float32),
                       digits=digit_labels[which].astype(np.int64))


def single_frames(clips: np.ndarray, seed: int = 0) -> np.ndarray:
    """Pick one frame at a random time from every clip: the input of a single-frame model.

    Args:
        clips: ``(n, frames, height, width[, channels])`` clips.
        seed: Seed for the frame choice.

    Returns:
        ``(n, height, width[, channels])`` frames.
    """
    clips = np.asarray(clips)
    if clips.ndim not in (4, 5):
        raise InputError(
            f"clips should be (n, frames, height, width[, channels]); got shape {clips.shape}."
        )
    rng = generator_from(seed)
    pick = rng.integers(0, clips.shape[1], size=len(clips))
    return clips[np.arange(len(clips)), pick]


def shuffle_frames(clips: np.ndarray, seed: int = 0) -> np.ndarray:
    """Every clip with its frames put in a random order of its own.

    The clip keeps the same *set* of frames and loses only their order. For the motion
    classes this is the sharpest test of what order carries: *left* is *right* played
    backwards, so once the order is gone the two (like *up*/*down* and *grow*/*shrink*) have
    the same distribution, and no model can do better than telling which pair a clip is in.

    Args:
        clips: ``(n, frames, ...)`` clips.
        seed: Seed for the orders.

    Returns:
        A new array of the same shape.
    """
    clips = np.asarray(clips)
    if clips.ndim < 3:
        raise InputError(f"clips should be (n, frames, ...) with at least one pixel axis; got "
                         f"shape {clips.shape}.")
    rng = generator_from(seed)
    order = np.argsort(rng.uniform(size=clips.shape[:2]), axis=1)
    order = order.reshape(order.shape + (1,) * (clips.ndim - 2))
    return np.take_along_axis(clips, order, axis=1)


FRAME_STATISTICS: tuple[str, ...] = (
    "mean intensity", "centre row", "centre column", "ink area", "row spread", "column spread",
)


def frame_statistics(frames: np.ndarray, threshold: float = 0.25) -> np.ndarray:
    """Summarise single frames by :data:`FRAME_STATISTICS` (one row of six numbers each).

    Args:
        frames: ``(n, height, width[, 1])`` frames with values in [0, 1].
        threshold: Pixels above it count as ink for the area.

    Returns:
        ``(n, 6)`` float64: mean intensity, centre of mass (row, column), ink area (share
        of pixels above ``threshold``) and the spread of the mass along rows and columns.
    """
    frames = as_float_array("frames", frames, finite=True)
    threshold = as_float("threshold", threshold)
    if not 0 < threshold < 1:
        raise InputError(f"threshold is a pixel intensity between 0 and 1 (exclusive); got "
                         f"{threshold}.")
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    if frames.ndim != 3:
        raise InputError(f"frames should be (n, height, width[, 1]); got shape {frames.shape}.")
    _, height, width = frames.shape
    mass = frames.sum(axis=(1, 2)) + 1e-9
    row_index = np.arange(height)[None, :, None]
    col_index = np.arange(width)[None, None, :]
    centre_row = (frames * row_index).sum(axis=(1, 2)) / mass
    centre_col = (frames * col_index).sum(axis=(1, 2)) / mass
    spread_row = np.sqrt((frames * (row_index - centre_row[:, None, None]) ** 2)
                         .sum(axis=(1, 2)) / mass)
    spread_col = np.sqrt((frames * (col_index - centre_col[:, None, None]) ** 2)
                         .sum(axis=(1, 2)) / mass)
    return np.stack([frames.mean(axis=(1, 2)), centre_row, centre_col,
                     (frames > threshold).mean(axis=(1, 2)), spread_row, spread_col], axis=1)


def first_last_statistics(clips: np.ndarray, threshold: float = 0.25) -> np.ndarray:
    """:func:`frame_statistics` of the first and the last frame of every clip, side by side.

    The contrast to a single frame: two frames are enough to see which way the object
    moved or whether it grew, so these twelve numbers do separate the classes.

    Args:
        clips: ``(n, frames, height, width[, 1])`` clips.
        threshold: As in :func:`frame_statistics`.

    Returns:
        ``(n, 12)`` float64.
    """
    clips = np.asarray(clips)
    if clips.ndim not in (4, 5) or clips.shape[1] < 2:
        raise InputError("clips should be (n, frames, height, width[, 1]) with at least two "
                         f"frames; got shape {clips.shape}.")
    return np.concatenate([frame_statistics(clips[:, 0], threshold),
                           frame_statistics(clips[:, -1], threshold)], axis=1)


def nearest_centroid_accuracy(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray,
                              test_y: np.ndarray) -> float:
    """Accuracy of a nearest-class-mean classifier on standardised features.

    A quick probe: if even the class means of per-frame statistics differ, this
    classifier beats chance. (``tests/data/test_motion_clips.py`` also runs a random forest on
    the same statistics, which would catch differences beyond the class means.)

    Args:
        train_x, test_x: ``(n, features)`` statistics, e.g. from :func:`frame_statistics`.
        train_y, test_y: ``(n,)`` class labels.

    Returns:
        The share of ``test_x`` rows whose nearest training-class mean has the right label.
    """
    train_x = as_float_array("train_x", train_x, finite=True)
    test_x = as_float_array("test_x", test_x, finite=True)
    train_y, test_y = np.asarray(train_y), np.asarray(test_y)
    if (train_x.ndim != 2 or test_x.ndim != 2 or train_x.shape[1] != test_x.shape[1]
            or train_y.ndim != 1 or test_y.ndim != 1
            or len(train_x) != len(train_y) or len(test_x) != len(test_y)):
        raise InputError(
            "Expected (n, features) train and test statistics with one label per row and the "
            f"same features; got {train_x.shape}, {np.shape(train_y)}, {test_x.shape}, "
            f"{np.shape(test_y)}."
        )
    mean, std = train_x.mean(axis=0), train_x.std(axis=0) + 1e-9
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std
    classes = np.unique(train_y)
    centroids = np.stack([train_x[train_y == c].mean(axis=0) for c in classes])
    distance = ((test_x[:, None, :] - centroids[None]) ** 2).sum(axis=-1)
    return float((classes[distance.argmin(axis=1)] == np.asarray(test_y)).mean())


def class_mean_z_scores(statistics: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """How far each class's mean of each statistic lies from the overall mean, in standard errors.

    For class ``k`` with ``n_k`` of the ``N`` rows, the difference between its mean and the
    overall mean has standard error ``std * sqrt(1 / n_k - 1 / N)`` when the class does not
    matter. Values of a few units are noise; a statistic that differs between classes gives
    values that grow with the number of rows.

    Args:
        statistics: ``(N, features)``, e.g. from :func:`frame_statistics`.
        labels: ``(N,)`` class of every row.

    Returns:
        ``(classes, features)`` float64, classes in the order of ``np.unique(labels)``.
    """
    statistics = as_float_array("statistics", statistics, rank=2, finite=True,
                                meaning="(rows, features)")
    labels = np.asarray(labels)
    if labels.shape != (len(statistics),):
        raise InputError(f"labels should hold one class per row of statistics "
                         f"({len(statistics)}); got shape {labels.shape}.")
    classes = np.unique(labels)
    if len(classes) < 2:
        raise InputError("class_mean_z_scores needs rows of at least two classes.")
    total = len(statistics)
    mean, spread = statistics.mean(axis=0), statistics.std(axis=0) + 1e-12
    scores = []
    for label in classes:
        members = statistics[labels == label]
        error = spread * np.sqrt(1 / len(members) - 1 / total)
        scores.append((members.mean(axis=0) - mean) / error)
    return np.stack(scores)


# --- digit sequences -------------------------------------------------------------------


@dataclass(frozen=True)
class DigitSequences:
    """Number sequences drawn with handwritten digits, and the next term as the target.

    Attributes:
        images: ``(n, length, 8, 16, 1)`` float32: one image per term, two digit cells
            side by side (tens, units; a blank tens cell for numbers below 10).
        terms: ``(n, length)`` the numbers shown.
        targets: ``(n,)`` the next number of each sequence.
        target_digits: ``(n, 2)`` the target's tens and units digits.
        rules: ``(n,)`` index into :attr:`rule_names` of the rule that made each sequence.
        rule_names: The rules, from :data:`SEQUENCE_RULES`.
    """

    images: np.ndarray
    terms: np.ndarray
    targets: np.ndarray
    target_digits: np.ndarray
    rules: np.ndarray
    rule_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.targets)


def _sequence_terms(rng: np.random.Generator, rule: str, count: int, length: int,
                    max_value: int, max_step: int) -> np.ndarray:
    """``count`` sequences of ``length + 1`` terms (the last is the target) below max_value."""
    if rule == "double":
        largest_start = max_value // 2 ** length
        if largest_start < 1:
            raise InputError(
                f"No doubling sequence of {length} terms plus a target fits under "
                f"max_value={max_value}; raise max_value or shorten the sequence."
            )
        start = rng.integers(1, largest_start + 1, size=count)
        return start[:, None] * 2 ** np.arange(length + 1)[None, :]
    if rule == "add":
        if max_value < length:
            raise InputError(f"max_value={max_value} is too small for {length} steps of +1.")
        step = rng.integers(1, min(max_step, max_value // length) + 1, size=count)
        start = (rng.uniform(size=count) * (max_value - length * step + 1)).astype(np.int64)
        return start[:, None] + step[:, None] * np.arange(length + 1)[None, :]
    raise InputError(f"Unknown sequence rule {rule!r}; use one of {SEQUENCE_RULES}.")


def render_numbers(values: np.ndarray, rng: np.random.Generator,
                   digit_subset: str = "train") -> np.ndarray:
    """Draw two-digit numbers with random handwritten digit scans.

    Args:
        values: Integer array of any shape, each in [0, 99].
        rng: Random generator choosing the scan for every digit.
        digit_subset: Which handwriting to use (see :func:`digit_images`).

    Returns:
        float32 array of shape ``values.shape + (8, 16)``; numbers below 10 leave the
        tens cell blank.
    """
    values = np.asarray(values)
    if values.size and (values.min() < 0 or values.max() > 99):
        raise InputError("render_numbers draws numbers 0 to 99; got values outside that range.")
    images, labels = digit_images(digit_subset)
    by_digit = [np.flatnonzero(labels == d) for d in range(10)]
    flat = values.reshape(-1).astype(np.int64)
    out = np.zeros((flat.size, DIGIT_SIDE, 2 * DIGIT_SIDE), dtype=np.float32)
    for cell, digits in ((0, flat // 10), (1, flat % 10)):
        chosen = np.empty(flat.size, dtype=np.int64)
        for d in range(10):
            members = np.flatnonzero(digits == d)
            chosen[members] = rng.choice(by_digit[d], size=len(members))
        drawn = images[chosen]
        if cell == 0:
            drawn = drawn * (flat >= 10)[:, None, None]
        out[:, :, cell * DIGIT_SIDE:(cell + 1) * DIGIT_SIDE] = drawn
    return out.reshape(values.shape + (DIGIT_SIDE, 2 * DIGIT_SIDE))


def make_digit_sequences(
    n_sequences: int,
    *,
    length: int = 4,
    rules: Sequence[str] = SEQUENCE_RULES,
    max_value: int = 99,
    max_step: int = 9,
    digit_subset: str = "train",
    seed: int = 0,
) -> DigitSequences:
    """Generate number sequences such as 1, 2, 4, 8 drawn with digits; the target is 16.

    ``"double"`` sequences start at 1 or more and double each step; ``"add"`` sequences
    start at 0 or more and add a fixed step of 1 to ``max_step``. Rules are balanced. Every term
    and target stays within ``max_value`` (at most 99, two digit cells).

    Args:
        n_sequences: Number of sequences (at least 1).
        length: Terms shown (at least 2); the target is term ``length + 1``.
        rules: Which of :data:`SEQUENCE_RULES` to use.
        max_value: Largest value of any term or target, 1 to 99.
        max_step: Largest step of an ``"add"`` sequence (at least 1).
        digit_subset: ``"train"``, ``"test"`` or ``"all"`` handwriting.
        seed: Seed; the same seed gives the same sequences and images.

    Returns:
        A :class:`DigitSequences`.
    """
    n_sequences = as_int("n_sequences", n_sequences, minimum=1, maximum=MAX_COUNT)
    length = as_int("length", length, minimum=2, maximum=1000)
    max_value = as_int("max_value", max_value, minimum=1)
    max_step = as_int("max_step", max_step, minimum=1, maximum=99)
    if isinstance(rules, str):
        rules = (rules,)
    if max_value > 99:
        raise InputError(f"max_value={max_value}: the images have two digit cells, so use <= 99.")
    rules = tuple(rules)
    unknown = [rule for rule in rules if rule not in SEQUENCE_RULES]
    if not rules or unknown or len(set(rules)) != len(rules):
        raise InputError(f"rules must be distinct names from {SEQUENCE_RULES}; got {rules!r}.")
    rng = generator_from(seed)
    rule_index = rng.permutation(np.arange(n_sequences) % len(rules))
    full = np.zeros((n_sequences, length + 1), dtype=np.int64)
    for index, rule in enumerate(rules):
        members = np.flatnonzero(rule_index == index)
        full[members] = _sequence_terms(rng, rule, len(members), length, max_value,
                                        max_step)
    terms, targets = full[:, :length], full[:, length]
    images = render_numbers(terms, rng, digit_subset)
    return DigitSequences(images=images[..., None], terms=terms, targets=targets,
                          target_digits=np.stack([targets // 10, targets % 10], axis=1),
                          rules=rule_index.astype(np.int64), rule_names=rules)


# --- tf.data ---------------------------------------------------------------------------


def clips_dataset(inputs: np.ndarray, targets: Any, *, batch_size: int = 32,
                  shuffle: bool = True, seed: int = 0) -> Any:
    """Wrap clips (or frames, or digit sequences) and targets in a batched ``tf.data.Dataset``.

    Args:
        inputs: ``(n, ...)`` array, e.g. ``MotionClips.clips``.
        targets: ``(n, ...)`` array, or a dict of such arrays for a multi-output model.
        batch_size: Examples per batch.
        shuffle: Reshuffle every epoch (seeded, so runs repeat).
        seed: Shuffle seed.

    Returns:
        A ``tf.data.Dataset`` of ``(inputs, targets)`` batches, prefetched.
    """
    import tensorflow as tf

    inputs = np.asarray(inputs, dtype=np.float32)
    batch_size = as_int("batch_size", batch_size, minimum=1)
    target_arrays = targets.values() if isinstance(targets, dict) else [targets]
    for array in target_arrays:
        if len(array) != len(inputs):
            raise InputError(
                f"inputs hold {len(inputs)} examples but a target array holds {len(array)}: "
                "pass the labels of the same clips."
            )
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
