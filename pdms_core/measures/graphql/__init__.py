"""GraphQL for strategic measures: typed dashboard fields, the generic table, snapshots."""
