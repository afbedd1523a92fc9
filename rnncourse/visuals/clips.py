"""Video clips drawn as film strips or played as small animations (static when asked).

:func:`show_clips` is what a notebook calls: the animation (where JavaScript runs) and one
film strip, each shown once, so a saved notebook read without JavaScript still shows the
clips. :func:`clip_animation` and :func:`plot_clip_strip` are its two halves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rnncourse.errors import InputError
from rnncourse.visuals.widgets import figure_png, static_plots_requested


def _grey_clips(clips: Any, titles: Sequence[str] | None) -> np.ndarray:
    """Validate clips for drawing and drop a trailing channel axis of size 1."""
    clips = np.asarray(clips)
    if clips.ndim == 5 and clips.shape[-1] == 1:
        clips = clips[..., 0]
    if clips.ndim != 4 or len(clips) == 0:
        raise InputError("clips should be a non-empty (n, frames, height, width[, 1]) array; "
                         f"got shape {clips.shape}.")
    if titles is not None and len(titles) != len(clips):
        raise InputError(f"Give one title per clip: {len(clips)} clips, {len(titles)} titles.")
    return clips


def plot_clip_strip(clips: np.ndarray, titles: Sequence[str] | None = None,
                    max_frames: int = 12, cell: float = 0.9) -> plt.Figure:
    """Draw clips as film strips: one row per clip, one column per frame.

    Args:
        clips: ``(n, frames, height, width[, 1])`` grey-scale clips.
        titles: One label per clip, written at the start of its row.
        max_frames: Show at most this many frames (evenly spaced) per clip.
        cell: Size of one frame in inches.
    """
    clips = _grey_clips(clips, titles)
    frames = clips.shape[1]
    shown = np.unique(np.linspace(0, frames - 1, min(frames, max_frames)).round().astype(int))
    fig, axes = plt.subplots(len(clips), len(shown), squeeze=False,
                             figsize=(cell * len(shown) + 0.8, cell * len(clips) + 0.3))
    for row, clip in enumerate(clips):
        for column, frame in enumerate(shown):
            axis = axes[row, column]
            axis.imshow(clip[frame], cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(f"t={frame}", fontsize=8)
        if titles is not None:
            axes[row, 0].set_ylabel(titles[row], fontsize=8, rotation=0, ha="right",
                                    va="center")
    fig.tight_layout(pad=0.3)
    return fig


def clip_animation(clips: np.ndarray, titles: Sequence[str] | None = None,
                   interval: int = 200, cell: float = 1.1) -> Any:
    """Play clips side by side as a small JavaScript animation (or a film strip).

    Uses matplotlib's ``FuncAnimation(...).to_jshtml()``, which needs no ffmpeg and plays
    in any notebook viewer that runs JavaScript. With ``RNNCOURSE_STATIC_PLOTS=1`` it returns
    :func:`plot_clip_strip`'s figure instead.

    Args:
        clips: ``(n, frames, height, width[, 1])`` grey-scale clips (keep ``n`` small).
        titles: One label per clip.
        interval: Milliseconds per frame.
        cell: Size of one clip in inches.

    Returns:
        An ``IPython.display.HTML`` animation, or a ``Figure`` in static mode.
    """
    from matplotlib import animation

    clips = _grey_clips(clips, titles)
    if static_plots_requested():
        figure = plot_clip_strip(clips, titles)
        plt.close(figure)  # shown once, as the returned object, not again by the backend
        return figure
    from IPython.display import HTML

    fig, axes = plt.subplots(1, len(clips), squeeze=False, dpi=72,
                             figsize=(cell * len(clips), cell + 0.3))
    images = []
    for index, axis in enumerate(axes[0]):
        images.append(axis.imshow(clips[index, 0], cmap="gray", vmin=0, vmax=1))
        axis.set_xticks([])
        axis.set_yticks([])
        if titles is not None:
            axis.set_title(titles[index], fontsize=8)
    fig.tight_layout(pad=0.2)

    def show_frame(frame: int) -> list:
        for index, image in enumerate(images):
            image.set_data(clips[index, frame])
        return images

    movie = animation.FuncAnimation(fig, show_frame, frames=clips.shape[1],
                                    interval=interval, blit=True)
    html = HTML(movie.to_jshtml(default_mode="loop"))
    plt.close(fig)
    return html


def show_clips(clips: np.ndarray, titles: Sequence[str] | None = None,
               strip_frames: int = 5, interval: int = 200) -> None:
    """Show clips once as an animation and once as a film strip, in one cell.

    The animation plays in a notebook that runs JavaScript; the strip (``strip_frames``
    evenly spaced frames per clip) is a plain image that every viewer shows, including a
    saved notebook opened without its kernel. With ``RNNCOURSE_STATIC_PLOTS=1`` only the
    strip is shown. Returns nothing, so nothing is displayed a second time.

    Args:
        clips: ``(n, frames, height, width[, 1])`` grey-scale clips (keep ``n`` small).
        titles: One label per clip.
        strip_frames: Frames per clip in the strip.
        interval: Milliseconds per frame of the animation.
    """
    from IPython.display import display

    clips = _grey_clips(clips, titles)
    if not static_plots_requested():
        display(clip_animation(clips, titles, interval=interval))
    figure = plot_clip_strip(clips, titles, max_frames=strip_frames)
    display({"image/png": figure_png(figure), "text/plain": repr(figure)}, raw=True)
    plt.close(figure)


def plot_image_sequences(images: np.ndarray, captions: Sequence[str] | None = None,
                         cell: float = 1.3) -> plt.Figure:
    """Draw sequences of images (one row per sequence), with a caption after each row.

    Args:
        images: ``(n, steps, height, width[, 1])`` grey-scale images, e.g. the terms of a
            digit sequence.
        captions: One caption per sequence, written to the right of its last image.
        cell: Width of one image in inches.
    """
    images = _grey_clips(images, captions)
    rows, steps, height, width = images.shape
    fig, axes = plt.subplots(rows, steps, squeeze=False,
                             figsize=(cell * steps + 0.8, cell * height / width * rows + 0.3))
    for row in range(rows):
        for step in range(steps):
            axis = axes[row, step]
            axis.imshow(images[row, step], cmap="gray", vmin=0, vmax=1)
            axis.axis("off")
        if captions is not None:
            axes[row, -1].text(1.08, 0.5, captions[row], transform=axes[row, -1].transAxes,
                               va="center", fontsize=9)
    fig.tight_layout(pad=0.3)
    return fig
