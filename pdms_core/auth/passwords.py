"""Password hashing (Argon2id) and the password policy.

Policy follows ASVS L2 / NIST 800-63B: 12 to 128 characters, no composition rules,
commonly used passwords refused. Hashes are re-computed on sign-in when the hashing
parameters have changed since they were made.
"""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pdms_core.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 128
_HASHER = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
#: Verified when no account matches, so unknown emails take as long as wrong passwords.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-but-costs-the-same")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of commonly used passwords, lower-cased."""
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


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
    """An Argon2id PHC hash of ``password``."""
    return (hasher or _HASHER).hash(password)


def verify_password(
    stored: str | None, password: str, hasher: PasswordHasher | None = None
) -> tuple[bool, str | None]:
    """Whether ``password`` matches; with a new hash when the stored one is outdated."""
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
