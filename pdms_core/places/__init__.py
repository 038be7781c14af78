"""Places: properties and locations, keyed by UPRN where the gazetteer has one."""
