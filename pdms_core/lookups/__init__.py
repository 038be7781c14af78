"""Configurable lookup lists: rows, not enums, so councils can change them."""
