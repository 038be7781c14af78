"""PDMS module: Gas and electrical servicing."""
