"""The embed: the iframe page, its assets and languages, and the demo article."""
