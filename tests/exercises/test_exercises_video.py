"""Notebook 09's exercise checks accept correct answers and name each targeted mistake."""

import numpy as np

from rnncourse.exercises import FAILED, NOT_ATTEMPTED, PASSED
from rnncourse.exercises.video import check_apply_per_frame, check_time_distributed_parameters


def apply_per_frame_solution(frame_fn, clips):
    n, frames = clips.shape[:2]
    features = frame_fn(clips.reshape(n * frames, *clips.shape[2:]))
    return features.reshape(n, frames, -1)


def loop_solution(frame_fn, clips):
    return np.stack([frame_fn(clips[:, t]) for t in range(clips.shape[1])], axis=1)


def test_apply_per_frame_accepts_correct_answers():
    assert check_apply_per_frame(apply_per_frame_solution, show=False).status == PASSED
    assert check_apply_per_frame(loop_solution, show=False).status == PASSED


def test_apply_per_frame_names_mistakes():
    def time_major(frame_fn, clips):
        n, frames = clips.shape[:2]
        folded = np.swapaxes(clips, 0, 1).reshape(n * frames, *clips.shape[2:])
        return frame_fn(folded).reshape(n, frames, -1)

    def first_frame(frame_fn, clips):
        return np.repeat(frame_fn(clips[:, 0])[:, None], clips.shape[1], axis=1)

    def folded(frame_fn, clips):
        return frame_fn(clips.reshape(-1, *clips.shape[2:]))

    result = check_apply_per_frame(time_major, show=False)
    assert result.status == FAILED and "time-major" in result.message
    result = check_apply_per_frame(first_frame, show=False)
    assert result.status == FAILED and "first frame" in result.message
    result = check_apply_per_frame(folded, show=False)
    assert result.status == FAILED and "reshape it back" in result.message


def test_apply_per_frame_not_attempted_is_quiet(capsys):
    def todo(frame_fn, clips):
        raise NotImplementedError

    assert check_apply_per_frame(todo).status == NOT_ATTEMPTED
    assert "Hint" in capsys.readouterr().out


def test_parameter_count_accepts_and_names_mistakes():
    def right(frames, kernel_size, in_channels, filters):
        return (kernel_size**2 * in_channels + 1) * filters

    def times_frames(frames, kernel_size, in_channels, filters):
        return frames * right(frames, kernel_size, in_channels, filters)

    def no_bias(frames, kernel_size, in_channels, filters):
        return kernel_size**2 * in_channels * filters

    assert check_time_distributed_parameters(right, show=False).status == PASSED
    result = check_time_distributed_parameters(times_frames, show=False)
    assert result.status == FAILED and "shared" in result.message
    result = check_time_distributed_parameters(no_bias, show=False)
    assert result.status == FAILED and "bias" in result.message
    off_by_one = check_time_distributed_parameters(
        lambda *args: right(*args) + 1, show=False)
    assert off_by_one.status == FAILED
