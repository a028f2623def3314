"""Validation timings for `python main.py bench`.

``measure_validation()`` returns
  shipped_s        -- wall time of `python main.py validate` on every shipped scenario in a fresh
                      subprocess, start-up included (goal <= 0.5 s);
  generated_1mb_s  -- time to validate a generated ~1 MB scenario in-process (goal <= 0.3 s);
  hostile_s        -- the slowest `python main.py validate` of a set of hostile files under the
                      2 MB limit (tiny values, thousands of bad items or references), start-up
                      included (goal <= 2 s), and hostile_mb, the largest peak memory (goal <= 500 MB).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"shipped_s": 0.5, "generated_1mb_s": 0.3, "hostile_s": 2.0, "hostile_mb": 500.0}

HEAD = ("format: 1\nid: hostile\ntitle: T\nsummary: S\nstart_date: 2010-06-10\nend_date: 2010-06-30\n")
ONE_ACTOR = "  - {id: KG, name: K, kind: government}\n"
ONE_REGION = "regions:\n  - {id: KG-O, name: Osh, country: KG, population: 5}\n"


def hostile_files() -> dict[str, str]:
    """Files written to be slow or big to validate, each under the 2 MB limit."""
    return {
        "2 MB of empty actors": HEAD + "actors:\n" + "- {}\n" * 390_000 + ONE_REGION,
        "2 MB of empty lists": HEAD + "actors: [" + "[]," * 600_000 + "]\n" + ONE_REGION,
        "8,000 empty actors": HEAD + "actors:\n" + "  - {}\n" * 8000 + ONE_REGION,
        "4,000 unknown neighbours": HEAD + "actors:\n" + ONE_ACTOR + "regions:\n  - {id: KG-O, name: Osh, "
        "country: KG, population: 5, neighbours: [" + ", ".join(f"KG-{i:05d}" for i in range(4000)) + "]}\n",
        "1,000 regions with bad references": HEAD + "actors:\n" + ONE_ACTOR + "regions:\n" + "".join(
            f"  - {{id: KG-{i:03d}, name: R{i}, country: KG, population: 5, neighbours: [KG-{i * 7 % 999:03d}x]}}\n"
            for i in range(1, 1000)),
    }


def _run_measured(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak memory in MB) of a fresh process (POSIX; memory 0 elsewhere)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if hasattr(os, "wait4"):
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    else:  # pragma: no cover
        proc.wait()
        peak = 0.0
    return time.perf_counter() - t0, peak


def measure_hostile() -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in hostile_files().items():
            path = Path(tmp) / "hostile.yaml"
            path.write_text(text, encoding="utf-8")
            out[name] = _run_measured([sys.executable, str(ROOT / "main.py"), "validate", str(path)])
    worst = max(out, key=lambda k: out[k][0])
    return {"hostile_s": round(out[worst][0], 3), "hostile_worst": worst,
            "hostile_mb": round(max(v[1] for v in out.values()), 1),
            "hostile": {k: (round(t, 3), round(m, 1)) for k, (t, m) in out.items()}}


def generated_scenario(target_bytes: int = 1_000_000) -> str:
    """A valid scenario of about ``target_bytes``, made like the real ones.

    The shipped Kyrgyzstan 2010 scenario is copied over and over with every id renamed (region
    codes become ZZ-nnn), so the file has the shape and density of a hand-written scenario
    (about 85 YAML events per KB, like every shipped file) rather than a wall of flow mappings.
    """
    import yaml

    base = yaml.safe_load((ROOT / "scenarios" / "kyrgyzstan_2010.yaml").read_text(encoding="utf-8"))
    lists = ("sources", "actors", "organisations", "regions", "forces", "agreements", "events", "objectives")
    ids = {item["id"] for key in lists for item in base.get(key, [])}
    out = {k: v for k, v in base.items() if k not in lists}
    out.update({"id": "generated", "title": "Generated benchmark scenario"})
    for key in lists:
        out[key] = []
    region_no = 0
    copy = 0
    while True:
        rename = {}
        for i in sorted(ids):
            if "-" in i and i[:2].isupper() and i[2] == "-":
                rename[i] = f"ZZ-{region_no % 1000:03d}" if region_no < 1000 else None
                region_no += 1
            else:
                rename[i] = f"{i}_{copy}"
        if None in rename.values():
            break
        for key in lists:
            out[key].extend(_renamed(item, rename) for item in base.get(key, []))
        if copy == 0 and "history" in base:
            out["history"] = _renamed(base["history"], rename)
        copy += 1
        text = yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)
        if len(text.encode("utf-8")) >= target_bytes:
            return text
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100)


def _renamed(value, rename: dict, parent_is_actor: bool = False):
    """A deep copy with every id reference renamed (an actor's ISO `country` code is not an id)."""
    if isinstance(value, dict):
        actor = "kind" in value and "interests" in value or value.get("kind") in (
            "government", "state", "armed_group", "secretariat")
        return {rename.get(k, k) if isinstance(k, str) else k:
                (v if (k == "country" and actor) else _renamed(v, rename)) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    if isinstance(value, str):
        return rename.get(value, value)
    return value


def measure_validation() -> dict:
    from game.scenario.loader import check_file, shipped_scenarios
    paths = [str(p) for p in shipped_scenarios().values()]
    times = []
    for _ in range(3):  # the median of three fresh processes, start-up included
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "validate", *paths],
                              capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    shipped = sorted(times)[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generated_scenario(), encoding="utf-8")
        check_file(path)  # warm caches (gazetteer, action kinds), as a long-lived process would have
        runs = []
        for _ in range(3):  # the median of three, like the start-up measurement
            t0 = time.perf_counter()
            result = check_file(path)
            runs.append(time.perf_counter() - t0)
        generated = sorted(runs)[1]
        size = path.stat().st_size
    return {"shipped_s": round(shipped, 3), "shipped_files": len(paths), "shipped_exit": proc.returncode,
            "generated_1mb_s": round(generated, 3), "generated_bytes": size,
            "generated_errors": len(result.errors), **measure_hostile(), "goals": GOALS}


if __name__ == "__main__":  # pragma: no cover
    print(measure_validation())
