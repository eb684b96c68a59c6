"""Readers' data rights: the public page and the moderators' bearer API."""
