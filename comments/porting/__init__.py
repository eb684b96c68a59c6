"""Moving comments in and out: importers for WordPress, Disqus, Isso and our JSON, and exporters."""
