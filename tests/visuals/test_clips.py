"""Film strips and animations of clips: shapes in, figures out, clear errors for bad clips."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.visuals.clips import (
    clip_animation,
    plot_clip_strip,  # noqa: E402
)
from rnncourse.visuals.widgets import STATIC_ENV  # noqa: E402


def _clips(n=2, frames=6, side=8, channel=True):
    clips = np.random.default_rng(0).random((n, frames, side, side))
    return clips[..., None] if channel else clips


@pytest.mark.parametrize("channel", [True, False])
def test_strip_has_one_row_per_clip_and_one_column_per_shown_frame(channel):
    figure = plot_clip_strip(_clips(channel=channel), titles=["a", "b"], max_frames=3)
    images = [axis for axis in figure.axes if axis.images]
    assert len(images) == 2 * 3
    assert [axis.get_title() for axis in figure.axes[:3]] == ["t=0", "t=2", "t=5"]
    plt.close(figure)


@pytest.mark.parametrize("draw", [plot_clip_strip, clip_animation])
def test_bad_clips_are_refused_with_the_expected_shape(draw):
    with pytest.raises(ValueError, match=r"\(n, frames, height, width\[, 1\]\)"):
        draw(np.zeros((6, 8, 8)))
    with pytest.raises(ValueError, match="one title per clip"):
        draw(_clips(), titles=["only one"])


def test_animation_falls_back_to_a_strip_in_static_mode(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    assert isinstance(clip_animation(_clips()), plt.Figure)
    plt.close("all")


def test_animation_is_html_that_plays_every_frame(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    html = clip_animation(_clips(n=1, frames=4))
    assert "<script" in html.data and html.data.count("frames[") >= 4


def test_show_clips_shows_the_animation_and_one_strip_once(run_cell):
    outputs = run_cell("import numpy as np\n"
                       "from rnncourse.visuals.clips import show_clips\n"
                       "show_clips(np.random.default_rng(0).random((2, 4, 8, 8)), ['a', 'b'])")
    assert len(outputs) == 2
    assert "<script" in outputs[0]["text/html"]
    assert "image/png" in outputs[1] and "text/html" not in outputs[1]


def test_show_clips_in_static_mode_shows_only_the_strip(run_cell, monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    outputs = run_cell("import numpy as np\n"
                       "from rnncourse.visuals.clips import show_clips\n"
                       "show_clips(np.random.default_rng(0).random((2, 4, 8, 8)))")
    assert len(outputs) == 1 and "image/png" in outputs[0]


def test_static_animation_is_shown_once_as_a_cell_result(run_cell, monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    outputs = run_cell("import numpy as np\n"
                       "from rnncourse.visuals.clips import clip_animation\n"
                       "clip_animation(np.random.default_rng(0).random((2, 4, 8, 8)))")
    assert len(outputs) == 1  # the figure as the cell's result, not again by the backend


def test_image_sequences_have_one_row_per_sequence_and_a_caption():
    from rnncourse.visuals.clips import plot_image_sequences

    figure = plot_image_sequences(_clips(n=3, frames=4), captions=["-> 1", "-> 2", "-> 3"])
    assert len([axis for axis in figure.axes if axis.images]) == 12
    assert "-> 3" in [text.get_text() for text in figure.axes[-1].texts]
    with pytest.raises(ValueError, match="one title per clip"):
        plot_image_sequences(_clips(n=3), captions=["only one"])
    plt.close(figure)
