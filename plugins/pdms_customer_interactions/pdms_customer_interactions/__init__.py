"""PDMS module: Customer interactions."""
