"""Readers' data rights and retention: copies, erasure and pruning."""
