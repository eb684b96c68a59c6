"""Mail: the outbox, the worker that delivers it, composing, subscriptions and digests."""
