"""A plugin module that fails on import: proves disabled plugins are never imported."""

raise RuntimeError("this plugin must never be imported while disabled")
