"""Marshmallow schemas: what the HTTP edge accepts and documents."""
