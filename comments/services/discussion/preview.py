"""Previewing a comment: the site's length bound first, so the renderer never sees more text
than a comment of that site may hold (Markdown's worst cases grow faster than the text)."""

from __future__ import annotations

from comments.errors import Invalid
from comments.models.site import SiteSettings
from comments.services.discussion.rendering import render
from comments.services.sites import find_site


def preview(site_key: str, text: str) -> str:
    """The HTML a published comment with this text would show on the site (defaults if unknown)."""
    site = find_site(site_key)
    settings = site.settings if site else SiteSettings()
    if len(text) > settings.text_max_length:
        raise Invalid(errors={"text": [f"Longer than {settings.text_max_length} characters."]})
    return render(text)
