"""The module's GraphQL: ticket types, root queries and mutations."""
