"""Motion clips and digit sequences: shapes, seeding, per-frame uninformativeness, errors."""

import time

import numpy as np
import pytest

from rnncourse.data.generated.motion_clips import (
    class_mean_z_scores,
    clips_dataset,
    digit_images,
    first_last_statistics,
    frame_statistics,
    make_digit_sequences,
    make_motion_clips,
    nearest_centroid_accuracy,
    render_numbers,
    render_sprites,
    shuffle_frames,
    single_frames,
)


@pytest.fixture(scope="module")
def train_and_test():
    train = make_motion_clips(1800, frames=8, frame_size=24, seed=3)
    test = make_motion_clips(1200, frames=8, frame_size=24, seed=4, digit_subset="test")
    return train, test


def test_shapes_balance_and_seeding():
    clips = make_motion_clips(60, frames=6, frame_size=20, seed=1)
    assert clips.clips.shape == (60, 6, 20, 20, 1) and clips.clips.dtype == np.float32
    assert 0.0 <= clips.clips.min() and clips.clips.max() <= 1.0
    assert np.bincount(clips.labels).tolist() == [10] * 6
    again = make_motion_clips(60, frames=6, frame_size=20, seed=1)
    np.testing.assert_array_equal(clips.clips, again.clips)
    other = make_motion_clips(60, frames=6, frame_size=20, seed=2)
    assert not np.array_equal(clips.clips, other.clips)


def test_motion_follows_the_class():
    clips = make_motion_clips(120, frames=8, seed=5, noise=0.0)
    row_moves = clips.centres[:, -1, 0] - clips.centres[:, 0, 0]
    col_moves = clips.centres[:, -1, 1] - clips.centres[:, 0, 1]
    growth = clips.sides[:, -1] - clips.sides[:, 0]
    expected = {"right": col_moves > 0, "left": col_moves < 0, "down": row_moves > 0,
                "up": row_moves < 0, "grow": growth > 0, "shrink": growth < 0}
    for index, name in enumerate(clips.class_names):
        assert expected[name][clips.labels == index].all(), name
    # The rendered ink follows the generating centre.
    stats = frame_statistics(clips.clips[:, -1])
    right = clips.labels == clips.class_names.index("right")
    assert np.corrcoef(stats[right, 2], clips.centres[right, -1, 1])[0, 1] > 0.95


def test_render_sprites_matches_direct_bilinear_sampling():
    rng = np.random.default_rng(0)
    sprite = rng.uniform(size=(1, 8, 8)).astype(np.float32)
    frame = render_sprites(sprite, np.array([[12.0, 12.0]]), np.array([8.0]), 24)[0]
    # Side 8 centred on a pixel boundary: the sprite is copied unscaled into rows 8..15.
    np.testing.assert_allclose(frame[8:16, 8:16], sprite[0], atol=1e-6)
    assert np.abs(frame[:8]).max() == 0 and np.abs(frame[16:]).max() == 0


def test_single_frame_statistics_do_not_separate_classes(train_and_test):
    train, test = train_and_test
    chance = 1 / len(train.class_names)
    train_stats = frame_statistics(single_frames(train.clips, seed=0))
    test_stats = frame_statistics(single_frames(test.clips, seed=1))
    accuracy = nearest_centroid_accuracy(train_stats, train.labels, test_stats, test.labels)
    assert accuracy < chance + 0.06, accuracy
    from sklearn.ensemble import RandomForestClassifier

    forest = RandomForestClassifier(100, min_samples_leaf=5, random_state=0)
    forest.fit(train_stats, train.labels)
    assert forest.score(test_stats, test.labels) < chance + 0.06


def test_two_frames_do_separate_classes(train_and_test):
    train, test = train_and_test
    accuracy = nearest_centroid_accuracy(
        first_last_statistics(train.clips), train.labels,
        first_last_statistics(test.clips), test.labels)
    assert accuracy > 0.8, accuracy


def test_the_probe_catches_a_leaky_generator(train_and_test):
    """If a class were brighter in every frame, the per-frame test would notice."""
    train, test = train_and_test

    def leak(clips):
        brighter = clips.clips.copy()
        brighter[clips.labels == 0] = np.minimum(brighter[clips.labels == 0] * 1.6, 1.0)
        return frame_statistics(single_frames(brighter))

    accuracy = nearest_centroid_accuracy(leak(train), train.labels, leak(test), test.labels)
    assert accuracy > 1 / 6 + 0.1


def test_generation_is_fast():
    digit_images()
    start = time.perf_counter()
    make_motion_clips(2000, frames=10, frame_size=24, seed=0)
    assert time.perf_counter() - start < 20  # about 1 s uncontended


def test_train_and_test_handwriting_differ():
    train_images, _ = digit_images("train")
    test_images, _ = digit_images("test")
    assert len(train_images) + len(test_images) == 1797
    flat_train = {image.tobytes() for image in train_images}
    assert sum(image.tobytes() in flat_train for image in test_images) < 5


@pytest.mark.parametrize("kwargs, match", [
    ({"n_clips": 0}, "n_clips"),
    ({"n_clips": 5, "frames": 1}, "frames"),
    ({"n_clips": 5, "frame_size": 8}, "frame_size"),
    ({"n_clips": 5, "classes": ("left", "sideways")}, "classes"),
    ({"n_clips": 5, "noise": 2.0}, "noise"),
    ({"n_clips": 5, "digit_subset": "valid"}, "subset"),
])
def test_bad_clip_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_motion_clips(**kwargs)


def test_frame_helpers_reject_bad_shapes():
    with pytest.raises(ValueError, match="frames"):
        single_frames(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match="frames"):
        frame_statistics(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="two"):
        first_last_statistics(np.zeros((3, 1, 5, 5)))


def test_digit_sequences_follow_their_rules():
    data = make_digit_sequences(400, length=4, seed=2)
    assert data.images.shape == (400, 4, 8, 16, 1)
    full = np.concatenate([data.terms, data.targets[:, None]], axis=1)
    assert full.max() <= 99 and full.min() >= 0
    double = data.rules == data.rule_names.index("double")
    np.testing.assert_array_equal(full[double][:, 1:], 2 * full[double][:, :-1])
    steps = np.diff(full[~double], axis=1)
    assert (steps == steps[:, :1]).all() and (steps >= 1).all() and (steps <= 9).all()
    np.testing.assert_array_equal(data.target_digits[:, 0] * 10 + data.target_digits[:, 1],
                                  data.targets)
    assert [1, 2, 4, 8] in data.terms.tolist()  # the lecture's example is among them


def test_numbers_are_drawn_with_the_right_digits():
    rng = np.random.default_rng(0)
    images = render_numbers(np.array([7, 42]), rng, "all")
    assert images.shape == (2, 8, 16)
    assert images[0, :, :8].max() == 0  # 7 has a blank tens cell
    all_images, labels = digit_images("all")
    units = images[1, :, 8:]
    assert any(np.array_equal(units, image) for image in all_images[labels == 2])


def test_bad_sequence_arguments_are_explained():
    with pytest.raises(ValueError, match="max_value"):
        make_digit_sequences(10, max_value=150)
    with pytest.raises(ValueError, match="rules"):
        make_digit_sequences(10, rules=("square",))
    with pytest.raises(ValueError, match="doubling"):
        make_digit_sequences(10, rules=("double",), max_value=10)
    with pytest.raises(ValueError, match="0 to 99"):
        render_numbers(np.array([100]), np.random.default_rng(0))


def test_clips_dataset_batches_and_checks_lengths():
    clips = make_motion_clips(10, frames=3, frame_size=12, seed=0)
    dataset = clips_dataset(clips.clips, clips.labels, batch_size=4, shuffle=False)
    batches = list(dataset)
    assert [len(x) for x, _ in batches] == [4, 4, 2]
    np.testing.assert_array_equal(batches[0][1].numpy(), clips.labels[:4])
    with pytest.raises(ValueError, match="same clips"):
        clips_dataset(clips.clips, clips.labels[:5])
    multi = clips_dataset(clips.clips, {"a": clips.labels, "b": clips.labels}, batch_size=5)
    assert set(next(iter(multi))[1]) == {"a", "b"}


def test_nearest_centroid_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="one label per row"):
        nearest_centroid_accuracy(np.zeros((4, 2)), np.zeros(3), np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="same features"):
        nearest_centroid_accuracy(np.zeros((4, 2)), np.zeros(4), np.zeros((2, 3)), np.zeros(2))


def test_a_frame_at_a_known_time_does_tell_something(train_and_test):
    """The first frame alone beats chance: where a clip starts depends on where it goes."""
    train, test = train_and_test
    accuracy = nearest_centroid_accuracy(
        frame_statistics(train.clips[:, 0]), train.labels,
        frame_statistics(test.clips[:, 0]), test.labels)
    assert accuracy > 1 / 6 + 0.2, accuracy


def test_class_means_of_single_frames_agree_within_noise(train_and_test):
    train, _ = train_and_test
    statistics = frame_statistics(single_frames(train.clips, seed=0))
    scores = class_mean_z_scores(statistics, train.labels)
    assert scores.shape == (6, statistics.shape[1])
    assert np.abs(scores).max() < 4


def test_class_mean_z_scores_flag_a_shifted_class():
    rng = np.random.default_rng(0)
    statistics = rng.normal(size=(600, 2))
    labels = np.repeat([0, 1, 2], 200)
    statistics[labels == 1, 1] += 0.5  # 0.5 sd over 200 rows: about 7 standard errors
    scores = class_mean_z_scores(statistics, labels)
    assert np.abs(scores[:, 0]).max() < 4
    assert scores[1, 1] > 5
    with pytest.raises(ValueError, match="one class per row"):
        class_mean_z_scores(statistics, labels[:10])
    with pytest.raises(ValueError, match="two classes"):
        class_mean_z_scores(statistics, np.zeros(600))


def test_shuffle_frames_keeps_every_frame_and_changes_the_order():
    clips = make_motion_clips(30, frames=6, frame_size=12, seed=1)
    shuffled = shuffle_frames(clips.clips, seed=2)
    assert shuffled.shape == clips.clips.shape
    for clip, mixed in zip(clips.clips, shuffled, strict=True):
        original = sorted(frame.tobytes() for frame in clip)
        assert sorted(frame.tobytes() for frame in mixed) == original
    assert not np.array_equal(shuffled, clips.clips)
    np.testing.assert_array_equal(shuffled, shuffle_frames(clips.clips, seed=2))
    with pytest.raises(ValueError, match="frames"):
        shuffle_frames(np.zeros((3, 4)))


def test_shuffled_opposite_motions_cannot_be_told_apart():
    """Right and left clips, once shuffled, give the same frame statistics in any order."""
    clips = make_motion_clips(1200, frames=8, frame_size=24, seed=6, noise=0.0)
    pair = np.isin(clips.labels, [0, 1])  # right, left
    shuffled = shuffle_frames(clips.clips[pair], seed=0)
    ordered_stats = first_last_statistics(clips.clips[pair])
    shuffled_stats = first_last_statistics(shuffled)
    labels = clips.labels[pair]
    half = len(labels) // 2
    ordered = nearest_centroid_accuracy(ordered_stats[:half], labels[:half],
                                        ordered_stats[half:], labels[half:])
    mixed = nearest_centroid_accuracy(shuffled_stats[:half], labels[:half],
                                      shuffled_stats[half:], labels[half:])
    assert ordered > 0.95 and abs(mixed - 0.5) < 0.1
