"""Webhooks on the web: the moderation API's endpoints and the admins' pages."""
