"""The notification outbox: messages written in the same transaction as the change."""
