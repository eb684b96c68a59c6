"""Reader tokens: signed by the tokens service, bound to a site, expiring, revoked by generation."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, exists, or_, select

from comments.errors import BadReaderToken
from comments.extensions import db
from comments.models import Moderator, Reader, Site, moderator_sites
from comments.services import tokens


def reader_token(reader: Reader) -> str:
    """A token that signs this reader in on their site until it expires or they sign out."""
    return tokens.sign("reader", {"r": reader.id, "s": reader.site_id, "g": reader.generation})


def reader_of_token(token: str, site: Site | None = None) -> Reader:
    """The reader a valid token names (on `site`, when given); BadReaderToken otherwise."""
    payload = token_payload(token)
    row = db.session.execute(_reader_statement(), {"id": payload["r"]}).first()
    reader: Reader | None = None
    if row is not None:
        reader = row[0]
        reader.is_staff = bool(row[1])
    return checked(reader, payload, site)


def token_payload(token: str) -> dict[str, Any]:
    """What a genuine, unexpired reader token says (no database needed); else BadReaderToken."""
    try:
        payload = tokens.unsign("reader", token,
                                max_age=int(current_app.config["READER_TOKEN_MAX_AGE"]))
    except tokens.InvalidToken as error:
        raise BadReaderToken() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise BadReaderToken()
    return payload


def checked(reader: Reader | None, payload: dict[str, Any], site: Site | None) -> Reader:
    """The reader, if the token names them as they are now (site, generation); else BadReaderToken."""
    if (reader is None or reader.site_id != payload.get("s")
            or reader.generation != payload.get("g")
            or (site is not None and reader.site_id != site.id)):
        raise BadReaderToken()
    return reader


def site_and_reader(site_key: str, token: str) -> tuple[Site, Reader]:
    """The site and the token's reader in one query (a signed-in post costs no extra round trip)."""
    from comments.errors import SiteNotFound

    payload = token_payload(token)
    row = db.session.execute(_site_and_reader_statement(),
                             {"key": site_key, "id": payload["r"]}).first()
    if row is None:
        raise SiteNotFound()
    site, reader, staff = row
    if reader is not None:
        reader.is_staff = bool(staff)
    return site, checked(reader, payload, site)


@cache
def _site_and_reader_statement() -> Any:
    return (select(Site, Reader, staff_of_reader().label("staff"))
            .outerjoin(Reader, and_(Reader.id == bindparam("id"), Reader.site_id == Site.id))
            .where(Site.key == bindparam("key")))


@cache
def _reader_statement() -> Any:
    # The reader and whether they are staff, in the one query a signed-in write costs.
    return select(Reader, staff_of_reader().label("staff")).where(Reader.id == bindparam("id"))


def staff_of_reader() -> Any:
    """SQL: whether an active moderator of the reader's site has the reader's address."""
    of_site = select(moderator_sites.c.moderator_id).where(
        moderator_sites.c.moderator_id == Moderator.id,
        moderator_sites.c.site_id == Reader.site_id)
    return exists().where(
        Moderator.email == Reader.email, Moderator.disabled.is_(False),
        or_(Moderator.all_sites.is_(True), of_site.exists()))


def sign_out_everywhere(reader: Reader) -> None:
    """Every token issued to the reader so far stops working (in the caller's transaction)."""
    reader.generation = reader.generation + 1
