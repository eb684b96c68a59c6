"""Moderation: the pipeline and its checks, rules, the queue, decisions and moderators."""
