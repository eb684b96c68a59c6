"""Article facts: where an article's title and existence come from (the publisher, never a reader)."""
