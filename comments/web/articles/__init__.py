"""Articles: the publisher's API for naming articles and confirming titles."""
