"""The README's configuration table names every setting core reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pdms_core.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
#: Fields that are not one environment variable (plugin sections: PDMS_<PLUGIN>__<FIELD>).
NOT_VARIABLES = {"plugin_sections"}


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [
        f"PDMS_{field.name.upper()}"
        for field in dataclasses.fields(Settings)
        if field.name not in NOT_VARIABLES and f"`PDMS_{field.name.upper()}`" not in text
    ]
    assert not missing, f"README.md's configuration table lacks {missing}"


def test_every_setting_in_the_readme_is_read():
    """Each variable the table names really changes the settings (none is stale)."""
    text = README.read_text(encoding="utf-8")
    defaults = Settings.from_env({})
    for field in dataclasses.fields(Settings):
        if field.name in NOT_VARIABLES or field.type in ("Path", "bool"):
            continue
        variable = f"PDMS_{field.name.upper()}"
        value = SAMPLES.get(field.name, "7")
        read = getattr(Settings.from_env({variable: value}), field.name)
        assert read != getattr(defaults, field.name), f"{variable} in README.md is not read"
        assert f"`{variable}`" in text


SAMPLES = {
    "database_url": "postgresql://pdms@db/pdms",
    "plugins": "dummy",
    "disabled_plugins": "dummy",
    "host": "0.0.0.0",
    "smtp_host": "mail.council.invalid",
    "smtp_user": "pdms",
    "smtp_password": "not-a-real-secret",
    "mail_from": "cases@council.invalid",
    "public_url": "https://cases.council.invalid",
    "redis_url": "redis://cache:6379/0",
    "executor": "stock",
    "trusted_documents": "all",
    "database_replica_urls": "postgresql://pdms@replica/pdms",
    "document_store": "s3",
    "secret_key": "a-sample-secret-key-of-forty-characters!",
    "duplicate_threshold": "0.95",
    "duplicate_backend": "spark",
    "log_format": "text",
}
