"""The readers' data page: ask for a copy or an erasure, then confirm from the mailed link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from comments.errors import DomainError, Invalid
from comments.extensions import limiter
from comments.schemas.common import SITE_KEY
from comments.services import tokens
from comments.services.form_signs import Stamp, read_signs
from comments.services.privacy import requests as privacy
from comments.services.sites import get_site

bp = Blueprint("privacy", __name__)

# No script at all, styles from our own origin only, forms post only back here.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
STYLE = Path(__file__).resolve().parents[2] / "templates" / "privacy" / "style.css"


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(f"privacy/{template}", **context), status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the confirm URL carries a token
    return response


def _site_key() -> str:
    key = request.values.get("site") or "default"
    return key if SITE_KEY.match(key) else ""


def _form(site_key: str, status: int = 200, **context: Any) -> Response:
    try:
        site = get_site(site_key) if site_key else None
    except DomainError:
        site = None
    if site is None:
        return _page("error.html", 404, message="There is no such site.")
    token = tokens.sign("form", _form_binding(site.key))
    return _page("form.html", status, site=site, form_token=token, **context)


def _form_binding(site_key: str) -> dict[str, str]:
    # The page's token names its site and purpose instead of a time: it is a plain HTML form.
    return {"s": site_key, "p": "privacy"}


@bp.get("/privacy/")
def form() -> Response:
    """The form where a reader enters their address and what they want."""
    return _form(_site_key())


@bp.get("/privacy/style.css")
def style() -> Response:
    """The page's stylesheet (served from here so the CSP needs no inline styles)."""
    response = make_response(STYLE.read_text(encoding="utf-8"))
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.post("/privacy/")
@limiter.limit("10 per hour")
def ask() -> Response:
    """Record the request and mail a confirmation link; the answer never says if we know them."""
    site_key = _site_key()
    kind = request.form.get("kind", "")
    address = request.form.get("email", "")
    signs = read_signs(request.form.get("form_token"), request.form.get("website"),
                       bound_to=_form_binding(site_key))
    if signs.stamp is not Stamp.GOOD:
        return _form(site_key, 400, problem="The form expired; please send it again.",
                     email=address, kind=kind)
    if signs.honeypot_filled:  # the field people never see ("website"): a bot filled it in
        return _page("sent.html", 200)
    try:
        privacy.request_by_reader(site_key, address, kind)
    except Invalid as error:
        problems = [why for whys in (error.errors or {}).values() for why in whys]
        return _form(site_key, 422, problem=" ".join(problems) or error.message,
                     email=address, kind=kind)
    except DomainError as error:
        return _page("error.html", error.status, message=error.message)
    return _page("sent.html", 200)


@bp.get("/privacy/confirm/<token>")
def confirm(token: str) -> Response:
    """Show what the link will do; it acts only when the reader presses the button (POST)."""
    try:
        confirmed = privacy.check_token(token)
    except DomainError as error:
        return _page("error.html", error.status, message=error.message)
    site = confirmed.site
    return _page("confirm.html", kind=confirmed.request.kind, token=token, site=site,
                 erase_text=bool(site and site.settings.erase_text))


@bp.post("/privacy/confirm/<token>")
@limiter.limit("20 per hour")
def carry_out(token: str) -> Response:
    """Hand over the data as a JSON file, or erase it and say so."""
    try:
        kind, result = privacy.carry_out(token)
    except DomainError as error:
        return _page("error.html", error.status, message=error.message)
    if kind == "erase":
        return _page("done.html", counts=result)
    response = make_response(json.dumps(result, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="my-comments-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
