"""The data model: every table the service keeps, as typed SQLAlchemy 2 mappings."""

from comments.models.audit import ModerationEvent
from comments.models.comment import Comment, CommentStatus, Flag, Vote
from comments.models.identity import Reader, SeenTokenId, SignInCode
from comments.models.mail import OutboxMessage, Subscription, Suppression
from comments.models.moderator import ApiToken, Moderator, moderator_sites
from comments.models.notices import Appeal, Decision, Notice, TrustedFlagger
from comments.models.privacy import PrivacyRequest
from comments.models.requests import IdempotencyKey, QuotaClaim, UsedToken
from comments.models.rules import Rule
from comments.models.share import Share
from comments.models.site import Site
from comments.models.thread import Thread
from comments.models.webhook import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiToken",
    "Appeal",
    "Comment",
    "CommentStatus",
    "Decision",
    "Flag",
    "IdempotencyKey",
    "Moderator",
    "ModerationEvent",
    "Notice",
    "OutboxMessage",
    "PrivacyRequest",
    "QuotaClaim",
    "Reader",
    "Rule",
    "SeenTokenId",
    "Share",
    "SignInCode",
    "Site",
    "Subscription",
    "Suppression",
    "Thread",
    "TrustedFlagger",
    "UsedToken",
    "Vote",
    "WebhookDelivery",
    "WebhookEndpoint",
    "moderator_sites",
]
