"""Notices of illegal content: the public endpoints, the moderation API and the moderator pages."""
