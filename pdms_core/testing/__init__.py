"""Test support shipped with core, so plugin test suites look like core's.

The pytest plugin (registered through the ``pytest11`` entry point) provides fixtures
that run every database test on SQLite and, when ``PDMS_TEST_POSTGRES_URL`` is set, on
PostgreSQL too.
"""
