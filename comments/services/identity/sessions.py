"""Reader tokens: signed by the tokens service, bound to a site, expiring, revoked by generation."""

from __future__ import annotations

from flask import current_app

from comments.errors import BadReaderToken
from comments.extensions import db
from comments.models import Reader, Site
from comments.services import tokens


def reader_token(reader: Reader) -> str:
    """A token that signs this reader in on their site until it expires or they sign out."""
    return tokens.sign("reader", {"r": reader.id, "s": reader.site_id, "g": reader.generation})


def reader_of_token(token: str, site: Site | None = None) -> Reader:
    """The reader a valid token names (on `site`, when given); BadReaderToken otherwise."""
    try:
        payload = tokens.unsign("reader", token,
                                max_age=int(current_app.config["READER_TOKEN_MAX_AGE"]))
    except tokens.InvalidToken as error:
        raise BadReaderToken() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise BadReaderToken()
    reader = db.session.get(Reader, payload["r"])
    if (reader is None or reader.site_id != payload.get("s")
            or reader.generation != payload.get("g")
            or (site is not None and reader.site_id != site.id)):
        raise BadReaderToken()
    return reader


def sign_out_everywhere(reader: Reader) -> None:
    """Every token issued to the reader so far stops working (in the caller's transaction)."""
    reader.generation = reader.generation + 1
