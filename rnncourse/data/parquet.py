"""Read one column of strings from a Parquet file, in pure Python (no pyarrow).

The GloVe vectors of :mod:`rnncourse.data.glove` come with their word list as a small
Parquet file (one string column, 400,000 rows). pyarrow, the usual reader, is a
dependency of about 40 MB; reading one column needs only a fraction of the format, so
this module implements that fraction and refuses everything else with a clear error:

* the file's footer (Thrift compact protocol) for the schema, row groups and column chunks;
* pages compressed with Snappy (decompressed here, about 40 lines) or not compressed;
* data pages of version 1 or 2, with definition levels (an optional column) and no
  repetition levels (no nested data);
* values of type ``BYTE_ARRAY`` encoded ``PLAIN`` or through a dictionary
  (``PLAIN_DICTIONARY`` / ``RLE_DICTIONARY``).

The format is documented at https://parquet.apache.org/docs/file-format/ (the Thrift
definitions are in ``parquet.thrift`` of the parquet-format repository); Snappy's at
https://github.com/google/snappy/blob/main/format_description.txt.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from rnncourse.errors import DatasetError

__all__ = ["ParquetFormatError", "read_string_column", "snappy_decompress"]

MAGIC = b"PAR1"
_BYTE_ARRAY = 6
_CODECS = {0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4",
           6: "ZSTD", 7: "LZ4_RAW"}
_PLAIN, _PLAIN_DICTIONARY, _RLE, _RLE_DICTIONARY = 0, 2, 3, 8
_DATA_PAGE, _DICTIONARY_PAGE, _DATA_PAGE_V2 = 0, 2, 3
_REQUIRED, _OPTIONAL = 0, 1


class ParquetFormatError(DatasetError):
    """The file is not Parquet, or uses a part of the format this reader does not cover."""


# --------------------------------------------------------------------------- Thrift compact


class _Thrift:
    """A reader of Thrift's compact protocol: structs come back as ``{field id: value}``."""

    def __init__(self, data: bytes, position: int = 0) -> None:
        self.data = data
        self.position = position

    def byte(self) -> int:
        if self.position >= len(self.data):
            raise ParquetFormatError("The Parquet metadata ends in the middle of a value.")
        value = self.data[self.position]
        self.position += 1
        return value

    def varint(self) -> int:
        result, shift = 0, 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def binary(self) -> bytes:
        size = self.varint()
        value = self.data[self.position:self.position + size]
        if len(value) != size:
            raise ParquetFormatError("The Parquet metadata ends in the middle of a string.")
        self.position += size
        return value

    def value(self, kind: int) -> Any:
        if kind in (1, 2):  # booleans inside a struct carry their value in the type
            return kind == 1
        if kind == 3:
            return struct.unpack("b", bytes([self.byte()]))[0]
        if kind in (4, 5, 6):
            return self.zigzag()
        if kind == 7:
            value = struct.unpack("<d", self.data[self.position:self.position + 8])[0]
            self.position += 8
            return value
        if kind == 8:
            return self.binary()
        if kind in (9, 10):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            if element in (1, 2):  # booleans inside a list are one byte each
                return [self.byte() == 1 for _ in range(size)]
            return [self.value(element) for _ in range(size)]
        if kind == 11:
            size = self.varint()
            if size == 0:
                return {}
            types = self.byte()
            return {self.value(types >> 4): self.value(types & 0x0F) for _ in range(size)}
        if kind == 12:
            return self.struct()
        raise ParquetFormatError(f"Unknown Thrift type {kind} in the Parquet metadata.")

    def struct(self) -> dict[int, Any]:
        fields: dict[int, Any] = {}
        field = 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            delta, kind = header >> 4, header & 0x0F
            field = field + delta if delta else self.zigzag()
            fields[field] = self.value(kind)


# --------------------------------------------------------------------------------- Snappy


def snappy_decompress(data: bytes) -> bytes:
    """Decompress a raw Snappy block (the format Parquet pages use, no framing).

    Raises:
        ParquetFormatError: the block is truncated or refers back before its start.
    """
    reader = _Thrift(data)  # for its varint
    expected = reader.varint()
    position = reader.position
    out = bytearray()
    size = len(data)
    try:
        while position < size:
            tag = data[position]
            position += 1
            kind = tag & 3
            if kind == 0:  # a literal run
                length = tag >> 2
                if length >= 60:
                    extra = length - 59
                    length = int.from_bytes(data[position:position + extra], "little")
                    position += extra
                length += 1
                if position + length > size:
                    raise ParquetFormatError("A Snappy literal runs past the end of its block.")
                out += data[position:position + length]
                position += length
                continue
            if kind == 1:
                length = 4 + ((tag >> 2) & 7)
                offset = ((tag >> 5) << 8) | data[position]
                position += 1
            elif kind == 2:
                length = (tag >> 2) + 1
                offset = int.from_bytes(data[position:position + 2], "little")
                position += 2
            else:
                length = (tag >> 2) + 1
                offset = int.from_bytes(data[position:position + 4], "little")
                position += 4
            if offset == 0 or offset > len(out):
                raise ParquetFormatError("A Snappy copy refers to data before the block's start.")
            start = len(out) - offset
            if length <= offset:
                out += out[start:start + length]
            else:  # the copy overlaps what it writes: repeat the last `offset` bytes
                pattern = bytes(out[start:])
                repeats, rest = divmod(length, offset)
                out += pattern * repeats + pattern[:rest]
    except IndexError:
        raise ParquetFormatError("A Snappy block ends in the middle of an element.") from None
    if len(out) != expected:
        raise ParquetFormatError(f"A Snappy block decompressed to {len(out)} bytes; its header "
                                 f"says {expected}.")
    return bytes(out)


# ------------------------------------------------------------------------------- encodings


def _hybrid(data: bytes, position: int, end: int, bit_width: int, count: int) -> list[int]:
    """Decode ``count`` values of the RLE / bit-packing hybrid (levels and dictionary ids)."""
    values: list[int] = []
    reader = _Thrift(data, position)
    width_bytes = (bit_width + 7) // 8
    while len(values) < count:
        if reader.position >= end:
            raise ParquetFormatError("An RLE/bit-packed run ends before all its values.")
        header = reader.varint()
        if header & 1:  # bit-packed groups of 8 values, least significant bit first
            groups = header >> 1
            nbytes = groups * bit_width
            chunk = np.frombuffer(data, np.uint8, nbytes, reader.position)
            reader.position += nbytes
            bits = np.unpackbits(chunk, bitorder="little").reshape(groups * 8, bit_width)
            values.extend((bits.astype(np.int64) << np.arange(bit_width)).sum(axis=1).tolist())
        else:
            run = header >> 1
            value = int.from_bytes(data[reader.position:reader.position + width_bytes], "little")
            reader.position += width_bytes
            values.extend([value] * run)
    return values[:count]


def _plain_strings(data: bytes, position: int, count: int) -> list[bytes]:
    values = []
    for _ in range(count):
        if position + 4 > len(data):
            raise ParquetFormatError("A page holds fewer strings than its header says.")
        size = int.from_bytes(data[position:position + 4], "little")
        position += 4
        values.append(data[position:position + size])
        position += size
    return values


def _decompress(block: bytes, codec: int) -> bytes:
    if codec == 0:
        return block
    if codec == 1:
        return snappy_decompress(block)
    if codec == 2:
        import gzip

        return gzip.decompress(block)
    raise ParquetFormatError(f"The column is compressed with {_CODECS.get(codec, codec)}; this "
                             "reader handles only uncompressed, Snappy and gzip pages. Read the "
                             "file with pyarrow (pip install pyarrow) instead.")


# ----------------------------------------------------------------------------------- reader


def read_string_column(path: Path | str, column: str | None = None) -> list[str | None]:
    """Every value of one string column of a Parquet file, in row order.

    Args:
        path: The ``.parquet`` file.
        column: The column's name; ``None`` takes the only string column there is.

    Returns:
        The values as ``str`` (``None`` for a null).

    Raises:
        ParquetFormatError: not a Parquet file, the column is missing or not a string
            column, or the file uses features this reader does not cover (nested data,
            another compression, another encoding).
    """
    path = Path(path)
    data = path.read_bytes()
    if len(data) < 12 or data[:4] != MAGIC or data[-4:] != MAGIC:
        raise ParquetFormatError(f"{path} is not a Parquet file (it lacks the PAR1 markers).")
    footer_size = int.from_bytes(data[-8:-4], "little")
    if footer_size + 12 > len(data):
        raise ParquetFormatError(f"{path} has a damaged footer (it claims {footer_size} bytes).")
    meta = _Thrift(data, len(data) - 8 - footer_size).struct()
    schema = meta.get(2, [])
    leaves = {element[4].decode(): element for element in schema[1:] if 1 in element}
    strings = [name for name, element in leaves.items() if element[1] == _BYTE_ARRAY]
    if column is None:
        if len(strings) != 1:
            raise ParquetFormatError(f"{path} has the string columns {strings}; name one "
                                     "with column=...")
        column = strings[0]
    if column not in leaves:
        raise ParquetFormatError(f"{path} has no column {column!r}; it has {sorted(leaves)}.")
    element = leaves[column]
    if element[1] != _BYTE_ARRAY:
        raise ParquetFormatError(f"Column {column!r} of {path} does not hold strings.")
    repetition = element.get(3, _REQUIRED)
    if repetition not in (_REQUIRED, _OPTIONAL):
        raise ParquetFormatError(f"Column {column!r} of {path} is repeated (nested data), which "
                                 "this reader does not cover.")
    optional = repetition == _OPTIONAL
    values: list[str | None] = []
    for group in meta.get(4, []):
        chunks = [chunk for chunk in group[1] if chunk[3][3] == [column.encode()]]
        if not chunks:
            raise ParquetFormatError(f"A row group of {path} lacks column {column!r}.")
        values.extend(_read_chunk(data, chunks[0][3], optional, path))
    expected = meta.get(3)
    if expected is not None and len(values) != expected:
        raise ParquetFormatError(f"{path} says it has {expected} rows; {len(values)} were read.")
    return values


def _read_chunk(data: bytes, chunk: dict[int, Any], optional: bool,
                path: Path) -> list[str | None]:
    codec, total = chunk[4], chunk[5]
    position = chunk.get(11, chunk[9])  # the dictionary page, if any, comes first
    dictionary: list[bytes] | None = None
    values: list[str | None] = []
    while len(values) < total:
        reader = _Thrift(data, position)
        header = reader.struct()
        start = reader.position
        page_type, compressed = header[1], header[3]
        block = data[start:start + compressed]
        position = start + compressed
        if page_type == _DICTIONARY_PAGE:
            page = _decompress(block, codec)
            dictionary = _plain_strings(page, 0, header[7][1])
            continue
        if page_type == _DATA_PAGE:
            info = header[5]
            count, encoding = info[1], info[2]
            page = _decompress(block, codec)
            offset = 0
            defined = [1] * count
            if optional:
                length = int.from_bytes(page[:4], "little")
                defined = _hybrid(page, 4, 4 + length, 1, count)
                offset = 4 + length
        elif page_type == _DATA_PAGE_V2:
            info = header[8]
            count, encoding = info[1], info[4]
            levels, repeats = info[5], info[6]
            if repeats:
                raise ParquetFormatError(f"{path} holds nested data (repetition levels).")
            defined = _hybrid(block, 0, levels, 1, count) if optional and levels else [1] * count
            body = block[levels:]
            page = _decompress(body, codec) if info.get(7, True) else body
            offset = 0
        else:
            continue  # index pages carry no values
        present = sum(defined)
        if encoding == _PLAIN:
            strings = _plain_strings(page, offset, present)
        elif encoding in (_PLAIN_DICTIONARY, _RLE_DICTIONARY):
            if dictionary is None:
                raise ParquetFormatError(f"{path} uses a dictionary it never defines.")
            width = page[offset]
            ids = _hybrid(page, offset + 1, len(page), width, present) if width else [0] * present
            strings = [dictionary[index] for index in ids]
        else:
            raise ParquetFormatError(f"{path} encodes strings with encoding {encoding}; this "
                                     "reader handles PLAIN and dictionary encodings.")
        found = iter(strings)
        values.extend(next(found).decode("utf-8") if flag else None for flag in defined)
    return values
