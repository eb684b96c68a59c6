"""Tests of the running service as a whole: CLI, faults, processes, limits, fuzzing."""
