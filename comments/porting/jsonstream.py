"""Reading our JSON export one thread at a time, so a large site never sits in memory whole."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from comments.porting.xmlstream import UnreadableExport

CHUNK = 1 << 16
WHITESPACE = " \t\n\r"


class _Reader:
    """A growing text buffer over a byte stream, decoded as UTF-8 as it is read."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.at = 0
        self.ended = False

    def more(self) -> bool:
        if self.ended:
            return False
        try:
            data = self.stream.read(max(CHUNK, len(self.buffer) - self.at))
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise UnreadableExport(f"not UTF-8 text: {error}") from error
        except (EOFError, OSError) as error:
            raise UnreadableExport(f"cannot read the file: {error}") from error
        self.ended = not data
        # Drop what was consumed, so the buffer holds one value at a time.
        self.buffer = self.buffer[self.at:] + text
        self.at = 0
        return True

    def peek(self) -> str:
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in WHITESPACE:
                self.at += 1
            if self.at < len(self.buffer):
                return self.buffer[self.at]
            if not self.more():
                raise UnreadableExport("not valid JSON: the file ends too early")

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise UnreadableExport(f"not valid JSON: expected {char!r} near character {self.at}")
        self.at += 1

    def value(self) -> Any:
        decoder = json.JSONDecoder()
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.at)
            except json.JSONDecodeError as error:
                # Either the value is not all read yet, or it is broken: read on to know.
                if self.more():
                    continue
                raise UnreadableExport(f"not valid JSON: {error.msg}") from error
            except RecursionError as error:
                raise UnreadableExport("not valid JSON: nested too deeply") from error
            bare = self.buffer[self.at] not in "{[\""  # a number may go on in the next chunk
            if end == len(self.buffer) and not self.ended and bare and self.more():
                continue
            self.at = end
            return value


def read_document(stream: IO[bytes], list_key: str) -> tuple[dict[str, Any], Iterator[Any]]:
    """The top-level fields read before `list_key`, and an iterator over that list's items.

    The fields after the list are read when the iterator is exhausted (and are then ignored).
    """
    reader = _Reader(stream)
    reader.expect("{")
    header: dict[str, Any] = {}
    while True:
        if reader.peek() == "}":
            raise UnreadableExport(f"the export has no `{list_key}` list")
        key = reader.value()
        if not isinstance(key, str):
            raise UnreadableExport("not valid JSON: an object key is not a string")
        reader.expect(":")
        if key == list_key:
            reader.expect("[")
            return header, _items(reader)
        header[key] = reader.value()
        if reader.peek() == ",":
            reader.at += 1


def _items(reader: _Reader) -> Iterator[Any]:
    if reader.peek() == "]":
        reader.at += 1
    else:
        while True:
            yield reader.value()
            if reader.peek() == ",":
                reader.at += 1
                continue
            reader.expect("]")
            break
    while reader.peek() != "}":  # anything after the list, read past in order
        reader.expect(",")
        reader.value()
        reader.expect(":")
        reader.value()
    reader.at += 1
