"""GOV.UK Notify settings, checked when something is to be sent.

``PDMS_NOTIFY_TEMPLATES`` maps a message kind and channel to a Notify template id::

    intention_overdue:email=3f1c...,rent_arrears_reminder:sms=9a0b...,rent_statement:letter=...

Errors name the entry (kinds and template ids are not secret) and never the API key.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from pdms_core.errors import ConfigurationError
from pdms_core.notifications.models import CHANNELS
from pdms_core.notifications.validation import KIND
from pdms_core.settings import Settings

TEMPLATES_VARIABLE = "PDMS_NOTIFY_TEMPLATES"
KEY_VARIABLE = "PDMS_NOTIFY_API_KEY"


@dataclass(frozen=True)
class NotifyConfig:
    """What the Notify client needs, and which template each (kind, channel) uses."""

    api_key: str = field(repr=False)
    base_url: str
    templates: Mapping[tuple[str, str], str]

    @property
    def secret(self) -> str:
        """The key's signing secret (its last 36 characters), to keep out of errors."""
        return self.api_key[-36:]

    def template(self, kind: str, channel: str) -> str | None:
        return self.templates.get((kind, channel))


def parse_templates(text: str) -> dict[tuple[str, str], str]:
    """``kind:channel=template-id`` entries, comma-separated; ConfigurationError naming
    the first bad entry."""
    templates: dict[tuple[str, str], str] = {}
    for number, raw in enumerate(text.split(","), start=1):
        entry = raw.strip()
        if not entry:
            continue
        target, equals, template_id = entry.partition("=")
        kind, colon, channel = target.strip().partition(":")
        kind, channel, template_id = kind.strip(), channel.strip(), template_id.strip()
        if not (equals and colon and KIND.match(kind) and channel in CHANNELS):
            raise ConfigurationError(
                f"{TEMPLATES_VARIABLE}: entry {number} ({entry!r}) is not "
                f"kind:channel=template-id with a channel of {', '.join(CHANNELS)}"
            )
        try:
            template_id = str(uuid.UUID(template_id))
        except ValueError:
            raise ConfigurationError(
                f"{TEMPLATES_VARIABLE}: entry {number} ({entry!r}) has a template id "
                "that is not a UUID"
            ) from None
        if (kind, channel) in templates:
            raise ConfigurationError(
                f"{TEMPLATES_VARIABLE}: {kind}:{channel} is given more than once"
            )
        templates[(kind, channel)] = template_id
    return templates


def check_api_key(key: str) -> str:
    """A Notify key is ``{name}-{service id}-{secret}``, both ids UUIDs (the client
    reads them from the end). The message never repeats the key."""
    key = key.strip()
    try:
        ok = len(key) > 74 and key[-74] == "-" and key[-37] == "-"
        uuid.UUID(key[-73:-37])
        uuid.UUID(key[-36:])
    except ValueError:
        ok = False
    if not ok:
        raise ConfigurationError(
            f"{KEY_VARIABLE} is not a GOV.UK Notify API key "
            "(expected name-serviceid-secret, as Notify shows it when the key is created)"
        )
    return key


def notify_config(settings: Settings) -> NotifyConfig | None:
    """The Notify configuration, or None when no API key is set."""
    templates = parse_templates(settings.notify_templates)
    if not settings.notify_api_key:
        if templates:
            raise ConfigurationError(f"{TEMPLATES_VARIABLE} is set but {KEY_VARIABLE} is not")
        return None
    return NotifyConfig(
        api_key=check_api_key(settings.notify_api_key),
        base_url=settings.notify_base_url.rstrip("/"),
        templates=templates,
    )
