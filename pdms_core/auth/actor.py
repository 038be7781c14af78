"""The caller of a request: a staff user, a partner API key, the system, or nobody."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ActorKind(Enum):
    """What kind of caller an actor is."""

    ANONYMOUS = "anonymous"
    USER = "user"
    API_KEY = "api_key"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who is calling, with the permission codes they hold.

    ``all_permissions`` is for the system itself (CLI, importers) and the debug-only
    developer actor; no signed-in user or API key ever gets it.
    """

    kind: ActorKind
    id: str | None = None
    display_name: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    all_permissions: bool = False
    #: ``(permission, team_id)`` pairs for roles held only within a team. Such a
    #: permission is in ``permissions`` too (the field check passes); services then
    #: restrict rows to those teams (see :meth:`teams_for`).
    team_grants: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    #: Council-wide permissions; the rest of ``permissions`` came from team grants.
    global_permissions: frozenset[str] | None = None
    #: Requests (cost-weighted) per minute for API keys; None: the default limit.
    rate_limit_per_minute: int | None = None
    #: Read-only API keys may run no mutation at all.
    read_only: bool = False

    def has(self, code: str) -> bool:
        """Whether this actor holds the permission ``code``."""
        return self.all_permissions or code in self.permissions

    def teams_for(self, code: str) -> frozenset[int] | None:
        """Teams whose rows ``code`` reaches; None when it reaches every row.

        Staff users and API keys answer alike: a key made by an officer whose grant
        is limited to teams keeps those teams (``auth/apikeys.py``)."""
        if self.all_permissions or self.global_permissions is None:
            return None
        if code in self.global_permissions:
            return None
        return frozenset(team for granted, team in self.team_grants if granted == code)

    def reaches(self, code: str, team_id: int | None) -> bool:
        """Whether this actor holds ``code`` within ``team_id`` (None: council-wide).

        The delegation rule: what an actor gives away, it must hold this widely."""
        if not self.has(code):
            return False
        teams = self.teams_for(code)
        return teams is None or (team_id is not None and team_id in teams)

    @property
    def is_authenticated(self) -> bool:
        """Anyone but the anonymous caller."""
        return self.kind is not ActorKind.ANONYMOUS


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, display_name="anonymous")
SYSTEM = Actor(kind=ActorKind.SYSTEM, id="system", display_name="system", all_permissions=True)
DEVELOPER = Actor(
    kind=ActorKind.SYSTEM,
    id="developer",
    display_name="developer (debug mode)",
    all_permissions=True,
)
