"""The child process that writes a bulk load's sorted table files (run as a script).

RocksDB's table file writer takes one key at a time, and each call holds the GIL: in
the loading process, writing a million records costs a core that the loader needs for
reading and encoding. `engram.storage.table_process` starts this file as a separate
Python process (``python -P table_child.py``) and streams the records to it over its
standard input as byte matrices; this process makes the `bytes` objects and puts them,
on the other core. It imports only rocksdict and the standard library (not numpy, not
engram), so it starts in a few tens of milliseconds; rows are cut by `struct` formats
of many fields at once, as fast as numpy's void-view ``tolist``.

Messages are a `HEADER` (operation, file number, record count, key width, value width)
followed by the payload the operation names:

- `OPEN`: the file's path (UTF-8, `count` bytes), then its `SETTINGS` (bloom bits, LZ4).
- `PUT`: the keys, `count` rows of `key_width` bytes; then the values: `count` rows of
  `value_width` bytes; or, for `VARIABLE`, `count` little-endian uint32 lengths and the
  values end to end; or, for `CONSTANT`, one length (uint32) and one value shared by
  every key. Keys of `key_width` `VARIABLE` come as lengths and bytes too.
- `FINISH`: close every file; the child answers ``ok`` (or ``error: ...``) on its
  standard output and exits.

Once its imports are done, the child writes ``ready`` on its standard output: until
then the parent writes its files itself instead of waiting.

Any failure ends the child with the message on its standard output and a non-zero exit
status; the parent reports it as a `StorageError` and removes the files.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections import deque
from itertools import accumulate
from typing import BinaryIO, Final

from rocksdict import BlockBasedOptions, DBCompressionType, Options, SstFileWriter

__all__ = ["CONSTANT", "FINISH", "HEADER", "OPEN", "PUT", "SETTINGS", "VARIABLE", "main"]

HEADER: Final = struct.Struct("<BIQii")
SETTINGS: Final = struct.Struct("<B?")
OPEN: Final = 1
PUT: Final = 2
FINISH: Final = 3
#: a width meaning "lengths first, then the bytes end to end"
VARIABLE: Final = -1
#: a value width meaning "one value for every key"
CONSTANT: Final = -2
_LENGTH: Final = struct.Struct("<I")
#: rows cut per `struct` call
_ROWS_PER_CALL: Final = 1024


def _exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the loading process went away")
    return data


def _options(bloom_bits: int, lz4: bool) -> Options:
    options = Options(raw_mode=True)
    table = BlockBasedOptions()
    if bloom_bits:
        table.set_bloom_filter(bloom_bits, False)
    options.set_block_based_table_factory(table)
    if lz4:
        options.set_compression_type(DBCompressionType.lz4())
    return options


def _lengths(stream: BinaryIO, count: int) -> array[int]:
    lengths = array("I")
    if lengths.itemsize != 4:
        lengths = array("L")
    lengths.frombytes(_exactly(stream, 4 * count))
    if sys.byteorder != "little":
        lengths.byteswap()
    return lengths


def _rows(stream: BinaryIO, count: int, width: int) -> list[bytes]:
    """`count` byte strings of the payload: fixed rows, or lengths then bytes."""
    if width == VARIABLE:
        lengths = _lengths(stream, count)
        data = _exactly(stream, sum(lengths))
        ends = list(accumulate(lengths))
        return list(map(data.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    data = _exactly(stream, count * width)
    if not width:
        return [b""] * count
    rows: list[bytes] = []
    step = width * _ROWS_PER_CALL
    whole = count // _ROWS_PER_CALL * step
    many = struct.Struct(f"{width}s" * _ROWS_PER_CALL)
    for offset in range(0, whole, step):
        rows.extend(many.unpack_from(data, offset))
    if whole < len(data):
        rows.extend(struct.unpack_from(f"{width}s" * (count % _ROWS_PER_CALL), data, whole))
    return rows


def _put(stream: BinaryIO, writer: SstFileWriter, count: int, widths: tuple[int, int]) -> None:
    key_width, value_width = widths
    keys = _rows(stream, count, key_width)
    if value_width == CONSTANT:
        (length,) = _LENGTH.unpack(_exactly(stream, _LENGTH.size))
        values = [_exactly(stream, length)] * count
    else:
        values = _rows(stream, count, value_width)
    deque(map(writer.__setitem__, keys, values), maxlen=0)


def serve(stream: BinaryIO) -> None:
    """Carry out the messages of `stream` until `FINISH`."""
    writers: dict[int, SstFileWriter] = {}
    while True:
        operation, number, count, key_width, value_width = HEADER.unpack(
            _exactly(stream, HEADER.size)
        )
        if operation == OPEN:
            path = _exactly(stream, count).decode()
            bloom_bits, lz4 = SETTINGS.unpack(_exactly(stream, SETTINGS.size))
            writer = SstFileWriter(options=_options(bloom_bits, lz4))
            writer.open(path)
            writers[number] = writer
        elif operation == PUT:
            _put(stream, writers[number], count, (key_width, value_width))
        elif operation == FINISH:
            for writer in writers.values():
                writer.finish()
            return
        else:
            raise ValueError(f"unknown operation {operation}")


def main() -> int:
    """Serve standard input; report on standard output."""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        serve(sys.stdin.buffer)
    except BaseException as error:  # reported to the parent, which raises it
        sys.stdout.write(f"error: {type(error).__name__}: {error}\n")
        sys.stdout.flush()
        return 1
    sys.stdout.write("ok\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
