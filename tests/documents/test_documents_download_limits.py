"""The download route cannot be used to flood the audit table: requests are limited per
client address, and anonymous requests with links that are not genuine are counted
in the log rather than audited. Refusals of genuine links are still audited."""

from __future__ import annotations

import logging
import os
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from problems.problem_steps import given_person
from sqlalchemy import select

from documents.conftest import OFFICER, pdf_bytes, world_for
from pdms_core.audit.models import AuditEvent
from pdms_core.documents.links import mint_link
from pdms_core.graphql.node import decode_id
from pdms_core.testing.actors import HEADER

REDIS_URL = os.environ.get("PDMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def download_audit_rows(db) -> list[tuple[str | None, str]]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent.actor_id, AuditEvent.outcome)
            .where(AuditEvent.action == "downloadDocument")
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


async def get(app, url: str, ip: str = "192.0.2.10", token: str | None = None) -> httpx.Response:
    """GET ``url`` from client address ``ip``, with no credentials unless ``token``
    (a test actor's)."""
    headers = {HEADER: token} if token else {}
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return await http.get(url, headers=headers)


def forged(url: str) -> str:
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    sig = query["sig"]
    query["sig"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    return f"{urlsplit(url).path}?{urlencode(query)}"


async def a_link(world) -> tuple[str, int]:
    person = await world_person(world)
    document = (await world.upload(OFFICER, person, pdf_bytes(), "notice.pdf"))["document"]
    return await world.link(OFFICER, document["id"]), decode_id(document["id"], "Document")


async def world_person(world) -> str:
    return await given_person(world.as_actor(OFFICER), "Emery")


async def test_anonymous_forged_links_are_counted_in_the_log_not_audited(world, pdms_db, caplog):
    good, number = await a_link(world)
    caplog.set_level(logging.WARNING, logger="pdms.documents")

    for _ in range(12):
        refused = await get(world.app, forged(good))
        assert (refused.status_code, refused.text) == (
            403,
            "This link is not valid. Ask for a new one.",
        )

    assert await download_audit_rows(pdms_db) == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "pdms.documents"]
    assert len(warnings) == 2  # the 1st and the 10th
    assert "(10 in this process so far; not audited)" in warnings[1]
    assert not any("sig=" in text or "/documents/" in text for text in warnings)

    # a forged link presented with credentials names someone: audited
    assert (await world.get(forged(good), OFFICER)).status_code == 403
    # a genuine link past its time, without credentials: audited as before
    settings = world.host.settings
    old = mint_link(
        settings, number, OFFICER.id, at=time.time() - settings.document_link_seconds - 5
    )
    assert (await get(world.app, old.url)).status_code == 410
    assert await download_audit_rows(pdms_db) == [
        (OFFICER.id, "denied"),
        (None, "rejected"),
    ]


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_downloads_are_limited_per_client_address(
    store, pdms_host, synced, pdms_test_actors, tmp_path
):
    changes = {"data_dir": tmp_path, "document_downloads_per_minute": 3}
    if store == "redis":
        redis = pytest.importorskip("redis")
        try:
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter("pdms:rl:download:*"):
                client.delete(key)
        except redis.exceptions.ConnectionError:
            pytest.skip(f"no Redis at {REDIS_URL}")
        changes["redis_url"] = REDIS_URL
    world = world_for(pdms_host, synced, pdms_test_actors, **changes)
    try:
        good, _ = await a_link(world)
        # near a window's end the count could start over mid-test: start a fresh one
        if time.time() % 60 > 55:
            time.sleep(60 - time.time() % 60)
        token = pdms_test_actors.token_for(OFFICER)
        answers = [
            (await get(world.app, url, token=token)).status_code
            for url in (good, forged(good), good)
        ]
        assert answers == [200, 403, 200]
        over = await get(world.app, good, token=token)
        assert (over.status_code, over.headers["retry-after"]) == (429, "60")
        assert over.text == "Too many requests. Wait a minute and try again."
        assert (await get(world.app, forged(good))).status_code == 429  # anonymous alike
        other = await get(world.app, good, ip="192.0.2.77", token=token)
        assert other.status_code == 200  # another address has its own count
        if store == "redis":
            assert any(client.scan_iter("pdms:rl:download:*"))
        # the 429s wrote nothing (each download: two rows, the forgery: one)
        assert (
            sorted(await download_audit_rows(synced))
            == [(OFFICER.id, "denied")] + [(OFFICER.id, "ok")] * 6
        )
    finally:
        pdms_test_actors.reset()
        closing = getattr(world.app.state.limiter, "close", None)
        if closing is not None:
            await closing()
