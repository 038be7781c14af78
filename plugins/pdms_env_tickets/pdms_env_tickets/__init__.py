"""PDMS module: Environmental services tickets."""
