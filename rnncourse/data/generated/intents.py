"""A generated corpus of short chatbot requests in four intents (lesson 05's multi-class task).

A many-to-one task with four classes instead of two: the same embedding + recurrent
model works with a ``Dense(4, activation="softmax")`` output
(:func:`rnncourse.models.text_classifiers.build_intent_classifier`).
"""

from __future__ import annotations

import numpy as np

from rnncourse.validation import MAX_COUNT, as_int, as_seed

__all__ = ["INTENTS", "make_intent_corpus"]

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
    examples = as_int("examples", examples, minimum=1, maximum=MAX_COUNT)
    rng = np.random.default_rng(as_seed("seed", seed))
    texts, labels = [], []
    for _ in range(int(examples)):
        label = int(rng.integers(len(INTENTS)))
        pattern = str(rng.choice(_INTENT_PATTERNS[INTENTS[label]]))
        fillers = {slot: str(rng.choice(words)) for slot, words in _INTENT_FILLERS.items()}
        texts.append(" ".join(pattern.format(**fillers).split()))
        labels.append(label)
    return texts, np.array(labels, dtype=np.int64)
