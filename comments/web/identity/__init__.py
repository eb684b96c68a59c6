"""Readers' identity over HTTP: signing in and out, and a reader's own data."""
