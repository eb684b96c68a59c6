"""Notices of illegal content, statements of reasons, appeals, trusted flaggers, transparency."""
