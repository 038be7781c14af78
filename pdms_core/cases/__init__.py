"""Cases: the Problem of Person, Place, Problem."""
