"""Database plumbing: the engine's tuning, write transactions and portable SQL."""
