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
    # End Turn ×3: the button, then Enter, then Space (ending anyway if decisions are left open)
    d.end_turn(None)
    d.end_turn(pygame.K_RETURN)
    d.end_turn(pygame.K_SPACE)
    assert len(g.history) == 3 and g.turn == 4
    # the council tab renders
    d.click("tab_council")
    assert d.screen._tab_box is not None
    # the map settles: its labels are baked into the composite
    for _ in range(600):
        if gs.map.composite.surf is not None:
            break
        d.frames(1)
    assert gs.map.composite.surf is not None
    # Esc → End and debrief
    d.key(pygame.K_ESCAPE)
    assert d.screen.name == "esc_menu"
    d.click("debrief")
    assert d.screen.name == "debrief"
    assert gs.map.composite.surf is None          # a covered game screen gives its map's copy back
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
    d.end_turn()
    d.end_turn()
    turn, log = g.turn, len([e for e in g.log if e["by"] == "human" and e["ok"]])
    d.key(pygame.K_ESCAPE)
    d.click("save")
    from game.ui.saves import list_saves
    saves = list_saves()
    assert len(saves) == 2 and all(s.ok for s in saves)          # the save and the rolling autosave
    assert "autosave" not in saves[0].path.name                   # the newest first
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
    d.end_turn()
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
    assert br.list_box.rect.contains(d.element("scenario_broken").rect)     # still in view after the rebuild
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
    assert not undo.is_enabled and "given no order" in gs.undo_blocker()   # orders are private: UZ sees none
    n = len(g.log)
    d.key(pygame.K_z, pygame.KMOD_CTRL)                       # Ctrl+Z cannot take back KG's order
    assert len(g.log) == n and g.log[-1]["action"]["actor"] == "KG" and len(g.orders["KG"]) == 1


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


# --- issue 9: surprises, per-seat views, hidden votes, projector mode -----------------------------------------
def _take_seat(d: Driver) -> None:
    assert d.screen.name == "handover"
    d.key(pygame.K_RETURN)
    assert d.screen.name == "game"


def _pass_seats(d: Driver, n: int) -> None:
    """The next ``n`` seats at the screen take the seat and end their turn without acting."""
    for _ in range(n):
        _take_seat(d)
        d.end_turn(None)


def _kyrgyzstan_asks(gs) -> None:
    """Kyrgyzstan, at the screen, asks the CSTO about its internal unrest (as a player clicks it)."""
    from game.engine.menu import menu_for
    g = gs.game
    gs.submit(next(i for i in menu_for(g.world, g.state_for("KG"), "KG") if i.allowed
                   and i.action.target_body == "CSTO" and i.action.framing == "internal_unrest"
                   and i.action.about is None))


def _kyrgyzstan_asks_the_csto(d: Driver):
    """Hot-seat KG, RU, KZ: KG asks the CSTO; every seat ends the turn, the request is made, KG passes the
    next turn, and Russia takes the seat with the session pending. Returns the game screen and the game."""
    _take_seat(d)
    gs = d.screen
    g = gs.game
    _kyrgyzstan_asks(gs)
    d.end_turn(None)
    _pass_seats(d, 3)
    _take_seat(d)
    assert d.app.session.actor == "RU"
    return gs, g


def _to_the_letter(d: Driver):
    """Play (engine turns) until Otunbayeva's letter asks Kyrgyzstan whom to ask for troops."""
    gs = d.screen
    g = gs.game
    while not any(c["actor"] == "KG" for c in g.state.pending_choices):
        g.end_turn()
    gs.changed()
    d.frames(2)
    return gs, g


def test_enter_asks_before_settling_an_open_choice_and_the_player_chooses():
    """Enter with an event's question open lists it (with its default) instead of taking the first option;
    a second Enter goes back to the game; choosing in the dialog records the player's option."""
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs, g = _to_the_letter(d)
    turn, n_log = g.turn, len(g.log)
    d.key(pygame.K_RETURN)
    dlg = d.screen
    assert dlg.name == "end_turn_confirm" and g.turn == turn                 # nothing decided yet
    letter = next(it for it in dlg.items if it.kind == "choice")
    assert letter.title == "Order has collapsed in Osh. Whom do you ask for troops?"
    assert "first option is taken" in letter.default and "Medvedev" in letter.default
    assert d.element("option_0_2").text.startswith("Manage with our own forces")
    d.key(pygame.K_RETURN)                                                    # a second Enter decides nothing
    assert d.screen.name == "game" and g.turn == turn and len(g.log) == n_log
    assert gs.tab == "actions"
    d.key(pygame.K_RETURN)
    k = next(i for i, it in enumerate(d.screen.items) if it.kind == "choice")
    d.click(f"option_{k}_2")                                                  # "Manage with our own forces"
    chosen = g.log[-1]
    assert chosen["by"] == "human" and chosen["action"]["kind"] == "choose_option" and chosen["action"]["choice"] == 2
    assert not any(c["actor"] == "KG" for c in g.state.pending_choices)
    asked = d.end_turn()                                                      # only the vote may be left
    assert all("Order has collapsed" not in t for t in asked)
    assert g.turn == turn + 1
    assert not [e for e in g.log if e["by"] == "default" and e["turn"] == turn]


def test_ending_anyway_says_which_default_is_taken_and_logs_it():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs, g = _to_the_letter(d)
    turn = g.turn
    d.key(pygame.K_SPACE)
    assert d.screen.name == "end_turn_confirm"
    d.app.toasts.clear()
    d.click("end_anyway")
    assert g.turn == turn + 1 and d.screen.name == "game"
    default = [e for e in g.log if e["by"] == "default" and e["turn"] == turn]
    assert len(default) == 1 and default[0]["action"]["kind"] == "choose_option" and default[0]["action"]["choice"] == 0
    said = " ".join(t for t, _, _ in d.app.toasts)
    assert "Order has collapsed in Osh" in said and "Write to President Medvedev" in said


def test_open_votes_and_pleas_are_listed_for_the_turn_they_are_due():
    from game.engine.views import open_decisions
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "RU"])
    _take_seat(d)
    gs = d.screen
    g = gs.game
    _kyrgyzstan_asks(gs)
    while not open_decisions(g, "RU"):
        g.end_turn()
    (vote,) = open_decisions(g, "RU")
    assert vote.kind == "vote" and "CSTO session" in vote.title and "Kyrgyzstan" in vote.title
    assert vote.default == f"the computer takes {g.world.name('RU')}'s position by its interests"
    gs.changed()
    d.frames(2)
    d.end_turn(None)                                          # KG hands over; RU is asked at its End Turn
    _take_seat(d)
    d.key(pygame.K_RETURN)
    assert d.screen.name == "end_turn_confirm" and [it.kind for it in d.screen.items] == ["vote"]
    assert d.element("show_0").visible


def test_roles_show_a_random_seed_that_the_game_and_the_save_keep():
    from game.ui.saves import list_saves
    d = Driver()
    d.click("new_game")
    d.click("scenario_kyrgyzstan_2010")
    d.click("choose_roles")
    roles = d.screen
    shown = int(roles.seed_entry.get_text())
    assert shown == roles.seed
    seeds = {shown}
    for _ in range(3):
        d.click("new_seed")
        seeds.add(int(roles.seed_entry.get_text()))
    assert len(seeds) > 1                                    # random, not always 0
    roles.seed_entry.set_text("4242")
    d.click("seat_RU")                                       # a rebuild of the screen keeps the typed seed
    assert roles.seed_entry.get_text() == "4242"
    d.click("seat_RU")
    assert roles.humans == {"KG"}
    d.click("start")
    g = d.screen.game
    assert g.seed == 4242 and d.app.session.seed == 4242
    d.key(pygame.K_ESCAPE)
    d.click("save")
    saves = list_saves()
    assert json.loads(saves[0].path.read_text(encoding="utf-8"))["seed"] == 4242
    import game.ui.widgets as widgets
    widgets.TEXT_LOG = []
    try:
        d.key(pygame.K_ESCAPE)
        d.click("debrief")
        assert any("Seed 4242." in t for t in widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None


def test_a_plea_to_a_state_carries_the_chosen_framing():
    from game.engine.catalogue import catalogue
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    gs = d.screen
    g = gs.game
    d.click("framing_terrorism")
    d.frames(2)
    row = next(p for p in gs.rows if p.menu_item is not None and p.menu_item.action.target_body == "RU")
    assert row.menu_item.action.framing == "terrorism" and row.args[1] == f"Ask {g.world.name('RU')} for help"
    gs.submit(row.menu_item)
    assert g.log[-1]["ok"] and g.log[-1]["action"]["framing"] == "terrorism"
    while not any(p["body"] == "RU" for p in g.decisions()):
        g.end_turn()
    assert next(p for p in g.decisions() if p["body"] == "RU")["framing"] == "terrorism"
    # the AI's list is unchanged: its pleas to states are for internal unrest only
    ai = {i.action.framing for i in catalogue(g.world, "KG") if i.action.kind == "request_assistance"
          and i.action.target_body == "RU"}
    assert ai == {"internal_unrest"}


def test_hot_seat_each_seat_keeps_its_own_view():
    import game.ui.widgets as widgets
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    _take_seat(d)
    gs = d.screen
    gs.map.selected = "KG-O"
    d.click("tab_council")
    assert gs.tab == "council"
    d.end_turn(None)                                          # hand over to UZ
    _take_seat(d)
    assert d.app.session.actor == "UZ"
    assert gs.map.selected is None and gs.tab == "actions"    # UZ sees its own header and objectives
    widgets.TEXT_LOG = []
    try:
        d.frames(1)
        assert "YOU PLAY" in widgets.TEXT_LOG and gs.world.actor("UZ").name in widgets.TEXT_LOG
    finally:
        widgets.TEXT_LOG = None
    d.click("framing_border_incident")
    d.end_turn(None)                                          # the turn runs; KG again
    _take_seat(d)
    assert d.app.session.actor == "KG"
    assert gs.map.selected == "KG-O" and gs.tab == "council" and gs.actions.framing == "internal_unrest"
    d.end_turn(None)
    _take_seat(d)
    assert gs.actions.framing == "border_incident" and gs.map.selected is None


def test_hot_seat_votes_stay_secret_until_the_session_decides():
    """Russia votes; Kazakhstan, next at the screen, sees neither the vote in the news nor in the council
    panel; once the session has decided, every vote is shown together."""
    import game.ui.widgets as widgets
    from game.engine.actions import Vote
    from game.ui.screens.council import render_council
    from game.engine.views import news_for as visible_news
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "RU", "KZ"])
    gs, g = _kyrgyzstan_asks_the_csto(d)
    assert d.app.session.actor == "RU"
    res = g.submit(Vote("RU", body="CSTO", support_up_to="none", otherwise="oppose"))
    assert res.ok
    gs.changed()
    secret = res.text
    assert any(n["text"] == secret for n in visible_news(g, "RU"))          # Russia sees its own vote
    d.end_turn(None)
    _take_seat(d)
    assert d.app.session.actor == "KZ"
    d.frames(2)
    assert not d.app.toasts or all(secret not in t for t, _, _ in d.app.toasts)
    assert secret not in gs.news.box.html_text and all(n["text"] != secret for n in visible_news(g, "KZ"))
    widgets.TEXT_LOG = []
    try:
        render_council(g, d.app.palette, 400, "KZ")
        drawn = " ".join(widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    assert "You have not voted yet" in drawn and "oppose" not in drawn.lower().replace("one opposition", "")
    assert "secret until the session has decided" in drawn
    while not any(p["body"] == "CSTO" for p in g.decisions()):
        g.end_turn()
    gs.changed()
    assert any(n["text"] == secret for n in visible_news(g, "KZ"))           # revealed with the decision
    p = next(p for p in g.decisions() if p["body"] == "CSTO")
    widgets.TEXT_LOG = []
    try:
        render_council(g, d.app.palette, 400, "KZ")
        drawn = widgets.TEXT_LOG[:]
    finally:
        widgets.TEXT_LOG = None
    assert p["votes"].get("RU") == "oppose" and "OPPOSE" in drawn


def test_f11_and_settings_switch_fullscreen():
    d = Driver()
    app = d.app
    d.key(pygame.K_F11)
    desktop = tuple(pygame.display.get_desktop_sizes()[0])
    assert app.settings.fullscreen and app.size == desktop and app.window.get_flags() & pygame.FULLSCREEN
    assert d.screen.name == "title" and d.element("new_game").rect.right <= desktop[0]
    d.key(pygame.K_F11)
    assert not app.settings.fullscreen and app.size == (1280, 720)
    assert not app.window.get_flags() & pygame.FULLSCREEN
    d.click("settings")
    d.click("fullscreen_True")
    d.click("apply")
    assert app.settings.fullscreen and app.size == desktop


def test_large_text_scale_grows_buttons_map_labels_and_panels():
    """At 1920x1080 the 150% scale makes the buttons' theme font, the map's labels, the drawn panels and
    the tooltips grow by the same factor; a window too small for it is capped."""
    from game.ui.settings import Settings, effective_scale
    from game.ui.theme import load_theme
    assert effective_scale(1.5, (1920, 1080)) == 1.5
    assert effective_scale(1.5, (1600, 900)) == 1.25 and effective_scale(1.3, (1280, 720)) == 1.0
    assert effective_scale(0.85, (1280, 720)) == 0.85
    theme = load_theme(1.5)
    assert theme["button"]["font"]["size"] == "21" and theme["label"]["font"]["size"] == "21"
    assert theme["tool_tip"]["misc"]["rect_width"] == "480"

    def measure(scale):
        from game.ui.app import App
        from game.ui.screens.title import TitleScreen
        s = Settings()
        s.ui_scale = scale
        app = App((1920, 1080), settings=s, persist=False)
        app.push(TitleScreen(app))
        from game.scenario.loader import load_scenario, shipped_scenarios
        app.start_game(load_scenario(shipped_scenarios()["kyrgyzstan_2010"]), "kyrgyzstan_2010", ["KG"])
        app.step(1 / 60)
        gs = app.top
        gs.map._place_labels()
        label_h = max(lb.surf.get_height() for lb in gs.map.labels.placed if lb.key == "KG-O")
        end = gs.find("end_turn")
        return end.font.get_point_size(), label_h, gs.find("undo").font.get_point_size()

    b1, l1, u1 = measure(1.0)
    b15, l15, u15 = measure(1.5)
    assert b15 >= round(b1 * 1.5) - 1 and u15 == round(u1 * 1.5)
    assert l15 >= l1 * 1.4


def test_large_text_reaches_dialogs_and_the_hand_over():
    """At 150% on 1920x1080 the Esc menu, the open-decisions dialog and the hand-over draw no text under 16 px."""
    from game.ui import widgets

    def sizes(d):
        seen = set()
        real = widgets._font

        def rec(sz, bold):
            seen.add(sz)
            return real(sz, bold)
        rec.cache_clear = real.cache_clear
        widgets._font = rec
        try:
            d.frames(1)
        finally:
            widgets._font = real
        for el in d.app.manager.get_sprite_group().sprites():
            if getattr(el, "visible", True) and getattr(el, "font", None) is not None and getattr(el, "text", ""):
                seen.add(el.font.get_point_size())
        return seen

    d = Driver((1920, 1080), scale=1.5)
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    assert d.screen.name == "handover" and min(sizes(d)) >= 16
    _take_seat(d)
    d.key(pygame.K_ESCAPE)
    assert d.screen.name == "esc_menu" and min(sizes(d)) >= 16
    d.key(pygame.K_ESCAPE)
    gs, g = _to_the_letter(d)
    d.key(pygame.K_RETURN)
    assert d.screen.name == "end_turn_confirm"
    assert min(sizes(d)) >= 16


def test_cut_names_end_with_an_ellipsis():
    """A name too long for its button, label or line is cut at a word with an ellipsis, and the whole
    name stays in reach (the button's tooltip, the label's full text)."""
    from game.ui import widgets
    d = Driver()
    fnt = widgets.font(14)
    cut = widgets.fit("CSTO Secretariat (Secretary-General Nikolai Bordyuzha)", fnt, 200)
    assert cut.endswith("…") and fnt.size(cut)[0] <= 200 and cut.startswith("CSTO Secretariat")
    assert widgets.fit("Osh", fnt, 200) == "Osh"
    d.click("new_game")
    buttons = [d.element(f"scenario_{sid}") for sid in ("kyrgyz_tajik_2022", "tajik_afghan_2021", "armenia_2022",
                                                         "kyrgyzstan_2010")]
    for b in buttons:                 # cut only when the whole title does not fit, and then at a word
        assert b.font.size(b.text)[0] <= b.rect.w
        if b.text != b.full_text:
            assert b.text.endswith("…") and b.full_text.startswith(b.text[:-1].rstrip())
            assert b.full_text in b.tool_tip_text
    d.click("scenario_kyrgyzstan_2010")
    d.click("choose_roles")
    labels = [el for el in d.app.manager.get_sprite_group().sprites() if getattr(el, "text", "").startswith("CSTO Secretariat (")]
    assert labels and all(el.text.endswith("…") and el.font.size(el.text)[0] <= el.rect.w for el in labels)
    # a line drawn on the screen: the hand-over names the seat in large type
    from game.scenario.loader import load_scenario, shipped_scenarios
    d.app.start_game(load_scenario(shipped_scenarios()["kyrgyzstan_2010"]), "kyrgyzstan_2010", ["CSTO_SEC", "KG"])
    _take_seat(d)
    d.end_turn(None)                                       # hand over to the secretariat
    widgets.TEXT_LOG = []
    try:
        d.frames(1)
        drawn = [t for t in widgets.TEXT_LOG if t.startswith("CSTO Secretariat")]
    finally:
        widgets.TEXT_LOG = None
    assert drawn and all(t.endswith("…") for t in drawn)
    assert widgets.font(46, True).size(drawn[0])[0] <= d.app.size[0] - widgets.px(64)


# --- issue 9: autosave, saves that keep the seat, quitting asks ---------------------------------------------
def test_every_end_turn_writes_one_rolling_autosave_that_loads():
    from game.ui.saves import autosave_path, list_saves, read_save
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    g = d.screen.game
    d.click_at(_first_allowed_visible_action(d).rect.center)
    d.end_turn()
    path = autosave_path(g)
    data = read_save(path)
    assert data["turn"] == 2 and data["seat"] == "KG" and len(data["actions"]) == 1
    d.end_turn()
    assert read_save(path)["turn"] == 3
    saves = list_saves()
    assert [s.path for s in saves] == [path] and "(autosave)" in saves[0].title      # one, overwritten
    assert not list(path.parent.glob("*.tmp"))                                       # atomic: no temporaries
    d.key(pygame.K_ESCAPE)
    d.click("load")
    d.click("save_0")
    g2 = d.screen.game
    assert g2 is not g and g2.turn == 3 and g2.indicators() == g.indicators()


def test_hot_seat_autosave_mid_turn_resumes_with_the_seat_whose_turn_it_was():
    from game.ui.saves import autosave_path, read_save
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    _take_seat(d)
    g = d.screen.game
    d.click_at(_first_allowed_visible_action(d).rect.center)      # KG acts, then hands over to UZ
    kg_ap = float(g.state.budget[0, g.world.a("KG")])
    d.end_turn(None)
    assert d.app.session.actor == "UZ" and g.turn == 1
    assert read_save(autosave_path(g))["seat"] == "UZ"
    _take_seat(d)
    d.key(pygame.K_ESCAPE)
    d.click("load")
    d.click("save_0")
    s = d.app.session
    assert s.game is not g and s.game.turn == 1
    assert s.actor == "UZ"                                         # not KG again with full action points
    assert d.screen.name == "handover"
    assert float(s.game.state.budget[0, g.world.a("KG")]) == kg_ap
    _take_seat(d)
    d.end_turn(None)                                               # UZ ends: the turn runs
    assert s.game.turn == 2 and s.actor == "KG"


def test_a_manual_save_keeps_the_seat_too():
    from game.ui.saves import list_saves, read_save
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG", "UZ"])
    _take_seat(d)
    d.end_turn(None)
    _take_seat(d)
    d.key(pygame.K_ESCAPE)
    d.click("save")
    manual = [s for s in list_saves() if "autosave" not in s.path.name]
    assert len(manual) == 1 and read_save(manual[0].path)["seat"] == "UZ"


def test_quit_asks_when_there_is_unsaved_play():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    # nothing played yet: quitting to the title asks nothing
    d.key(pygame.K_ESCAPE)
    d.click("quit_title")
    assert d.screen.name == "title"
    d.start("kyrgyzstan_2010", ["KG"])
    d.click_at(_first_allowed_visible_action(d).rect.center)
    d.key(pygame.K_ESCAPE)
    d.click("quit_title")
    assert d.screen.name == "confirm" and "without saving" in d.screen.confirm_label
    d.click("cancel")
    assert d.screen.name == "esc_menu" and d.app.session is not None
    d.key(pygame.K_ESCAPE)
    d.end_turn()                                  # the autosave holds it now: no question
    d.key(pygame.K_ESCAPE)
    d.click("quit_title")
    assert d.screen.name == "title"
    # closing the window with unsaved play asks too; confirming quits
    d.start("kyrgyzstan_2010", ["KG"])
    d.click_at(_first_allowed_visible_action(d).rect.center)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d.frames(2)
    assert d.app.running and d.screen.name == "confirm"
    d.click("confirm")
    assert not d.app.running


# --- issue 9: the instructor's (white cell's) seat and console ---------------------------------------------
def _start_with_instructor(d: Driver, humans: list[str]) -> None:
    d.start("kyrgyzstan_2010", humans, instructor=True)
    assert d.app.session.instructor


def test_the_instructors_seat_is_a_card_of_the_roles_screen():
    d = Driver()
    d.click("new_game")
    d.click("scenario_kyrgyzstan_2010")
    d.click("choose_roles")
    el = d.element("seat_INSTRUCTOR")
    assert el.ui_container is not d.screen.root and el.ui_container.get_container().rect.contains(el.rect)


def test_f9_needs_the_instructor_role():
    d = Driver()
    d.start("kyrgyzstan_2010", ["KG"])
    d.key(pygame.K_F9)
    assert d.screen.name == "game" and any("Instructor role" in t for t, _, _ in d.app.toasts)


def test_instructor_pause_blocks_end_turn_for_every_seat_and_the_top_bar_says_so():
    d = Driver()
    _start_with_instructor(d, ["KG", "UZ"])
    _take_seat(d)
    g = d.screen.game
    d.key(pygame.K_F9)
    assert d.screen.name == "instructor"
    d.click("pause")
    assert d.app.session.paused
    d.key(pygame.K_F9)                              # back to the game
    assert d.screen.name == "game"
    assert not d.element("end_turn").is_enabled
    assert "PAUSED BY THE INSTRUCTOR" in d.drawn()
    d.key(pygame.K_RETURN)
    d.click("end_turn")
    assert g.turn == 1 and d.app.session.actor == "KG" and d.screen.name == "game"
    d.key(pygame.K_F9)
    d.click("pause")                                # resume
    d.key(pygame.K_ESCAPE)
    assert d.element("end_turn").is_enabled and "PAUSED" not in d.drawn()
    d.end_turn(None)
    assert d.app.session.actor == "UZ"


def test_instructor_overview_shows_who_has_voted_but_never_the_vote():
    from game.engine.actions import Vote
    d = Driver()
    _start_with_instructor(d, ["KG", "RU", "KZ"])
    gs, g = _kyrgyzstan_asks_the_csto(d)
    assert g.submit(Vote("RU", body="CSTO", support_up_to="none", otherwise="oppose")).ok
    gs.changed()
    d.key(pygame.K_F9)
    drawn = d.drawn()
    assert "Russia  (at the screen)" in drawn
    assert "CSTO session: has voted" in drawn and "CSTO session: has not voted yet" in drawn
    assert "oppose" not in drawn.lower()


def test_instructor_inject_and_news_reach_the_log_news_debrief_and_report(tmp_path):
    from game.report import build_report, render_html
    d = Driver()
    _start_with_instructor(d, ["KG"])
    g = d.app.session.game
    d.key(pygame.K_F9)
    ev = next(e for e in g.scenario.events if e.id == "uzbek_border_pressure")
    d.click(f"inject_{ev.id}")
    d.screen.news_entry.set_text("Uzbekistan closes the border tonight")
    d.click("publish")
    entries = [e for e in g.log if e["by"] == "instructor"]
    assert [e["action"]["kind"] for e in entries] == ["instructor_inject", "instructor_inject"]
    assert entries[0]["action"]["event"] == ev.id and entries[0]["action"]["actor"] == "INSTRUCTOR"
    assert "Instructor's news: Uzbekistan closes the border tonight" in d.drawn()      # the console's list
    d.key(pygame.K_ESCAPE)
    d.frames(2)
    news = d.screen.news.box.html_text
    assert "Uzbekistan closes the border tonight" in news and ev.title in news
    d.end_turn()
    page = render_html(build_report(g))
    assert "The instructor&#x27;s injects and adjustments" in page or "The instructor's injects" in page
    assert "Uzbekistan closes the border tonight" in page
    d.key(pygame.K_ESCAPE)
    d.click("debrief")
    import game.ui.widgets as widgets
    from game.ui.screens.debrief import render_debrief
    widgets.TEXT_LOG = []
    try:
        render_debrief(d.app.session, d.app.palette, 1200)
        drawn = " ".join(widgets.TEXT_LOG)
    finally:
        widgets.TEXT_LOG = None
    assert "Instructor: Instructor's news: Uzbekistan closes the border tonight" in drawn


def test_instructor_adjust_changes_the_figure_and_is_replayed_from_the_save():
    d = Driver()
    _start_with_instructor(d, ["KG"])
    g = d.app.session.game
    r = g.world.r("KG-J")
    before = float(g.state.stability[0, r])
    d.key(pygame.K_F9)
    d.click("region_KG-J")
    d.click("figure_stability")
    d.click("adjust_m25")
    after = float(g.state.stability[0, r])
    assert after == pytest.approx(max(0.0, before - 0.25))
    assert f"stability is {after:.2f}" in d.drawn()
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_ESCAPE)
    d.click("save")
    d.key(pygame.K_ESCAPE)
    d.click("load")
    d.click("save_0")
    g2 = d.app.session.game
    assert g2 is not g and d.app.session.instructor
    assert float(g2.state.stability[0, r]) == after
    e = next(e for e in g2.log if e["by"] == "instructor")
    assert e["action"] == {"kind": "instructor_adjust", "actor": "INSTRUCTOR", "region": "KG-J",
                           "figure": "stability", "add": -0.25}
