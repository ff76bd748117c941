"""Positions: the GCJ-02 offset and its inverse, haversine distances, coordinate systems and ranges."""

from __future__ import annotations

import math

import pytest

from app.domain.errors import InvalidInput
from app.domain.onsite.geo import (
    distance_m,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_gcj02,
)

#: Qinhuangdao: 海港区, 北戴河, 山海关, 抚宁, 昌黎, 卢龙, 青龙 and the corners of the box 118.6–119.9 × 39.4–40.6.
QINHUANGDAO = [
    (119.6005, 39.9354), (119.4882, 39.8347), (119.7535, 39.9985), (119.2448, 39.8758), (119.1629, 39.7126),
    (118.8925, 39.8916), (118.9502, 40.4072), (118.6, 39.4), (119.9, 40.6), (118.6, 40.6), (119.9, 39.4),
]


def test_the_known_offset_near_tiananmen() -> None:
    gcj = wgs84_to_gcj02(116.391, 39.907)

    # The widely published value of the same formulas.
    assert gcj == pytest.approx((116.39724, 39.90840), abs=2e-5)
    assert 100 < distance_m(116.391, 39.907, *gcj) < 700


@pytest.mark.parametrize(("lon", "lat"), QINHUANGDAO)
def test_round_trips_in_qinhuangdao_stay_within_half_a_metre(lon: float, lat: float) -> None:
    gcj = wgs84_to_gcj02(lon, lat)
    assert 100 < distance_m(lon, lat, *gcj) < 700

    back = gcj02_to_wgs84(*gcj)

    assert distance_m(lon, lat, *back) < 0.5
    # And the other way: a map (GCJ-02) point converted to WGS-84 maps back onto itself.
    assert distance_m(*gcj, *wgs84_to_gcj02(*gcj02_to_wgs84(*gcj))) < 0.5
    assert to_wgs84(*gcj, "gcj02") == back
    assert to_wgs84(lon, lat, "wgs84") == (lon, lat)


@pytest.mark.parametrize(("lon", "lat"), [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (70.0, 30.0)])
def test_no_offset_outside_china(lon: float, lat: float) -> None:
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert to_wgs84(lon, lat, "gcj02") == (lon, lat)


def test_haversine_distances() -> None:
    one_degree = 2 * math.pi * 6371008.8 / 360
    assert distance_m(119.6, 39.0, 119.6, 40.0) == pytest.approx(one_degree)
    assert distance_m(119.6, 39.0, 119.6, 40.0) == pytest.approx(111_195, abs=1)
    assert distance_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(one_degree)
    assert distance_m(119.6, 39.9, 119.6, 39.9) == 0.0
    assert distance_m(0.0, 0.0, 180.0, 0.0) == pytest.approx(math.pi * 6371008.8)
    assert distance_m(119.6005, 39.9354, 119.4882, 39.8347) == distance_m(119.4882, 39.8347, 119.6005, 39.9354)


@pytest.mark.parametrize(("lon", "lat"), [
    (180.01, 39.9), (-180.01, 39.9), (119.6, 90.5), (119.6, -91.0), (math.nan, 39.9), (119.6, math.inf),
    (True, 39.9), ("119.6", 39.9),
])
def test_positions_out_of_range(lon: float, lat: float) -> None:
    for crs in ("wgs84", "gcj02"):
        with pytest.raises(InvalidInput) as error:
            to_wgs84(lon, lat, crs)
        assert error.value.code == "position.out_of_range"


def test_the_range_is_inclusive() -> None:
    assert to_wgs84(180, -90, "wgs84") == (180.0, -90.0)
    assert to_wgs84(-180.0, 90.0, "gcj02") == (-180.0, 90.0)


@pytest.mark.parametrize("crs", ["bd09", "WGS-84", "", "cgcs2000"])
def test_unknown_coordinate_systems(crs: str) -> None:
    with pytest.raises(InvalidInput) as error:
        to_wgs84(119.6, 39.9, crs)
    assert error.value.code == "position.crs_unknown"
    assert error.value.message_zh
