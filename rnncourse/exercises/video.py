"""Exercise checks for notebook 09: what ``TimeDistributed`` does to a clip.

* :func:`check_apply_per_frame`: fold time into the batch, run a per-frame function,
  unfold, exactly as ``keras.layers.TimeDistributed`` does.
* :func:`check_time_distributed_parameters`: count the weights of a ``TimeDistributed``
  ``Conv2D`` (the frames share them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnncourse.exercises.checking import CheckResult, Mistake, run_check


def apply_per_frame_reference(frame_fn: Callable[[np.ndarray], np.ndarray],
                              clips: np.ndarray) -> np.ndarray:
    """Apply ``frame_fn`` to every frame of ``(n, frames, ...)`` clips: ``(n, frames, features)``.

    ``frame_fn`` maps a batch of frames ``(m, height, width, channels)`` to ``(m, features)``.
    """
    n, frames = clips.shape[:2]
    folded = clips.reshape(n * frames, *clips.shape[2:])
    return frame_fn(folded).reshape(n, frames, -1)


def _linear_frame_features(seed: int, pixels: int, features: int) -> Callable:
    weights = np.random.default_rng(seed).normal(size=(pixels, features))

    def frame_features(frames: np.ndarray) -> np.ndarray:
        return np.tanh(frames.reshape(len(frames), -1) @ weights / np.sqrt(pixels))

    return frame_features


def _apply_per_frame_cases() -> list[tuple]:
    rng = np.random.default_rng(9)
    cases = []
    for n, frames, side, features in ((3, 5, 4, 6), (2, 7, 3, 4), (4, 2, 5, 3)):
        frame_fn = _linear_frame_features(n * 100 + frames, side * side, features)
        cases.append((frame_fn, rng.uniform(size=(n, frames, side, side, 1))))
    return cases


def check_apply_per_frame(learner: Callable, show: bool = True,
                          hint: bool = False) -> CheckResult:
    """Check ``learner(frame_fn, clips) -> (n, frames, features)`` against the reference."""

    def time_major_fold(frame_fn, clips):
        n, frames = clips.shape[:2]
        folded = np.swapaxes(clips, 0, 1).reshape(n * frames, *clips.shape[2:])
        return frame_fn(folded).reshape(n, frames, -1)

    def time_major_unfold(frame_fn, clips):
        n, frames = clips.shape[:2]
        features = frame_fn(clips.reshape(n * frames, *clips.shape[2:]))
        return np.swapaxes(features.reshape(frames, n, -1), 0, 1)

    def first_frame_only(frame_fn, clips):
        features = frame_fn(clips[:, 0])
        return np.repeat(features[:, None, :], clips.shape[1], axis=1)

    def still_folded(frame_fn, clips):
        n, frames = clips.shape[:2]
        return frame_fn(clips.reshape(n * frames, *clips.shape[2:]))

    mistakes = [
        Mistake(time_major_fold, "You folded time-major (frames first) but unfolded "
                "batch-major, so features land on the wrong clip and time step. Fold with "
                "clips.reshape(n * frames, ...) directly, without swapping axes."),
        Mistake(time_major_unfold, "The fold is right, but you unfolded as (frames, n, ...) "
                "and swapped: the folded rows run clip by clip (all frames of clip 0 first), "
                "so unfold with .reshape(n, frames, -1)."),
        Mistake(first_frame_only, "Every time step got the features of the first frame: run "
                "frame_fn on all n * frames frames, not on clips[:, 0]."),
        Mistake(still_folded, "You returned the folded (n * frames, features) array: reshape "
                "it back to (n, frames, features) so the LSTM sees a sequence per clip."),
    ]
    hint_text = ("n, frames = clips.shape[:2]; fold with clips.reshape(n * frames, "
            "*clips.shape[2:]), call frame_fn, then .reshape(n, frames, -1).")
    return run_check("apply_per_frame", learner, apply_per_frame_reference,
                     _apply_per_frame_cases(), mistakes, hint=hint_text, show=show,
                     hint_requested=hint)


def time_distributed_parameters_reference(frames: int, kernel_size: int, in_channels: int,
                                          filters: int) -> int:
    """Weights of ``TimeDistributed(Conv2D(filters, kernel_size))`` on ``frames`` frames."""
    del frames  # every frame uses the same kernel: the count does not depend on it
    return kernel_size * kernel_size * in_channels * filters + filters


def check_time_distributed_parameters(learner: Callable, show: bool = True,
                                      hint: bool = False) -> CheckResult:
    """Check ``learner(frames, kernel_size, in_channels, filters) -> int``."""
    def per_frame_copies(frames, kernel_size, in_channels, filters):
        return frames * (kernel_size * kernel_size * in_channels * filters + filters)

    def no_bias(frames, kernel_size, in_channels, filters):
        return kernel_size * kernel_size * in_channels * filters

    def no_input_channels(frames, kernel_size, in_channels, filters):
        return kernel_size * kernel_size * filters + filters

    def one_side_of_kernel(frames, kernel_size, in_channels, filters):
        return kernel_size * in_channels * filters + filters

    mistakes = [
        Mistake(per_frame_copies, "You multiplied by the number of frames. TimeDistributed "
                "applies one and the same Conv2D to every frame: the weights are shared, so "
                "the count does not grow with the clip length."),
        Mistake(no_bias, "Almost: each filter also has one bias, so add `filters`."),
        Mistake(no_input_channels, "Each filter spans all input channels: its kernel holds "
                "kernel_size * kernel_size * in_channels weights."),
        Mistake(one_side_of_kernel, "A 2-D kernel is kernel_size x kernel_size: square the "
                "kernel size."),
    ]
    cases = [(10, 3, 1, 8), (12, 3, 8, 16), (5, 5, 3, 4), (7, 1, 6, 2)]
    hint_text = ("One Conv2D's weights: kernel_size**2 * in_channels * filters, plus one bias "
                 "per filter.")
    return run_check("time_distributed_parameters", learner,
                     time_distributed_parameters_reference, cases, mistakes, hint=hint_text,
                     atol=0.0, show=show, hint_requested=hint)
