"""Trusted documents: registered with the CLI, sent by hash, required by a setting.

Documents are registered with ``pdms trusted-documents register`` (in-process, on the test
database) and sent to the real ASGI app in both conventions: Apollo's persisted
queries (``extensions.persistedQuery``) and GraphQL over HTTP's ``documentId``.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner
from sqlalchemy import select

from pdms_core.app import PdmsGraphQL, create_app
from pdms_core.audit.models import AuditEvent
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.graphql import compat
from pdms_core.host import PluginHost
from pdms_core.trusted_documents.models import TrustedDocument
from security.conftest import bearer

MODULES = "query Modules { modules { name } }\n"
UNREGISTERED = "query Other { modules { label } }"
INVALID = "query Broken { modules { nameThatIsNot } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _app(pdms_host: PluginHost, pdms_db: Any, mode: str) -> Any:
    settings = pdms_host.settings.with_changes(trusted_documents=mode)
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    return create_app(host=host, database=pdms_db)


async def _post(
    app: Any, body: dict[str, Any], token: str | None = None, **headers: str
) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    sent = {**(bearer(token) if token else {}), **headers}
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        response = await http.post("/graphql", json=body, headers=sent)
    assert response.status_code == 200, response.text
    return response.json()


def _apq(text: str | None, digest: str) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if text is not None:
        body["query"] = text
    return body


def _codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


async def _pdms(pdms_host: PluginHost, *args: str) -> Any:
    """``pdms ARGS`` in-process on the test database (in a thread: it runs its own loop)."""
    cli = build_cli(CliState.for_host(pdms_host))
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args))


async def _register(pdms_host: PluginHost, tmp_path: Path, text: str = MODULES) -> str:
    path = tmp_path / "modules.graphql"
    path.write_text(text, encoding="utf-8")
    result = await _pdms(
        pdms_host, "trusted-documents", "register", str(path), "--client", "portal"
    )
    assert result.exit_code == 0, result.output
    assert f"registered sha256:{sha(text)}" in result.output
    return sha(text)


async def test_a_registered_document_is_served_by_hash_in_both_conventions(
    pdms_host, pdms_db, tmp_path
):
    digest = await _register(pdms_host, tmp_path)
    app = _app(pdms_host, pdms_db, "off")
    for body in (
        _apq(None, digest),
        {"documentId": f"sha256:{digest}"},
        {"documentId": digest},
        {"documentId": f"sha256:{digest}", "operationName": "Modules"},
    ):
        answer = await _post(app, body)
        assert "errors" not in answer and answer["data"]["modules"][0]["name"] == "core", body
    listed = await _pdms(pdms_host, "trusted-documents", "list")
    assert listed.exit_code == 0 and f"sha256:{digest}\tportal\t" in listed.output


async def test_an_unknown_hash_is_not_found_and_apollo_clients_then_send_the_query(
    pdms_host, pdms_db
):
    app = _app(pdms_host, pdms_db, "off")
    digest = sha(UNREGISTERED)
    answer = await _post(app, _apq(None, digest))
    assert answer["data"] is None and _codes(answer) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert answer["errors"][0]["message"] == "PersistedQueryNotFound"
    by_id = await _post(app, {"documentId": f"sha256:{digest}"})
    assert _codes(by_id) == ["PERSISTED_QUERY_NOT_FOUND"] and "documentId" in str(by_id)
    # Apollo's retry: the query with its hash runs, and this process remembers it
    assert "errors" not in await _post(app, _apq(UNREGISTERED, digest))
    assert "errors" not in await _post(app, _apq(None, digest))
    # ... only in mode off: a stricter mode never learns documents from its callers
    strict = _app(pdms_host, pdms_db, "api_keys")
    assert "errors" not in await _post(strict, _apq(UNREGISTERED, digest))
    assert _codes(await _post(strict, _apq(None, digest))) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_hash_that_is_not_the_documents_is_refused(pdms_host, pdms_db, tmp_path):
    digest = await _register(pdms_host, tmp_path)
    app = _app(pdms_host, pdms_db, "off")
    answer = await _post(app, _apq(UNREGISTERED, digest))
    assert answer["data"] is None and _codes(answer) == ["BAD_REQUEST"]
    assert "not the SHA-256" in answer["errors"][0]["message"]
    for malformed in ({"documentId": "md5:abc"}, _apq(None, "xyz")):
        assert _codes(await _post(app, malformed)) == ["BAD_REQUEST"]


async def test_api_keys_mode_requires_registered_documents_from_api_keys_only(
    pdms_host, pdms_db, staff_users, tmp_path
):
    digest = await _register(pdms_host, tmp_path)
    app = _app(pdms_host, pdms_db, "api_keys")
    key = (await staff_users.api_key("core.lookups.read")).secret
    staff = await staff_users.token("officer@council.invalid", "core.lookups.read")
    refused = await _post(app, {"query": UNREGISTERED}, key)
    assert refused["data"] is None and _codes(refused) == ["TRUSTED_DOCUMENT_REQUIRED"]
    assert "pdms trusted-documents register" in refused["errors"][0]["message"]
    for body in (_apq(None, digest), {"documentId": f"sha256:{digest}"}, {"query": MODULES}):
        assert "errors" not in await _post(app, body, key), body
    # the exact text only: the same document spelt otherwise is another document
    respaced = await _post(app, {"query": MODULES.strip()}, key)
    assert _codes(respaced) == ["TRUSTED_DOCUMENT_REQUIRED"]
    for caller in (staff, None):
        assert "errors" not in await _post(app, {"query": UNREGISTERED}, caller)


async def test_all_mode_requires_registered_documents_from_everyone(
    pdms_host, pdms_db, staff_users, tmp_path
):
    digest = await _register(pdms_host, tmp_path)
    app = _app(pdms_host, pdms_db, "all")
    staff = await staff_users.token("clerk@council.invalid", "core.lookups.read")
    for caller in (staff, None):
        refused = await _post(app, {"query": UNREGISTERED}, caller)
        assert refused["data"] is None and _codes(refused) == ["TRUSTED_DOCUMENT_REQUIRED"]
        # a hash sent with an unregistered query registers nothing here
        assert _codes(await _post(app, _apq(UNREGISTERED, sha(UNREGISTERED)), caller)) == [
            "TRUSTED_DOCUMENT_REQUIRED"
        ]
        assert "errors" not in await _post(app, _apq(None, digest), caller)
    # no other way in: a streaming response is not offered, so the check still applies
    for accept in ("text/event-stream", "multipart/mixed;subscriptionSpec=1.0"):
        streamed = await _post(app, {"query": UNREGISTERED}, Accept=accept)
        assert _codes(streamed) == ["TRUSTED_DOCUMENT_REQUIRED"]


async def test_a_document_registered_while_serving_is_found_after_the_miss_expires(
    pdms_host, pdms_db, tmp_path
):
    app = _app(pdms_host, pdms_db, "all")
    now = [1000.0]
    app.state.trusted_documents.clock = lambda: now[0]
    body = {"documentId": f"sha256:{sha(MODULES)}"}
    assert _codes(await _post(app, body)) == ["PERSISTED_QUERY_NOT_FOUND"]
    await _register(pdms_host, tmp_path)
    assert _codes(await _post(app, body)) == ["PERSISTED_QUERY_NOT_FOUND"]  # the miss, kept
    now[0] += 6
    assert "errors" not in await _post(app, body)
    removed = await _pdms(pdms_host, "trusted-documents", "remove", f"sha256:{sha(MODULES)}")
    assert removed.exit_code == 0, removed.output
    now[0] += 61
    assert _codes(await _post(app, body)) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_registration_is_all_or_nothing_and_names_each_bad_document(
    pdms_host, pdms_db, tmp_path
):
    good = tmp_path / "good.graphql"
    good.write_text(MODULES, encoding="utf-8")
    bad = tmp_path / "bad.graphql"
    bad.write_text(INVALID, encoding="utf-8")
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({sha(UNREGISTERED): UNREGISTERED, "0" * 64: MODULES}))
    result = await _pdms(
        pdms_host, "trusted-documents", "register", str(good), str(bad), str(manifest)
    )
    assert result.exit_code == 1
    assert "bad.graphql: Cannot query field 'nameThatIsNot'" in result.output
    assert f"persisted-documents.json [{'0' * 64}]: the key is not" in result.output
    assert "nothing was registered" in result.output
    listed = await _pdms(pdms_host, "trusted-documents", "list")
    assert listed.exit_code == 0 and listed.output == ""
    # the manifest alone, once fixed, registers both of its documents
    manifest.write_text(json.dumps({sha(UNREGISTERED): UNREGISTERED, sha(MODULES): MODULES}))
    fixed = await _pdms(
        pdms_host, "trusted-documents", "register", str(manifest), "--client", "web"
    )
    assert fixed.exit_code == 0 and "2 registered" in fixed.output
    async with pdms_db.sessionmaker() as session:
        actions = (await session.execute(select(AuditEvent.action, AuditEvent.outcome))).all()
    assert ("registerTrustedDocuments", "ok") in actions


async def test_removal_is_audited_naming_the_document_or_as_rejected(pdms_host, pdms_db, tmp_path):
    digest = await _register(pdms_host, tmp_path)
    async with pdms_db.sessionmaker() as session:
        document_id = await session.scalar(
            select(TrustedDocument.id).where(TrustedDocument.sha256 == digest)
        )
    assert (await _pdms(pdms_host, "trusted-documents", "remove", digest)).exit_code == 0
    again = await _pdms(pdms_host, "trusted-documents", "remove", digest)
    assert again.exit_code == 1 and "no document is registered" in again.output
    async with pdms_db.sessionmaker() as session:
        rows = (
            await session.execute(
                select(
                    AuditEvent.action,
                    AuditEvent.outcome,
                    AuditEvent.target_type,
                    AuditEvent.target_id,
                ).order_by(AuditEvent.id)
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("registerTrustedDocuments", "ok", "TrustedDocument", str(document_id)),
        ("removeTrustedDocument", "ok", "TrustedDocument", str(document_id)),
        ("removeTrustedDocument", "rejected", None, None),
    ]


def test_the_view_override_matches_strawberrys_execute_single():
    compat.check_view()
    ours = tuple(inspect.signature(PdmsGraphQL.execute_single).parameters)
    assert ours == compat.VIEW_EXECUTE_SINGLE


async def test_made_up_hashes_are_throttled_like_other_work(pdms_host, pdms_db, tmp_path):
    from pdms_core.graphql.trusted_documents import MAX_LOOKUPS_PER_MINUTE

    digest = await _register(pdms_host, tmp_path)
    app = _app(pdms_host, pdms_db, "off")
    assert "errors" not in await _post(app, {"documentId": digest})  # known from now on
    for n in range(MAX_LOOKUPS_PER_MINUTE - 1):  # each made-up hash is a database look-up
        answer = await _post(app, {"documentId": sha(f"query Made{n} {{ modules {{ name }} }}")})
        assert _codes(answer) == ["PERSISTED_QUERY_NOT_FOUND"]
    throttled = await _post(app, {"documentId": sha("query MadeUp { modules { name } }")})
    assert throttled["data"] is None and _codes(throttled) == ["THROTTLED"]
    # a document already known is answered from memory, without a look-up
    assert "errors" not in await _post(app, {"documentId": digest})
