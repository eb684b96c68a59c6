"""Pages readers reach from mail: confirm and unsubscribe."""
