"""Core settings, read once at startup from the environment (and an optional TOML file).

Environment variables win over the file. Plugin sections live in the file under
``[plugins.<name>]`` or in ``PDMS_<NAME>__<FIELD>`` variables and are validated by the
plugin's own settings model (see ``PluginManifest.settings_model``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pdms_core.db.defaults import READ_POOL_SIZE
from pdms_core.errors import ConfigurationError

ALL_PLUGINS = "*"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """Everything core needs to know to start; immutable so it can be shared freely."""

    data_dir: Path = Path("var")
    database_url: str | None = None
    debug: bool = False
    #: Names of the plugins to enable, or ``("*",)`` for every installed plugin.
    plugins: tuple[str, ...] = (ALL_PLUGINS,)
    disabled_plugins: tuple[str, ...] = ()
    #: Debug-only: every request acts as an all-permissions developer. Never honoured
    #: unless ``debug`` is on too; replaced by real sign-in in production.
    dev_superuser: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    #: Processes ``pdms serve`` runs; each holds the whole app. None: one per core in
    #: production, one in debug mode (see :attr:`served_workers`).
    workers: int | None = None
    #: Sign-in sessions: idle timeout, absolute lifetime, and "keep me signed in".
    session_idle_minutes: int = 30
    session_hours: int = 12
    session_remember_days: int = 30
    #: Argon2 hashes (sign-in, password changes) one server process runs or queues at
    #: once, on one thread per CPU; beyond it such requests answer THROTTLED.
    max_password_hashes: int = 32
    #: Outgoing mail for the outbox sender; no host means mail stays queued.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "pdms@localhost"
    #: Where staff open links from emails (password reset), without a trailing slash.
    public_url: str = "http://127.0.0.1:8000"
    #: GOV.UK Notify (email, text messages, letters; docs/notifications.md). The key is a
    #: secret: kept out of repr, logs and errors. Templates map ``kind:channel`` to a
    #: template id, checked when ``pdms notifications send`` runs.
    notify_api_key: str | None = field(default=None, repr=False)
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_templates: str = ""
    #: Shared rate-limit store; without it limits are kept per process in memory.
    redis_url: str | None = None
    #: GraphQL abuse limits (see docs/security.md).
    max_body_bytes: int = 1_000_000
    #: A multipart request (file upload, e.g. a weekly arrears report) may be this large.
    max_upload_bytes: int = 20_000_000
    max_query_cost: int = 10_000
    cost_per_minute: int = 1_000_000
    #: ``fast``: PDMS's executor (graphql/executors.py: planned completion, direct
    #: resolvers, look-ahead); ``stock``: strawberry's own, should a module's resolver
    #: rely on something the fast one does not give it, or a library upgrade break it.
    #: The read guards and the audit hold under both.
    executor: str = "fast"
    #: Connections each server process keeps for loader reads and signing in on
    #: PostgreSQL (``Database.readers``), besides the main pool.
    read_pool_size: int = READ_POOL_SIZE
    #: Session cookies for browser portals are marked Secure unless this is off.
    secure_cookies: bool = True
    #: ``pdms serve`` refuses to start while migrations are pending, unless this is on.
    allow_pending_migrations: bool = False
    #: Seconds a server process reuses a resolved session or API key without reading
    #: the database; sign-out, revocation and grant changes end it at once on every
    #: process (docs/scaling.md). Needs ``redis_url``: without Redis, or at 0, every
    #: request reads its session from the database.
    session_cache_seconds: int = 30
    #: Which callers may send only registered documents (trusted documents,
    #: ``pdms trusted-documents register``): ``off``, ``api_keys`` or ``all``.
    trusted_documents: str = "off"
    #: Read-only PostgreSQL replicas, comma-separated; read-only requests go to one.
    database_replica_urls: tuple[str, ...] = ()
    #: A replica further behind the primary than this is skipped.
    replica_max_lag_seconds: int = 10
    #: After a caller's own write, its reads go to the primary for this long. None:
    #: as long as a replica in use may be behind (see :attr:`read_your_writes_window`).
    read_your_writes_seconds: int | None = None
    #: Where uploaded documents are kept: ``local`` (a directory under ``data_dir``) or
    #: ``s3`` (S3-compatible object storage, the ``s3_*`` settings; docs/documents.md).
    document_store: str = "local"
    #: The bucket, and for a store other than AWS its endpoint URL (MinIO, Ceph ...).
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    #: Without a key pair the SDK's own chain is used (environment, instance role).
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = field(default=None, repr=False)
    #: Prepended to every object key, e.g. ``pdms/``, to share a bucket.
    s3_prefix: str = ""
    #: Signs short-lived links (document downloads). None: a random key kept in
    #: ``data_dir/secret_key`` (mode 0600), made on first use, shared by every worker.
    secret_key: str | None = field(default=None, repr=False)
    #: How long a document's download link works, in seconds.
    document_link_seconds: int = 300
    #: Days a deleted document is kept before ``pdms documents purge`` removes it.
    document_deleted_days: int = 30
    #: Requests to the document download route one client address may make a minute
    #: (429 beyond); counted per process, or shared through ``redis_url``.
    document_downloads_per_minute: int = 300
    #: The council's name as letters print it (the ``council_name`` merge field).
    council_name: str = "The Council"
    #: LibreOffice's program for PDF letters; None: ``soffice`` or ``libreoffice`` on PATH.
    letter_converter: str | None = None
    #: Seconds one PDF conversion may take before it is stopped.
    letter_converter_timeout_seconds: int = 60
    #: Single sign-on with OpenID Connect (docs/security.md), off unless enabled. The
    #: provider is found from its issuer URL (``/.well-known/openid-configuration``).
    oidc_enabled: bool = False
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    #: The callback registered at the provider. None: ``public_url`` + /auth/oidc/callback.
    oidc_redirect_url: str | None = None
    oidc_scopes: str = "openid email profile"
    #: Where the browser goes once signed in. None: ``public_url`` + /.
    oidc_landing_url: str | None = None
    #: Duplicate people (docs/linkage.md): the match probability at which a pair becomes
    #: a review item, and the engine the batch job runs Splink on (``duckdb``/``spark``).
    duplicate_threshold: float = 0.99
    duplicate_backend: str = "duckdb"
    #: Log lines as JSON (for log shippers) or text; None: text in debug, else JSON.
    log_format: str | None = None
    #: Prometheus metrics at /metrics; with a token, for ``Authorization: Bearer``
    #: only, without one for loopback clients only (docs/operations.md).
    metrics_enabled: bool = True
    metrics_token: str | None = field(default=None, repr=False)
    #: Per-plugin raw sections; validated by each plugin's settings model.
    plugin_sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ConfigurationError(
                f"PDMS_EXECUTOR must be one of {', '.join(EXECUTORS)}, not {self.executor!r}"
            )
        if self.trusted_documents not in TRUSTED_DOCUMENT_MODES:
            raise ConfigurationError(
                "PDMS_TRUSTED_DOCUMENTS must be one of "
                f"{', '.join(TRUSTED_DOCUMENT_MODES)}, not {self.trusted_documents!r}"
            )
        if self.document_store not in DOCUMENT_STORES:
            raise ConfigurationError(
                "PDMS_DOCUMENT_STORE must be one of "
                f"{', '.join(DOCUMENT_STORES)}, not {self.document_store!r}"
            )
        if self.duplicate_backend not in DUPLICATE_BACKENDS:
            raise ConfigurationError(
                "PDMS_DUPLICATE_BACKEND must be one of "
                f"{', '.join(DUPLICATE_BACKENDS)}, not {self.duplicate_backend!r}"
            )
        if not 0 < self.duplicate_threshold < 1:
            raise ConfigurationError("PDMS_DUPLICATE_THRESHOLD must be between 0 and 1")
        if self.log_format not in (None, *LOG_FORMATS):
            raise ConfigurationError(
                f"PDMS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {self.log_format!r}"
            )
        if self.workers is not None and self.workers < 1:
            raise ConfigurationError(f"PDMS_WORKERS must be at least 1, not {self.workers}")
        if self.oidc_enabled:
            _check_oidc(self)
        if self.secret_key is not None and len(self.secret_key) < 32:
            # the value itself is never echoed: it is a secret
            raise ConfigurationError("PDMS_SECRET_KEY must be at least 32 characters long")

    @property
    def read_your_writes_window(self) -> int:
        """Seconds a caller's reads stay on the primary after its write: as set, else
        the most a replica still in use may lag, plus a second for the lag check's
        interval, so that no replica in use can be missing the caller's write."""
        if self.read_your_writes_seconds is not None:
            return self.read_your_writes_seconds
        return self.replica_max_lag_seconds + 1

    @property
    def resolved_log_format(self) -> str:
        """``json`` or ``text``: as set, else text in debug mode and JSON otherwise."""
        return self.log_format or ("text" if self.debug else "json")

    @property
    def served_workers(self) -> int:
        """Processes ``pdms serve`` starts: as set, else one per core (one in debug,
        where a single process keeps the debugger and reload simple)."""
        if self.workers is not None:
            return self.workers
        return 1 if self.debug else max(1, os.cpu_count() or 1)

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one, or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'pdms.sqlite3').resolve()}"

    def is_enabled(self, plugin_name: str) -> bool:
        """Whether settings enable the named plugin (core is always enabled)."""
        if plugin_name in self.disabled_plugins:
            return False
        return ALL_PLUGINS in self.plugins or plugin_name in self.plugins

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (handy for tests and the CLI)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``PDMS_*`` variables and the file named by ``PDMS_CONFIG``."""
        env = os.environ if environ is None else environ
        file_values = _read_config_file(env.get("PDMS_CONFIG"))
        core = dict(file_values.get("pdms", {}))
        for key in (
            "data_dir",
            "database_url",
            "debug",
            "plugins",
            "disabled_plugins",
            "dev_superuser",
            "host",
            "port",
            "workers",
            "database_replica_urls",
            "planned_completion",  # deprecated: read as PDMS_EXECUTOR
            *_SECURITY_FIELDS,
        ):
            var = f"PDMS_{key.upper()}"
            if var in env:
                core[key] = env[var]
        sections = {name: dict(values) for name, values in file_values.get("plugins", {}).items()}
        for var, value in env.items():
            if var.startswith("PDMS_") and "__" in var:
                plugin, _, key = var[5:].partition("__")
                sections.setdefault(plugin.lower(), {})[key.lower()] = value
        return cls(
            data_dir=Path(core.get("data_dir", "var")),
            database_url=core.get("database_url") or None,
            debug=_as_bool(core.get("debug", False), "PDMS_DEBUG"),
            plugins=_as_names(core.get("plugins", ALL_PLUGINS)),
            disabled_plugins=_as_names(core.get("disabled_plugins", "")),
            dev_superuser=_as_bool(core.get("dev_superuser", False), "PDMS_DEV_SUPERUSER"),
            host=str(core.get("host", "127.0.0.1")),
            port=_as_int(core.get("port", 8000), "PDMS_PORT"),
            workers=_as_int(core["workers"], "PDMS_WORKERS")
            if core.get("workers") not in (None, "")
            else None,
            database_replica_urls=_as_urls(core.get("database_replica_urls", "")),
            plugin_sections=sections,
            **_security_settings(_executor_alias(core)),
        )


_SECURITY_FIELDS = {
    "session_idle_minutes": int,
    "session_hours": int,
    "session_remember_days": int,
    "max_password_hashes": int,
    "smtp_host": str,
    "smtp_port": int,
    "smtp_user": str,
    "smtp_password": str,
    "smtp_starttls": bool,
    "mail_from": str,
    "public_url": str,
    "notify_api_key": str,
    "notify_base_url": str,
    "notify_templates": str,
    "redis_url": str,
    "max_body_bytes": int,
    "max_upload_bytes": int,
    "max_query_cost": int,
    "cost_per_minute": int,
    "secure_cookies": bool,
    "allow_pending_migrations": bool,
    "executor": str,
    "read_pool_size": int,
    "session_cache_seconds": int,
    "trusted_documents": str,
    "replica_max_lag_seconds": int,
    "read_your_writes_seconds": int,
    "council_name": str,
    "letter_converter": str,
    "letter_converter_timeout_seconds": int,
    "document_store": str,
    "s3_bucket": str,
    "s3_endpoint_url": str,
    "s3_region": str,
    "s3_access_key_id": str,
    "s3_secret_access_key": str,
    "s3_prefix": str,
    "secret_key": str,
    "document_link_seconds": int,
    "document_deleted_days": int,
    "document_downloads_per_minute": int,
    "oidc_enabled": bool,
    "oidc_issuer": str,
    "oidc_client_id": str,
    "oidc_client_secret": str,
    "oidc_redirect_url": str,
    "oidc_scopes": str,
    "oidc_landing_url": str,
    "duplicate_threshold": float,
    "duplicate_backend": str,
    "log_format": str,
    "metrics_enabled": bool,
    "metrics_token": str,
}
#: ``PDMS_EXECUTOR``'s values (graphql/executors.py, which imports too much to import here).
EXECUTORS = ("fast", "stock")
#: ``PDMS_TRUSTED_DOCUMENTS``'s values: who must send registered documents only.
TRUSTED_DOCUMENT_MODES = ("off", "api_keys", "all")
#: ``PDMS_LOG_FORMAT``'s values.
LOG_FORMATS = ("json", "text")
#: ``PDMS_DOCUMENT_STORE``'s values (pdms_core/documents/storage).
DOCUMENT_STORES = ("local", "s3")
#: ``PDMS_DUPLICATE_BACKEND``'s values: Splink's engines for the duplicate people job.
DUPLICATE_BACKENDS = ("duckdb", "spark")
#: Whole-number settings that have a least sensible value.
_MINIMUMS = {
    "read_pool_size": 1,
    "max_password_hashes": 1,
    "session_cache_seconds": 0,
    "replica_max_lag_seconds": 0,
    "read_your_writes_seconds": 0,
    "document_link_seconds": 1,
    "document_deleted_days": 0,
    "document_downloads_per_minute": 1,
    "letter_converter_timeout_seconds": 1,
}


def _check_oidc(settings: Settings) -> None:
    """Single sign-on needs a provider and a client; the secret is never echoed."""
    for name in ("oidc_issuer", "oidc_client_id", "oidc_client_secret"):
        if not getattr(settings, name):
            raise ConfigurationError(f"PDMS_OIDC_ENABLED needs PDMS_{name.upper()}")
    if "openid" not in settings.oidc_scopes.split():
        raise ConfigurationError("PDMS_OIDC_SCOPES must include openid")


def _security_settings(core: Mapping[str, Any]) -> dict[str, Any]:
    """Sign-in, mail, limit and execution settings that were given, converted to their
    types."""
    values: dict[str, Any] = {}
    for key, kind in _SECURITY_FIELDS.items():
        if key not in core or core[key] in (None, ""):
            continue
        name = f"PDMS_{key.upper()}"
        if kind is int:
            values[key] = _as_int(core[key], name, minimum=_MINIMUMS.get(key))
        elif kind is bool:
            values[key] = _as_bool(core[key], name)
        elif kind is float:
            values[key] = _as_float(core[key], name)
        else:
            values[key] = str(core[key])
    return values


def _executor_alias(core: dict[str, Any]) -> dict[str, Any]:
    """``core`` with the deprecated ``PDMS_PLANNED_COMPLETION`` read as ``PDMS_EXECUTOR``
    (off meant graphql-core's walk; ``stock`` is the nearest thing now)."""
    old = core.pop("planned_completion", None)
    if old in (None, "") or core.get("executor") not in (None, ""):
        return core
    return {**core, "executor": "fast" if _as_bool(old, "PDMS_PLANNED_COMPLETION") else "stock"}


def _read_config_file(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigurationError(f"PDMS_CONFIG names a file that does not exist: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"PDMS_CONFIG file {path} is not valid TOML: {exc}") from None


def _as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def _as_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {number}")
    return number


def _as_float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a number, not {value!r}") from None


def _as_urls(value: Any) -> tuple[str, ...]:
    """Comma-separated URLs (or a TOML list), in the order given."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _as_names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(sorted({str(item).strip() for item in items if str(item).strip()}))
