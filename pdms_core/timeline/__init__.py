"""Timelines: everything that happened around a person or a place, newest first."""
