"""Text classification plumbing: encode sentences, build the classifiers, train and score.

The pipeline of notebook 05, in the order the notebook teaches it:

1. **Tokenise and build a vocabulary** with Keras's ``TextVectorization``
   (:func:`make_vectorizer`): id 0 is the padding token ``""``, id 1 is ``"[UNK]"`` for
   words the vocabulary lacks, then the words from most to least frequent.
2. **Pad and mask** (:func:`pad_and_mask`): every sentence becomes a row of ``length``
   ids, padded with 0 at the end; the mask says which positions hold real words.
   :func:`encode_texts` does steps 1-2 in NumPy and equals ``TextVectorization``.
3. **Models**: :func:`build_bag_of_words_model` sees only word counts, so it cannot
   tell "no , the phone is good" from "the phone is no good";
   :func:`build_rnn_classifier` embeds the ids (``Embedding(mask_zero=True)``) and reads
   them in order with a SimpleRNN, LSTM or GRU.
4. **Train with early stopping** (:func:`train_with_early_stopping`) through
   :func:`rnncourse.training.fit`, and **score** by phenomenon (:func:`accuracy_report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import keras
import numpy as np

from rnncourse.review_corpus import ReviewCorpus
from rnncourse.training import FitResult, fit

PAD_ID, UNKNOWN_ID = 0, 1
PAD_TOKEN, UNKNOWN_TOKEN = "", "[UNK]"
CELLS = {"simplernn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
         "gru": keras.layers.GRU}

# The lecture's phone reviews (label 1 = positive), the last two a bag of words cannot split.
PHONE_REVIEWS: tuple[tuple[str, int], ...] = (
    ("I like this phone", 1),
    ("This phone is good", 1),
    ("This phone is not okay", 0),
    ("I do not like this phone because battery is not charging properly", 0),
    ("This phone is no good", 0),
    ("No, this phone is good", 1),
)


class TextModelError(ValueError):
    """A bad argument to the text pipeline (length, vocabulary, cell name, data)."""


def standardize(text: str) -> list[str]:
    """Lower-case ``text``, drop punctuation and split on whitespace.

    This is what ``TextVectorization``'s default ``"lower_and_strip_punctuation"`` and
    ``"whitespace"`` split do for plain ASCII sentences.
    """
    if not isinstance(text, str):
        raise TextModelError(f"Expected a sentence (str), got {type(text).__name__}.")
    cleaned = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text.lower())
    return cleaned.split()


def pad_and_mask(sequences: Sequence[Sequence[int]], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Pad (or cut) integer sequences to ``length`` at the end, and say which ids are real.

    Args:
        sequences: One list of token ids per sentence (ids >= 1; 0 is reserved for padding).
        length: The number of time steps every row gets. Longer sequences keep their
            first ``length`` ids; shorter ones get 0s appended.

    Returns:
        ``(ids, mask)``: ``ids`` is int64 ``(sentences, length)``, ``mask`` is boolean of the
        same shape, True where ``ids`` holds a word (this is what ``Embedding(mask_zero=True)``
        computes and passes to the recurrent layer).
    """
    if isinstance(length, bool) or not isinstance(length, int | np.integer) or length < 1:
        raise TextModelError(f"length must be a positive integer, got {length!r}.")
    ids = np.zeros((len(sequences), int(length)), dtype=np.int64)
    for row, sequence in enumerate(sequences):
        kept = np.asarray(sequence, dtype=np.int64)[:length]
        if kept.size and kept.min() < 1:
            raise TextModelError(f"Sentence {row} contains id {kept.min()}; word ids start at "
                                 "1 because 0 means padding.")
        ids[row, : kept.size] = kept
    return ids, ids != PAD_ID


def vocabulary_from_texts(texts: Iterable[str], max_tokens: int | None = None) -> list[str]:
    """The vocabulary ``TextVectorization.adapt`` builds: pad, unknown, then by frequency.

    Ties in frequency are broken alphabetically here; ``TextVectorization`` breaks them in
    its own way, so compare the two as sets, or pass one vocabulary to both.
    """
    counts: dict[str, int] = {}
    for text in texts:
        for token in standardize(text):
            counts[token] = counts.get(token, 0) + 1
    words = sorted(counts, key=lambda token: (-counts[token], token))
    vocabulary = [PAD_TOKEN, UNKNOWN_TOKEN, *words]
    return vocabulary if max_tokens is None else vocabulary[:max_tokens]


def encode_texts(texts: Sequence[str], vocabulary: Sequence[str],
                 length: int) -> tuple[np.ndarray, np.ndarray]:
    """Sentences to padded id rows and their mask, in NumPy, as ``TextVectorization`` does.

    Args:
        texts: The sentences.
        vocabulary: Token list with ``""`` at 0 and ``"[UNK]"`` at 1 (see
            :func:`vocabulary_from_texts` or ``vectorizer.get_vocabulary()``).
        length: Time steps per row (``output_sequence_length``).
    """
    if len(vocabulary) < 2 or vocabulary[PAD_ID] != PAD_TOKEN or \
            vocabulary[UNKNOWN_ID] != UNKNOWN_TOKEN:
        raise TextModelError("The vocabulary must start with the padding token '' and the "
                             "unknown token '[UNK]' (TextVectorization's layout).")
    index = {token: position for position, token in enumerate(vocabulary)}
    sequences = [[index.get(token, UNKNOWN_ID) for token in standardize(text)] for text in texts]
    return pad_and_mask(sequences, length)


def make_vectorizer(texts: Sequence[str], length: int,
                    max_tokens: int | None = None) -> keras.layers.TextVectorization:
    """A ``TextVectorization`` layer adapted to ``texts`` that outputs ``length`` ids per row."""
    if isinstance(length, bool) or not isinstance(length, int | np.integer) or length < 1:
        raise TextModelError(f"length must be a positive integer, got {length!r}.")
    if len(texts) == 0:
        raise TextModelError("Cannot build a vocabulary from no sentences.")
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode="int",
                                                output_sequence_length=int(length))
    vectorizer.adapt(list(texts))
    return vectorizer


def vectorize(vectorizer: keras.layers.TextVectorization, texts: Sequence[str]) -> np.ndarray:
    """Run ``vectorizer`` on ``texts`` and return the ids as an int64 NumPy array."""
    return np.asarray(vectorizer(np.asarray(list(texts), dtype=object))).astype(np.int64)


def build_bag_of_words_model(vocabulary_size: int, hidden_units: int = 16,
                             learning_rate: float = 0.01) -> keras.Model:
    """A classifier that sees only how often each word occurs (a bag of words).

    The padded ids become a count vector over the vocabulary (``CategoryEncoding``, the
    padding id's count left out), then a small dense network outputs P(positive). Any two
    sentences with the same words, in whatever order, get exactly the same prediction.
    """
    if vocabulary_size < 2:
        raise TextModelError(f"vocabulary_size must be at least 2, got {vocabulary_size}.")
    ids = keras.Input((None,), dtype="int64", name="ids")
    counts = keras.layers.CategoryEncoding(vocabulary_size, output_mode="count",
                                           name="word_counts")(ids)
    not_padding = np.ones(vocabulary_size, dtype="float32")
    not_padding[PAD_ID] = 0.0
    counts = keras.layers.Rescaling(not_padding, name="drop_padding")(counts)
    hidden = keras.layers.Dense(hidden_units, activation="relu")(counts)
    output = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(ids, output, name="bag_of_words")
    model.compile(keras.optimizers.Adam(learning_rate), "binary_crossentropy",
                  metrics=["accuracy"])
    return model


def build_rnn_classifier(vocabulary_size: int, cell: str = "lstm", units: int = 32,
                         embedding_dim: int = 16, learning_rate: float = 0.01,
                         mask_zero: bool = True) -> keras.Model:
    """Embedding, then a recurrent layer read left to right, then P(positive).

    Args:
        vocabulary_size: Number of ids (padding and unknown included).
        cell: ``"simplernn"``, ``"lstm"`` or ``"gru"`` (any case).
        units: Size of the recurrent state.
        embedding_dim: Size of each word vector.
        learning_rate: Adam's learning rate.
        mask_zero: Let the embedding mask padding (id 0), so the recurrent layer skips it.
    """
    key = cell.lower().replace("_", "").replace("-", "") if isinstance(cell, str) else cell
    if key not in CELLS:
        raise TextModelError(f"Unknown cell {cell!r}; use one of 'SimpleRNN', 'LSTM', 'GRU'.")
    if vocabulary_size < 2:
        raise TextModelError(f"vocabulary_size must be at least 2, got {vocabulary_size}.")
    ids = keras.Input((None,), dtype="int64", name="ids")
    vectors = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=mask_zero,
                                     name="embedding")(ids)
    state = CELLS[key](units, name=key)(vectors)
    output = keras.layers.Dense(1, activation="sigmoid")(state)
    model = keras.Model(ids, output, name=f"{key}_classifier")
    model.compile(keras.optimizers.Adam(learning_rate), "binary_crossentropy",
                  metrics=["accuracy"])
    return model


@dataclass
class TrainedClassifier:
    """A trained model with its training record.

    Attributes:
        model: The Keras model, holding the weights of its best validation epoch.
        result: What :func:`rnncourse.training.fit` returned (history, seconds per epoch).
        best_epoch: The epoch (1-based, counted in this call's history) whose weights were
            kept.
        stopped_early: True when early stopping ended training before the last epoch.
    """

    model: keras.Model
    result: FitResult
    best_epoch: int
    stopped_early: bool

    @property
    def epochs_run(self) -> int:
        """How many epochs this call trained."""
        return len(self.result.history.get("loss", []))


def train_with_early_stopping(model: keras.Model, train: tuple[np.ndarray, np.ndarray],
                              validation: tuple[np.ndarray, np.ndarray], *, name: str,
                              epochs: int, patience: int, min_delta: float = 0.0,
                              batch_size: int = 64, print_every: int = 1) -> TrainedClassifier:
    """Train with :func:`rnncourse.training.fit`, stopping when validation loss stalls.

    ``EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta,
    restore_best_weights=True)`` ends training after ``patience`` epochs in which the
    validation loss did not improve by at least ``min_delta``, and puts back the weights
    of the best epoch. If the run is interrupted, ``fit`` resumes the
    weights from its backup, but early stopping starts counting afresh.
    """
    if patience < 1:
        raise TextModelError(f"patience must be at least 1, got {patience}.")
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                            min_delta=min_delta, restore_best_weights=True)
    result = fit(model, train[0], train[1], name=name, epochs=epochs, callbacks=[stopper],
                 validation_data=validation, batch_size=batch_size, print_every=print_every,
                 shuffle=True)
    losses = result.history["val_loss"]
    best = stopper.best_epoch + 1 if stopper.best is not None else len(losses)
    return TrainedClassifier(model, result, best_epoch=best,
                             stopped_early=len(losses) < epochs and not result.resumed)


def predict_positive(model: keras.Model, ids: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """P(positive) for each row of ``ids``, shape ``(rows,)``."""
    return np.asarray(model.predict(ids, batch_size=batch_size, verbose=0)).reshape(-1)


def accuracy_report(probabilities: np.ndarray, corpus: ReviewCorpus) -> dict[str, float]:
    """Accuracy overall, on the order-dependent twins, on the rest, and per family."""
    probabilities = np.asarray(probabilities).reshape(-1)
    if probabilities.shape != (len(corpus),):
        raise TextModelError(f"Got {probabilities.size} predictions for {len(corpus)} "
                             "sentences; predict on the same corpus you score.")
    correct = (probabilities > 0.5).astype(np.int64) == corpus.labels
    twins = corpus.order_dependent
    report = {"all": float(correct.mean()),
              "twins": float(correct[twins].mean()) if twins.any() else float("nan"),
              "others": float(correct[~twins].mean()) if (~twins).any() else float("nan")}
    families = np.asarray(corpus.families)
    for family in sorted(set(corpus.families)):
        report[family] = float(correct[families == family].mean())
    return report


# ---------------------------------------------------------------------------
# Beyond two classes: chatbot intents

INTENTS = ("time", "weather", "alarm", "music")
_INTENT_PATTERNS = {
    "time": ("what time is it", "tell me the time", "do you know what time it is",
             "what is the time {place}", "is it late {place}"),
    "weather": ("what is the weather {day}", "will it rain {day}", "is it sunny {place}",
                "do i need an umbrella {day}", "how cold is it {place}"),
    "alarm": ("set an alarm for {hour}", "wake me up at {hour}", "cancel my alarm",
              "set an alarm {day} at {hour}", "remind me at {hour}"),
    "music": ("play some {genre}", "play my {genre} playlist", "stop the music",
              "put on some {genre} {day}", "i want to hear {genre}"),
}
_INTENT_FILLERS = {
    "place": ("", "here", "in london", "at home", "in paris"),
    "day": ("", "today", "tomorrow", "tonight", "this weekend"),
    "hour": ("seven", "six thirty", "noon", "eight am", "nine"),
    "genre": ("jazz", "rock", "music", "songs", "classical music"),
}


def make_intent_corpus(examples: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Short chatbot requests and their intent id (an index into :data:`INTENTS`).

    A many-to-one task with four classes instead of two: the same embedding + recurrent
    model works with a ``Dense(4, activation="softmax")`` output. Sentences are drawn
    uniformly over the intents from a few patterns each, filled from small word lists.
    """
    if isinstance(examples, bool) or not isinstance(examples, int | np.integer) or \
            examples < 1:
        raise TextModelError(f"examples must be a positive integer, got {examples!r}.")
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(int(examples)):
        label = int(rng.integers(len(INTENTS)))
        pattern = str(rng.choice(_INTENT_PATTERNS[INTENTS[label]]))
        fillers = {slot: str(rng.choice(words)) for slot, words in _INTENT_FILLERS.items()}
        texts.append(" ".join(pattern.format(**fillers).split()))
        labels.append(label)
    return texts, np.array(labels, dtype=np.int64)


def build_intent_classifier(vocabulary_size: int, classes: int = len(INTENTS),
                            units: int = 16, embedding_dim: int = 16,
                            learning_rate: float = 0.01) -> keras.Model:
    """Embedding, GRU and a softmax over ``classes`` intents (sparse cross-entropy)."""
    if classes < 2:
        raise TextModelError(f"An intent classifier needs at least 2 classes, got {classes}.")
    model = keras.Sequential([
        keras.Input((None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
        keras.layers.GRU(units),
        keras.layers.Dense(classes, activation="softmax"),
    ], name="intent_classifier")
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def imdb_splits(reviews, examples: int, length: int,
                validation_share: float = 0.2) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Padded ``(ids, labels)`` for training, validation and test from the IMDB reviews.

    Takes the first ``examples`` training reviews (Keras already shuffled them), keeps
    the last ``validation_share`` of those for validation, the first ``examples`` test
    reviews for testing, and pads or cuts each review to its first ``length`` ids.

    Args:
        reviews: What :func:`rnncourse.data.load_imdb` returns.
        examples: Reviews to take from each of the training and test parts.
        length: Time steps per review.
        validation_share: Fraction of the training reviews held out for validation.
    """
    if not 0 < validation_share < 1:
        raise TextModelError(f"validation_share must lie in (0, 1), got {validation_share}.")
    if examples < 10:
        raise TextModelError(f"Use at least 10 reviews, got {examples}.")
    cut = int(round(examples * (1 - validation_share)))
    x_train, _ = pad_and_mask(list(reviews.x_train[:examples]), length)
    x_test, _ = pad_and_mask(list(reviews.x_test[:examples]), length)
    y_train, y_test = reviews.y_train[:examples], reviews.y_test[:examples]
    return {"train": (x_train[:cut], y_train[:cut]),
            "validation": (x_train[cut:], y_train[cut:]),
            "test": (x_test, y_test)}
