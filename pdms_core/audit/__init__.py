"""The audit trail: who saw and changed what, when, from where."""
