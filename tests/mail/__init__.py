"""Tests of mail: the outbox, workers, SMTP delivery and subscriptions."""
