"""The GeoReport v2 endpoints, mounted under ``/open311/v2/`` while the module is enabled.

Reads (services, definitions, requests, tokens, updates) work without a key, as the UK
reporting sites poll them, and never show a reporter's name, email or phone. A POST needs
``api_key``: a core partner API key holding ``env_tickets.ticket.submit``. Every POST is
audited: ``open311CreateRequest``, ``ok`` naming the ticket, else ``denied`` (no key or
permission), ``throttled`` (the key's per-minute rate limit, shared with its GraphQL
requests, is used up: 429) or ``rejected`` (a bad report) naming nothing.
"""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import audit_request
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdms_env_tickets.lists import TICKET_TYPE
from pdms_env_tickets.open311 import definitions, requests
from pdms_env_tickets.open311.formats import (
    FORMATS,
    THROTTLED,
    Open311Error,
    error_response,
    parse_datetime,
    respond,
)
from pdms_env_tickets.permissions import SUBMIT
from pdms_env_tickets.services.codes import values_by_code

PREFIX = "/open311/v2"
MAX_FORM_FIELDS = 200
#: The audit action of a POSTed report, refused or not (rows as a mutation's: the key's
#: holder, the client address, and on success the ticket made).
AUDIT_ACTION = "open311CreateRequest"


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def routes(context: Any) -> list[Route]:
    """The endpoints, given the app's RouteContext (core's ``PluginManifest.routes``)."""
    database = context.database
    modules = {plugin.name for plugin in context.host.plugins}

    def settings() -> Any:
        return context.host.plugin("env_tickets").settings

    def endpoint(work: Any) -> Any:
        async def handle(request: Request) -> Response:
            fmt = request.path_params.get("format", "json")
            if fmt not in FORMATS:
                return error_response("json", [Open311Error(404, "Use .json or .xml.")])
            try:
                return await work(request, fmt)
            except Open311Error as error:
                return error_response(fmt, [error])

        return handle

    async def services(request: Request, fmt: str) -> Response:
        async with database.sessionmaker() as session:
            rows = await definitions.service_list(session)
        return respond(fmt, "services", "service", rows)

    async def service_definition(request: Request, fmt: str) -> Response:
        code = request.path_params["code"]
        async with database.sessionmaker() as session:
            kind = (await values_by_code(session, TICKET_TYPE)).get(code)
            if kind is None:
                raise Open311Error(404, "There is no such service_code.")
            body = await definitions.definition(session, kind)
        return respond(fmt, "service_definition", None, body)

    async def list_requests(request: Request, fmt: str) -> Response:
        params = request.query_params
        async with database.sessionmaker() as session:
            rows = await requests.find_requests(
                session,
                ids=_list(params.get("service_request_id")),
                service_codes=_list(params.get("service_code")),
                statuses=_list(params.get("status")),
                start=parse_datetime(params.get("start_date"), "start_date"),
                end=parse_datetime(params.get("end_date"), "end_date"),
                agency=settings().agency_responsible,
            )
        return respond(fmt, "service_requests", "request", rows)

    async def post_request(request: Request, fmt: str) -> Response:
        async with request.form(max_fields=MAX_FORM_FIELDS, max_files=0) as data:
            form = requests.Form.parse(list(data.multi_items()))
        key = form.get("api_key") or request.query_params.get("api_key")
        actor = await context.api_key_actor(key or None)
        ip = request.client.host if request.client else "unknown"
        try:
            if not await context.within_rate_limit(request, actor):
                raise Open311Error(THROTTLED, "Too many requests for this api_key; wait a minute.")
            if not actor.has(SUBMIT):
                raise Open311Error(403, "A valid api_key allowed to submit reports is required.")
            async with database.sessionmaker() as session, session.begin():
                ticket = await requests.submit(
                    session, actor, form, channel=settings().open311_channel, known_modules=modules
                )
                reference, target = ticket.reference, (type(ticket).__name__, str(ticket.id))
        except Open311Error as error:
            outcome = {401: "denied", 403: "denied", THROTTLED: "throttled"}.get(
                error.status, "rejected"
            )
            await audit_request(database, actor, ip, AUDIT_ACTION, outcome, [])
            raise
        await audit_request(database, actor, ip, AUDIT_ACTION, "ok", [target])
        row = {"service_request_id": reference, "service_notice": None, "account_id": None}
        return respond(fmt, "service_requests", "request", [row])

    async def requests_endpoint(request: Request, fmt: str) -> Response:
        if request.method == "POST":
            return await post_request(request, fmt)
        return await list_requests(request, fmt)

    async def one_request(request: Request, fmt: str) -> Response:
        async with database.sessionmaker() as session:
            row = await requests.one_request(
                session, request.path_params["id"], settings().agency_responsible
            )
        return respond(fmt, "service_requests", "request", [row])

    async def token(request: Request, fmt: str) -> Response:
        async with database.sessionmaker() as session:
            row = await requests.by_token(session, request.path_params["token"])
        return respond(fmt, "service_requests", "request", [row])

    async def updates(request: Request, fmt: str) -> Response:
        params = request.query_params
        async with database.sessionmaker() as session:
            rows = await requests.updates(
                session,
                start=parse_datetime(params.get("start_date"), "start_date"),
                end=parse_datetime(params.get("end_date"), "end_date"),
            )
        return respond(fmt, "service_requests_updates", "request_update", rows)

    return [
        Route(f"{PREFIX}/services.{{format}}", endpoint(services), methods=["GET"]),
        Route(
            f"{PREFIX}/services/{{code}}.{{format}}", endpoint(service_definition), methods=["GET"]
        ),
        Route(
            f"{PREFIX}/requests.{{format}}", endpoint(requests_endpoint), methods=["GET", "POST"]
        ),
        Route(f"{PREFIX}/requests/{{id}}.{{format}}", endpoint(one_request), methods=["GET"]),
        Route(f"{PREFIX}/tokens/{{token}}.{{format}}", endpoint(token), methods=["GET"]),
        Route(f"{PREFIX}/servicerequestupdates.{{format}}", endpoint(updates), methods=["GET"]),
    ]
