"""How a delivery attempt failed, in words safe to store and log."""

from __future__ import annotations

from collections.abc import Iterable

MAX_ERROR = 500
REDACTED = "[redacted]"


class DeliveryFailure(Exception):
    """A send that did not go through.

    ``permanent``: sending it again cannot succeed (a refused recipient, a bad template,
    a refused key), so the row fails at once. ``stop``: the provider refuses this sender
    as a whole for now (bad key, rate limit), so the run sends nothing more through it.
    """

    def __init__(self, text: str, *, permanent: bool, stop: bool = False):
        super().__init__(text)
        self.text = text
        self.permanent = permanent
        self.stop = stop


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` without any of ``secrets`` in it (an API key, a recipient, a body that a
    provider might echo), cut to what the row holds."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text[:MAX_ERROR]
