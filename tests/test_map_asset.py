"""Checks on the committed map asset and gazetteer (no shapely, no network)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

MAPS = Path(__file__).resolve().parent.parent / "assets" / "maps"
GEOJSON = MAPS / "central_asia.geojson"
GAZETTEER = MAPS / "gazetteer.yaml"
BOX = (39.0, 33.5, 90.0, 56.0)
FOCUS = {"KG", "TJ", "UZ", "KZ", "TM", "AF", "AM", "AZ", "GE"}
REQUIRED_IDS = {
    "KG-O", "KG-J", "KG-B", "KG-C", "KG-GB", "KG-T", "KG-N", "KG-Y",
    "TJ-GB", "TJ-KT", "TJ-SU", "TJ-RA", "TJ-DU",
    "UZ-AN", "UZ-FA", "UZ-NG", "UZ-TO", "UZ-TK", "UZ-SU",
    "AF-BDS", "AF-KDZ", "AF-TAK", "AF-BAL",
    "KZ-ALA", "KZ-ALM", "KZ-AST",
    "TM-A", "AM-ER", "AZ-BA", "AZ-NV", "GE-TB", "GE-AB",
    "RU", "CN", "IR", "PK", "IN", "TR", "MN",
    "caspian_sea", "lake_issyk_kul", "lake_balkhash",
}


@pytest.fixture(scope="module")
def features() -> list[dict]:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def by_id(features) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in features}


@pytest.fixture(scope="module")
def places() -> list[dict]:
    return yaml.safe_load(GAZETTEER.read_text(encoding="utf-8"))


def polygons(feature: dict) -> list[list[list[list[float]]]]:
    geom = feature["geometry"]
    assert geom["type"] in ("Polygon", "MultiPolygon")
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def ring_contains(ring, x: float, y: float) -> bool:
    """Even-odd ray casting."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            if x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def contains(feature: dict, x: float, y: float) -> bool:
    return any(
        ring_contains(rings[0], x, y) and not any(ring_contains(h, x, y) for h in rings[1:])
        for rings in polygons(feature)
    )


def ring_area(ring) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


def test_file_is_small_geojson():
    assert GEOJSON.stat().st_size < 1_000_000
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"


def test_every_feature_has_kind_id_name(features):
    for f in features:
        props = f["properties"]
        assert props["kind"] in {"region", "country", "lake", "sea"}, props
        assert isinstance(props["id"], str) and props["id"]
        assert isinstance(props["name"], str) and props["name"]


def test_ids_unique(features):
    ids = [f["properties"]["id"] for f in features]
    assert len(ids) == len(set(ids))


def test_required_ids_present(by_id):
    assert REQUIRED_IDS - set(by_id) == set()


def test_regions_are_keyed_by_iso_3166_2(features):
    regions = [f["properties"] for f in features if f["properties"]["kind"] == "region"]
    assert {p["country"] for p in regions} == FOCUS
    for p in regions:
        assert re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", p["id"]), p
        assert p["id"].startswith(p["country"] + "-")


def test_every_focus_country_has_several_regions(features):
    counts: dict[str, int] = {}
    for f in features:
        if f["properties"]["kind"] == "region":
            counts[f["properties"]["country"]] = counts.get(f["properties"]["country"], 0) + 1
    for country in FOCUS:
        assert counts[country] >= 5, country


def test_rings_closed_and_inside_box(features):
    x0, y0, x1, y1 = BOX
    for f in features:
        for rings in polygons(f):
            for ring in rings:
                assert len(ring) >= 4
                assert ring[0] == ring[-1], f["properties"]["id"]
                for x, y in ring:
                    assert x0 <= x <= x1 and y0 <= y <= y1
                    assert round(x, 4) == x and round(y, 4) == y


def test_no_region_overlap_by_area(features):
    """Regions and neighbour countries tile the land: areas add up, no double cover."""
    land = [f for f in features if f["properties"]["kind"] in ("region", "country")]
    total = 0.0
    for f in land:
        for rings in polygons(f):
            total += abs(ring_area(rings[0])) - sum(abs(ring_area(h)) for h in rings[1:])
    water = sum(
        abs(ring_area(rings[0]))
        for f in features
        if f["properties"]["id"] in ("caspian_sea", "black_sea", "sea_of_azov")
        for rings in polygons(f)
    )
    x0, y0, x1, y1 = BOX
    assert total + water == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-4)


def test_gazetteer_format(places):
    ids = [p["id"] for p in places]
    assert len(ids) == len(set(ids))
    for p in places:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", p["id"]), p
        assert p["kind"] in {"city", "capital", "base"}
        assert -180 <= p["lon"] <= 180 and -90 <= p["lat"] <= 90
        assert re.fullmatch(r"[A-Z]{2}", p["country"])
    required = {
        "osh", "jalal_abad", "bishkek", "kant_air_base", "batken", "uzgen", "andijan",
        "namangan", "fergana", "tashkent", "dushanbe", "khorog", "kulob", "bokhtar",
        "khujand", "kunduz", "mazar_i_sharif", "fayzabad", "almaty", "astana",
        "taldykorgan", "ashgabat", "yerevan", "baku", "tbilisi", "ivanovo", "ulyanovsk",
        "moscow", "minsk",
    }
    assert required - set(ids) == set()


def test_off_map_flag_matches_box(places):
    x0, y0, x1, y1 = BOX
    for p in places:
        outside = not (x0 <= p["lon"] <= x1 and y0 <= p["lat"] <= y1)
        assert bool(p.get("off_map", False)) == outside, p["id"]


def test_places_fall_in_their_region(places, by_id):
    for p in places:
        if p.get("off_map"):
            continue
        if p["country"] in FOCUS:
            region = by_id[p["region"]]
            assert region["properties"]["country"] == p["country"]
            assert contains(region, p["lon"], p["lat"]), (p["id"], p["region"])
        else:
            assert contains(by_id[p["country"]], p["lon"], p["lat"]), p["id"]


@pytest.mark.parametrize(
    ("place", "region"),
    [("osh", "KG-O"), ("khorog", "TJ-GB"), ("andijan", "UZ-AN"), ("kant_air_base", "KG-C")],
)
def test_key_places(places, by_id, place, region):
    point = next(p for p in places if p["id"] == place)
    assert contains(by_id[region], point["lon"], point["lat"])


def test_dushanbe_in_capital_or_republican_subordination(places, by_id):
    point = next(p for p in places if p["id"] == "dushanbe")
    assert any(contains(by_id[r], point["lon"], point["lat"]) for r in ("TJ-DU", "TJ-RA"))


def test_enclaves_present(by_id):
    """Fergana valley enclaves: Sokh (UZ) and Vorukh (TJ) inside Batken."""
    assert contains(by_id["UZ-FA"], 71.10, 39.97)  # Sokh
    assert contains(by_id["TJ-SU"], 70.58, 39.85)  # Vorukh
    assert not contains(by_id["KG-B"], 71.10, 39.97)
