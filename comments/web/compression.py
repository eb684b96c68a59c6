"""Compressed answers (br, gzip) when the client accepts them, for Flask's answers and the lane's.

Flask-Compress compresses what Flask answers. The fast lane answers before Flask, so it asks
the same library which encoding a request gets and compresses with the same levels: both paths
give the same headers and the same decoded body (tests/fast_lane holds them equal). A page the
lane serves from the memo is compressed once per ETag and encoding, and kept beside it.

`COMMENTS_COMPRESS=false` turns both off, for a proxy in front that compresses already (an
answer that already carries a Content-Encoding is never compressed twice either way).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_compress import Compress

# Flask-Compress' own choice of encoding and its compressors: the lane must choose exactly as
# the Flask answers do. These two names are the library's module functions (stable since 1.14);
# a test compares the lane's choices with the library's answers for many Accept-Encoding values.
from flask_compress.flask_compress import _choose_algorithm, _compress_data

ALGORITHMS = ("br", "gzip")  # brotli where asked (every current browser), else gzip
VARY = "Accept-Encoding"


def init_app(app: Flask) -> None:
    """Compress Flask's text answers (unless COMPRESS is off) and give the lane its compressor."""
    app.config.update(
        COMPRESS_REGISTER=bool(app.config["COMPRESS"]),
        COMPRESS_ALGORITHM=list(ALGORITHMS),
        COMPRESS_LEVEL=6,  # gzip: zlib's default, about 2x faster than 9 for 1-2% more bytes
        COMPRESS_BR_LEVEL=4,  # brotli: fast enough per request, smaller than gzip 6
        COMPRESS_MIN_SIZE=500,  # below one packet, compression buys nothing
        COMPRESS_STREAMS=False,  # streamed answers (exports) go out as they are made
        # Our views answer their own 304s; the library must not re-evaluate conditions.
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,
    )
    Compress(app)
    app.extensions["comments.lane_compression"] = (
        LaneCompression(app) if app.config["COMPRESS"] else None
    )


class LaneCompression:
    """The fast lane's side: the same encoding choice, levels and headers as Flask-Compress."""

    def __init__(self, app: Flask):
        self.app = app
        self.min_size = int(app.config["COMPRESS_MIN_SIZE"])

    def choose(self, environ: dict[str, Any], body: bytes) -> str | None:
        """The encoding this request gets for `body` (None: send it as it is)."""
        if len(body) < self.min_size:
            return None
        chosen: str | None = _choose_algorithm(ALGORITHMS, environ.get("HTTP_ACCEPT_ENCODING", ""))
        return chosen

    def compress(self, body: bytes, encoding: str) -> bytes:
        """`body` compressed with `encoding` at the configured level."""
        compressed: bytes = _compress_data(self.app, body, encoding)
        return compressed


def encoded(headers: list[tuple[str, str]], body: bytes, encoding: str) -> list[tuple[str, str]]:
    """`headers` for `body` once compressed with `encoding` (its length, its encoding)."""
    out = [(name, str(len(body)) if name == "Content-Length" else value) for name, value in headers]
    return [*out, ("Content-Encoding", encoding)]
