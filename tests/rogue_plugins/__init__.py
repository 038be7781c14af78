"""Small broken plugins that prove the host's startup checks."""
