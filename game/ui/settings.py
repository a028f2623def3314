"""User settings persisted as JSON in the user's config directory.

A corrupt file is never lost silently: it is kept beside the new one as
``settings.json.corrupt`` and the app shows one message saying so.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SIZES = ("1280x720", "1366x768", "1600x900", "1920x1080")
SCALES = (0.85, 1.0, 1.15, 1.3, 1.5)
LARGE_TEXT = 1.5                 # the projector scale: body text of 16 px and more at 1920x1080
LAYOUT_MIN = (1280, 720)         # every screen is laid out for at least this many scaled pixels


def effective_scale(ui_scale: float, size: tuple[int, int]) -> float:
    """The one scale every size in the UI follows (widgets.px, fonts, the theme, the map's text).

    It is the chosen scale, except that a scale above 100% never leaves the screens less room than
    1280x720 scaled pixels (150% needs 1920x1080); a window smaller than that keeps 100% at most."""
    w, h = size
    room = min(w / LAYOUT_MIN[0], h / LAYOUT_MIN[1])
    return round(min(float(ui_scale), max(room, 1.0)), 4)


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "collective-security"


def settings_path() -> Path:
    return config_dir() / "settings.json"


@dataclass
class Settings:
    window_size: str = "1600x900"
    ui_scale: float = 1.0
    colourblind: bool = False
    fullscreen: bool = False
    problem: str | None = field(default=None, compare=False)   # a message for the user, not saved

    def size(self) -> tuple[int, int]:
        return parse_size(self.window_size) or (1600, 900)

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("problem")
        return d


def parse_size(s: str | None) -> tuple[int, int] | None:
    if not s:
        return None
    try:
        w, h = str(s).lower().split("x")
        w, h = int(w), int(h)
    except ValueError:
        return None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        return None
    return w, h


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        s = Settings()
        if parse_size(raw.get("window_size")):
            s.window_size = raw["window_size"]
        scale = raw.get("ui_scale", 1.0)
        if isinstance(scale, (int, float)) and 0.5 <= scale <= 2.0:
            s.ui_scale = float(scale)
        s.colourblind = bool(raw.get("colourblind", False))
        s.fullscreen = raw.get("fullscreen", False) is True
        return s
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        keep = path.with_name(path.name + ".corrupt")
        try:
            path.replace(keep)
            where = f"it was kept as {keep}"
        except OSError:
            where = f"it is still at {path}"
        s = Settings()
        s.problem = f"Your settings file could not be read ({exc}); default settings are in use and {where}."
        return s


def save_settings(s: Settings, path: Path | None = None) -> str | None:
    """Write the settings; returns an error message or None."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(s.to_json(), indent=1), encoding="utf-8")
        tmp.replace(path)
        return None
    except OSError as exc:
        return f"The settings could not be saved: {exc}"
