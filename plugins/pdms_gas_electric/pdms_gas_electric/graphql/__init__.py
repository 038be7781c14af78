"""The module's GraphQL: types, loaders, root queries and mutations."""
