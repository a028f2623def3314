"""Named places (cities and bases) with coordinates, from assets/maps/gazetteer.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from game.scenario.safe_yaml import load_yaml_file

GAZETTEER = Path(__file__).resolve().parents[1] / "assets" / "maps" / "gazetteer.yaml"


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    lon: float
    lat: float
    country: str
    region: str | None = None
    off_map: bool = False


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Every place in the gazetteer by id."""
    data = load_yaml_file(GAZETTEER).data
    return {p["id"]: Place(**p) for p in data}
