"""Sharing an article: tracked links, mail to a friend, and their figures."""
