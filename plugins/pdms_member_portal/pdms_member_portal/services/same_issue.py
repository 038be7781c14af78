"""Several members raising the same issue: the same service area, at the same place or
within the radius (100 m), raised by another member within the window (30 days)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from pdms_core.plugin import Actor, restrict
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import Enquiry

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class SameIssue:
    enquiry: Enquiry
    distance_m: float | None


async def same_issue(
    session: AsyncSession, actor: Actor, enquiry: Enquiry, *, radius_m: float, days: int
) -> list[SameIssue]:
    """Other members' enquiries about the same issue, nearest first, within the
    caller's reach (a member is not told about enquiries they cannot see)."""
    window = timedelta(days=days)
    near = [Enquiry.place_id == enquiry.place_id] if enquiry.place_id else []
    if enquiry.latitude is not None and enquiry.longitude is not None:
        dlat = radius_m / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(enquiry.latitude)), 0.01)
        near.append(
            and_(
                Enquiry.latitude.between(enquiry.latitude - dlat, enquiry.latitude + dlat),
                Enquiry.longitude.between(enquiry.longitude - dlon, enquiry.longitude + dlon),
            )
        )
    if not near:
        return []
    statement = select(Enquiry).where(
        Enquiry.service_area_id == enquiry.service_area_id,
        Enquiry.member_id != enquiry.member_id,
        Enquiry.id != enquiry.id,
        Enquiry.submitted_at.between(enquiry.submitted_at - window, enquiry.submitted_at + window),
        or_(*near),
    )
    found = []
    for other in await session.scalars(restrict(statement, Enquiry, actor).order_by(Enquiry.id)):
        metres = None
        if None not in (enquiry.latitude, enquiry.longitude, other.latitude, other.longitude):
            metres = distance_m(
                enquiry.latitude, enquiry.longitude, other.latitude, other.longitude
            )
        same_place = enquiry.place_id is not None and other.place_id == enquiry.place_id
        if same_place or (metres is not None and metres <= radius_m):
            found.append(SameIssue(other, None if metres is None else round(metres, 1)))
    return sorted(found, key=lambda s: (s.distance_m or 0.0, s.enquiry.id))
