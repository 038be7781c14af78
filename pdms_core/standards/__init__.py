"""Service standards: targets in working days, and the due dates they give."""
