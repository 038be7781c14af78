"""The GraphQL layer: schema composition, context, permissions, pagination, errors."""
