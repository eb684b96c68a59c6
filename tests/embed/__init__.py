"""Tests of the embed: the iframe page and the loader, in Chromium."""
