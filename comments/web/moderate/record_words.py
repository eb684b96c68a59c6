"""The record in words: an event's before and after as "status: pending → approved" lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comments.web.moderate import bp

NAMES = {"flags": "open flags", "all_sites": "all sites", "session_version": "sessions"}
LONG = 120  # longer values (texts) are shown whole in a fold, not in the line


@dataclass(frozen=True)
class Change:
    """One field of an event: its name, the value before and after, and long texts apart."""

    name: str
    before: str | None
    after: str | None
    long_before: str | None = None
    long_after: str | None = None


def words(value: Any) -> str:
    """A stored value as a reader says it."""
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{NAMES.get(k, k.replace('_', ' '))} {words(v)}"
                         for k, v in value.items())
    return str(value)


@bp.app_template_filter("changes")
def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """What an event changed, field by field; fields that stayed the same are left out."""
    before, after = before or {}, after or {}
    found = []
    for key in dict.fromkeys([*before, *after]):
        old = words(before[key]) if key in before else None
        new = words(after[key]) if key in after else None
        if old == new and before and after:
            continue
        name = NAMES.get(key, key.replace("_", " "))
        if max(len(old or ""), len(new or "")) > LONG or "\n" in (old or "") + (new or ""):
            found.append(Change(name, None, None, old, new))
        else:
            found.append(Change(name, old, new))
    return found
