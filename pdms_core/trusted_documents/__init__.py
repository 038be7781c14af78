"""Trusted documents: GraphQL documents registered by hash (persisted queries)."""
