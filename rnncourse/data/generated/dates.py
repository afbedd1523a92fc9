"""Human-written dates and their ISO form: an offline translation task with real structure.

A person writes the same day as ``3 March 2009``, ``Tue, Mar 3 09``, ``03/03/2009``,
``3.3.2009`` or ``the third of March, two thousand and nine``; the machine wants
``2009-03-03``. Turning one into the other is a small translation problem with the
features that make translation hard: inputs of many lengths, words that must be
reordered (the year comes last in most inputs and first in the output), spelled-out
numbers, abbreviations, and conventions that depend on context (``03/04/2009`` is the
4th of March with slashes, US style, while ``3.4.2009`` with dots is the 3rd of April).

Everything is generated offline from a seed:

* :data:`DATE_FORMATS` names the input formats (:func:`format_date` renders one).
* Dates run from :data:`FIRST_DATE` to :data:`LAST_DATE` (1950-2049), so a two-digit
  year is never ambiguous: ``50``-``99`` mean 1950-1999 and ``00``-``49`` 2000-2049.
* **Disjoint splits.** Each day belongs to exactly one split, fixed and independent of the
  seed: the calendar is cut into blocks of :data:`BLOCK_DAYS` days and every
  :data:`TEST_EVERY`-th block is a test block. No test date ever appears in training,
  whatever the seeds, yet the blocks are interleaved through all hundred years, so every
  year, month, day and weekday a test date needs is seen in training.
* :func:`make_date_pairs` draws ``(text, iso)`` pairs; :class:`DateCodec` turns them into
  integer arrays for Keras and back; :func:`make_date_dataset` does both for a train
  and a test split and returns a :class:`DateDataset`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np

from rnncourse.errors import ArgumentTypeError, InputError
from rnncourse.validation import MAX_COUNT, as_int, as_seed, one_of

FIRST_DATE = dt.date(1950, 1, 1)
LAST_DATE = dt.date(2049, 12, 31)
BLOCK_DAYS = 4
TEST_EVERY = 8
SPLITS = ("train", "test")
ISO_LENGTH = 10

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ONES = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
         "ninety")
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                  "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}

DATE_FORMATS: tuple[str, ...] = (
    "us_slash",          # 03/03/2009      month/day/year, US style
    "short_us",          # 3/3/09
    "dotted",            # 3.3.2009        day.month.year, European style
    "day_month_year",    # 3 March 2009
    "month_day_year",    # March 3, 2009
    "dashed_abbrev",     # 3-Mar-2009
    "short_weekday",     # Tue, Mar 3 09
    "long_weekday",      # Tuesday, 3 March 2009
    "shouted",           # TUESDAY MARCH 3, 2009
    "ordinal",           # the 3rd of March, 2009
    "spelled",           # the third of March, two thousand and nine
)
"""The names of the input formats, rendered by :func:`format_date`."""



def _number_words(value: int) -> str:
    """``0 < value < 100`` in words: ``21 -> "twenty-one"``."""
    if value < 20:
        return _ONES[value]
    tens, ones = divmod(value, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def ordinal_words(day: int) -> str:
    """A day of the month as an ordinal word: ``3 -> "third"``, ``21 -> "twenty-first"``."""
    day = as_int("day", day, minimum=1, maximum=31)
    words = _number_words(day)
    head, _, last = words.rpartition("-")
    last = _ORDINAL_WORDS.get(last, last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return f"{head}-{last}" if head else last


def ordinal_suffix(day: int) -> str:
    """``1 -> "1st"``, ``2 -> "2nd"``, ``11 -> "11th"``, ``23 -> "23rd"``."""
    day = as_int("day", day, minimum=0)
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def year_words(year: int) -> str:
    """A year as people say it: ``1984 -> "nineteen eighty-four"``,
    ``2009 -> "two thousand and nine"``, ``2000 -> "two thousand"``,
    ``2031 -> "twenty thirty-one"``, ``1905 -> "nineteen oh five"``."""
    year = as_int("year", year, minimum=1000, maximum=9999)
    century, rest = divmod(year, 100)
    if century == 20 and rest < 10:
        return "two thousand" + (f" and {_ONES[rest]}" if rest else "")
    if rest == 0:
        return f"{_number_words(century)} hundred"
    if rest < 10:
        return f"{_number_words(century)} oh {_ONES[rest]}"
    return f"{_number_words(century)} {_number_words(rest)}"


def format_date(date: dt.date, fmt: str) -> str:
    """Write ``date`` the way format ``fmt`` (one of :data:`DATE_FORMATS`) does."""
    if not isinstance(date, dt.date):
        raise ArgumentTypeError(f"date must be a datetime.date; got {type(date).__name__} "
                                f"{date!r:.30}. For a text such as '2009-03-03' use "
                                "datetime.date.fromisoformat(text).")
    month, weekday = MONTHS[date.month - 1], WEEKDAYS[date.weekday()]
    d, m, y, yy = date.day, date.month, date.year, date.year % 100
    writers = {
        "us_slash": lambda: f"{m:02d}/{d:02d}/{y}",
        "short_us": lambda: f"{m}/{d}/{yy:02d}",
        "dotted": lambda: f"{d}.{m}.{y}",
        "day_month_year": lambda: f"{d} {month} {y}",
        "month_day_year": lambda: f"{month} {d}, {y}",
        "dashed_abbrev": lambda: f"{d}-{month[:3]}-{y}",
        "short_weekday": lambda: f"{weekday[:3]}, {month[:3]} {d} {yy:02d}",
        "long_weekday": lambda: f"{weekday}, {d} {month} {y}",
        "shouted": lambda: f"{weekday} {month} {d}, {y}".upper(),
        "ordinal": lambda: f"the {ordinal_suffix(d)} of {month}, {y}",
        "spelled": lambda: f"the {ordinal_words(d)} of {month}, {year_words(y)}",
    }
    if fmt not in writers:
        raise InputError(f"Unknown date format {fmt!r}; use one of {DATE_FORMATS}.")
    return writers[fmt]()


FORMAT_EXAMPLES: dict[str, str] = {name: format_date(dt.date(2009, 3, 3), name)
                                   for name in DATE_FORMATS}
"""Each format writing Tuesday 3 March 2009."""


def split_of(date: dt.date) -> str:
    """The split (``"train"`` or ``"test"``) a day belongs to; fixed, seed-independent."""
    block = (date.toordinal() - FIRST_DATE.toordinal()) // BLOCK_DAYS
    return "test" if block % TEST_EVERY == TEST_EVERY - 1 else "train"


def dates_in_split(split: str) -> list[dt.date]:
    """Every day from :data:`FIRST_DATE` to :data:`LAST_DATE` that belongs to ``split``."""
    one_of("split", split, SPLITS)
    first, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    days = (dt.date.fromordinal(ordinal) for ordinal in range(first, last + 1))
    return [day for day in days if split_of(day) == split]


class DateRecord(NamedTuple):
    """One generated example: the human text, its ISO date and the format used."""

    text: str
    iso: str
    format: str


def make_date_records(count: int, *, split: str = "train", seed: int = 0,
                      formats: Sequence[str] = DATE_FORMATS) -> list[DateRecord]:
    """Draw ``count`` examples from ``split``: distinct days (while there are enough),
    each written in a format drawn uniformly from ``formats``. Deterministic per seed."""
    count = as_int("count", count, minimum=0, maximum=MAX_COUNT)
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(formats)
    unknown = [name for name in formats if name not in DATE_FORMATS]
    if not formats or unknown:
        raise InputError(f"formats must be a non-empty selection of {DATE_FORMATS}; "
                         f"unknown: {unknown}.")
    days = dates_in_split(split)
    rng = np.random.default_rng([as_seed("seed", seed), SPLITS.index(split)])
    picks = rng.choice(len(days), size=int(count), replace=count > len(days))
    chosen_formats = rng.integers(0, len(formats), size=int(count))
    return [DateRecord(format_date(days[i], formats[f]), days[i].isoformat(), formats[f])
            for i, f in zip(picks, chosen_formats, strict=True)]


def make_date_pairs(count: int, *, split: str = "train", seed: int = 0,
                    formats: Sequence[str] = DATE_FORMATS) -> list[tuple[str, str]]:
    """``count`` pairs ``(human text, "YYYY-MM-DD")`` from ``split`` (see module doc).

    Args:
        count: Number of pairs.
        split: ``"train"`` or ``"test"``; the two never share a day.
        seed: Seeds the choice of days and formats.
        formats: The formats to draw from (default: all of :data:`DATE_FORMATS`).
    """
    return [(record.text, record.iso)
            for record in make_date_records(count, split=split, seed=seed, formats=formats)]


SOURCE_LENGTH = 55
"""The longest text any format writes for a day in the range
("the twenty-seventh of September, nineteen seventy-three"); a test checks it."""


SOURCE_CHARACTERS = (" ,-./0123456789"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "abcdefghijklmnopqrstuvwxyz")
"""Every character the generator can write; anything else maps to the unknown id."""
TARGET_CHARACTERS = "0123456789-"


@dataclass(frozen=True)
class DateCodec:
    """Turns date texts into integer ids for Keras and predicted ids back into text.

    Source ids: ``0`` padding, ``1`` unknown character, then :data:`SOURCE_CHARACTERS`.
    Target ids: ``0`` padding (never a target), ``1`` the start token the decoder reads
    first, then the digits and ``-``. Every target is exactly 10 characters long.

    Attributes:
        source_length: Length sources are padded to (longest generated text).
    """

    source_length: int = SOURCE_LENGTH
    pad_id: int = 0
    unknown_id: int = 1
    start_id: int = 1

    @property
    def source_vocabulary(self) -> tuple[str, ...]:
        """Source tokens by id: ``("<pad>", "<unk>", " ", ",", ...)``."""
        return ("<pad>", "<unk>", *SOURCE_CHARACTERS)

    @property
    def target_vocabulary(self) -> tuple[str, ...]:
        """Target tokens by id: ``("<pad>", "<start>", "0", ..., "9", "-")``."""
        return ("<pad>", "<start>", *TARGET_CHARACTERS)

    @property
    def source_vocab_size(self) -> int:
        """Number of source ids (padding and unknown included)."""
        return len(self.source_vocabulary)

    @property
    def target_vocab_size(self) -> int:
        """Number of target ids (padding and start included)."""
        return len(self.target_vocabulary)

    @property
    def target_length(self) -> int:
        """Length of every target, ``len("YYYY-MM-DD") == 10``."""
        return ISO_LENGTH

    def source_ids(self, text: str) -> list[int]:
        """The ids of ``text``'s characters, unknown characters mapped to ``unknown_id``."""
        lookup = _SOURCE_LOOKUP
        return [lookup.get(char, self.unknown_id) for char in text]

    def source_tokens(self, text: str) -> list[str]:
        """The characters the encoder sees for ``text`` (unknown ones as ``"?"``),
        for labelling plot axes."""
        return [char if char in _SOURCE_LOOKUP else "?" for char in text]

    def encode_sources(self, texts: Sequence[str], length: int | None = None,
                       reverse: bool = False) -> np.ndarray:
        """Integer array ``(n, length)``, each text's ids right-padded with ``pad_id``.

        Args:
            texts: The date texts.
            length: Padded length (default :attr:`source_length`).
            reverse: Write each text backwards before padding (``abc -> cba``), the
                reversed-source trick; padding stays on the right.
        """
        if isinstance(texts, str):
            raise InputError("encode_sources takes a list of texts; wrap one text "
                             "in a list: encode_sources([text]).")
        length = self.source_length if length is None else int(length)
        out = np.full((len(texts), length), self.pad_id, dtype=np.int32)
        for row, text in enumerate(texts):
            ids = self.source_ids(text)
            if len(ids) > length:
                raise InputError(f"Text {text!r} has {len(ids)} characters, more than "
                                 f"length={length}; pass a larger length.")
            out[row, :len(ids)] = ids[::-1] if reverse else ids
        return out

    def encode_targets(self, isos: Sequence[str]) -> np.ndarray:
        """Integer array ``(n, 10)`` of the ISO dates' character ids."""
        if isinstance(isos, str):
            raise InputError("encode_targets takes a list of ISO dates; wrap one in a "
                             "list: encode_targets([iso]).")
        out = np.empty((len(isos), ISO_LENGTH), dtype=np.int32)
        for row, iso in enumerate(isos):
            if len(iso) != ISO_LENGTH or any(char not in _TARGET_LOOKUP for char in iso):
                raise InputError(f"Target {iso!r} is not a date written YYYY-MM-DD.")
            out[row] = [_TARGET_LOOKUP[char] for char in iso]
        return out

    def decode_targets(self, ids: np.ndarray) -> list[str]:
        """Texts of predicted target ids ``(n, steps)``; padding and start ids show as
        ``"?"`` (a model that emits them is wrong there)."""
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise InputError(f"ids must have shape (n, steps); got {ids.shape}.")
        vocabulary = self.target_vocabulary
        return ["".join(vocabulary[i] if 2 <= i < len(vocabulary) else "?" for i in row)
                for row in ids.tolist()]


_SOURCE_LOOKUP = {char: index + 2 for index, char in enumerate(SOURCE_CHARACTERS)}
_TARGET_LOOKUP = {char: index + 2 for index, char in enumerate(TARGET_CHARACTERS)}


@dataclass
class DateDataset:
    """A train and a test split of the date task, as texts and as arrays.

    Attributes:
        codec: The :class:`DateCodec` that encoded the arrays.
        train_pairs, test_pairs: ``(text, iso)`` pairs.
        x_train, x_test: Source ids ``(n, codec.source_length)``, right-padded.
        y_train, y_test: Target ids ``(n, 10)``.
        train_formats, test_formats: The format name of each example.
    """

    codec: DateCodec
    train_pairs: list[tuple[str, str]]
    test_pairs: list[tuple[str, str]]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    train_formats: list[str] = field(default_factory=list)
    test_formats: list[str] = field(default_factory=list)

    @property
    def test_texts(self) -> list[str]:
        """The test inputs as text."""
        return [text for text, _ in self.test_pairs]

    @property
    def test_isos(self) -> list[str]:
        """The test answers as ISO dates."""
        return [iso for _, iso in self.test_pairs]


def make_date_dataset(train_examples: int, test_examples: int, seed: int = 0,
                      formats: Sequence[str] = DATE_FORMATS) -> DateDataset:
    """Generate and encode a train and a test split (disjoint days) of the date task."""
    codec = DateCodec()
    train = make_date_records(train_examples, split="train", seed=seed, formats=formats)
    test = make_date_records(test_examples, split="test", seed=seed, formats=formats)
    train_pairs = [(r.text, r.iso) for r in train]
    test_pairs = [(r.text, r.iso) for r in test]
    return DateDataset(
        codec=codec, train_pairs=train_pairs, test_pairs=test_pairs,
        x_train=codec.encode_sources([t for t, _ in train_pairs]),
        y_train=codec.encode_targets([i for _, i in train_pairs]),
        x_test=codec.encode_sources([t for t, _ in test_pairs]),
        y_test=codec.encode_targets([i for _, i in test_pairs]),
        train_formats=[r.format for r in train], test_formats=[r.format for r in test])


# --------------------------------------------------------------------------- lists of dates

LIST_SEPARATOR = ", "
"""What separates the dates of a source list: ``"3.3.2009, 14.7.1990"``."""
TARGET_SEPARATOR = " "
"""What separates the ISO dates of a target list: ``"2009-03-03 1990-07-14"``."""
LIST_TARGET_CHARACTERS = TARGET_CHARACTERS + TARGET_SEPARATOR


class DateListRecord(NamedTuple):
    """One list example: the human text, the ISO answer, and how many dates it holds."""

    text: str
    target: str
    dates: int


def longest_text(fmt: str) -> int:
    """The most characters format ``fmt`` writes for any day from 1950 to 2049."""
    one_of("fmt", fmt, DATE_FORMATS)
    return _longest_text(fmt)


@cache
def _longest_text(fmt: str) -> int:
    first, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    return max(len(format_date(dt.date.fromordinal(day), fmt)) for day in range(first, last + 1))


def make_date_list_records(count: int, *, split: str = "train", seed: int = 0,
                           fmt: str = "dotted", min_dates: int = 1,
                           max_dates: int = 4) -> list[DateListRecord]:
    """Draw ``count`` lists of dates, all written in the one format ``fmt``.

    Each list holds between ``min_dates`` and ``max_dates`` dates (the number drawn
    uniformly), every date drawn from ``split`` (so a test list holds test days only).
    The text joins the dates with :data:`LIST_SEPARATOR`, the answer joins their ISO
    forms with :data:`TARGET_SEPARATOR`. One format at every length: a longer input
    holds more dates, not a different way of writing them. Deterministic per seed.
    """
    count = as_int("count", count, minimum=0, maximum=MAX_COUNT)
    one_of("fmt", fmt, DATE_FORMATS)
    one_of("split", split, SPLITS)
    min_dates = as_int("min_dates", min_dates, minimum=1, maximum=50)
    max_dates = as_int("max_dates", max_dates, minimum=min_dates, maximum=50)
    days = dates_in_split(split)
    rng = np.random.default_rng([as_seed("seed", seed), SPLITS.index(split), 7])
    sizes = rng.integers(min_dates, max_dates + 1, size=int(count))
    records = []
    for size in sizes.tolist():
        picks = [days[i] for i in rng.choice(len(days), size=size, replace=False)]
        records.append(DateListRecord(
            LIST_SEPARATOR.join(format_date(day, fmt) for day in picks),
            TARGET_SEPARATOR.join(day.isoformat() for day in picks), size))
    return records


def list_spans(text: str) -> list[tuple[int, int]]:
    """Where each date of a list text sits: ``[(start, stop), ...]`` character positions.

    ``list_spans("3.3.2009, 14.7.1990") == [(0, 8), (10, 19)]``.
    """
    if not isinstance(text, str):
        raise ArgumentTypeError(f"text must be a string; got {type(text).__name__}.")
    spans, start = [], 0
    for part in text.split(LIST_SEPARATOR):
        spans.append((start, start + len(part)))
        start += len(part) + len(LIST_SEPARATOR)
    return spans


def split_target(target: str) -> list[str]:
    """The ISO dates of a (predicted or true) list answer: ``"a b" -> ["a", "b"]``."""
    return target.split(TARGET_SEPARATOR) if target else []


@dataclass(frozen=True)
class DateListCodec:
    """Ids for lists of dates, whose answers have different lengths and end with an end token.

    Source ids are those of :class:`DateCodec` (``0`` padding, ``1`` unknown, then
    :data:`SOURCE_CHARACTERS`). Target ids: ``0`` padding (after the end, never scored),
    ``1`` the start token, ``2`` the **end token** the decoder emits when the answer is
    complete, then the digits, ``-`` and the space between dates. A target of ``k`` dates
    has ``11 k`` ids (its characters and the end token), padded to :attr:`target_length`.

    Attributes:
        fmt: The one format every source date is written in.
        max_dates: The most dates a list holds (sets the padded lengths).
    """

    fmt: str = "dotted"
    max_dates: int = 4
    pad_id: int = 0
    unknown_id: int = 1
    start_id: int = 1
    end_id: int = 2

    def __post_init__(self) -> None:
        one_of("fmt", self.fmt, DATE_FORMATS)
        as_int("max_dates", self.max_dates, minimum=1, maximum=50)

    @property
    def source_length(self) -> int:
        """Length sources are padded to: the longest list of :attr:`max_dates` dates."""
        return (self.max_dates * longest_text(self.fmt)
                + (self.max_dates - 1) * len(LIST_SEPARATOR))

    @property
    def target_length(self) -> int:
        """Length targets are padded to: ``max_dates`` ISO dates, separators, the end."""
        return self.max_dates * (ISO_LENGTH + 1)

    @property
    def source_vocab_size(self) -> int:
        """Number of source ids (padding and unknown included)."""
        return 2 + len(SOURCE_CHARACTERS)

    @property
    def target_vocabulary(self) -> tuple[str, ...]:
        """Target tokens by id: ``("<pad>", "<start>", "<end>", "0", ..., "-", " ")``."""
        return ("<pad>", "<start>", "<end>", *LIST_TARGET_CHARACTERS)

    @property
    def target_vocab_size(self) -> int:
        """Number of target ids (padding, start and end included)."""
        return len(self.target_vocabulary)

    def encode_sources(self, texts: Sequence[str], reverse: bool = False) -> np.ndarray:
        """Integer array ``(n, source_length)`` of the texts' ids, right-padded with 0."""
        return DateCodec(source_length=self.source_length).encode_sources(texts,
                                                                          reverse=reverse)

    def encode_targets(self, targets: Sequence[str]) -> np.ndarray:
        """Integer array ``(n, target_length)``: each answer's ids, the end id, then 0s."""
        if isinstance(targets, str):
            raise InputError("encode_targets takes a list of answers; wrap one in a list: "
                             "encode_targets([target]).")
        out = np.full((len(targets), self.target_length), self.pad_id, dtype=np.int32)
        for row, target in enumerate(targets):
            parts = split_target(target)
            if (not parts or len(parts) > self.max_dates
                    or any(len(part) != ISO_LENGTH or not set(part) <= set(TARGET_CHARACTERS)
                           for part in parts)):
                raise InputError(f"Target {target!r:.60} is not 1 to {self.max_dates} dates "
                                 f"written YYYY-MM-DD and separated by single spaces.")
            ids = [_LIST_TARGET_LOOKUP[char] for char in target] + [self.end_id]
            out[row, :len(ids)] = ids
        return out

    def decode_targets(self, ids: np.ndarray) -> list[str]:
        """Texts of predicted ids ``(n, steps)``, each read up to its first end id.

        Padding and start ids before the end show as ``"?"`` (a model emitting them
        there is wrong)."""
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise InputError(f"ids must have shape (n, steps); got {ids.shape}.")
        vocabulary = self.target_vocabulary
        texts = []
        for row in ids.tolist():
            if self.end_id in row:
                row = row[:row.index(self.end_id)]
            texts.append("".join(vocabulary[i] if 3 <= i < len(vocabulary) else "?"
                                 for i in row))
        return texts

    def target_lengths(self, ids: np.ndarray) -> np.ndarray:
        """The number of real target ids per row (up to and including the end id)."""
        return (np.asarray(ids) != self.pad_id).sum(axis=1)


_LIST_TARGET_LOOKUP = {char: index + 3 for index, char in enumerate(LIST_TARGET_CHARACTERS)}


@dataclass
class DateListDataset:
    """A train and a test split of the date-list task, as texts and as arrays.

    Attributes:
        codec: The :class:`DateListCodec` that encoded the arrays.
        train_records, test_records: The :class:`DateListRecord` of every example.
        x_train, x_test: Source ids ``(n, codec.source_length)``, right-padded.
        y_train, y_test: Target ids ``(n, codec.target_length)``, the end id after the
            answer, then padding.
    """

    codec: DateListCodec
    train_records: list[DateListRecord]
    test_records: list[DateListRecord]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def test_texts(self) -> list[str]:
        """The test inputs as text."""
        return [record.text for record in self.test_records]

    @property
    def test_targets(self) -> list[str]:
        """The test answers (ISO dates separated by spaces)."""
        return [record.target for record in self.test_records]

    @property
    def test_counts(self) -> np.ndarray:
        """How many dates each test list holds."""
        return np.array([record.dates for record in self.test_records])

    @property
    def train_counts(self) -> np.ndarray:
        """How many dates each training list holds."""
        return np.array([record.dates for record in self.train_records])


def make_date_list_dataset(train_examples: int, test_examples: int, seed: int = 0, *,
                           fmt: str = "dotted", min_dates: int = 1,
                           max_dates: int = 4) -> DateListDataset:
    """Generate and encode a train and a test split of lists of dates (disjoint days)."""
    codec = DateListCodec(fmt=fmt, max_dates=max_dates)
    train = make_date_list_records(train_examples, split="train", seed=seed, fmt=fmt,
                                   min_dates=min_dates, max_dates=max_dates)
    test = make_date_list_records(test_examples, split="test", seed=seed, fmt=fmt,
                                  min_dates=min_dates, max_dates=max_dates)
    return DateListDataset(
        codec=codec, train_records=train, test_records=test,
        x_train=codec.encode_sources([r.text for r in train]),
        y_train=codec.encode_targets([r.target for r in train]),
        x_test=codec.encode_sources([r.text for r in test]),
        y_test=codec.encode_targets([r.target for r in test]))
