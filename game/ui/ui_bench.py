"""UI measurements for `python main.py bench`, each in a fresh subprocess.

- ``measure_first_frame``: wall time from launching a fresh Python process to the title
  screen's first drawn, interactive frame (the same path as ``python main.py``).
- ``measure_ui_memory``: peak resident memory of a scripted session (title, browser,
  roles, the game at 1600x900 with several turns, overlays, the council, the debrief).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_FIRST_FRAME = r"""
import os, sys
from game.ui.app import App
from game.ui.settings import Settings
from game.ui.screens.title import TitleScreen
app = App((1600, 900), settings=Settings(), persist=False)
app.push(TitleScreen(app))
app.step(1 / 60)
sys.stdout.write("ready\n"); sys.stdout.flush()
"""

_SESSION = r"""
import json, resource, sys
sys.path.insert(0, %(tests)r)
from ui_driver import Driver
import pygame
d = Driver((1600, 900))
d.start("kyrgyzstan_2010", ["KG"])
gs = d.screen
for k in (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4):
    d.key(k)
    for _ in range(5):
        d.key(pygame.K_LEFT); d.key(pygame.K_EQUALS)
for _ in range(6):
    d.end_turn(pygame.K_RETURN)     # ends anyway when asked about open decisions
d.click("tab_council")
d.frames(5)
d.key(pygame.K_ESCAPE)
d.click("debrief")
d.frames(5)
d.click("play_again")
d.frames(5)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak / 1024.0 if sys.platform != "darwin" else peak / 2**20}))
"""


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("SDL_VIDEODRIVER", "dummy")
    env.setdefault("SDL_AUDIODRIVER", "dummy")
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    tmp = tempfile.mkdtemp(prefix="cs-bench-")
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def measure_first_frame(repeats: int = 3) -> dict:
    """Seconds from starting a fresh interpreter to the first interactive title frame (best of N)."""
    env = _env()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _FIRST_FRAME], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()
        while line and line.strip() != "ready":
            line = proc.stdout.readline()
        t1 = time.perf_counter()
        proc.kill()
        proc.wait()
        if line.strip() != "ready":
            raise RuntimeError("the UI did not start in the benchmark subprocess")
        times.append(t1 - t0)
    return {"seconds": min(times), "runs": times}


def measure_ui_memory() -> dict:
    """Peak RSS (MB) of a scripted session in a subprocess."""
    code = _SESSION % {"tests": str(ROOT / "tests")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True,
                         timeout=300)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"the scripted UI session failed: {out.stderr.strip().splitlines()[-1:]}")


if __name__ == "__main__":
    print(measure_first_frame())
    print(measure_ui_memory())
