"""Finding duplicate people: a Splink model trained on the council's data (docs/linkage.md)."""
