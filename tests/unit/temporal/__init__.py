"""Tests of the temporal value library (engram.temporal)."""
