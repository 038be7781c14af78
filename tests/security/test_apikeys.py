"""Partner API keys: shown once, hashed, scoped, read-only, expiring, revocable, limited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pdms_core.auth.models import ApiKey
from pdms_core.auth.tokens import now
from security.conftest import bearer, got_nothing

CREATE = """
mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret apiKey { id prefix permissions readOnly agency { code } }
    errors { code field } }
}
"""
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } errors { code } } }"
WIDGETS = "{ dummyWidgetCount }"
PEOPLE = '{ people(search: {name: "Anyone"}) { edges { node { id } } } }'
LOOKUPS = "{ lookupSets { edges { node { code } } } }"
CREATE_WIDGET = 'mutation { dummyCreateWidget(name: "Cog") { errors { code } } }'
ADMIN = ("core.apikeys.manage", "dummy.widget.read", "core.people.read")


async def test_a_key_is_shown_once_and_stored_hashed(staff_users, graphql):
    token = await staff_users.token("keys@council.invalid", *ADMIN)
    result = await graphql.execute(
        CREATE,
        {
            "i": {
                "name": "Police feed",
                "agencyCode": "police",
                "permissions": ["dummy.widget.read"],
            }
        },
        headers=bearer(token),
    )
    payload = result.ok()["createApiKey"]
    secret, key = payload["secret"], payload["apiKey"]
    assert payload["errors"] == [] and key["readOnly"] and key["agency"]["code"] == "police"
    assert secret.startswith(f"pdms_k_{key['prefix']}.")
    async with staff_users.database.sessionmaker() as session:
        stored = await session.scalar(select(ApiKey))
    assert secret not in repr(vars(stored))
    listed = await graphql.execute(
        "{ apiKeys { edges { node { prefix } } } }", headers=bearer(token)
    )
    assert "secret" not in str(listed.ok())
    # and the key works
    assert (await graphql.execute(WIDGETS, headers=bearer(secret))).ok()["dummyWidgetCount"] == 0


async def test_keys_cannot_exceed_their_creator_or_be_read_only_with_write_scopes(
    staff_users, graphql
):
    token = await staff_users.token("keys2@council.invalid", *ADMIN)
    for permissions, field in (
        (["core.places.read"], "permissions"),
        (["dummy.widget.write"], "permissions"),
    ):
        result = await graphql.execute(
            CREATE,
            {"i": {"name": "X", "agencyCode": "health", "permissions": permissions}},
            headers=bearer(token),
        )
        assert result.ok()["createApiKey"]["errors"][0]["field"] == field


async def test_a_key_scoped_to_one_module_reads_nothing_else_and_writes_nothing(
    staff_users, graphql
):
    created = await staff_users.api_key("dummy.widget.read")
    key = bearer(created.secret)
    assert (await graphql.execute(WIDGETS, headers=key)).ok()["dummyWidgetCount"] == 0
    for document in (PEOPLE, LOOKUPS):
        result = await graphql.execute(document, headers=key)
        assert got_nothing(result) and result.error_codes() == ["PERMISSION_DENIED"]
    write = await graphql.execute(CREATE_WIDGET, headers=key)
    assert got_nothing(write) and write.error_codes() == ["PERMISSION_DENIED"]


async def test_revoked_and_expired_keys_fail(staff_users, graphql):
    token = await staff_users.token("keys3@council.invalid", *ADMIN)
    revoked = await staff_users.api_key("dummy.widget.read")
    expiring = await staff_users.api_key(
        "dummy.widget.read", expires_at=now() + timedelta(seconds=60)
    )
    result = await graphql.execute(REVOKE, {"id": f"{_gid(revoked.key.id)}"}, headers=bearer(token))
    assert result.ok()["revokeApiKey"]["apiKey"]["revokedAt"]
    async with staff_users.database.sessionmaker() as session, session.begin():
        row = await session.get(ApiKey, expiring.key.id)
        row.expires_at = now() - timedelta(seconds=1)
    for created in (revoked, expiring):
        failed = await graphql.execute(WIDGETS, headers=bearer(created.secret))
        # a key that no longer works is no credential: the caller is told to sign in
        assert got_nothing(failed) and failed.error_codes() == ["UNAUTHENTICATED"]
    # a made-up key with a real prefix fails too
    forged = revoked.secret.rsplit(".", 1)[0] + ".forged"
    assert got_nothing(await graphql.execute(WIDGETS, headers=bearer(forged)))


async def test_a_key_records_its_last_use_and_is_rate_limited(staff_users, graphql):
    created = await staff_users.api_key("dummy.widget.read", rate_limit_per_minute=3)
    key = bearer(created.secret)
    for _ in range(3):
        assert (await graphql.execute(WIDGETS, headers=key)).ok()
    throttled = await graphql.execute(WIDGETS, headers=key)
    assert throttled.error_codes() == ["THROTTLED"]
    async with staff_users.database.sessionmaker() as session:
        assert (await session.get(ApiKey, created.key.id)).last_used_at is not None


def _gid(key_id: int) -> str:
    from pdms_core.graphql.node import global_id

    return global_id("ApiKey", key_id)
