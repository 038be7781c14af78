"""Distances on the Earth for the duplicate check and hotspots.

Haversine great-circle distance on a sphere of the Earth's mean radius (IUGG 6,371,008.8 m):
within 0.5% of the ellipsoidal distance, which at 250 m is about a metre. The database
narrows candidates with a bounding box on the indexed latitude/longitude columns (the
same plain SQL on SQLite and PostgreSQL); Python then keeps those truly within range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float
    east: float


def bounding_box(lat: float, lon: float, radius_m: float) -> Box:
    """A latitude/longitude box holding every point within ``radius_m`` (slightly more)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.001
    cos_lat = max(math.cos(math.radians(min(89.9, abs(lat) + dlat))), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return Box(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def offset_north(lat: float, lon: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` due north (negative: south) along the meridian."""
    return lat + math.degrees(metres / EARTH_RADIUS_M), lon


def check_point(latitude: float | None, longitude: float | None) -> str | None:
    """Why a point is unusable, or None."""
    if latitude is None or longitude is None:
        return "Give both latitude and longitude."
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        return "Latitude is between -90 and 90."
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        return "Longitude is between -180 and 180."
    return None
