"""The rules of the service; each function owns its transaction."""
