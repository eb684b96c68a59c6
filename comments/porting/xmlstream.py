"""Reading large, possibly gzipped and possibly hostile XML exports as a stream of elements."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

GZIP_MAGIC = b"\x1f\x8b"
# expat's time grows with the square of a single token's length (an attribute, a tag): a stretch
# this long without a "<" is refused before expat sees it. Text with markup in it is unaffected.
MAX_STRETCH_BYTES = 4 << 20
# The most elements one record (an item, a post, with all it holds) may have.
MAX_RECORD_ELEMENTS = 100_000
# Exports compress 5 to 20 times; a file that expands past this many times its size (and past
# GZIP_FREE_BYTES) is a decompression bomb, refused before it costs minutes of parsing (a
# million elements cost about 3 s of CPU to stream through).
MAX_GZIP_RATIO = 50
GZIP_FREE_BYTES = 8 << 20


class UnreadableExport(Exception):
    """The file is not an export we can read: malformed, hostile or of another format."""


class _CountingReader(io.RawIOBase):
    """Passes reads through and reports how many bytes of the file were consumed."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None] | None):
        self.raw = raw
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        if self.on_read and data:
            self.on_read(len(data))
        return len(data)


class _BoundedTokens(io.RawIOBase):
    """Passes reads through, refusing the file at a stretch of MAX_STRETCH_BYTES without "<"."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.stretch = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        first = data.find(b"<")
        if first < 0:
            self.stretch += len(data)
            longest = self.stretch
        else:
            last = data.rfind(b"<")
            longest = max(self.stretch + first, _longest_inside(data, first, last))
            self.stretch = len(data) - last - 1
        if max(longest, self.stretch) > MAX_STRETCH_BYTES:
            raise UnreadableExport(
                f"refused: more than {MAX_STRETCH_BYTES >> 20} MiB without markup "
                "(a single attribute or tag that large is hostile)")
        buffer[: len(data)] = data
        return len(data)


def _longest_inside(data: bytes, first: int, last: int) -> int:
    """The longest run between two "<" of `data`, from `first` to `last`."""
    if last - first <= MAX_STRETCH_BYTES:
        return 0  # no run inside this span can be too long
    longest, at = 0, first
    while at < last:
        following = data.find(b"<", at + 1)
        longest = max(longest, following - at - 1)
        at = following
    return longest


class _BoundedExpansion(io.RawIOBase):
    """Passes a gunzipped stream through, refusing it past MAX_GZIP_RATIO times the file."""

    def __init__(self, raw: IO[bytes] | gzip.GzipFile, compressed_size: int):
        self.raw = raw
        self.allowed = max(GZIP_FREE_BYTES, compressed_size * MAX_GZIP_RATIO)
        self.seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.allowed:
            raise UnreadableExport(
                f"refused: the file expands more than {MAX_GZIP_RATIO} times "
                f"(past {self.allowed >> 20} MiB): a decompression bomb")
        buffer[: len(data)] = data
        return len(data)


@contextmanager
def open_export(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[IO[bytes]]:
    """Open `path` for reading, gunzipping it (within a bounded ratio) when it starts with the
    gzip magic bytes."""
    with path.open("rb") as raw:
        counted = io.BufferedReader(_CountingReader(raw, on_read), buffer_size=1 << 16)
        if counted.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=counted) as unzipped:
                yield io.BufferedReader(_BoundedExpansion(unzipped, path.stat().st_size),
                                        buffer_size=1 << 16)
        else:
            yield counted


@cache
def local_name(tag: str) -> str:
    """`{namespace}name` → `name`, so that WXR 1.0-1.2 and http/https namespaces all match."""
    return tag.rsplit("}", 1)[-1]


def iter_records(stream: IO[bytes], wanted: Callable[[list[str]], bool],
                 markers: Callable[[list[str]], bool] | None = None) -> Iterator[Element]:
    """Yield each element whose path of local names `wanted` accepts, then free it.

    Elements outside any wanted one are freed as soon as they end, so memory holds one record
    at a time whatever else the file contains; a record of more than MAX_RECORD_ELEMENTS
    elements, or a stretch of MAX_STRETCH_BYTES without markup, is refused. `markers` names
    elements whose start alone matters (an export's channel): they are yielded, empty, when they
    start, and keep nothing.

    Entities, DTDs and external references are refused outright, so a billion-laughs or an
    XXE file stops with UnreadableExport before anything is expanded or fetched.
    """
    path: list[str] = []
    parents: list[Element] = []
    wanted_open: list[bool] = []
    in_records = 0  # wanted elements open now
    held = 0  # elements started inside the outermost open record
    bounded = io.BufferedReader(_BoundedTokens(stream), buffer_size=1 << 16)
    try:
        for event, element in iterparse(bounded, events=("start", "end"), forbid_dtd=True,
                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                path.append(local_name(element.tag))
                parents.append(element)
                is_wanted = wanted(path)
                wanted_open.append(is_wanted)
                in_records += is_wanted
                if in_records:
                    held += 1
                    if held > MAX_RECORD_ELEMENTS:
                        raise UnreadableExport(
                            f"refused: a record holds more than {MAX_RECORD_ELEMENTS} elements")
                if markers is not None and markers(path):
                    yield element
                continue
            parents.pop()
            is_wanted = wanted_open.pop()
            if is_wanted:
                yield element
                in_records -= 1
                if not in_records:
                    held = 0
            if is_wanted or not in_records:
                element.clear()
                if parents:  # drop the emptied element too, or a big file's root keeps them all
                    parents[-1].remove(element)
            path.pop()
    except DefusedXmlException as error:
        raise UnreadableExport(
            f"refused: the file uses {type(error).__name__} "
            "(entities, DTDs and external references are not allowed)") from error
    except ParseError as error:
        raise UnreadableExport(f"not well-formed XML: {error}") from error
    except (EOFError, gzip.BadGzipFile, OSError) as error:
        raise UnreadableExport(f"cannot read the file: {error}") from error


def child_text(element: Element, name: str, default: str = "") -> str:
    """The text of the first child with this local name (CDATA or not), stripped."""
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return default


def child(element: Element, name: str) -> Element | None:
    """The first child with this local name."""
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def attribute(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (`dsq:id`)."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None
