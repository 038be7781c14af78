"""A fictional council for demos and benchmarks: generated places, people and histories."""
