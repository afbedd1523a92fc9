"""A generated corpus of short phone reviews in which word order decides the sentiment.

Real review data sets are large, need a download, and mostly reward spotting words such
as "great" or "awful": a model that ignores word order does well on them. This module
builds, offline and from a seed, a labelled corpus where that shortcut fails:

* negation flips a word ("the screen is not good" is negative),
* a correction keeps the first verdict ("the phone is good , not bad" is positive),
* after "but" the second clause decides ("the case is bad but the camera is great"),
* an expectation can be confirmed or denied ("i expected it to be bad and it was not").

Every sentence comes from a :class:`Template`: a pattern with slots for an adjective
(``{a}``, ``{b}``), a verb (``{v}``, ``{w}``), nouns (``{n}``, ``{m}``) and words that do
not change the label (an opener ``{o}`` such as "honestly ,", an intensifier ``{r}``, an
ending ``{e}``, a determiner ``{d}``, the tense ``{c}``; some are often left empty), plus
a ``sign`` that says how the label follows from the polarity of the key word (``{a}`` or
``{v}``): label positive exactly when ``sign * polarity(key) > 0``.

**Twins.** Most templates produce their examples in pairs with *exactly the same words*
(the same bag of words) and opposite labels: either by swapping the two opposite
adjectives (``good , not bad`` / ``bad , not good``) or by moving a word (the template's
``twin``: ``no , this phone is good`` / ``this phone is no good``). No model that only sees
which words occur can tell twins apart, so on the twins it scores exactly 50 %.

**Held-out templates.** The ``"train"`` split draws from :data:`TRAIN_TEMPLATES`, the
``"validation"`` split from :data:`VALIDATION_TEMPLATES` and the ``"test"`` split from
:data:`TEST_TEMPLATES`. No two of the three lists can produce the same sentence shape
(:func:`shared_shapes`): validation and test sentences are new arrangements of known words,
so a model cannot pass by memorising sentence shapes. Validation is drawn *like* the test
set (from shapes training never shows) but from other shapes than the test, so choosing
an epoch on it says how well a model generalises without peeking at the test.

Use :func:`make_review_corpus`; it is deterministic for a given seed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnncourse.errors import InputError
from rnncourse.validation import MAX_COUNT, as_int, as_seed

POSITIVE_ADJECTIVES = ("good", "great", "excellent", "fantastic", "solid", "lovely", "okay",
                       "superb")
NEGATIVE_ADJECTIVES = ("bad", "terrible", "awful", "poor", "horrible", "useless", "weak",
                       "dreadful")
POSITIVE_VERBS = ("like", "love", "enjoy", "recommend")
NEGATIVE_VERBS = ("hate", "dislike", "regret", "return")
NOUNS = ("phone", "battery", "screen", "camera", "speaker", "charger", "keyboard", "case",
         "display", "sound")
# Words that vary a sentence without changing its label; "" leaves the slot empty.
OPENERS = ("", "", "", "overall ,", "honestly ,", "to be fair ,", "after a week ,")
INTENSIFIERS = ("", "", "really", "very", "quite", "so")
ENDINGS = ("", "", "", "to be honest", "for the price", "so far")
DETERMINERS = ("the", "this", "my")
TENSES = ("is", "was")

# Short phone reviews of the kind course notes on sentiment use (label 1 = positive); the
# last two have the same words, so a bag of words cannot split them.
PHONE_REVIEWS: tuple[tuple[str, int], ...] = (
    ("I like this phone", 1),
    ("This phone is good", 1),
    ("This phone is not okay", 0),
    ("I do not like this phone because battery is not charging properly", 0),
    ("This phone is no good", 0),
    ("No, this phone is good", 1),
)

SPLITS = ("train", "validation", "test")
# The random stream of each split (train and test keep the streams they always had).
_SPLIT_STREAMS = {"train": 0, "test": 1, "validation": 2}
_SLOT = re.compile(r"\{(\w)\}")
_ADJECTIVE_SLOTS, _VERB_SLOTS, _NOUN_SLOTS = ("a", "b"), ("v", "w"), ("n", "m")
_NEUTRAL_SLOTS = {"o": OPENERS, "r": INTENSIFIERS, "e": ENDINGS, "d": DETERMINERS,
                  "c": TENSES}


def words(text: str) -> list[str]:
    """Split a corpus sentence into its words, leaving out punctuation.

    Corpus sentences are lower case with every token separated by a space. Commas are
    written for the human reader only; like the default standardisation of Keras's
    ``TextVectorization`` (``"lower_and_strip_punctuation"``), this function drops them.
    """
    return [token for token in text.split() if any(ch.isalnum() for ch in token)]


def bag_of_words(text: str) -> Counter:
    """The multiset of words in ``text``: what a bag-of-words model sees of a sentence."""
    return Counter(words(text))


@dataclass(frozen=True)
class Template:
    """A sentence pattern and the rule that labels it.

    Attributes:
        text: The pattern, e.g. ``"the {n} is {a} , not {b}"``. ``{a}``/``{b}`` are
            adjectives and ``{v}``/``{w}`` verbs of opposite polarity; ``{n}``/``{m}`` nouns.
        sign: ``+1`` if the sentence has the polarity of its key word (``{a}``, else
            ``{v}``), ``-1`` if it has the opposite one.
        family: The phenomenon it shows: ``"plain"``, ``"negation"``, ``"correction"``,
            ``"contrast"``, ``"expectation"`` or ``"position"``.
        twin: Another pattern with the same words but the opposite label (``None``: the
            twin swaps ``{a}`` with ``{b}`` and ``{v}`` with ``{w}`` where both of a pair
            occur; a pattern with neither pair, e.g. ``{b} ... {v}``, has no twin).
        positive_key_only: Fill the key slot with positive words only (for patterns such
            as "this phone is no {a}", which read oddly with "bad"); the twin then
            supplies the opposite label.
    """

    text: str
    sign: int
    family: str
    twin: str | None = None
    positive_key_only: bool = False

    @property
    def slots(self) -> tuple[str, ...]:
        """The slot letters the pattern uses, in order of first appearance."""
        return tuple(dict.fromkeys(_SLOT.findall(self.text)))

    @property
    def key_slot(self) -> str:
        """The slot whose polarity sets the label: ``a`` if present, else ``v``."""
        return "a" if "a" in self.slots else "v"

    @property
    def has_twin(self) -> bool:
        """True when the template produces same-words, opposite-label pairs."""
        slots = self.slots
        return self.twin is not None or {"a", "b"} <= set(slots) or {"v", "w"} <= set(slots)

    def fill(self, fillers: dict[str, str], pattern: str | None = None) -> str:
        """The sentence with every slot replaced by its filler (empty slots vanish)."""
        text = _SLOT.sub(lambda match: fillers[match.group(1)], pattern or self.text)
        return " ".join(text.split())

    def validate(self) -> None:
        """Raise :class:`ReviewCorpusError` if the template cannot label its sentences."""
        slots = self.slots
        unknown = set(slots) - set(_ADJECTIVE_SLOTS + _VERB_SLOTS + _NOUN_SLOTS) \
            - set(_NEUTRAL_SLOTS)
        if unknown:
            raise InputError(f"Template {self.text!r} has unknown slots {sorted(unknown)};"
                             " use {a}, {b} (adjectives), {v}, {w} (verbs), {n}, {m} "
                             "(nouns) or {o}, {r}, {e}, {d}, {c} (neutral words).")
        if "a" not in slots and "v" not in slots:
            raise InputError(f"Template {self.text!r} has no key slot {{a}} or {{v}}, "
                             "so nothing decides its label.")
        if self.sign not in (-1, 1):
            raise InputError(f"Template {self.text!r}: sign must be +1 or -1, "
                             f"got {self.sign}.")
        if self.positive_key_only and self.twin is None:
            raise InputError(f"Template {self.text!r} fills its key slot with positive "
                             "words only, so it needs a twin to balance the labels.")
        if self.twin is not None:
            literal = Counter(words(_SLOT.sub("{}", self.text)))
            if literal != Counter(words(_SLOT.sub("{}", self.twin))) or \
                    sorted(_SLOT.findall(self.twin)) != sorted(_SLOT.findall(self.text)):
                raise InputError(f"The twin {self.twin!r} of {self.text!r} must use "
                                 "exactly the same words and slots.")


def _templates(table: str) -> tuple[Template, ...]:
    """Templates from a table with one per line: ``family  sign  pattern``.

    ``sign`` is ``+`` or ``-`` (see :attr:`Template.sign`); ``+*`` also sets
    ``positive_key_only``. A line starting with ``|`` gives the previous template's twin.
    """
    templates: list[Template] = []
    for line in table.strip().splitlines():
        if line.strip().startswith("|"):
            last = templates.pop()
            templates.append(Template(last.text, last.sign, last.family,
                                      line.strip()[1:].strip(), last.positive_key_only))
            continue
        family, sign, text = line.split(maxsplit=2)
        templates.append(Template(text.strip(), 1 if sign[0] == "+" else -1, family,
                                  positive_key_only=sign.endswith("*")))
    return tuple(templates)


# Training templates: every phenomenon in a few surface forms.
TRAIN_TEMPLATES: tuple[Template, ...] = _templates("""
    plain        +  {o} {d} {n} {c} {r} {a} {e}
    plain        +  {o} i {r} {v} {d} {n} {e}
    plain        +  {o} i think {d} {n} {c} {r} {a}
    plain        +  {o} what a {r} {a} {n}
    negation     -  {o} {d} {n} {c} not {r} {a} {e}
    negation     -  {o} i do not {v} {d} {n} {e}
    negation     -  {o} {d} {n} {c} never {a}
    negation     -  {o} i do not think {d} {n} {c} {a}
    correction   +  {o} {d} {n} {c} {r} {a} , not {b}
    correction   +  {o} {d} {n} {c} not {b} , it {c} {r} {a} {e}
    correction   +  {o} i {v} {d} {n} , i do not {w} it
    correction   +  {o} {d} {n} {c} {r} {a} , {d} {m} {c} not {b}
    contrast     +  {o} {d} {n} {c} {r} {b} but {d} {m} {c} {r} {a} {e}
    contrast     +  {o} {d} {n} {c} {b} but i {r} {v} it
    contrast     +  {o} {d} {n} looks {b} but it {c} {a}
    contrast     +  {o} i {w} {d} {n} but i {v} {d} {m}
    expectation  -  i expected {d} {n} to be {a} and it {c} not
                 |  i expected {d} {n} not to be {a} and it {c}
    position     +* no , {d} {n} {c} {a}
                 |  {d} {n} {c} no {a}
""")

# Held-out templates for the validation split: new arrangements of the same words, other
# than the test split's (early stopping watches these).
VALIDATION_TEMPLATES: tuple[Template, ...] = _templates("""
    plain        +  {o} {d} {n} looks {r} {a} {e}
    plain        +  {o} i {r} {v} it {e}
    negation     -  {o} i think i do not {v} {d} {n}
    negation     -  {o} {d} {n} never looks {r} {a} {e}
    negation     -  {o} i do not {r} {v} it {e}
    correction   +  {o} it {c} not {b} , {d} {n} {c} {r} {a}
    correction   +  {o} i {v} it , i do not {w} {d} {n}
    contrast     +  {o} {d} {n} {c} {b} but it {c} {r} {a} {e}
    contrast     +  {o} i {w} it but i {r} {v} {d} {m}
    expectation  -  {o} i expected {d} {n} to be {a} but it {c} not
                 |  {o} i expected {d} {n} not to be {a} but it {c}
    position     +* no , it {c} {a}
                 |  it {c} no {a}
""")

# Held-out templates for the test split: new arrangements of the same words.
TEST_TEMPLATES: tuple[Template, ...] = _templates("""
    plain        +  {o} {d} {r} {a} {n} {e}
    plain        +  {o} i think i {v} {d} {n}
    negation     -  {o} i think {d} {n} {c} not {r} {a}
    negation     -  {o} i do not think i {v} {d} {n}
    negation     -  {o} i think {d} {n} {c} never {r} {a} {e}
    correction   +  {o} {d} {n} {c} {r} {a} , it {c} not {b} {e}
    correction   +  {o} i do not {w} {d} {n} , i {v} it
    correction   +  {o} not {b} , {d} {n} {c} {r} {a}
    contrast     +  {o} {d} {n} looks {r} {b} but {d} {m} {c} {a}
    contrast     +  {o} i {w} {d} {n} but i {r} {v} it
    expectation  -  {o} i expected it to be {a} and it {c} not
                 |  {o} i expected it not to be {a} and it {c}
    position     +* no , i think {d} {n} {c} {a}
                 |  i think {d} {n} {c} no {a}
""")


@dataclass(frozen=True)
class ReviewCorpus:
    """Labelled sentences and where each came from.

    Attributes:
        texts: The sentences, lower case, words separated by single spaces.
        labels: 1 for positive, 0 for negative, shape ``(examples,)``.
        templates: The pattern each sentence was filled from.
        families: The phenomenon of each sentence's template.
        pair_ids: The id shared by two twins (same words, opposite labels), or -1.
        split: ``"train"``, ``"validation"`` or ``"test"``.
        seed: The seed it was generated with.
    """

    texts: list[str]
    labels: np.ndarray
    templates: list[str]
    families: list[str]
    pair_ids: np.ndarray
    split: str
    seed: int

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def order_dependent(self) -> np.ndarray:
        """Boolean mask of the twins: sentences whose label only word order can decide."""
        return self.pair_ids >= 0

    def subset(self, mask: np.ndarray) -> ReviewCorpus:
        """The examples where ``mask`` (boolean, one per example) is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self),):
            raise InputError(f"The mask needs shape ({len(self)},), got {mask.shape}.")
        keep = np.flatnonzero(mask)
        return ReviewCorpus([self.texts[i] for i in keep], self.labels[keep],
                            [self.templates[i] for i in keep],
                            [self.families[i] for i in keep], self.pair_ids[keep],
                            self.split, self.seed)


def templates_for(split: str) -> tuple[Template, ...]:
    """The templates of ``split`` (``"train"``, ``"validation"`` or ``"test"``)."""
    if not isinstance(split, str) or split not in SPLITS:
        raise InputError(f"split must be one of {SPLITS}, got {split!r}. Use 'train' for "
                         "training, 'validation' for early stopping and 'test' for the "
                         "final score (each has its own held-out templates).")
    return {"train": TRAIN_TEMPLATES, "validation": VALIDATION_TEMPLATES,
            "test": TEST_TEMPLATES}[split]


def _draw_fillers(template: Template, key_positive: bool,
                  rng: np.random.Generator) -> dict[str, str]:
    """Fillers for one sentence; the key word has the asked polarity, its partner the other."""
    positive_adj, negative_adj = (POSITIVE_ADJECTIVES, NEGATIVE_ADJECTIVES) if key_positive \
        else (NEGATIVE_ADJECTIVES, POSITIVE_ADJECTIVES)
    positive_verb, negative_verb = (POSITIVE_VERBS, NEGATIVE_VERBS) if key_positive \
        else (NEGATIVE_VERBS, POSITIVE_VERBS)
    first_noun, second_noun = rng.choice(len(NOUNS), size=2, replace=False)
    fillers = {
        "a": str(rng.choice(positive_adj)), "b": str(rng.choice(negative_adj)),
        "v": str(rng.choice(positive_verb)), "w": str(rng.choice(negative_verb)),
        "n": NOUNS[first_noun], "m": NOUNS[second_noun],
    }
    fillers.update({slot: str(rng.choice(choices)) for slot, choices in _NEUTRAL_SLOTS.items()})
    return fillers


def _twin_of(template: Template, fillers: dict[str, str]) -> str:
    if template.twin is not None:
        return template.fill(fillers, template.twin)
    slots, swapped = set(template.slots), dict(fillers)
    if {"a", "b"} <= slots:
        swapped.update(a=fillers["b"], b=fillers["a"])
    if {"v", "w"} <= slots:
        swapped.update(v=fillers["w"], w=fillers["v"])
    return template.fill(swapped)


def make_review_corpus(examples: int, split: str = "train", seed: int = 0) -> ReviewCorpus:
    """Generate ``examples`` labelled review sentences from the ``split``'s templates.

    Examples are made two at a time, one positive and one negative, so the labels are
    exactly balanced: a template with a twin gives a sentence and its twin (same words,
    opposite labels, sharing a ``pair_id``); a template without one gives two sentences
    with fresh fillers and opposite labels. Templates are picked uniformly at random and
    the result is shuffled (twins stay linked through ``pair_ids``).

    Args:
        examples: How many sentences; a positive even number.
        split: ``"train"``, ``"validation"`` or ``"test"``; each has its own templates.
        seed: Seed of the generator; the same seed gives the same corpus.

    Raises:
        InputError: ``examples`` is not a positive even integer, the split is
            unknown, or the seed is not a non-negative integer.
    """
    examples = as_int("examples", examples, maximum=MAX_COUNT)
    if examples < 2 or examples % 2:
        raise InputError(f"examples must be a positive even number (sentences come in "
                         f"positive/negative pairs); got {examples}. Try "
                         f"{max(2, examples + examples % 2)}.")
    as_seed("seed", seed)
    templates = templates_for(split)
    for template in templates:
        template.validate()
    rng = np.random.default_rng([as_seed("seed", seed), _SPLIT_STREAMS[split]])

    texts, labels, patterns, families, pair_ids = [], [], [], [], []
    for pair in range(examples // 2):
        template = templates[int(rng.integers(len(templates)))]
        key_positive = True if template.positive_key_only else bool(rng.integers(2))
        fillers = _draw_fillers(template, key_positive, rng)
        label = int((template.sign > 0) == key_positive)
        if template.has_twin:
            twin_text, twin_id = _twin_of(template, fillers), pair
        else:  # a second sentence from the same template, opposite key polarity
            twin_text = template.fill(_draw_fillers(template, not key_positive, rng))
            twin_id = -1
        texts += [template.fill(fillers), twin_text]
        labels += [label, 1 - label]
        patterns += [template.text, template.text]
        families += [template.family, template.family]
        pair_ids += [twin_id, twin_id]

    order = rng.permutation(examples)
    return ReviewCorpus(
        texts=[texts[i] for i in order],
        labels=np.array(labels, dtype=np.int64)[order],
        templates=[patterns[i] for i in order],
        families=[families[i] for i in order],
        pair_ids=np.array(pair_ids, dtype=np.int64)[order],
        split=split, seed=int(seed),
    )


def corpus_vocabulary() -> list[str]:
    """Every word a corpus sentence can contain (every split), sorted."""
    fixed = template_words(TRAIN_TEMPLATES + VALIDATION_TEMPLATES + TEST_TEMPLATES)
    neutral = {word for choices in _NEUTRAL_SLOTS.values() for choice in choices
               for word in words(choice)}
    return sorted(fixed | neutral | set(POSITIVE_ADJECTIVES + NEGATIVE_ADJECTIVES
                                        + POSITIVE_VERBS + NEGATIVE_VERBS + NOUNS))


def describe(corpus: ReviewCorpus, examples_per_family: int = 1) -> list[str]:
    """A few example lines per family, ``"+ the phone is good"`` style, for printing."""
    examples_per_family = as_int("examples_per_family", examples_per_family, minimum=1)
    lines, seen = [], Counter()
    for text, label, family in zip(corpus.texts, corpus.labels, corpus.families, strict=True):
        if seen[family] < examples_per_family:
            seen[family] += 1
            lines.append(f"{'+' if label else '-'} [{family}] {text}")
    return lines


def twin_examples(corpus: ReviewCorpus, count: int = 3) -> list[tuple[str, int, str, int]]:
    """Up to ``count`` twin pairs as ``(text, label, twin_text, twin_label)``."""
    by_pair: dict[int, list[int]] = {}
    for index, pair in enumerate(corpus.pair_ids):
        if pair >= 0:
            by_pair.setdefault(int(pair), []).append(index)
    pairs: list[tuple[str, int, str, int]] = []
    for members in by_pair.values():
        if len(members) == 2 and len(pairs) < count:
            first, second = members
            pairs.append((corpus.texts[first], int(corpus.labels[first]),
                          corpus.texts[second], int(corpus.labels[second])))
    return pairs


def check_templates(templates: Sequence[Template]) -> None:
    """Validate a template list; raise :class:`ReviewCorpusError` naming the bad one."""
    for template in templates:
        template.validate()


_OPTIONAL_SLOTS = ("o", "r", "e")  # slots that may be left empty
_SAME_KIND = {"b": "a", "w": "v", "m": "n"}  # slots that take the same kind of word


def sentence_shapes(templates: Sequence[Template]) -> set[str]:
    """Every word skeleton the templates (and their twins) can produce.

    A skeleton keeps the literal words and names each slot by its kind (adjective,
    verb, noun, ...), in every combination of optional slots left empty or filled, with
    commas dropped. Two template lists that share no skeleton can never produce the same
    sentence.
    """
    shapes: set[str] = set()
    for template in templates:
        for pattern in filter(None, (template.text, template.twin)):
            for slot, kind in _SAME_KIND.items():
                pattern = pattern.replace(f"{{{slot}}}", f"{{{kind}}}")
            optional = [slot for slot in _OPTIONAL_SLOTS if f"{{{slot}}}" in pattern]
            for keep in itertools.product((False, True), repeat=len(optional)):
                shape = pattern
                for slot, kept in zip(optional, keep, strict=True):
                    if not kept:
                        shape = shape.replace(f"{{{slot}}}", "")
                shapes.add(" ".join(word for word in shape.split() if word != ","))
    return shapes


def shared_shapes(first: Sequence[Template] = TRAIN_TEMPLATES,
                  second: Sequence[Template] = TEST_TEMPLATES) -> set[str]:
    """Skeletons both template lists can produce (empty for the course's train/test)."""
    return sentence_shapes(first) & sentence_shapes(second)


def split_overlaps() -> dict[tuple[str, str], set[str]]:
    """The skeletons each pair of the three splits shares (all empty for the course)."""
    lists = {split: templates_for(split) for split in SPLITS}
    return {(first, second): shared_shapes(lists[first], lists[second])
            for first, second in itertools.combinations(SPLITS, 2)}


def template_words(templates: Sequence[Template]) -> set[str]:
    """The literal words of ``templates`` and their twins (slot fillers left out)."""
    return {word for template in templates for pattern in (template.text, template.twin or "")
            for word in words(_SLOT.sub(" ", pattern))}



def twin_pairs(corpus: ReviewCorpus) -> np.ndarray:
    """Row indices of every twin pair in ``corpus``, shape ``(pairs, 2)``."""
    members: dict[int, list[int]] = {}
    for index, pair in enumerate(corpus.pair_ids):
        if pair >= 0:
            members.setdefault(int(pair), []).append(index)
    complete = [indices for indices in members.values() if len(indices) == 2]
    return np.array(complete, dtype=np.int64).reshape(-1, 2)
