"""The embed's languages: one JSON file per language, shared by the server page and its script."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from comments import package_resource

LANGUAGES = ("en", "de", "fr", "es", "ko", "ja")
DEFAULT_LANGUAGE = "en"
# The strings thread.js writes itself; the server renders every other one into the page.
SCRIPT_STRINGS = (
    "anonymous", "count", "deleted", "dislike", "dislikes", "flag_done", "in_reply_to", "just_now",
    "like", "likes", "load_more", "loading", "post", "posted", "posted_pending", "posting",
    "preview", "preview_empty", "removed", "reply_to", "saved", "share_copied", "share_limit",
    "share_off", "share_sent", "write", "err_author", "err_bad_token", "err_banned", "err_closed",
    "err_conflict", "err_edit_over", "err_email", "err_forbidden", "err_generic", "err_invalid",
    "err_malformed", "err_network", "err_not_found", "err_own_vote", "err_rate",
    "err_text", "err_too_large", "err_unavailable", "err_website", "err_note", "err_too_fast",
    "err_form_expired",
    "share_copy_manual",
    "notice_done",  # the legal notice's answer, with its reference
    "removed_illegal", "removed_terms",  # placeholders of comments removed by a decision
    "live_new", "live_arrived", "live_shown",
    # Readers' identity (embed/thread/identity.js).
    "editors_pick", "verified", "badge_staff", "signed_in_as", "code_sent", "err_bad_code",
    "err_sign_in", "err_bad_reader_token",
)


@cache
def strings(language: str) -> dict[str, Any]:
    """Every visible string of the embed in `language` (files ship with the package, read once)."""
    path = package_resource("embed") / "lang" / f"{language}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def script_strings(language: str) -> dict[str, Any]:
    """The strings the iframe's script needs, in `language`, for the page to carry inline."""
    table, fallback = strings(language), strings(DEFAULT_LANGUAGE)
    return {key: table.get(key, fallback[key]) for key in SCRIPT_STRINGS}


def choose(requested: str | None, accept: list[str]) -> str:
    """The best shipped language: the requested tag, else the browser's preferences, else English."""
    for tag in [requested or "", *accept]:
        primary = tag.strip().lower().replace("_", "-").split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def plural_category(language: str, n: int) -> str:
    """The CLDR plural category of a whole number in the shipped languages."""
    if language in ("ko", "ja"):
        return "other"
    if language == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


class Translator:
    """`t(key, **values)` for one language; plural strings take `n`."""

    def __init__(self, language: str):
        self.language = language
        self.table = strings(language)
        self.fallback = strings(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **values: Any) -> str:
        entry = self.table.get(key, self.fallback.get(key, key))
        if isinstance(entry, dict):
            category = plural_category(self.language, int(values.get("n", 0)))
            entry = entry.get(category) or entry.get("other") or ""
        text = str(entry)
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text
