"""A plugin that implements every PDMS hook, used by core's tests and as an example."""
