"""What the map shows: the bound game (world, state, scenario regions), the palette and overlay, and the
colours they give each feature (fills, armed-group hatching, legend)."""
from __future__ import annotations

import math

from game.engine.views import region, region_figures
from game.ui import map_style as st

OVERLAYS = ("control", "violence", "displacement", "stability", "none")


class MapScene:
    """Shared by the map's parts; ``update`` recomputes the colours and reports what changed."""

    def __init__(self, data, palette: dict | None):
        self.data = data
        self.world = None
        self.state = None
        self.regions: list[str] = []            # scenario regions present on the map
        self.index: dict[str, int] = {}         # region id -> world region index
        self.palette_name = "default"
        self.pal = dict(palette or st.PALETTES["default"])
        self.overlay = "control"
        self.values: dict[str, float] = {}      # overlay value per scenario region
        self.fills: dict[str, tuple] = {}       # fill colour per feature
        self.hatched: set[str] = set()          # regions with armed groups (control overlay)

    def bind(self, world) -> None:
        self.world = world
        self.regions = [r for r in world.region_ids if r in self.data.features]
        self.index = {r: i for i, r in enumerate(world.region_ids)}
        self.state = None

    def set_palette(self, name: str) -> None:
        self.palette_name = name
        self.pal = dict(st.PALETTES[name])

    # ---------------------------------------------------------------- colours
    def actor_colour(self, a: int) -> tuple:
        actors = self.pal.get("actors")
        if actors and self.world is not None:
            return tuple(actors[a % len(actors)])
        c = self.world.actor(self.world.actor_ids[a]).colour if self.world is not None else None
        return st.hex_rgb(c, (120, 120, 120))

    def _overlay_values(self) -> dict[str, float]:
        s, w = self.state, self.world
        if s is None or w is None or self.overlay == "none":
            return {}
        v = region_figures(s)["displaced_share" if self.overlay == "displacement" else self.overlay]
        return {r: float(v[self.index[r]]) for r in self.regions}

    def _ramp_t(self, v: float) -> float:
        if self.overlay == "displacement":
            return math.sqrt(min(max(v, 0.0) / 0.2, 1.0))
        return min(max(v, 0.0), 1.0)

    def _weak(self) -> tuple:
        return st.mix(self.pal["land_focus"], (150, 150, 150), 0.3)

    def _region_fill(self, rid: str) -> tuple:
        pal = self.pal
        gov = self.actor_colour(int(self.world.region_country[self.index[rid]]))
        if self.overlay == "none" or self.state is None:
            return st.mix(pal["land_focus"], gov, 0.35)
        v = self.values[rid]
        if self.overlay == "control":
            return st.mix(self._weak(), gov, 0.2 + 0.65 * min(max(v, 0), 1))
        return st.ramp(pal[self.overlay], self._ramp_t(v))

    def update(self) -> list[str]:
        """Recompute values, fills and hatching; returns the features whose look changed (may repeat)."""
        pal = self.pal
        self.values = self._overlay_values()
        fills, hatched = {}, set()
        scn = set(self.regions)
        for fid, f in self.data.features.items():
            if f.kind in ("lake", "sea"):
                fills[fid] = pal["water"]
            elif fid in scn:
                fills[fid] = self._region_fill(fid)
            elif f.kind == "region":
                tint = pal["country_tints"].get(f.country)
                fills[fid] = st.mix(pal["land_focus"], tint, 0.08) if tint else pal["land_focus"]
            else:
                fills[fid] = pal["land_other"]
        if self.state is not None and self.overlay == "control" and len(self.world.group_ids):
            pres = region_figures(self.state)["armed_presence"]
            cut = max(10.0, 0.1 * float(pres.max()))
            hatched = {r for r in self.regions if pres[self.index[r]] >= cut}
        changed = [k for k in fills if fills[k] != self.fills.get(k)] + list(hatched ^ self.hatched)
        self.fills, self.hatched = fills, hatched
        return changed

    def legend(self) -> dict:
        """{'title', 'stops': [rgb...], 'labels': [(t, text)], 'items': [{'colour', 'label', 'hatch'}]}."""
        pal, ov, w = self.pal, self.overlay, self.world
        if ov == "none":
            return {"title": "", "stops": [], "labels": [], "items": []}
        if ov == "control":
            items = []
            if w is not None:
                govs = sorted({int(w.region_country[self.index[r]]) for r in self.regions})
                for a in govs:
                    items.append({"colour": st.mix(self._weak(), self.actor_colour(a), 0.85),
                                  "label": w.name(w.actor_ids[a])})
                items.append({"colour": self._weak(), "label": "weak control"})
                if w.group_ids:
                    items.append({"colour": pal["land_focus"], "label": "armed groups present", "hatch": True})
            return {"title": "Government control", "stops": [], "labels": [], "items": items}
        if ov == "displacement":
            labels = [(math.sqrt(p / 0.2), f"{round(p * 100)}%") for p in (0, 0.01, 0.05, 0.1, 0.2)]
            labels[-1] = (1.0, "20%+")
            return {"title": "Displaced (share of population)", "stops": pal[ov],
                    "labels": labels, "items": []}
        title = {"violence": "Violence", "stability": "Stability"}[ov]
        lo, hi = ("calm", "intense") if ov == "violence" else ("fragile", "stable")
        return {"title": title, "stops": pal[ov], "labels": [(0, lo), (0.5, "0.5"), (1, hi)], "items": []}

    def overlay_lines(self, rid: str) -> list[str]:
        """Tooltip lines about the overlay for a scenario region (none without state)."""
        w, s = self.world, self.state
        if s is None or w is None:
            return []
        reg = region(w, s, rid)
        if self.overlay == "control":
            lines = [f"Governed by {w.name(reg.governed_by)}, control {reg.control:.0%}"]
            if rid in self.hatched:
                lines.append("Armed groups present")
            return lines
        if self.overlay == "violence":
            return [f"Violence {reg.violence:.2f}"]
        if self.overlay == "stability":
            return [f"Stability {reg.stability:.2f}"]
        if self.overlay == "displacement":
            d = reg.displaced + reg.fled_abroad
            return [f"Displaced {self.values[rid]:.1%} ({st.strength_text(d)} people)"]
        return []
