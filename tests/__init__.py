"""The test suite: one folder per feature, support modules in tests/support/."""
