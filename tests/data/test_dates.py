"""The date-translation task: formats, disjoint splits, codec round trips, clear errors."""

import datetime as dt

import numpy as np
import pytest

from rnncourse.data.generated.dates import (
    DATE_FORMATS,
    FIRST_DATE,
    FORMAT_EXAMPLES,
    LAST_DATE,
    LIST_SEPARATOR,
    SOURCE_LENGTH,
    DateCodec,
    DateListCodec,
    dates_in_split,
    format_date,
    list_spans,
    make_date_dataset,
    make_date_list_dataset,
    make_date_list_records,
    make_date_pairs,
    make_date_records,
    ordinal_suffix,
    ordinal_words,
    split_of,
    split_target,
    year_words,
)
from rnncourse.errors import InputError


def test_every_format_writes_the_documented_example():
    assert FORMAT_EXAMPLES == {
        "us_slash": "03/03/2009", "short_us": "3/3/09", "dotted": "3.3.2009",
        "day_month_year": "3 March 2009", "month_day_year": "March 3, 2009",
        "dashed_abbrev": "3-Mar-2009", "short_weekday": "Tue, Mar 3 09",
        "long_weekday": "Tuesday, 3 March 2009", "shouted": "TUESDAY MARCH 3, 2009",
        "ordinal": "the 3rd of March, 2009",
        "spelled": "the third of March, two thousand and nine"}


def test_slashes_are_month_first_and_dots_day_first():
    day = dt.date(2009, 4, 3)
    assert format_date(day, "us_slash") == "04/03/2009"
    assert format_date(day, "dotted") == "3.4.2009"


@pytest.mark.parametrize(("value", "words"), [
    (1, "first"), (2, "second"), (3, "third"), (5, "fifth"), (8, "eighth"), (9, "ninth"),
    (11, "eleventh"), (12, "twelfth"), (20, "twentieth"), (21, "twenty-first"),
    (30, "thirtieth"), (31, "thirty-first")])
def test_ordinal_words(value, words):
    assert ordinal_words(value) == words


def test_ordinal_suffix_and_year_words():
    assert [ordinal_suffix(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
    assert year_words(1984) == "nineteen eighty-four"
    assert year_words(2000) == "two thousand"
    assert year_words(2009) == "two thousand and nine"
    assert year_words(2031) == "twenty thirty-one"
    assert year_words(1950) == "nineteen fifty"


def test_weekday_is_the_real_weekday():
    assert format_date(dt.date(2026, 11, 23), "long_weekday").startswith("Monday")


def test_source_length_is_the_longest_text():
    # The spelled format is the longest; check it exhaustively, the others on a sample.
    days = [dt.date.fromordinal(o) for o in range(FIRST_DATE.toordinal(),
                                                   LAST_DATE.toordinal() + 1)]
    longest = max(len(format_date(day, "spelled")) for day in days)
    others = max(len(format_date(day, fmt)) for day in days[::97] for fmt in DATE_FORMATS)
    assert longest == SOURCE_LENGTH >= others


def test_splits_are_disjoint_cover_the_range_and_share_every_token():
    train, test = dates_in_split("train"), dates_in_split("test")
    assert not set(train) & set(test)
    assert len(train) + len(test) == LAST_DATE.toordinal() - FIRST_DATE.toordinal() + 1
    assert 0.1 < len(test) / (len(train) + len(test)) < 0.15
    for part in ("year", "month", "day"):
        assert {getattr(d, part) for d in test} <= {getattr(d, part) for d in train}
    assert {d.weekday() for d in test} == set(range(7))
    assert all(split_of(d) == "test" for d in test[:50])


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_no_test_date_is_seen_in_training_for_any_seeds(seed):
    train = {iso for _, iso in make_date_pairs(3000, split="train", seed=seed)}
    test = {iso for _, iso in make_date_pairs(1000, split="test", seed=seed + 1)}
    assert not train & test


def test_pairs_are_deterministic_and_use_every_format():
    records = make_date_records(2000, split="train", seed=3)
    assert records == make_date_records(2000, split="train", seed=3)
    assert records != make_date_records(2000, split="train", seed=4)
    assert {r.format for r in records} == set(DATE_FORMATS)
    for text, iso, fmt in records[:200]:
        assert format_date(dt.date.fromisoformat(iso), fmt) == text
    pairs = make_date_pairs(5, split="test", seed=3, formats=["dotted"])
    assert all(text.count(".") == 2 for text, _ in pairs)


def test_two_digit_years_resolve_inside_the_range():
    for text, iso in make_date_pairs(500, split="train", seed=0, formats=["short_us"]):
        month, day, yy = (int(part) for part in text.split("/"))
        assert iso == f"{(1900 if yy >= 50 else 2000) + yy}-{month:02d}-{day:02d}"


def test_codec_round_trip_and_padding():
    codec = DateCodec()
    assert codec.pad_id == 0 and codec.start_id == 1
    assert codec.target_vocab_size == 13 and codec.source_vocab_size == 2 + 67
    x = codec.encode_sources(["3.3.2009", "Tue, Mar 3 09"])
    assert x.shape == (2, SOURCE_LENGTH) and x.dtype == np.int32
    assert (x[0, 8:] == 0).all() and (x[0, :8] > 1).all()
    backwards = codec.encode_sources(["abc"], length=5, reverse=True)
    assert backwards.tolist() == [codec.encode_sources(["cba"], length=5)[0].tolist()]
    y = codec.encode_targets(["2009-03-03", "1950-12-31"])
    assert y.shape == (2, 10) and codec.decode_targets(y) == ["2009-03-03", "1950-12-31"]
    assert codec.decode_targets(np.array([[0, 1, 2]])) == ["??0"]
    assert codec.source_tokens("3 Mär") == ["3", " ", "M", "?", "r"]
    assert codec.encode_sources(["é"], length=2).tolist() == [[codec.unknown_id, 0]]


def test_dataset_arrays_match_pairs():
    data = make_date_dataset(300, 100, seed=5)
    assert data.x_train.shape == (300, SOURCE_LENGTH) and data.y_test.shape == (100, 10)
    assert data.codec.decode_targets(data.y_test) == data.test_isos
    assert len(data.test_texts) == len(data.test_formats) == 100
    assert not {i for _, i in data.train_pairs} & set(data.test_isos)


def test_bad_input_gives_clear_errors():
    codec = DateCodec()
    with pytest.raises(InputError, match="larger length"):
        codec.encode_sources(["x" * 80])
    with pytest.raises(InputError, match="wrap one text"):
        codec.encode_sources("3.3.2009")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        codec.encode_targets(["2009/03/03"])
    with pytest.raises(InputError, match="split must be"):
        make_date_pairs(3, split="valid")
    with pytest.raises(InputError, match="Unknown date format"):
        format_date(dt.date(2000, 1, 1), "roman")
    with pytest.raises(InputError, match="formats must be"):
        make_date_pairs(3, formats=["roman"])
    with pytest.raises(InputError, match="count"):
        make_date_pairs(-1)


# --- lists of dates: one format, growing length ------------------------------------------


def test_date_lists_hold_one_format_and_test_days_only():
    records = make_date_list_records(300, split="test", seed=5, fmt="dotted", max_dates=4)
    test_days = {day.isoformat() for day in dates_in_split("test")}
    assert {record.dates for record in records} == {1, 2, 3, 4}
    for record in records:
        parts, isos = record.text.split(LIST_SEPARATOR), split_target(record.target)
        assert len(parts) == len(isos) == record.dates
        for part, iso in zip(parts, isos, strict=True):
            assert part == format_date(dt.date.fromisoformat(iso), "dotted")
            assert iso in test_days
        assert [record.text[a:b] for a, b in list_spans(record.text)] == parts
    assert list_spans("3.3.2009, 14.7.1990") == [(0, 8), (10, 19)]
    again = make_date_list_records(300, split="test", seed=5, fmt="dotted", max_dates=4)
    assert again == records
    assert make_date_list_records(300, split="test", seed=6, max_dates=4) != records


def test_date_list_codec_round_trips_and_ends_every_target():
    data = make_date_list_dataset(50, 20, seed=1, fmt="dotted", max_dates=3)
    codec = data.codec
    assert isinstance(codec, DateListCodec)
    assert codec.source_length == 3 * 10 + 2 * 2 and codec.target_length == 33
    assert data.x_train.shape == (50, 34) and data.y_test.shape == (20, 33)
    assert codec.decode_targets(data.y_test) == data.test_targets
    lengths = codec.target_lengths(data.y_test)
    np.testing.assert_array_equal(lengths, 11 * data.test_counts)
    for row, length in zip(data.y_test, lengths, strict=True):
        assert row[length - 1] == codec.end_id and (row[length:] == codec.pad_id).all()
    assert codec.target_vocabulary[:3] == ("<pad>", "<start>", "<end>")
    # Decoding stops at the first end token; start or padding before it show as "?".
    ids = codec.encode_targets(["2009-03-03"])
    ids[0, 3] = codec.start_id
    assert codec.decode_targets(ids) == ["200?-03-03"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: DateListCodec(max_dates=2).encode_targets(["2009-03-03 2009-03-04 2009-03-05"]),
     "1 to 2 dates"),
    (lambda: DateListCodec().encode_targets("2009-03-03"), "wrap one in a list"),
    (lambda: make_date_list_records(3, min_dates=3, max_dates=2), "max_dates"),
    (lambda: make_date_list_records(3, fmt="iso"), "fmt"),
])
def test_date_lists_reject_bad_arguments(call, message):
    with pytest.raises(InputError, match=message):
        call()
