"""Merging duplicate people into one, and undoing a merge (see docs/merging.md)."""
