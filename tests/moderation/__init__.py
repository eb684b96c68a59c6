"""Tests of moderation: the pipeline, rules, the queue, the UI and the API."""
