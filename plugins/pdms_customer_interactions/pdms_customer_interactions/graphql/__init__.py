"""The module's GraphQL: types, loaders, queries and mutations."""
