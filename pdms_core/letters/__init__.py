"""Letters from the council's own Word templates, filled from the graph and stored as documents."""
