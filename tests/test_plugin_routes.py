"""Modules' own HTTP routes (PluginManifest.routes): mounted only while enabled, checked."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import httpx
import pytest

from pdms_core.app import create_app
from pdms_core.auth.actor import ActorKind
from pdms_core.errors import PluginError
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

AGENCY = "housing_association"


def _host(*names: str, **settings: object) -> PluginHost:
    entries = [
        EntryPoint(name=name, value=f"rogue_plugins.routed:{name}", group="pdms") for name in names
    ]
    return PluginHost.load(Settings(**settings), entry_points=entries)


async def _get(app, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return await http.get(path, headers=headers)


async def test_a_module_route_is_served_with_the_callers_sign_in(pdms_db, pdms_settings):
    app = create_app(
        host=_host("routed", database_url=pdms_settings.database_url), database=pdms_db
    )
    answer = await _get(app, "/routed/v1/hello?api_key=pdms_key_unknown.x")
    assert answer.status_code == 200
    # no credentials, and an unknown key: both anonymous
    assert answer.text == f"hello {ActorKind.ANONYMOUS.value} {ActorKind.ANONYMOUS.value}"


async def test_a_partner_key_given_as_a_parameter_is_resolved_as_core_resolves_it(
    pdms_db, pdms_settings
):
    from pdms_core.auth.apikeys import create_api_key, revoke_api_key
    from pdms_core.plugin import SYSTEM
    from pdms_core.testing.lookups import sync_declared_lookups

    host = _host("routed", database_url=pdms_settings.database_url)
    await sync_declared_lookups(pdms_db, host)
    async with pdms_db.sessionmaker() as session, session.begin():
        made = await create_api_key(
            session,
            SYSTEM,
            name="Reporting site",
            agency_code=AGENCY,
            permissions=["core.people.read"],
            read_only=True,
            expires_at=None,
            rate_limit_per_minute=60,
            declared={p.code for p in host.permissions},
        )
    app = create_app(host=host, database=pdms_db)
    answer = await _get(app, f"/routed/v1/hello?api_key={made.secret}")
    assert answer.text == f"hello {ActorKind.ANONYMOUS.value} {ActorKind.API_KEY.value}"
    async with pdms_db.sessionmaker() as session, session.begin():
        await revoke_api_key(session, made.key.id)
    answer = await _get(app, f"/routed/v1/hello?api_key={made.secret}")
    assert answer.text.endswith(ActorKind.ANONYMOUS.value)


async def test_without_the_module_the_route_is_absent(pdms_db, pdms_settings):
    host = _host("routed", database_url=pdms_settings.database_url, plugins=())
    answer = await _get(create_app(host=host, database=pdms_db), "/routed/v1/hello")
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ("routed", "clashing"),
            r"route path '/routed' is claimed by both 'clashing' and 'routed'",
        ),
        (("under_core",), r"plugin 'under_core' adds route '/graphql/extra', under core's"),
        (("not_a_route",), r"plugin 'not_a_route': manifest routes must be Starlette Route"),
    ],
)
def test_route_rules_stop_the_app_naming_the_module(names, message):
    with pytest.raises(PluginError, match=message):
        create_app(host=_host(*names))
