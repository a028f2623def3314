"""Headless end-to-end tests of the real screens, driven by posted mouse and key events."""
from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game.engine.world import LEVEL_OF
from ui_driver import Driver

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _first_allowed_visible_action(d: Driver):
    gs = d.screen
    box = gs._tab_box.rect
    for el in gs.handlers:
        it = getattr(el, "menu_item", None)
        if it is not None and it.allowed and box.contains(el.rect):
            return el
    raise AssertionError("no allowed action visible")


def _play(scenario_id: str, human: str) -> None:
    d = Driver()
    d.start(scenario_id, [human])
    gs = d.screen
    assert gs.name == "game"
    g = gs.game
    # submit an action through the panel
    btn = _first_allowed_visible_action(d)
    n = len(g.log)
    ap = float(g.state.budget[0, g.world.a(human)])
    d.click_at(btn.rect.center)
    assert len(g.log) == n + 1 and g.log[-1]["ok"]
    assert float(g.state.budget[0, g.world.a(human)]) < ap
    # End Turn ×3: the button, then Enter, then Space
    d.click("end_turn")
    d.key(pygame.K_RETURN)
    d.key(pygame.K_SPACE)
    assert len(g.history) == 3 and g.turn == 4
    # the council tab renders
    d.click("tab_council")
    assert d.screen._tab_box is not None
    # Esc → End and debrief
    d.key(pygame.K_ESCAPE)
    assert d.screen.name == "esc_menu"
    d.click("debrief")
    assert d.screen.name == "debrief"
    img = d.screen._img
    assert img.get_height() > 600
    assert set(g.assessment()) and d.element("play_again")
    d.frames(2)


def test_kyrgyzstan_title_to_debrief():
    _play("kyrgyzstan_2010", "KG")


def test_tajik_title_to_debrief():
    from game.scenario.loader import load_scenario
    sc = load_scenario(ROOT / "scenarios" / "tajik_afghan_border.yaml").scenario
    human = next(a.id for a in sc.actors if a.playable and a.kind == "government")
    _play(sc.id, human)


def test_game_over_goes_to_debrief():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    g = d.screen.game
    while g.turn < g.world.last_turn:
        g.end_turn()
    d.screen.changed()
    d.key(pygame.K_RETURN)
    assert g.over and d.screen.name == "debrief"


def test_hot_seat_handover_hides_the_map():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    app = d.app
    assert d.screen.name == "handover"
    game_screen = app.find_screen("game")
    assert game_screen.root is None or not game_screen.root.visible          # widgets hidden
    assert app.session.actor == "KG"
    d.click("take_seat")
    assert d.screen.name == "game" and game_screen.root.visible
    g = game_screen.game
    d.click("end_turn")                           # KG done: hand over to UZ, no turn yet
    assert d.screen.name == "handover" and app.session.actor == "UZ" and g.turn == 1
    assert game_screen.root is None or not game_screen.root.visible
    # the map is not drawn under the hand-over screen
    drawn = []
    orig = game_screen.map.draw
    game_screen.map.draw = lambda surf: drawn.append(1) or orig(surf)
    d.frames(1)
    assert not drawn
    d.key(pygame.K_RETURN)                        # take the seat
    assert d.screen.name == "game"
    d.frames(1)
    assert drawn
    d.click("end_turn")                           # UZ done: the turn runs, back to KG's hand-over
    assert g.turn == 2 and d.screen.name == "handover" and app.session.actor == "KG"


def test_zoom_and_pan_change_the_camera():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs = d.screen
    mv = gs.map

    def camera():
        return tuple(float(v) for v in (getattr(mv, "scale", 0), *tuple(getattr(mv, "origin", (0, 0)))))

    c0 = camera()
    centre = gs.map_rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=centre, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, precise_x=0.0, precise_y=1.0, flipped=False))
    d.frames(2)
    c1 = camera()
    assert c1 != c0
    d.key(pygame.K_EQUALS)
    c2 = camera()
    assert c2 != c1
    d.key(pygame.K_LEFT)
    c3 = camera()
    assert c3 != c2
    # drag
    a, b = centre, (centre[0] + 80, centre[1] + 40)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=a, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=b, rel=(80, 40), buttons=(1, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=b, button=1))
    d.frames(2)
    assert camera() != c3
    # overlay keys
    d.key(pygame.K_1)
    assert mv.overlay == "control"
    d.click("overlay_stability")
    assert mv.overlay == "stability"


def test_click_selects_a_region_and_deploy_follows():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs = d.screen
    mv = gs.map
    hit = None
    for x in range(gs.map_rect.x + 40, gs.map_rect.right - 60, 24):
        for y in range(gs.map_rect.y + 60, gs.map_rect.bottom - 40, 24):
            rid = mv.region_at((x, y)) if hasattr(mv, "region_at") else None
            if rid:
                hit = (x, y), rid
                break
        if hit:
            break
    assert hit, "no region on the map"
    d.click_at(hit[0])
    assert mv.selected == hit[1]


def test_save_then_load_restores_the_turn(tmp_path):
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    g = d.screen.game
    d.click_at(_first_allowed_visible_action(d).rect.center)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    turn, log = g.turn, len([e for e in g.log if e["by"] == "human" and e["ok"]])
    d.key(pygame.K_ESCAPE)
    d.click("save")
    from game.ui.saves import list_saves
    saves = list_saves()
    assert len(saves) == 1 and saves[0].ok
    d.key(pygame.K_ESCAPE)
    d.click("load")
    assert d.screen.name == "load"
    d.click("save_0")
    assert d.screen.name == "game"
    g2 = d.screen.game
    assert g2 is not g and g2.turn == turn
    assert len([e for e in g2.log if e["by"] == "human" and e["ok"]]) == log
    assert g2.indicators() == g.indicators()


def test_corrupt_saves_are_listed_as_unreadable(tmp_path):
    """A damaged save is listed, marked unreadable with the reason, cannot be opened, and is kept."""
    from game.ui.saves import saves_dir
    d = Driver()
    folder = saves_dir()
    folder.mkdir(parents=True)
    bad = folder / "broken.json"
    bad.write_text("{ this is not json", encoding="utf-8")
    (folder / "old.json").write_text(json.dumps({"save_format": 99, "seed": 0, "scenario": "x"}), encoding="utf-8")
    d.click("load_game")
    assert d.screen.name == "load"
    rows = [d.element("save_0"), d.element("save_1")]
    assert all(not r.is_enabled and "unreadable" in r.text for r in rows)
    assert any("not valid JSON" in r.text for r in rows) and any("format 99" in r.text for r in rows)
    d.click_at(rows[0].rect.center)
    assert d.screen.name == "load"
    d.key(pygame.K_ESCAPE)
    assert bad.exists() and (folder / "old.json").exists()


def test_undo_and_refused_action_explains():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs = d.screen
    g = gs.game
    d.click_at(_first_allowed_visible_action(d).rect.center)
    n = len(g.log)
    d.key(pygame.K_z, pygame.KMOD_CTRL)
    assert len(g.log) < n
    # spend every point, then a refused action explains and costs nothing
    for _ in range(20):
        if float(g.state.budget[0, g.world.a("KG")]) <= 0:
            break
        btns = [el for el in gs.handlers if getattr(el, "menu_item", None) is not None and el.menu_item.allowed
                and el.menu_item.action.cost(None) > 0 and gs._tab_box.rect.contains(el.rect)]
        if not btns:
            break
        d.click_at(btns[0].rect.center)
    # the list is virtualised: find a refused row, scroll it into view, then its button exists
    rows = [p for p in gs.rows if p.menu_item is not None and not p.menu_item.allowed]
    assert rows
    sc = gs._tab_box
    gs.scroll_to(rows[0].rect.y)
    d.frames(3)
    refused = [el for el in gs.handlers if getattr(el, "menu_item", None) is rows[0].menu_item]
    assert refused and sc.rect.contains(refused[0].rect)
    before = len(g.log)
    d.app.toasts.clear()
    d.click_at(refused[0].rect.center)
    assert len(g.log) == before
    assert d.app.toasts and d.app.toasts[-1][0].startswith("Not possible")
    assert "Not possible" in refused[0].menu_item.tooltip


def test_f5_reload_restarts_and_broken_file_keeps_game(tmp_path):
    src = (ROOT / "scenarios" / "kyrgyzstan_2010.yaml").read_text(encoding="utf-8")
    path = tmp_path / "scn.yaml"
    path.write_text(src, encoding="utf-8")
    from game.scenario.loader import load_scenario
    d = Driver()
    d.app.start_game(load_scenario(path), str(path), ["KG"])
    d.frames(1)
    g = d.screen.game
    d.key(pygame.K_RETURN)
    assert g.turn == 2
    d.key(pygame.K_F5)
    assert d.screen.name == "game" and d.screen.game is not g and d.screen.game.turn == 1
    g2 = d.screen.game
    path.write_text(src.replace("turn_days: 1", "turn_days: [oops"), encoding="utf-8")
    d.key(pygame.K_F5)
    assert d.screen.name == "message"
    assert d.app.session.game is g2


def test_browser_lists_a_broken_scenario(monkeypatch, tmp_path):
    import game.scenario.loader as loader
    bad = tmp_path / "broken.yaml"
    bad.write_text("format: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    real = loader.shipped_scenarios

    def fake():
        out = dict(real())
        out["broken"] = bad
        return out
    monkeypatch.setattr(loader, "shipped_scenarios", fake)
    d = Driver()
    d.click("new_game")
    br = d.screen
    assert br.name == "browser"
    e = next(e for e in br.entries if e["id"] == "broken")
    assert e["loaded"] is None and e["problems"] and "broken.yaml:" in e["problems"][0]
    d.click("scenario_broken")
    assert not d.element("choose_roles").is_enabled
    assert "broken.yaml:" in br.details.html_text


def test_settings_apply_and_persist(tmp_path):
    d = Driver()
    d.app.persist = True
    d.click("settings")
    d.click("ui_scale_1_15")
    d.click("colourblind_True")
    d.click("apply")
    from game.ui.settings import load_settings, settings_path
    assert settings_path().exists()
    s = load_settings()
    assert s.ui_scale == 1.15 and s.colourblind
    assert d.screen.name == "title"


def test_corrupt_settings_are_kept(tmp_path):
    from game.ui.settings import load_settings, settings_path
    p = settings_path()
    p.parent.mkdir(parents=True)
    p.write_text("{nope", encoding="utf-8")
    s = load_settings()
    assert s.problem and "corrupt" in s.problem
    assert p.with_name("settings.json.corrupt").read_text() == "{nope"


def test_help_and_keys_from_the_game():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    d.key(pygame.K_F1)
    assert d.screen.name == "help"
    d.key(pygame.K_ESCAPE)
    assert d.screen.name == "game"


def test_hot_seat_undo_only_takes_back_own_action():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    d.click("take_seat")
    gs = d.screen
    g = gs.game
    assert not d.element("undo").is_enabled                  # nothing of KG's to take back yet
    d.click_at(_first_allowed_visible_action(d).rect.center)
    assert g.log[-1]["ok"] and g.log[-1]["action"]["actor"] == "KG"
    assert d.element("undo").is_enabled
    d.click("end_turn")                                       # hand over to UZ
    d.click("take_seat")
    assert d.app.session.actor == "UZ"
    undo = d.element("undo")
    assert not undo.is_enabled and "Kyrgyzstan" in gs.undo_blocker()
    n = len(g.log)
    d.key(pygame.K_z, pygame.KMOD_CTRL)                       # Ctrl+Z cannot take back KG's action
    assert len(g.log) == n and g.log[-1]["action"]["actor"] == "KG"


def test_council_shows_the_human_vote():
    from game.ui.screens.council import vote_status
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs = d.screen
    g = gs.game
    w, st = g.world, g.state
    body = next(o for o in w.org_ids if w.membership[w.o(o), w.a("KG")])
    st.human_votes[("KG", body)] = (LEVEL_OF["logistics_support"], "abstain")
    lines = [t for t, _ in vote_status(w, st, "KG", body)]
    assert lines[0] == "Your vote: support up to logistics support, otherwise abstain."
    st.proposal[0, w.b(body)] = LEVEL_OF["consultations"]
    assert any("at most consultations" in t for t in [t for t, _ in vote_status(w, st, "KG", body)])
