"""The ASGI application: Starlette with the composed GraphQL schema at /graphql."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from pdms_core import graphiql
from pdms_core.audit.writer import stop_audit_writer
from pdms_core.auth.cache import SignInCache
from pdms_core.auth.oidc_routes import oidc_routes
from pdms_core.auth.resolve import client_ip, resolve_credentials
from pdms_core.db.engine import Database
from pdms_core.documents.download import download_endpoint
from pdms_core.documents.types import check_holder_types
from pdms_core.graphql import compat
from pdms_core.graphql.context import RequestContext
from pdms_core.graphql.errors import code_every_error
from pdms_core.graphql.read_routing import install_read_routing
from pdms_core.graphql.schema import PdmsSchema, build_schema
from pdms_core.graphql.trusted_documents import TrustedDocuments
from pdms_core.host import PluginHost
from pdms_core.http import SecurityMiddleware, http_refusal
from pdms_core.observability import facts as request_facts
from pdms_core.observability.metrics import Metrics, metrics_endpoint
from pdms_core.observability.request_log import RequestLogMiddleware
from pdms_core.readiness import Readiness
from pdms_core.routes import RouteContext, plugin_routes
from pdms_core.settings import Settings

log = logging.getLogger("pdms.app")


class PdmsGraphQL(GraphQL):
    """Strawberry's ASGI view with PDMS's per-request context."""

    def __init__(self, schema: PdmsSchema, database: Database):
        debug = schema.host.settings.debug
        # Multipart requests (the GraphQL multipart request spec, for file uploads) are
        # CORS "simple" requests a foreign page could send, but a cookie session counts
        # only with its CSRF header (auth/resolve.py), which such a page cannot set.
        super().__init__(
            schema,
            graphql_ide="graphiql" if debug else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=True,
        )
        self.host = schema.host
        self.database = database
        compat.check_view()
        self.trusted_documents = TrustedDocuments(
            schema.host.settings.trusted_documents, database, schema.limiter
        )
        #: Resolved sign-ins kept in memory (auth/cache.py); None when off.
        self.signins = SignInCache.open(database, schema.host.settings)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # As strawberry's, but a request refused before GraphQL runs (not JSON, no
        # query, a query over GET) answers in the GraphQL-over-HTTP error shape with a
        # code, like every other error, instead of plain text.
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            response = http_refusal(exc.reason, exc.status_code)
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        # Our own page, loading the GraphiQL the package ships (pdms_core/graphiql):
        # strawberry's loads it from a CDN a council's server often cannot reach.
        return HTMLResponse(graphiql.page_html())

    def encode_json(self, data: object) -> bytes:
        # orjson is several times faster than json.dumps on large portal responses.
        return orjson.dumps(data)

    async def execute_single(  # the signature is checked: compat.check_view
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        # Trusted documents (graphql/trusted_documents.py): a document sent by hash is
        # filled in here, after get_context (the mode depends on the caller) and before
        # strawberry refuses a request without `query`.
        document_id = None
        extensions = request_data.extensions
        if request_data.query is None and not (
            isinstance(extensions, dict) and "persistedQuery" in extensions
        ):
            document_id = await _document_id(request_adapter)
        outcome = await self.trusted_documents.resolve(
            request_data.query, extensions, document_id, context.actor, context.client_ip
        )
        facts = request_facts.current.get()
        if facts is not None:
            facts.name_operation(request_data.operation_name, outcome.query)
        if outcome.error is not None:
            result = ExecutionResult(data=None, errors=[outcome.error])
        else:
            if outcome.query is not request_data.query:
                request_data = dataclasses.replace(request_data, query=outcome.query)
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        if isinstance(result, ExecutionResult):
            code_every_error(result.errors)
            if facts is not None:
                facts.add_errors(result.errors)
        return result

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        # Real credentials first (sessions, API keys); without any, the hook decides
        # (test actors, plugins, core's anonymous or debug-developer answer).
        resolved = await resolve_credentials(
            request, self.database, self.host.settings, self.signins
        )
        if resolved is None:
            actor, session_id = self.host.actor_from_request(request), None
        else:
            actor, session_id = resolved.actor, resolved.session_id
        facts = request_facts.current.get()
        if facts is not None:
            facts.actor_kind = actor.kind.value
        return RequestContext(
            host=self.host,
            database=self.database,
            actor=actor,
            request=request,
            response=response,
            client_ip=client_ip(request),
            session_id=session_id,
        )


async def _document_id(request_adapter: Any) -> Any:
    """The ``documentId`` of a JSON request body (GraphQL over HTTP's trusted
    documents), which strawberry does not read; starlette keeps the body it read."""
    if "application/json" not in (request_adapter.content_type or ""):
        return None
    try:
        body = orjson.loads(await request_adapter.get_body())
    except orjson.JSONDecodeError:
        return None
    return body.get("documentId") if isinstance(body, dict) else None


def create_app(
    settings: Settings | None = None,
    *,
    host: PluginHost | None = None,
    database: Database | None = None,
) -> Starlette:
    """Build the web application. Pass ``host``/``database`` to reuse existing ones."""
    if host is None:
        host = PluginHost.load(settings or Settings.from_env())
    settings = host.settings
    owns_database = database is None
    if database is None:
        database = Database.connect(
            settings.resolved_database_url,
            hide_parameters=not settings.debug,
            read_pool_size=settings.read_pool_size,
            replica_urls=settings.database_replica_urls,
            replica_max_lag_seconds=settings.replica_max_lag_seconds,
        )
    schema = build_schema(host)
    check_holder_types(schema, host.document_holders)
    writers = install_read_routing(schema, database, settings)  # replicas only
    graphql = PdmsGraphQL(schema, database)
    request_facts.count_statements(database.engines)
    metrics = Metrics(database) if settings.metrics_enabled else None

    async def health(_request: Request) -> JSONResponse:
        # 503 only when the database is down: nothing works without it. Without Redis
        # the server still serves (rate limits count per process), so it stays in the
        # load balancer with 200 and says "degraded". No addresses or messages, which
        # could name internal hosts: each check is "ok" or "unavailable".
        checks = {"database": "ok"}
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # the probe must answer, whatever broke
            log.warning("health check failed: %s", type(exc).__name__)
            checks["database"] = "unavailable"
        store = await schema.limiter.store_state()
        if store is not None:
            checks["redis"] = store
        if database.replicas is not None:  # skipped replicas: the primary reads for them
            checks["replicas"] = database.replicas.health()
        if checks["database"] != "ok":
            return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
        if "unavailable" in checks.values():
            return JSONResponse({"status": "degraded", "checks": checks})
        return JSONResponse({"status": "ok"})

    readiness = Readiness(host, database, schema.limiter)

    async def ready(_request: Request) -> JSONResponse:
        # Readiness, unlike liveness, also fails while migrations are pending or a
        # configured Redis is down: the process is alive but should get no traffic.
        reasons = await readiness.reasons()
        if reasons:
            return JSONResponse({"status": "not ready", "reasons": reasons}, status_code=503)
        return JSONResponse({"status": "ready"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await host.startup(app)
        with contextlib.suppress(Exception):  # read again on the first /ready if this fails
            await readiness.load_heads()
        if settings.debug and settings.dev_superuser:
            log.warning("DEBUG: every request acts as an all-permissions developer")
        if database.replicas is not None:
            await database.replicas.check()  # first requests may use them already
        try:
            yield
        finally:
            # Rows of requests whose clients went away may still be pending.
            await stop_audit_writer(database)
            if writers is not None:
                await writers.close()
            if graphql.signins is not None:
                await graphql.signins.close()
            if owns_database:
                await database.dispose()

    app = Starlette(
        debug=settings.debug,
        lifespan=lifespan,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            *(
                [Route("/metrics", metrics_endpoint(metrics, settings), methods=["GET"])]
                if metrics is not None
                else []
            ),
            Route(
                "/documents/{document_id}/content",
                download_endpoint(host, database, graphql.signins, schema.limiter),
                methods=["GET"],
            ),
            *(graphiql.routes() if settings.debug else []),
            # Single sign-on (OpenID Connect), when settings enable it.
            *oidc_routes(settings, database),
            # Modules' own HTTP routes (PluginManifest.routes), checked in routes.py.
            *plugin_routes(host, RouteContext(host, database, graphql.signins)),
        ],
    )
    app.add_middleware(
        SecurityMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    # Outermost, so refusals by the body limit are logged and counted too.
    app.add_middleware(RequestLogMiddleware, metrics=metrics)
    app.state.host = host
    app.state.limiter = schema.limiter
    app.state.database = database
    app.state.trusted_documents = graphql.trusted_documents
    app.state.metrics = metrics
    return app
