"""Intentions: follow-up actions with a due date and an assignee."""
