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


@contextmanager
def open_export(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[IO[bytes]]:
    """Open `path` for reading, gunzipping it when it starts with the gzip magic bytes."""
    with path.open("rb") as raw:
        counted = io.BufferedReader(_CountingReader(raw, on_read), buffer_size=1 << 16)
        if counted.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=counted) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield counted


@cache
def local_name(tag: str) -> str:
    """`{namespace}name` → `name`, so that WXR 1.0-1.2 and http/https namespaces all match."""
    return tag.rsplit("}", 1)[-1]


def iter_records(stream: IO[bytes], wanted: Callable[[list[str]], bool]) -> Iterator[Element]:
    """Yield each element whose path of local names `wanted` accepts, then free it.

    Entities, DTDs and external references are refused outright, so a billion-laughs or an
    XXE file stops with UnreadableExport before anything is expanded or fetched.
    """
    path: list[str] = []
    parents: list[Element] = []
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True,
                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                path.append(local_name(element.tag))
                parents.append(element)
                continue
            parents.pop()
            if wanted(path):
                yield element
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
