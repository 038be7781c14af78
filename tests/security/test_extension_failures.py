"""An exception inside a schema extension is masked like any other, outside debug."""

from __future__ import annotations

import os

from pdms_core.app import create_app
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""
CREDENTIALS = {"input": {"email": "nobody@council.invalid", "password": "not-the-password"}}


async def _answer_on_an_unmigrated_database(pdms_backend, pdms_host, tmp_path, debug: bool):
    # A server started before `pdms db upgrade`: the audit write after the operation
    # (an extension) is the first statement to find no table.
    async with throwaway_database(
        pdms_backend, os.environ.get(POSTGRES_URL_VARIABLE), tmp_path
    ) as url:
        database = Database.connect(url)
        try:
            host = PluginHost.load(pdms_host.settings.with_changes(debug=debug), entry_points=[])
            client = GraphQLClient(create_app(host=host, database=database), None)
            response = await client.post(json={"query": LOGIN, "variables": CREDENTIALS})
            return response.status_code, response.text, response.json()
        finally:
            await database.dispose()


async def test_a_failing_audit_write_answers_unexpected_error_without_sql(
    pdms_backend, pdms_host, tmp_path
):
    status, text, body = await _answer_on_an_unmigrated_database(
        pdms_backend, pdms_host, tmp_path, debug=False
    )
    assert status == 200
    assert body == {
        "data": None,
        "errors": [{"message": "Unexpected error.", "extensions": {"code": "INTERNAL"}}],
    }
    for leak in ("SQL", "audit_event", "INSERT", "relation", "table"):
        assert leak not in text


async def test_debug_mode_still_shows_the_failure(pdms_backend, pdms_host, tmp_path):
    _, text, _ = await _answer_on_an_unmigrated_database(
        pdms_backend, pdms_host, tmp_path, debug=True
    )
    assert "audit_event" in text or "staff_user" in text or "attempt_counter" in text
