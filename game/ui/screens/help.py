"""Help and glossary: the terms of the treaty and the council, and the keyboard shortcuts."""
from __future__ import annotations

import pygame
from pygame_gui.core import ObjectID
from pygame_gui.elements import UITextBox

from game.ui.screens.base import Screen
from game.ui.widgets import esc, hfont, px

GLOSSARY = [
    ("CSTO", "The Collective Security Treaty Organization: Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and "
             "Tajikistan (Uzbekistan until 2012). Founded on the Collective Security Treaty signed in Tashkent on "
             "15 May 1992."),
    ("Collective Security Council", "The CSTO's highest body: the heads of state. Requests for help are decided "
                                    "at an extraordinary session, which takes a few days to convene."),
    ("Article 2", "Consultations: when a member's security, territorial integrity or sovereignty is threatened, "
                  "members consult at once and coordinate their positions."),
    ("Article 4", "Collective defence: aggression against one member is aggression against all, and the others "
                  "give it the help it needs, including military help. In 2010 it covered outside aggression, "
                  "not an internal conflict."),
    ("Consensus", "The council decides only if no member opposes. Under the CSTO's rules of 2010 an abstention "
                  "blocks as well: one reluctant member is enough to stop a mission. A scenario can change the rule."),
    ("Mandate", "What the council agrees to, mildest first: a statement, consultations, a fact-finding mission led "
                "by the secretary-general, mediation (between members only), military-technical aid (equipment, "
                "helicopters, fuel), a collective peacekeeping force, or collective defence. Every measure the "
                "rules allow is put to the members; of those that pass, they adopt the one they value most."),
    ("Reading of the crisis", "What the council calls a crisis: a domestic affair, an armed threat to stability, "
                              "external aggression, a threat from outside, or a border incident. It weighs the "
                              "evidence, the requester's framing and the members' will together: friends accept "
                              "an ally's framing, members tied to the other side avoid naming an aggressor."),
    ("Article invoked", "A request names a treaty article; the article bounds what can be decided (Article 2 "
                        "allows consultations and aid, not troops)."),
    ("Chair", "The member chairing the Collective Security Council convenes extraordinary sessions and puts the "
              "draft decision on the table; it will not table a measure it opposes."),
    ("Commitments elsewhere", "Forces and attention a state has tied down in another war or crisis: it is less "
                              "willing to send troops and has fewer to send."),
    ("Fact-finding mission", "The secretary-general and officers go to see for themselves (Armenia, September "
                             "2022). Observers on the ground make an attacker ease off."),
    ("Attack across a border", "A state's army can shell, assault or occupy positions in a neighbour's border "
                               "region. Soldiers' deaths are counted apart from civilians'. It goes on until a "
                               "ceasefire."),
    ("Position", "Each member supports, abstains or opposes according to its interests: the fate of a friendly "
                 "government, spill-over, humanitarian concern, the alliance's credibility, cost, precedent and kin. "
                 "The council panel shows the strongest reasons."),
    ("Framing", "How a government presents its crisis: internal unrest, outside interference, terrorism, a border "
                "incident or aggression by a state. Treaty articles cover some readings and not others."),
    ("CRRF", "The Collective Rapid Reaction Forces, created in 2009: national units earmarked for the CSTO that "
             "can be sent once the council agrees. They need days to get ready and to arrive."),
    ("Peacekeeping", "A collective peacekeeping force sent with the host's consent: it guards strategic sites and "
                     "releases the host's own forces; it does not fight (Kazakhstan, January 2022)."),
    ("Bilateral request", "A government can ask one state directly instead of the organisation: that state decides "
                          "alone, without a council vote."),
    ("Displaced and refugees", "Displaced people fled their homes but stayed in the country; refugees crossed a "
                               "border. Closed borders stop refugees and trap the displaced."),
    ("Stability", "Order and trust in the state in a region, from 0 (collapse) to 1. Violence wears it down."),
    ("Control", "The share of a region the government holds."),
    ("Action points", "Each turn an actor has a budget of action points; each action says what it costs. "
                      "Refused actions cost nothing and say why."),
    ("Hot-seat", "Several people play at one screen, each taking the seat in turn. The hand-over screen hides "
                 "the game until the next player is ready; each player finds the map, tab and choices as they left "
                 "them, and a vote stays secret until its session has decided."),
    ("Seed", "The number that fixes the game's chance: the same scenario, seed and moves always give the same "
             "game. The roles screen draws a random one (type your own to replay a game); saves keep it."),
    ("Instructor", "The white cell: a role on the roles screen that plays no state. Its console (F9) pauses the "
                   "game, shows whether each seat has decided and voted (not how), injects one of the scenario's "
                   "events or a news item and adjusts a region's figures; every change is logged and shown in the "
                   "debrief and the report."),
    ("Debrief", "At the end: how each actor fared against its objectives, the charts, every council decision "
                "with its votes, and what actually happened, from the scenario's sources."),
]

KEYS = [("Enter / Space", "End turn (or hand over to the next player); if you left a decision open, the game "
                          "lists it first and Enter goes back to it"), ("Ctrl+Z", "Undo your last action this turn"),
        ("Esc", "Menu: resume, save, load, settings, end and debrief, quit"), ("F1", "This help"),
        ("F11", "Fullscreen on or off (for a projector, with Settings, UI scale 150%)"),
        ("F5", "Reload the scenario file from disk and restart it (for authors)"),
        ("F9", "The instructor's console, when the Instructor role was chosen: pause, every seat's open "
               "decisions and votes, inject an event or a news item, adjust a region's figure"),
        ("F8", "The public view for the projector (with the Instructor role): what every seat may see; its End "
               "turn ends the turn for every seat"),
        ("1 - 5", "Map overlays: control, violence, displacement, stability, plain"),
        ("+ / − or wheel", "Zoom"), ("Arrows or drag", "Pan the map"), ("Home", "Show the whole area"),
        ("A / C", "Actions tab / Council tab")]


class HelpScreen(Screen):
    name = "help"

    def build(self) -> None:
        W, H = self.app.size
        m = px(40)
        self.label((m, px(20), W - 2 * m, px(54)), "Help and glossary", "h1")
        parts = [hfont("HOW TO PLAY", 12, "#D4A73A", True) + "<br>",
                 hfont("Each turn is one or a few days. Choose actions in the Actions tab (hover any button: it says "
                       "what it does and what it costs), watch the map and the news, and press End turn. Requests "
                       "for help go to an extraordinary session of the council a few days later; the Council tab "
                       "shows each member's position and its reasons. At the end, the debrief compares your game "
                       "with what actually happened.", 15, "#E6ECF2") + "<br><br>",
                 hfont("GLOSSARY", 12, "#D4A73A", True) + "<br>"]
        for term, text in GLOSSARY:
            parts.append(hfont(esc(term), 16, "#FFFFFF", True) + "<br>" + hfont(esc(text), 14, "#C9D3DD") + "<br><br>")
        parts.append(hfont("KEYBOARD", 12, "#D4A73A", True) + "<br>")
        for k, t in KEYS:
            parts.append(hfont(esc(k), 14, "#FFFFFF", True) + hfont("   " + esc(t), 14, "#C9D3DD") + "<br>")
        UITextBox("".join(parts), pygame.Rect(m, px(84), W - 2 * m, H - px(84) - px(90)), manager=self.app.manager,
                  container=self.root, object_id=ObjectID("#glossary", "@boxed"))
        self.button((W - m - px(160), H - px(70), px(160), px(46)), "Back", self.app.pop, oid="back",
                    cls="primary", tip="Close the help (Esc or F1)")

    def handle_event(self, event) -> None:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_F1):
            self.app.pop()
