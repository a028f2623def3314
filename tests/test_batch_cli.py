"""`batch` and `sweep` on the command line, and chunks on a Dask cluster."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine.batch import BatchSpec, run_batch
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _main(*args, **kw):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, **kw)


def test_batch_json_has_the_documented_keys():
    out = _main("batch", "kyrgyzstan_2010", "--runs", "60", "--seed", "3", "--json", "--workers", "1",
                "--set", "coefficients.draft_support_share=0.6", "--force", "RU:answer_request=peacekeeping@2010-06-13")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""                                   # no progress bar when stderr is not a terminal
    doc = json.loads(out.stdout)
    assert {"scenario", "runs", "seed", "outcome_shares", "troops_share", "quantiles"} <= set(doc)
    assert doc["scenario"] == "kyrgyzstan_2010" and doc["runs"] == 60 and doc["seed"] == 3
    assert sum(doc["outcome_shares"]["CSTO"].values()) == pytest.approx(1, abs=1e-3)
    assert 0 <= doc["troops_share"]["CSTO"] <= 1
    for figure in ("deaths", "displaced", "refugees", "stability:KG-O"):
        assert set(doc["quantiles"][figure]) == {"5", "50", "95"}
        assert doc["quantiles"][figure]["5"] <= doc["quantiles"][figure]["50"] <= doc["quantiles"][figure]["95"]
    assert doc["sets"] == ["coefficients.draft_support_share=0.6"]
    assert doc["forced"][0]["action"] == "RU:answer_request=peacekeeping@2010-06-13"
    again = _main("batch", "kyrgyzstan_2010", "--runs", "60", "--seed", "3", "--json", "--workers", "1",
                  "--set", "coefficients.draft_support_share=0.6", "--force", "RU:answer_request=peacekeeping@2010-06-13")
    strip = lambda d: {k: v for k, v in d.items() if k not in ("seconds", "playouts_per_second")}  # noqa: E731
    assert strip(json.loads(again.stdout)) == strip(doc)      # same seed, same result


def test_batch_from_a_save_and_its_plot(tmp_path):
    from game.engine.game import Game
    from game.ui.saves import write_save
    sc = load_scenario("kazakhstan_2022").scenario
    g = Game(sc, seed=1, humans=("KZ",))
    for _ in range(3):
        g.end_turn()
    save = write_save(g, "kazakhstan_2022", tmp_path)
    png = tmp_path / "batch.png"
    out = _main("batch", str(save), "--runs", "30", "--from-turn", "2", "--workers", "1", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    assert "branched at turn 2" in out.stdout and "the person's seats: computer" in out.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, needle", [
    (["batch", "no_such_scenario"], "unknown scenario"),
    (["batch", "kyrgyzstan_2010", "--runs", "0"], "--runs"),
    (["batch", "kyrgyzstan_2010", "--set", "actors.RU.interests.non_interferance=0.9"], "no field 'non_interferance'"),
    (["batch", "kyrgyzstan_2010", "--set", "parameters.flight=fast"], "parameters.flight"),
    (["batch", "kyrgyzstan_2010", "--force", "RU:answer_request=peacekeeping@2031-01-01"], "outside the scenario"),
    (["batch", "kyrgyzstan_2010", "--force", "RU:fly@3"], "unknown action 'fly'"),
    (["batch", "kyrgyzstan_2010", "--from-turn", "3"], "needs a save"),
    (["batch", "kyrgyzstan_2010", "--keep-recorded"], "needs a save"),
    (["batch", "missing_save.json"], "missing_save.json"),
    (["sweep", "kyrgyzstan_2010", "--out", "/tmp/x"], "--grid"),
    (["sweep", "kyrgyzstan_2010", "--grid", "parameters.flight", "--out", "/tmp/x"], "PATH=v1,v2"),
    (["sweep", "kyrgyzstan_2010", "--grid", "actors.ZZ.interests.humanitarian=0.1,0.2", "--out", "/tmp/x"], "no item 'ZZ'"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(args, needle):
    out = _main(*args, "--runs", "5") if "--runs" not in args else _main(*args)
    assert out.returncode in (1, 2), out.stderr
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_sweep_writes_a_table_and_a_plot(tmp_path):
    out = _main("sweep", "kazakhstan_2022", "--grid", "actors.RU.interests.non_interference=0.1,0.9",
                "--grid", "coefficients.draft_support_share=0.5,0.9", "--runs", "20", "--workers", "1",
                "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader((tmp_path / "sweep.csv").open()))
    assert len(rows) == 4
    assert {"actors.RU.interests.non_interference", "coefficients.draft_support_share", "CSTO:troops",
            "deaths:p50"} <= set(rows[0])
    table = json.loads((tmp_path / "sweep.json").read_text())
    assert [p["values"] for p in table["points"]][0] == {"actors.RU.interests.non_interference": 0.1,
                                                          "coefficients.draft_support_share": 0.5}
    assert all(set(p["troops_share"]) >= {"CSTO"} for p in table["points"])
    assert (tmp_path / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_local_processes_give_the_result_of_one_process():
    from game.parallel import LocalProcesses
    sc = load_scenario("kazakhstan_2022").scenario
    spec = BatchSpec(sc, runs=90, seed=7, chunk=30)
    here, there = run_batch(spec).to_dict(), run_batch(spec, pool=LocalProcesses(2)).to_dict()
    for d in (here, there):
        d.pop("seconds"), d.pop("playouts_per_second")
    assert here == there


def test_a_dask_local_cluster_gives_the_local_result():
    pytest.importorskip("distributed", reason="Dask is an optional extra: pip install -e '.[dask]'")
    from game.parallel import DaskPool
    sc = load_scenario("kazakhstan_2022").scenario
    spec = BatchSpec(sc, runs=90, seed=7, chunk=30)
    here = run_batch(spec).to_dict()
    pool = DaskPool("local", workers=2)
    try:
        seen = []
        there = run_batch(spec, pool=pool, progress=lambda done, total: seen.append(done)).to_dict()
    finally:
        pool.close()
    for d in (here, there):
        d.pop("seconds"), d.pop("playouts_per_second")
    assert here == there
    assert sorted(seen)[-1] == 90


def test_without_dask_the_scheduler_option_says_how_to_install_it(monkeypatch):
    import builtins

    from game.parallel import DASK_MISSING, PoolError, make_pool
    real = builtins.__import__

    def no_dask(name, *args, **kw):
        if name.startswith("dask") or name.startswith("distributed"):
            raise ImportError(name)
        return real(name, *args, **kw)
    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(PoolError, match=r"\.\[dask\]"):
        make_pool("local")
    assert "pip install" in DASK_MISSING


def test_without_matplotlib_plot_says_how_to_install_it(monkeypatch):
    import builtins

    from game.plots import PlotError, require_matplotlib
    real = builtins.__import__

    def no_mpl(name, *args, **kw):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kw)
    monkeypatch.setattr(builtins, "__import__", no_mpl)
    with pytest.raises(PlotError, match=r"\.\[plot\]"):
        require_matplotlib()


def test_a_progress_bar_on_a_terminal():
    """On a terminal the batch shows a progress bar on stderr (tqdm); the summary still goes to stdout."""
    import os
    import pty
    import fcntl
    import struct
    import termios
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))   # a terminal 100 wide
    try:
        proc = subprocess.run([sys.executable, "main.py", "batch", "kazakhstan_2022", "--runs", "40", "--workers", "1"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=child_fd, text=True, timeout=300)
        os.close(child_fd)
        err = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(main_fd)
    assert proc.returncode == 0
    assert b"run" in err and b"%" in err, err[:300]
    assert "kazakhstan_2022: 40 runs" in proc.stdout
