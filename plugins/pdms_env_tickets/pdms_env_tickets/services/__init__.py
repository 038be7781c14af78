"""The module's rules: no strawberry here, so the CLI, Open311 and tests share them."""
