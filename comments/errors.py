"""Domain errors named by meaning, and the one place that turns any error into contract JSON."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the service said no; `status` and `code` say how the client hears it."""

    status = 400
    code = "bad_request"
    message = "The request cannot be served."

    def __init__(self, message: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors = errors


class NotFound(DomainError):
    status, code, message = 404, "not_found", "No such resource."


class SiteNotFound(NotFound):
    code, message = "unknown_site", "No such site."


class CommentNotFound(NotFound):
    code, message = "unknown_comment", "No such comment."


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", "Not allowed."


class ThreadClosed(Forbidden):
    code, message = "thread_closed", "This thread is closed to new comments."


class Banned(Forbidden):
    code, message = "banned", "You cannot comment on this site."


class BadEditToken(Forbidden):
    code, message = "bad_token", "This edit token is wrong, expired or for another comment."


class EditWindowOver(Forbidden):
    code, message = "edit_window_over", "The time to edit or delete this comment is over."


class OwnComment(Forbidden):
    code, message = "own_comment", "You cannot vote on your own comment."


class BadLink(BadEditToken):
    """A moderation link that is forged, expired, spent or for someone who may no longer act."""

    code, message = "bad_link", "This link is not valid, has expired or was used already."


class SharingByEmailOff(Forbidden):
    code, message = "share_by_email_off", "This site does not send articles by email."


class BadFormToken(Forbidden):
    code, message = "bad_form_token", "This form has expired; reload the page and try again."


class BadReaderToken(Forbidden):
    code, message = "bad_reader_token", "This sign-in is not valid, has expired or was revoked."


class BadSsoToken(Forbidden):
    code, message = "bad_sso_token", "This single sign-on token is not valid for this site."


class BadSignInCode(Forbidden):
    code, message = "bad_code", "This code is wrong or has expired; ask for a new one."


class SignInRequired(Forbidden):
    code, message = "sign_in_required", "Sign in to do this on this site."


class Invalid(DomainError):
    status, code, message = 422, "invalid", "Some fields are not valid."


class QuotaExceeded(DomainError):
    """A daily quota of mail to strangers is used up; `retry_after` says when the day ends."""

    status, code, message = 429, "quota_exceeded", "Too many articles sent; try again tomorrow."

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


class Conflict(DomainError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class IdempotencyKeyReused(Conflict):
    code, message = "idempotency_key_reused", "This Idempotency-Key was used with another body."


class BadParameters(DomainError):
    status, code, message = 400, "bad_parameters", "Some parameters are malformed."


class Unavailable(DomainError):
    status, code, message = 503, "unavailable", "A dependency is busy or down; retry shortly."


class NoPublicUrl(Unavailable):
    """No configured public URL (COMMENTS_PUBLIC_URL): no link can leave, so no mail goes out."""

    code, message = "mail_unavailable", "This install sends no mail: its public URL is not set."


# Article facts (issue 13, finding 2): an article is the publisher's, never a reader's.
class ArticleNotFound(NotFound):
    code, message = "unknown_article", "There is no article at this path on the site."


class ArticleUnreachable(Unavailable):
    code, message = "article_unreachable", "The site's page for this article did not answer; retry shortly."


class TooManyNewThreads(QuotaExceeded):
    code, message = "too_many_threads", "Too many new articles from your network today; try again tomorrow."


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


def error_payload(error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Render an HTTP exception (plain, webargs or Flask-Limiter) as a contract error."""
    status = error.code or 500
    headers: dict[str, str] = {}
    body: dict[str, Any] = {
        "error": HTTP_CODES.get(status, "error"),
        "message": error.description or error.name,
    }
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    if messages:
        locations = set(messages)
        body["errors"] = flatten_locations(messages)
        if status == 422 and locations and locations <= {"query", "headers", "view_args"}:
            # A malformed query parameter is a malformed request, not an invalid entity.
            status = 400
            body["error"] = "bad_parameters"
            body["message"] = "Some parameters are malformed."
        elif status == 422:
            body["message"] = "Some fields are not valid."
        elif status == 400:
            body["error"] = "malformed"
            body["message"] = "The request body is not valid JSON."
    if "message" in data:
        body["message"] = data["message"]
    headers.update(data.get("headers") or {})
    if status == 429:
        body["message"] = "Too many requests; slow down and retry later."
        retry_after = _retry_after(error)
        headers["Retry-After"] = retry_after
    if status == 503:
        headers.setdefault("Retry-After", "5")
    if status >= 500:
        body = {"error": "server_error", "message": "Something went wrong on our side."}
        if status == 503:
            body = {"error": "unavailable", "message": "A dependency is busy; retry shortly."}
    return body, status, headers


def flatten_locations(messages: dict[str, Any]) -> dict[str, list[str]]:
    """Merge webargs' `{location: {field: [why]}}` into the contract's `{field: [why]}`."""
    flat: dict[str, list[str]] = {}
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            flat.setdefault(location, []).extend(_as_list(fields))
            continue
        for field, why in fields.items():
            flat.setdefault(str(field), []).extend(_as_list(why))
    return flat


def _as_list(why: Any) -> list[str]:
    if isinstance(why, list):
        return [str(item) if not isinstance(item, dict) else _join(item) for item in why]
    if isinstance(why, dict):
        return [_join(why)]
    return [str(why)]


def _join(nested: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {', '.join(_as_list(value))}" for key, value in nested.items())


def _retry_after(error: HTTPException) -> str:
    response = error.get_response()
    value = response.headers.get("Retry-After")
    if value:
        return value
    limit = getattr(error, "limit", None)
    seconds = getattr(getattr(limit, "limit", None), "get_expiry", lambda: 60)()
    return str(int(seconds))


class WebhookNotFound(NotFound):
    message = "No such webhook endpoint."
