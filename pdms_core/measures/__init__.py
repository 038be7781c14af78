"""Strategic measures: what the work shows about demand, root causes and the system."""
