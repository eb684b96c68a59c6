"""Readers' identity: publisher single sign-on, email codes, reader sessions and what they change."""
