"""Text classifiers in Keras: the vectoriser, bag-of-words and recurrent models, training, scores.

The pipeline of notebook 05, in the order the notebook teaches it:

1. **Tokenise and build a vocabulary** with Keras's ``TextVectorization``
   (:func:`make_vectorizer`): id 0 is the padding token ``""``, id 1 is ``"[UNK]"`` for
   words the vocabulary lacks, then the words from most to least frequent.
2. **Pad and mask** (:func:`pad_and_mask`): every sentence becomes a row of ``length``
   ids, padded with 0 at the end; the mask says which positions hold real words.
   :func:`rnncourse.data.text.encode_texts` does steps 1-2 in NumPy and equals
   ``TextVectorization``.
3. **Models**: :func:`build_bag_of_words_model` sees only word counts, so it cannot
   tell "no , the phone is good" from "the phone is no good";
   :func:`build_rnn_classifier` embeds the ids (``Embedding(mask_zero=True)``) and reads
   them in order with a SimpleRNN, LSTM or GRU (optionally with dropout).
4. **Train with early stopping** (:func:`train_with_early_stopping`) through
   :func:`rnncourse.training.fit`, and **score** by phenomenon (:func:`accuracy_report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from rnncourse.data.generated.intents import INTENTS
from rnncourse.data.generated.reviews import ReviewCorpus
from rnncourse.data.text import PAD_ID
from rnncourse.errors import InputError
from rnncourse.training import FitResult, fit
from rnncourse.validation import as_float, as_int

CELLS = {"simplernn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
         "gru": keras.layers.GRU}

def make_vectorizer(texts: Sequence[str], length: int,
                    max_tokens: int | None = None) -> keras.layers.TextVectorization:
    """A ``TextVectorization`` layer adapted to ``texts`` that outputs ``length`` ids per row."""
    length = as_int("length", length, minimum=1)
    if isinstance(texts, str):
        raise InputError("make_vectorizer takes a list of sentences; wrap one in a list.")
    if len(texts) == 0:
        raise InputError("Cannot build a vocabulary from no sentences.")
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
        raise InputError(f"vocabulary_size must be at least 2, got {vocabulary_size}.")
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
                         mask_zero: bool = True, dropout: float = 0.0) -> keras.Model:
    """Embedding, then a recurrent layer read left to right, then P(positive).

    Args:
        vocabulary_size: Number of ids (padding and unknown included).
        cell: ``"simplernn"``, ``"lstm"`` or ``"gru"`` (any case).
        units: Size of the recurrent state.
        embedding_dim: Size of each word vector.
        learning_rate: Adam's learning rate.
        mask_zero: Let the embedding mask padding (id 0), so the recurrent layer skips it.
        dropout: Share of the word vectors' and of the final state's numbers that a
            ``Dropout`` layer sets to zero during training (0 leaves them out). Dropout
            keeps the model from leaning on a few features, and is off at prediction time.
    """
    key = cell.lower().replace("_", "").replace("-", "") if isinstance(cell, str) else cell
    if key not in CELLS:
        raise InputError(f"Unknown cell {cell!r}; use one of 'SimpleRNN', 'LSTM', 'GRU'.")
    if vocabulary_size < 2:
        raise InputError(f"vocabulary_size must be at least 2, got {vocabulary_size}.")
    dropout = as_float("dropout", dropout)
    if not 0.0 <= dropout < 1.0:
        raise InputError(f"dropout must be at least 0 and below 1, got {dropout}.")
    ids = keras.Input((None,), dtype="int64", name="ids")
    vectors = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=mask_zero,
                                     name="embedding")(ids)
    if dropout:
        vectors = keras.layers.Dropout(dropout, name="word_dropout")(vectors)
    state = CELLS[key](units, name=key)(vectors)
    if dropout:
        state = keras.layers.Dropout(dropout, name="state_dropout")(state)
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
        raise InputError(f"patience must be at least 1, got {patience}.")
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
        raise InputError(f"Got {probabilities.size} predictions for {len(corpus)} "
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


def build_intent_classifier(vocabulary_size: int, classes: int = len(INTENTS),
                            units: int = 16, embedding_dim: int = 16,
                            learning_rate: float = 0.01) -> keras.Model:
    """Embedding, GRU and a softmax over ``classes`` intents (sparse cross-entropy)."""
    if classes < 2:
        raise InputError(f"An intent classifier needs at least 2 classes, got {classes}.")
    model = keras.Sequential([
        keras.Input((None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
        keras.layers.GRU(units),
        keras.layers.Dense(classes, activation="softmax"),
    ], name="intent_classifier")
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
