"""Demands: what a person asks of the council, presenting or underlying."""
