"""Positions of check-ins: WGS-84 (GPS) and GCJ-02 (the offset coordinates maps in mainland China use), the distance
between two points.

GCJ-02 is the widely published approximation of the offset (Krasovsky ellipsoid, the usual polynomials), which agrees
with the maps to within a metre or two; outside the rough bounding box of mainland China there is no offset.
GCJ-02 → WGS-84 inverts it by fixed-point iteration, so a round trip stays far within 0.5 m.
"""

from __future__ import annotations

import math

from app.domain.errors import InvalidInput

#: Krasovsky 1940: semi-major axis and first eccentricity squared.
A = 6378245.0
EE = 0.00669342162296594323
#: Mean radius of the Earth (IUGG), for haversine distances.
EARTH_RADIUS_M = 6371008.8
#: Coordinate systems ``to_wgs84`` accepts.
CRS = ("wgs84", "gcj02")

_INVERSE_STEPS = 8
_INVERSE_TOLERANCE_DEG = 1e-10


def out_of_china(lon: float, lat: float) -> bool:
    """The usual rough bounding box of mainland China; outside it GCJ-02 equals WGS-84."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 minus WGS-84 at the WGS-84 point (lon, lat), in degrees."""
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lon, lat): start from one offset back, then refine until the image
    matches (the offset varies slowly, so each step gains several digits)."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    w_lon, w_lat = lon - d_lon, lat - d_lat
    for _ in range(_INVERSE_STEPS):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if abs(e_lon) < _INVERSE_TOLERANCE_DEG and abs(e_lat) < _INVERSE_TOLERANCE_DEG:
            break
    return w_lon, w_lat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def check_position(lon: float, lat: float) -> None:
    """Raises InvalidInput ``position.out_of_range`` unless -180 ≤ lon ≤ 180 and -90 ≤ lat ≤ 90 (finite numbers)."""
    valid = (isinstance(lon, int | float) and isinstance(lat, int | float) and not isinstance(lon, bool)
             and not isinstance(lat, bool) and math.isfinite(lon) and math.isfinite(lat)
             and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0)
    if not valid:
        raise InvalidInput("经纬度超出范围（经度 -180～180，纬度 -90～90）",
                           "position out of range (longitude -180..180, latitude -90..90)",
                           code="position.out_of_range", details={"longitude": repr(lon)[:40], "latitude": repr(lat)[:40]})


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """The WGS-84 position of (lon, lat) given in ``crs`` (``"wgs84"`` or ``"gcj02"``, as reported by the device)."""
    if crs not in CRS:
        raise InvalidInput("不支持的坐标系，应为 wgs84 或 gcj02", "unknown coordinate system, expected wgs84 or gcj02",
                           code="position.crs_unknown", details={"crs": str(crs)[:40]})
    check_position(lon, lat)
    if crs == "gcj02":
        return gcj02_to_wgs84(float(lon), float(lat))
    return float(lon), float(lat)
