"""GraphQL types, loaders, queries and mutations of the member portal."""
