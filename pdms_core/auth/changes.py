"""Which sign-in facts a transaction changed, published to Redis once it commits.

Every server process keeps resolved sessions and API keys for a short while
(auth/cache.py), each guarded by *generation* counters in Redis: ``all`` for
everything, ``u:<user id>`` for one staff user's sessions and grants, ``k:<key id>``
for one API key. A cached answer is used only while the counters it was read under
are unchanged, so bumping a counter ends it at once on every process.

The counters are bumped here, from the ORM itself rather than from each service:
listeners on every session note which watched rows a flush or a bulk statement
changed, and once the transaction has committed the counters are bumped before
``commit()`` returns. So whatever path writes — a mutation, a CLI command in another
process, a plugin — the bump happens, and it happens before the response (or the
command's output) that says the change is done. A bulk statement names what it
changes with the ``AUTH_SCOPES`` execution option; without it, it bumps ``all``.

The bump is a blocking call to Redis on the event loop's thread (a commit's event
hooks cannot await). It is one round trip, only on commits that changed sign-in
facts (sign-out, grants, passwords, keys: rare beside reads), with a short timeout.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from pdms_core.auth.models import (
    ApiKey,
    ApiKeyTeam,
    Role,
    RolePermission,
    StaffSession,
    StaffUser,
    TeamMembership,
    UserRole,
)
from pdms_core.redis_clients import sync_client

log = logging.getLogger("pdms.auth.cache")
#: Execution option of a bulk statement on a watched table: the scopes it changes
#: (``()`` for none, e.g. the last-seen touch). Without it a bulk statement bumps ``all``.
AUTH_SCOPES = "pdms_auth_scopes"
ALL = "all"
#: Redis key prefix of the generation counters.
PREFIX = "pdms:auth:"
#: Per-user and per-key counters go a day after their last bump (a missing one starts
#: again at a random value, whether read by cache.py or bumped here).
COUNTER_SECONDS = 86_400
_PENDING = "pdms_auth_changed"
_NEW_ROWS_CHANGE_NOTHING = (StaffSession, StaffUser, ApiKey)
_WATCHED = (StaffUser, StaffSession, UserRole, TeamMembership, Role, RolePermission)
_WATCHED += (ApiKey, ApiKeyTeam)
_WATCHED_TABLES = frozenset(model.__table__ for model in _WATCHED)


def _lifetime(scope: str) -> int | None:
    """Seconds a counter lives after its last bump (the council-wide one: always)."""
    return None if scope == ALL else COUNTER_SECONDS


def user_scope(user_id: int) -> str:
    """The counter guarding a staff user's sessions (and the keys they made)."""
    return f"u:{user_id}"


def key_scope(key_id: int) -> str:
    """The counter guarding one API key."""
    return f"k:{key_id}"


class Publisher:
    """Bumps generation counters in Redis with a synchronous client (see the module's
    docstring); tells the process's own caches when it could not."""

    def __init__(self, url: str, prefix: str = PREFIX):
        self._client, self._errors = sync_client(url)
        self.prefix = prefix
        #: Called with no arguments when a bump fails: the process's caches drop
        #: their answers, since no other process may learn of the change.
        self.on_failure: list[Any] = []

    def publish(self, scopes: Iterable[str]) -> bool:
        """Bump each scope's counter; False (logged, caches told) when Redis failed.

        Tried on every change, never skipped for a back-off: changes are rare, and one
        skipped would leave other processes serving what it ended. A missing counter
        (expired, evicted, Redis restarted) starts at a random value before the bump,
        as the cache starts one it reads: counted up from nothing, it would come back
        to a value a stale answer may be stored under.
        """
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for scope in sorted(set(scopes)):
                    name, lifetime = self.prefix + scope, _lifetime(scope)
                    pipe.set(name, secrets.randbits(62), nx=True, ex=lifetime)
                    pipe.incr(name)
                    if lifetime is not None:
                        pipe.expire(name, lifetime)
                pipe.execute()
            return True
        except self._errors as exc:
            # The type only: redis's messages name the host and port.
            log.warning(
                "sign-in cache: a change could not be published to Redis (%s); "
                "other processes may use their cached sign-ins for up to "
                "PDMS_SESSION_CACHE_SECONDS",
                type(exc).__name__,
            )
        for forget in self.on_failure:
            forget()
        return False

    def close(self) -> None:
        self._client.close()


_publishers: WeakKeyDictionary[Any, Publisher] = WeakKeyDictionary()
_installed = False


def publish_changes(database: Any, redis_url: str | None) -> Publisher | None:
    """Bump counters in Redis for every commit through ``database`` that changed
    sign-in facts; without Redis, nothing (and it stops, if it was on). Every process
    that writes calls it: servers, and the CLI."""
    publisher = Publisher(redis_url) if redis_url else None
    if publisher is not None:
        _install()
    for engine in database.engines:
        if publisher is None:
            _publishers.pop(engine.sync_engine, None)
        else:
            _publishers[engine.sync_engine] = publisher
    return publisher


def publisher_for(engine: Any) -> Publisher | None:
    """The publisher of an async engine's commits, if any."""
    return _publishers.get(engine.sync_engine)


def _install() -> None:
    # On first use, not at import: nothing is watched in a process without Redis.
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    _installed = True


def _note(session: Session, scopes: Iterable[str]) -> None:
    session.info.setdefault(_PENDING, set()).update(scopes)


def _after_flush(session: Session, _context: Any) -> None:
    if session.bind not in _publishers:
        return
    changed = set(_row_scopes(session.new, new=True))
    changed.update(_row_scopes(session.dirty, new=False))
    changed.update(_row_scopes(session.deleted, new=False))
    if changed:
        _note(session, changed)


def _row_scopes(rows: Iterable[Any], *, new: bool) -> Iterator[str]:
    for row in rows:
        if not isinstance(row, _WATCHED):
            continue
        if new and isinstance(row, _NEW_ROWS_CHANGE_NOTHING):
            continue  # a new session, user or key is in no cache yet
        if isinstance(row, StaffUser):
            yield user_scope(row.id)
        elif isinstance(row, (StaffSession, UserRole, TeamMembership)):
            yield user_scope(row.user_id)
        elif isinstance(row, ApiKey):
            yield key_scope(row.id)
        elif isinstance(row, ApiKeyTeam):
            yield key_scope(row.api_key_id)
        else:  # a role or its permissions: anyone holding it
            yield ALL


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_select or not (state.is_update or state.is_delete or state.is_insert):
        return
    if not _touches_watched(state):
        return
    if state.session.bind not in _publishers:
        return
    scopes = state.execution_options.get(AUTH_SCOPES)
    _note(state.session, (ALL,) if scopes is None else scopes)


def _touches_watched(state: ORMExecuteState) -> bool:
    """Whether an UPDATE/DELETE/INSERT writes a sign-in table, named by its mapped
    class or, for a Core statement on the table itself, by the table."""
    mapper = state.bind_mapper
    if mapper is not None:
        return issubclass(mapper.class_, _WATCHED)
    return getattr(state.statement, "table", None) in _WATCHED_TABLES


def _after_commit(session: Session) -> None:
    # SQLAlchemy also calls this when a SAVEPOINT is released: the outer transaction
    # may still roll back, and other processes would re-read the old rows under the
    # new counters. The scopes wait for the real COMMIT.
    if session.in_nested_transaction():
        return
    changed = session.info.pop(_PENDING, None)
    if not changed:
        return
    publisher = _publishers.get(session.bind)
    if publisher is not None:
        publisher.publish(changed)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # rolled back (a commit has published already)
        session.info.pop(_PENDING, None)
