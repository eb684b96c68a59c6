"""Test support modules, registered as pytest plugins by tests/conftest.py."""
