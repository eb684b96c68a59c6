"""Tests of the public comments API and its services."""
