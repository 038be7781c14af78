"""The shipped common-password list: a real, long list that the wheel carries."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from pdms_core.auth import passwords
from pdms_core.auth.passwords import check_policy, common_passwords
from pdms_core.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_is_long_and_lower_cased():
    entries = common_passwords()
    assert len(entries) >= 10_000
    assert all(entry == entry.lower() for entry in entries)


# Entries of 12+ characters from the public list that the earlier 45-entry one lacked.
@pytest.mark.parametrize("password", ["q1w2e3r4t5y6", "Q1W2E3R4T5Y6", "sojdlg123aljg"])
def test_a_listed_password_of_twelve_or_more_characters_is_refused(password):
    with pytest.raises(ValidationFailed, match="too common"):
        check_policy(password)


def test_the_wheel_carries_the_list_and_its_licence():
    # setuptools ships a package's non-Python files only when package-data names them;
    # a missing list would fail every password check of an installed server.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pdms_core.auth"]
    folder = Path(passwords.__file__).parent
    shipped = {"common_passwords.txt.gz", "common_passwords.LICENSE"}
    assert {p.name for p in folder.iterdir() if p.name.startswith("common_passwords")} == shipped
    for name in shipped:
        assert any(fnmatch(name, pattern) for pattern in patterns), name
