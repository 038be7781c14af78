"""Database plumbing: the shared Base, engines, sessions, loaders and locking."""
