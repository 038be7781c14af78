"""The rent arrears module's GraphQL: types, queries and mutations."""
