"""The alembic environment; core's revisions live in ``versions/``.

It sits inside the package (not at the repository root) so it ships in the wheel and
``pdms db upgrade`` works from a plain ``pip install`` as well as from a checkout.
"""
