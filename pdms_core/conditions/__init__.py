"""System conditions: what in the council's own system blocked the work."""
