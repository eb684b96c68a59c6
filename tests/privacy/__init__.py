"""Tests of readers' data rights and retention."""
