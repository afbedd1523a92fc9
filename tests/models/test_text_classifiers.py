"""The text pipeline and classifiers of notebook 05."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnncourse.data.generated.intents import INTENTS, make_intent_corpus
from rnncourse.data.generated.reviews import PHONE_REVIEWS, make_review_corpus, twin_pairs
from rnncourse.data.imdb import ImdbReviews, imdb_splits
from rnncourse.data.text import (
    UNKNOWN_ID,
    encode_texts,
    pad_and_mask,
    standardize,
    vocabulary_from_texts,
)
from rnncourse.errors import ArgumentTypeError, InputError
from rnncourse.models.text_classifiers import (
    accuracy_report,
    build_bag_of_words_model,
    build_intent_classifier,
    build_rnn_classifier,
    make_vectorizer,
    predict_positive,
    train_with_early_stopping,
    vectorize,
)


@pytest.fixture(scope="module")
def corpus():
    return make_review_corpus(200, "train", seed=3)


@pytest.fixture(scope="module")
def vectorizer(corpus):
    return make_vectorizer(corpus.texts, 20)


# --- tokenising, vocabulary, padding, masking -------------------------------------


def test_standardize_lower_cases_and_deletes_punctuation():
    assert standardize("No, this PHONE is good!") == ["no", "this", "phone", "is", "good"]
    assert standardize("I don't like it; it's well-made.") == \
        ["i", "dont", "like", "it", "its", "wellmade"]
    with pytest.raises(ArgumentTypeError, match="str"):
        standardize(3)


TRICKY_TEXTS = [
    "Don't STOP, it's well-made!!",
    "a.b,c;d:e?f(g)h[i]j{k}l<m>n/o\\p|q~r`s^t_u+v=w*x&y%z$#@\"'",
    "tabs\tand\nnew lines\r\nand\x0bvertical\x0cfeeds   many   spaces",
    "Écoles ÉTÉ Straße ΣΟΦΙΑ naïve café",  # only ASCII letters are lower-cased
    "no\u00a0break\u2003em space\x1cfile\x85next",  # not whitespace to TextVectorization
    "“curly” quotes – dashes — and … ellipsis 😀 emoji",
    "",
    "   ",
    "CAPS123 4x4 3.14 1,000 e-mail",
]


def test_standardize_equals_textvectorization_character_for_character():
    layer = keras.layers.TextVectorization()  # the defaults the course relies on
    layer.adapt(TRICKY_TEXTS)  # every token of these texts gets its own id
    vocabulary = layer.get_vocabulary()
    rows = vectorize(layer, TRICKY_TEXTS)
    keras_tokens = [[vocabulary[index] for index in row if index != 0] for row in rows]
    assert UNKNOWN_ID not in rows
    assert [standardize(text) for text in TRICKY_TEXTS] == keras_tokens


def test_every_ascii_punctuation_character_is_deleted_not_spaced():
    import string

    texts = [f"ab{character}cd" for character in string.punctuation]
    assert all(standardize(text) == ["abcd"] for text in texts)
    vectorizer = make_vectorizer(["abcd"], 2)
    assert (vectorize(vectorizer, texts)[:, 0] == 2).all()  # "abcd" is id 2 for every one


def test_pad_and_mask_pads_at_the_end_and_keeps_the_start():
    ids, mask = pad_and_mask([[5, 6, 7], [8], [2, 3, 4, 5, 6, 7]], 4)
    assert ids.tolist() == [[5, 6, 7, 0], [8, 0, 0, 0], [2, 3, 4, 5]]
    assert mask.tolist() == (ids != 0).tolist() and mask.dtype == bool
    empty, empty_mask = pad_and_mask([[]], 3)
    assert empty.tolist() == [[0, 0, 0]] and not empty_mask.any()


@pytest.mark.parametrize(("sequences", "length", "message"), [
    ([[1, 2]], 0, "positive whole number"),
    ([[1, 2]], 2.5, "whole number"),
    ([[1, 0, 2]], 4, "0 means padding"),
])
def test_pad_and_mask_rejects_bad_input(sequences, length, message):
    with pytest.raises(InputError, match=message):
        pad_and_mask(sequences, length)


def test_numpy_encoding_equals_textvectorization(corpus, vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    texts = [*corpus.texts, "The phone is GORGEOUS, honestly!", "zzz"]
    ids, mask = encode_texts(texts, vocabulary, 20)
    assert np.array_equal(ids, vectorize(vectorizer, texts))
    assert ids[-1, 0] == UNKNOWN_ID and np.array_equal(mask, ids != 0)


def test_our_vocabulary_has_the_same_words_and_layout(corpus, vectorizer):
    ours = vocabulary_from_texts(corpus.texts)
    keras_vocabulary = vectorizer.get_vocabulary()
    assert ours[:2] == keras_vocabulary[:2] == ["", "[UNK]"]
    assert set(ours) == set(keras_vocabulary)
    assert len(vocabulary_from_texts(corpus.texts, max_tokens=5)) == 5


def test_encode_texts_needs_the_reserved_tokens():
    with pytest.raises(InputError, match="padding token"):
        encode_texts(["good"], ["good", "bad"], 3)
    with pytest.raises(InputError, match="no sentences"):
        make_vectorizer([], 3)
    with pytest.raises(InputError, match="positive whole number"):
        make_vectorizer(["a"], 0)


# --- models --------------------------------------------------------------------------


def test_bag_of_words_cannot_tell_twins_apart(corpus, vectorizer):
    keras.utils.set_random_seed(0)
    model = build_bag_of_words_model(len(vectorizer.get_vocabulary()))
    probabilities = predict_positive(model, vectorize(vectorizer, corpus.texts))
    pairs = twin_pairs(corpus)
    assert len(pairs) > 10
    assert np.allclose(probabilities[pairs[:, 0]], probabilities[pairs[:, 1]], atol=1e-6)
    # and it ignores how much padding there is
    short, long = (vectorize(make_vectorizer(corpus.texts, n), corpus.texts[:5])
                   for n in (20, 30))
    assert np.allclose(predict_positive(model, short), predict_positive(model, long),
                       atol=1e-6)


@pytest.mark.parametrize("cell", ["SimpleRNN", "LSTM", "GRU"])
def test_rnn_classifier_masks_padding_and_reads_order(cell):
    keras.utils.set_random_seed(1)
    model = build_rnn_classifier(12, cell, units=6, embedding_dim=5)
    sentence = np.array([[3, 4, 5, 6]])
    padded = np.array([[3, 4, 5, 6, 0, 0, 0]])
    reordered = np.array([[6, 5, 4, 3]])
    assert np.allclose(predict_positive(model, sentence), predict_positive(model, padded),
                       atol=1e-6)
    assert not np.allclose(predict_positive(model, sentence),
                           predict_positive(model, reordered), atol=1e-6)


def test_dropout_acts_in_training_only_and_keeps_the_mask():
    keras.utils.set_random_seed(2)
    model = build_rnn_classifier(12, "lstm", units=6, embedding_dim=5, dropout=0.3)
    assert {"word_dropout", "state_dropout"} <= {layer.name for layer in model.layers}
    sentence, padded = np.array([[3, 4, 5, 6]]), np.array([[3, 4, 5, 6, 0, 0]])
    first, again = predict_positive(model, sentence), predict_positive(model, sentence)
    assert np.array_equal(first, again)  # no dropout at prediction time
    assert np.allclose(first, predict_positive(model, padded), atol=1e-6)
    noisy = [float(model(sentence, training=True)[0, 0]) for _ in range(5)]
    assert len(set(noisy)) > 1  # but it does drop numbers while training
    assert build_rnn_classifier(12, "lstm", units=6, embedding_dim=5).count_params() == \
        model.count_params()  # dropout adds no weights
    with pytest.raises(InputError, match="dropout"):
        build_rnn_classifier(12, dropout=1.0)


def test_without_mask_the_padding_changes_the_answer():
    keras.utils.set_random_seed(1)
    model = build_rnn_classifier(12, "lstm", units=6, embedding_dim=5, mask_zero=False)
    assert not np.allclose(predict_positive(model, np.array([[3, 4, 5, 6]])),
                           predict_positive(model, np.array([[3, 4, 5, 6, 0, 0, 0]])),
                           atol=1e-6)


def test_recurrent_parameter_counts_follow_the_gates():
    sizes = {cell: build_rnn_classifier(30, cell, units=8, embedding_dim=4)
             .get_layer(cell.lower()).count_params() for cell in ("SimpleRNN", "LSTM", "GRU")}
    assert sizes["SimpleRNN"] == 4 * 8 + 8 * 8 + 8
    assert sizes["LSTM"] == 4 * sizes["SimpleRNN"]
    assert sizes["GRU"] == 3 * (4 * 8 + 8 * 8 + 2 * 8)  # reset_after: two biases


def test_model_builders_reject_bad_arguments():
    with pytest.raises(InputError, match="Unknown cell"):
        build_rnn_classifier(10, "transformer")
    with pytest.raises(InputError, match="vocabulary_size"):
        build_rnn_classifier(1)
    with pytest.raises(InputError, match="vocabulary_size"):
        build_bag_of_words_model(1)
    with pytest.raises(InputError, match="2 classes"):
        build_intent_classifier(10, classes=1)


# --- training and scoring --------------------------------------------------------------


def test_early_stopping_stops_and_keeps_the_best_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path))
    rng = np.random.default_rng(0)
    # Random labels: the model can only memorise, so validation loss soon rises.
    x_train, y_train = rng.integers(1, 40, size=(64, 6)), rng.integers(0, 2, size=64)
    x_val, y_val = rng.integers(1, 40, size=(64, 6)), rng.integers(0, 2, size=64)
    keras.utils.set_random_seed(0)
    model = build_bag_of_words_model(40, hidden_units=32, learning_rate=0.05)
    trained = train_with_early_stopping(model, (x_train, y_train), (x_val, y_val),
                                           name="t-early", epochs=40, patience=2,
                                           batch_size=16)
    assert trained.stopped_early and trained.epochs_run < 40
    assert trained.epochs_run == trained.best_epoch + 2
    history = trained.result.history["val_loss"]
    final = model.evaluate(x_val, y_val, verbose=0)[0]
    assert abs(final - history[trained.best_epoch - 1]) < 1e-4
    with pytest.raises(InputError, match="patience"):
        train_with_early_stopping(model, (x_train, y_train), (x_val, y_val), name="t-bad",
                                     epochs=2, patience=0)


def test_accuracy_report_splits_twins_and_families(corpus):
    perfect = accuracy_report(corpus.labels.astype(float), corpus)
    assert perfect["all"] == perfect["twins"] == perfect["others"] == 1.0
    constant = accuracy_report(np.ones(len(corpus)), corpus)
    assert constant["twins"] == 0.5 and constant["all"] == 0.5
    assert set(corpus.families) <= set(constant)
    with pytest.raises(InputError, match="predictions"):
        accuracy_report(np.ones(3), corpus)


def test_phone_reviews_hold_the_lecture_pair():
    texts = [text for text, _ in PHONE_REVIEWS]
    assert sorted(standardize(texts[-1])) == sorted(standardize(texts[-2]))
    assert [label for _, label in PHONE_REVIEWS][-2:] == [0, 1]


def test_intent_corpus_is_seeded_and_labelled():
    texts, labels = make_intent_corpus(50, seed=1)
    again, _ = make_intent_corpus(50, seed=1)
    assert texts == again and set(labels) <= set(range(len(INTENTS)))
    assert all(text == " ".join(text.split()) for text in texts)
    with pytest.raises(InputError, match="positive whole number"):
        make_intent_corpus(0)


def test_imdb_splits_pad_and_hold_out_validation():
    reviews = np.empty(20, dtype=object)
    reviews[:] = [[1, 4 + i, 5, 6] for i in range(20)]
    imdb = ImdbReviews(reviews, np.arange(20) % 2, reviews, np.arange(20) % 2, None)
    splits = imdb_splits(imdb, examples=10, length=3, validation_share=0.2)
    assert splits["train"][0].shape == (8, 3) and splits["validation"][0].shape == (2, 3)
    assert splits["test"][0].shape == (10, 3) and splits["train"][0][0].tolist() == [1, 4, 5]
    with pytest.raises(InputError, match="validation_share"):
        imdb_splits(imdb, 10, 3, validation_share=1.0)
