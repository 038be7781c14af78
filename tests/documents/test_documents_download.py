"""Downloading through the short-lived signed link the API mints and serves itself."""

from __future__ import annotations

import os
import stat
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from problems.problem_steps import given_person, given_team, open_case
from sqlalchemy import select, update

from documents.conftest import DOCUMENTS, OFFICER, pdf_bytes, world_for
from pdms_core.audit.models import AuditEvent
from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.auth.models import Role, RolePermission, StaffUser, UserRole
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.documents.links import mint_link
from pdms_core.errors import ConfigurationError
from pdms_core.graphql.node import decode_id
from pdms_core.settings import Settings
from pdms_core.testing.actors import staff

NODE = "query($id: ID!) { node(id: $id) { ... on Document { title } } }"
CASE_DOCUMENTS = "query($id: ID!) { case(id: $id) { documents { nodes { title } } } }"


async def audit_rows(db, action):
    async with db.sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [(r.actor_id, r.outcome, r.target_type, r.target_id) for r in rows]


async def a_document(world, name="Notice of seeking possession — Flat 2.pdf"):
    person = await given_person(world.as_actor(OFFICER), "Emery")
    payload = await world.upload(OFFICER, person, pdf_bytes(), name)
    assert payload["errors"] == []
    return person, payload["document"]


async def test_the_signed_link_serves_the_bytes_as_an_attachment(world, pdms_db):
    person, document = await a_document(world)
    document_number = str(decode_id(document["id"], "Document"))
    person_number = str(decode_id(person, "Person"))

    url = await world.link(OFFICER, document["id"])
    assert url.startswith(f"/documents/{document_number}/content?")
    answer = await world.get(url, OFFICER)

    assert answer.status_code == 200
    assert answer.content == pdf_bytes()
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="Notice of seeking possession _ Flat 2.pdf"; '
        "filename*=UTF-8''Notice%20of%20seeking%20possession%20%E2%80%94%20Flat%202.pdf"
    )
    # the link was minted for the officer, and the read names the document and its holder
    assert await audit_rows(pdms_db, "documentDownloadLink") == [
        (OFFICER.id, "ok", "Document", document_number)
    ]
    assert await audit_rows(pdms_db, "downloadDocument") == [
        (OFFICER.id, "ok", "Document", document_number),
        (OFFICER.id, "ok", "Person", person_number),
    ]


async def test_expired_and_tampered_links_are_refused_and_audited(world, pdms_db):
    _, document = await a_document(world)
    number = decode_id(document["id"], "Document")
    settings = world.host.settings
    good = await world.link(OFFICER, document["id"])

    # a genuine link past its time: 410
    old = mint_link(
        settings, number, OFFICER.id, at=time.time() - settings.document_link_seconds - 5
    )
    expired = await world.get(old.url, OFFICER)
    assert (expired.status_code, expired.text) == (410, "This link has expired. Ask for a new one.")

    # altered in any part: 403, with the same plain words whatever was changed
    query = {k: v[0] for k, v in parse_qs(urlsplit(good).query).items()}
    path = urlsplit(good).path
    sig = query["sig"]
    altered = [
        {**query, "sig": ("0" if sig[0] != "0" else "1") + sig[1:]},
        {**query, "expires": str(int(query["expires"]) + 3600)},
        {**query, "for": "user:someone-else"},
        {k: v for k, v in query.items() if k != "sig"},
    ]
    urls = [f"{path}?{urlencode(q)}" for q in altered]
    urls.append(good.replace(f"/documents/{number}/", f"/documents/{number + 1}/"))
    for url in urls:
        refused = await world.get(url, OFFICER)
        assert (refused.status_code, refused.text) == (
            403,
            "This link is not valid. Ask for a new one.",
        ), url
        assert refused.content != pdf_bytes()

    rows = await audit_rows(pdms_db, "downloadDocument")
    assert rows[0] == (OFFICER.id, "rejected", "Document", str(number))
    assert [row[1] for row in rows[1:]] == ["denied"] * len(urls)

    # and the genuine link still works
    assert (await world.get(good, OFFICER)).status_code == 200


async def test_a_reader_who_lost_permission_is_refused_and_audited(world, pdms_db):
    _, document = await a_document(world)
    url = await world.link(OFFICER, document["id"])

    # the same officer, whose role no longer lets them read people
    demoted = staff(*DOCUMENTS, "core.cases.read", name=OFFICER.display_name)
    assert demoted.id == OFFICER.id
    refused = await world.get(url, demoted)
    assert (refused.status_code, refused.text) == (
        403,
        "This link is not valid. Ask for a new one.",
    )
    # nor can they see the document through the API any more
    assert (await world.as_actor(demoted).execute(NODE, {"id": document["id"]})).ok() == {
        "node": None
    }
    # someone else presenting the officer's link with their own credentials: refused too
    colleague = staff("core.people.read", *DOCUMENTS, name="Colin League")
    assert (await world.get(url, colleague)).status_code == 403

    number = str(decode_id(document["id"], "Document"))
    assert await audit_rows(pdms_db, "downloadDocument") == [
        (OFFICER.id, "denied", "Document", number),
        (colleague.id, "denied", "Document", number),
    ]


async def test_a_team_scoped_reader_reaches_only_their_teams_case_documents(world, pdms_db):
    officer = world.as_actor(OFFICER)
    north = await given_team(pdms_db, "Housing North")
    south = await given_team(pdms_db, "Housing South")
    case = await open_case(officer, summary="Leaking roof", teamId=north)
    payload = await world.upload(OFFICER, case["id"], pdf_bytes(), "roof.pdf")
    document = payload["document"]
    url = await world.link(OFFICER, document["id"])

    def scoped(team_id: str) -> Actor:
        team = decode_id(team_id, "Team")
        return Actor(
            kind=ActorKind.USER,
            id=OFFICER.id,
            display_name=OFFICER.display_name,
            permissions=frozenset({"core.cases.read", *DOCUMENTS}),
            global_permissions=frozenset(DOCUMENTS),
            team_grants=frozenset({("core.cases.read", team)}),
        )

    # a member of the owning team sees the case's documents and may download them
    in_team = world.as_actor(scoped(north))
    listed = await in_team.execute(CASE_DOCUMENTS, {"id": case["id"]})
    assert listed.ok()["case"]["documents"]["nodes"] == [{"title": "roof.pdf"}]
    assert (await world.get(url, scoped(north))).status_code == 200

    # another team's member neither sees the document nor downloads it
    other = world.as_actor(scoped(south))
    assert (await other.execute(NODE, {"id": document["id"]})).ok() == {"node": None}
    refused = await world.get(url, scoped(south))
    assert refused.status_code == 403
    rows = await audit_rows(pdms_db, "downloadDocument")
    assert [row[1] for row in rows] == ["ok", "ok", "denied"]


async def test_a_bare_link_acts_as_the_stored_user_it_was_made_for(world, pdms_db):
    # given a real staff user whose role lets them read people and documents
    async with unit_of_work(pdms_db.sessionmaker) as session:
        user = StaffUser(
            email="frankie@example.invalid",
            email_key="frankie@example.invalid",
            display_name="Frankie Filer",
        )
        role = Role(code="filer", name="Filer")
        session.add_all([user, role])
        await session.flush()
        session.add_all(
            [RolePermission(role_id=role.id, permission=code) for code in OFFICER.permissions]
            + [UserRole(user_id=user.id, role_id=role.id)]
        )
    as_user = Actor(
        kind=ActorKind.USER,
        id=f"user:{user.id}",
        display_name="Frankie Filer",
        permissions=OFFICER.permissions,
    )
    _, document = await a_document(world)
    url = await world.link(as_user, document["id"])

    # a link opened without credentials (a browser's new tab) works for that user ...
    opened = await world.get(url)
    assert opened.status_code == 200 and opened.content == pdf_bytes()

    # ... until they are deactivated
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await session.execute(update(StaffUser).values(is_active=False))
    assert (await world.get(url)).status_code == 403
    # a link for an actor that is no stored user (a test actor) never works bare
    assert (await world.get(await world.link(OFFICER, document["id"]))).status_code == 403


async def test_links_are_signed_with_a_key_kept_in_the_data_directory(
    pdms_host, synced, pdms_test_actors, tmp_path
):
    world = world_for(pdms_host, synced, pdms_test_actors, data_dir=tmp_path)
    _, document = await a_document(world)
    url = await world.link(OFFICER, document["id"])

    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # another worker on the machine (same data directory) honours the link
    other = world_for(pdms_host, synced, pdms_test_actors, data_dir=tmp_path)
    assert (await other.get(url, OFFICER)).status_code == 200
    # a server with its own PDMS_SECRET_KEY does not
    keyed = world_for(pdms_host, synced, pdms_test_actors, data_dir=tmp_path, secret_key="k" * 40)
    assert (await keyed.get(url, OFFICER)).status_code == 403
    pdms_test_actors.reset()


def test_a_short_secret_key_is_refused_and_never_shown():
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"PDMS_SECRET_KEY": "short-secret"})
    assert str(refused.value) == "PDMS_SECRET_KEY must be at least 32 characters long"
    settings = Settings.from_env({"PDMS_SECRET_KEY": "s" * 32 + "-long-enough-secret"})
    assert settings.secret_key == "s" * 32 + "-long-enough-secret"
    assert "long-enough-secret" not in repr(settings)
