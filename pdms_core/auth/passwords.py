"""Password hashing (Argon2id) and the password policy.

Policy follows ASVS L2 / NIST 800-63B: 12 to 128 characters, no composition rules,
commonly used passwords refused. Hashes are re-computed on sign-in when the hashing
parameters have changed since they were made.

Hashing costs tens of milliseconds of CPU and 64 MiB per hash, so the request path
never hashes on the event loop: :func:`hash_in_pool` and :func:`verify_in_pool` run
in a pool of one thread per CPU (argon2-cffi releases the GIL while it hashes), and
refuse with THROTTLED once ``max_in_flight`` hashes are already running or queued in
this process, so a burst of sign-ins waits a bounded time or is told to come back,
while signed-in requests keep their latency.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pdms_core.errors import ErrorCode, UserError, ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 128
_HASHER = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
#: Verified when no account matches, so unknown emails take as long as wrong passwords.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-but-costs-the-same")
T = TypeVar("T")


def _cpus() -> int:
    # The CPUs this process may run on (a container's cgroup affinity), not the host's.
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


#: More threads than CPUs would only make every hash slower, and use more memory.
_POOL = ThreadPoolExecutor(max_workers=_cpus(), thread_name_prefix="pdms-argon2")
_in_flight = 0
_in_flight_lock = threading.Lock()


class HashingBusy(UserError):
    """Too many password hashes already running or queued in this server process."""

    code = ErrorCode.THROTTLED


BUSY = "The server is busy signing people in. Try again in a moment."


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords, lower-cased (see
    ``common_passwords.LICENSE`` for where it comes from). Read once, on first use."""
    path = Path(__file__).with_name("common_passwords.txt.gz")
    # Every line is an entry (some start with "#"): the file holds no comments.
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def check_policy(password: str, *, field: str = "password") -> None:
    """Refuse passwords that are too short, too long or commonly used."""
    length = len(password)
    if length < MIN_LENGTH or length > MAX_LENGTH:
        raise ValidationFailed(
            f"Use between {MIN_LENGTH} and {MAX_LENGTH} characters.", field=field
        )
    if password.lower() in common_passwords():
        raise ValidationFailed(
            "That password is too common; choose one that is hard to guess.", field=field
        )


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An Argon2id PHC hash of ``password`` (blocking: see :func:`hash_in_pool`)."""
    return (hasher or _HASHER).hash(password)


def verify_password(
    stored: str | None, password: str, hasher: PasswordHasher | None = None
) -> tuple[bool, str | None]:
    """Whether ``password`` matches; with a new hash when the stored one is outdated.

    Blocking: see :func:`verify_in_pool`."""
    hasher = hasher or _HASHER
    try:
        hasher.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    if hasher.check_needs_rehash(stored):
        return True, hasher.hash(password)
    return True, None


async def hash_in_pool(password: str, *, max_in_flight: int) -> str:
    """:func:`hash_password` in the hashing pool; HashingBusy when it is full."""
    return await _in_pool(max_in_flight, hash_password, password)


async def hash_for_admin(password: str) -> str:
    """:func:`hash_password` in the hashing pool, off the event loop, without the
    sign-in bound: staff created by an administrator or the CLI are few, and an
    administrator's request must not be refused because of a login storm."""
    return await asyncio.wrap_future(_POOL.submit(hash_password, password))


async def verify_in_pool(
    stored: str | None, password: str, *, max_in_flight: int
) -> tuple[bool, str | None]:
    """:func:`verify_password` in the hashing pool; HashingBusy when it is full."""
    return await _in_pool(max_in_flight, verify_password, stored, password)


async def _in_pool(max_in_flight: int, function: Any, *args: Any) -> T:
    global _in_flight
    with _in_flight_lock:  # one pool per process, possibly used by several loops
        if _in_flight >= max_in_flight:
            raise HashingBusy(BUSY)
        _in_flight += 1
    future: Future[T] = _POOL.submit(function, *args)
    # Released when the hash ends, not when the caller stops waiting: a request that
    # is cancelled mid-hash still holds its CPU until the thread finishes.
    future.add_done_callback(_release)
    return await asyncio.wrap_future(future)


def _release(_future: Future[Any]) -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight -= 1
