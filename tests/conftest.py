"""The suite's fixtures live in tests/support/; this file only registers them as plugins."""

pytest_plugins = [
    "tests.support.app",
    "tests.support.live",
    "tests.support.smtp",
    "tests.support.embed_host",
    "tests.support.moderation",
    "tests.support.mailing",
    "tests.support.redis_server",
    "tests.support.publisher",
    "tests.support.webhook_receiver",
]
