"""Tests of the fast lane: parity with Flask, the memo and driver reads."""
