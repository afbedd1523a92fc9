"""The generated review corpus: seeded, balanced, twins that only word order separates."""

from collections import Counter

import numpy as np
import pytest

from rnncourse.data.generated.reviews import (
    SPLITS,
    TEST_TEMPLATES,
    TRAIN_TEMPLATES,
    VALIDATION_TEMPLATES,
    Template,
    _twin_of,
    bag_of_words,
    check_templates,
    corpus_vocabulary,
    describe,
    make_review_corpus,
    shared_shapes,
    split_overlaps,
    template_words,
    twin_examples,
    words,
)
from rnncourse.errors import InputError


@pytest.fixture(scope="module")
def train():
    return make_review_corpus(600, "train", seed=42)


@pytest.fixture(scope="module")
def test_split():
    return make_review_corpus(400, "test", seed=42)


def test_same_seed_same_corpus_other_seed_other_corpus(train):
    again = make_review_corpus(600, "train", seed=42)
    assert again.texts == train.texts and np.array_equal(again.labels, train.labels)
    other = make_review_corpus(600, "train", seed=7)
    assert other.texts != train.texts


def test_labels_are_balanced_and_binary(train, test_split):
    for corpus in (train, test_split):
        assert set(corpus.labels.tolist()) == {0, 1}
        assert corpus.labels.sum() * 2 == len(corpus)


def test_twins_have_the_same_words_and_opposite_labels(train, test_split):
    for corpus in (train, test_split):
        members: dict[int, list[int]] = {}
        for index, pair in enumerate(corpus.pair_ids):
            if pair >= 0:
                members.setdefault(int(pair), []).append(index)
        assert members, "the corpus should contain twins"
        for first, second in members.values():
            assert bag_of_words(corpus.texts[first]) == bag_of_words(corpus.texts[second])
            assert corpus.texts[first] != corpus.texts[second]
            assert corpus.labels[first] + corpus.labels[second] == 1
        assert corpus.order_dependent.sum() == 2 * len(members)


def test_a_third_or_more_of_each_split_is_order_dependent(train, test_split):
    assert train.order_dependent.mean() > 0.33 and test_split.order_dependent.mean() > 0.33


def test_every_phenomenon_appears_in_both_splits(train, test_split):
    families = {"plain", "negation", "correction", "contrast", "expectation", "position"}
    assert set(train.families) == families and set(test_split.families) == families


def test_test_templates_are_held_out():
    assert not {t.text for t in TRAIN_TEMPLATES} & {t.text for t in TEST_TEMPLATES}
    assert shared_shapes() == set()
    # The check itself can fail: a template list shares every shape with itself.
    assert shared_shapes(TEST_TEMPLATES, TEST_TEMPLATES)


def test_no_test_sentence_occurs_in_a_large_training_corpus(test_split):
    big_train = make_review_corpus(6000, "train", seed=1)
    assert not set(big_train.texts) & set(test_split.texts)


def test_labels_follow_the_rules_on_known_sentences():
    good, bad = make_review_corpus(2, "train", seed=0), None
    assert good and bad is None  # construction works for the smallest size
    template = Template("{d} {n} {c} not {a}", -1, "negation")
    assert template.fill({"d": "the", "n": "phone", "c": "is", "a": "good"}) == \
        "the phone is not good"
    twin_template = TRAIN_TEMPLATES[-1]  # "no , {d} {n} {c} {a}" and its twin
    assert twin_template.family == "position" and twin_template.sign == +1
    fillers = {"d": "this", "n": "phone", "c": "is", "a": "good"}
    assert twin_template.fill(fillers) == "no , this phone is good"
    assert _twin_of(twin_template, fillers) == "this phone is no good"


def test_words_drop_punctuation_like_textvectorization():
    assert words("no , the phone is good") == ["no", "the", "phone", "is", "good"]
    assert bag_of_words("no , this phone is good") == bag_of_words("this phone is no good")


def test_vocabulary_covers_every_generated_word(train, test_split):
    vocabulary = set(corpus_vocabulary())
    used = Counter(word for text in train.texts + test_split.texts for word in words(text))
    assert set(used) <= vocabulary


def test_subset_and_helpers(train):
    twins = train.subset(train.order_dependent)
    assert twins.order_dependent.all() and len(twins) == train.order_dependent.sum()
    assert len(twin_examples(train, 3)) == 3
    assert describe(train)[0][0] in "+-"
    with pytest.raises(InputError, match="shape"):
        train.subset(np.ones(3, dtype=bool))
    with pytest.raises(InputError, match="positive whole number"):
        describe(train, 0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"examples": 7}, "even"),
    ({"examples": 0}, "even"),
    ({"examples": 4.5}, "whole number"),
    ({"examples": 4, "split": "valid"}, "split must be one of"),
    ({"examples": 4, "seed": -1}, "negative"),
])
def test_bad_arguments_name_the_fix(kwargs, message):
    with pytest.raises(InputError, match=message):
        make_review_corpus(**kwargs)


@pytest.mark.parametrize(("template", "message"), [
    (Template("{d} {n} {c} {x}", 1, "plain"), "unknown slots"),
    (Template("{d} {n} {c} fine", 1, "plain"), "no key slot"),
    (Template("{d} {n} {c} {a}", 2, "plain"), "sign"),
    (Template("no {a}", 1, "position", positive_key_only=True), "needs a twin"),
    (Template("no , {d} {n} {c} {a}", 1, "position", twin="{d} {n} {c} {a}"), "same words"),
])
def test_bad_templates_are_rejected(template, message):
    with pytest.raises(InputError, match=message):
        check_templates([template])


@pytest.fixture(scope="module")
def validation_split():
    return make_review_corpus(400, "validation", seed=42)


def test_the_three_splits_share_no_sentence_shape():
    overlaps = split_overlaps()
    assert set(overlaps) == {("train", "validation"), ("train", "test"),
                             ("validation", "test")}
    assert all(shapes == set() for shapes in overlaps.values())
    # The check can fail: a list that repeats a training template shares its shapes.
    assert shared_shapes(TRAIN_TEMPLATES, VALIDATION_TEMPLATES + TRAIN_TEMPLATES[:1])


def test_validation_is_drawn_like_the_test_set(validation_split, test_split):
    assert validation_split.split == "validation"
    assert set(validation_split.families) == set(test_split.families)
    assert validation_split.labels.sum() * 2 == len(validation_split)
    assert validation_split.order_dependent.mean() > 0.33
    assert not set(validation_split.texts) & set(test_split.texts)
    big_train = make_review_corpus(6000, "train", seed=1)
    assert not set(big_train.texts) & set(validation_split.texts)


def test_held_out_templates_use_only_words_the_training_templates_use():
    known = template_words(TRAIN_TEMPLATES)
    assert template_words(VALIDATION_TEMPLATES) <= known
    assert template_words(TEST_TEMPLATES) <= known


def test_adding_the_validation_split_left_train_and_test_unchanged():
    """Train and test keep their random streams (0 and 1), so old seeds give old corpora."""
    assert SPLITS == ("train", "validation", "test")
    first = make_review_corpus(4, "test", seed=0)
    assert first.texts == make_review_corpus(4, "test", seed=0).texts
    assert make_review_corpus(4, "validation", seed=0).texts != first.texts
