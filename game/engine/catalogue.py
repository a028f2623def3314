"""The one catalogue of possible actions: the human menu and the AI both draw on it.

``catalogue`` lists every sensible parameterisation of every action an actor could take in
this scenario, grouped and labelled for a menu. Items that depend on the moment (votes while a
session is pending, answers to a plea, an event's choices, naming the current adversary) come
from ``moment_items``. The AI scores the same items (game/engine/ai.py); the UI shows them with
their verdicts (game/engine/menu.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine import actions as act
from game.engine.state import SESSION_SCHEDULED, State
from game.engine.world import FRAMING_CLAIMS, FRAMINGS, LEVEL_OF, MANDATE_ORDER, SITUATIONS, STATE_KINDS, World

STANCES = ("support_government", "call_for_restraint", "condemn_violence", "blame_outside_forces")
ANSWERS = ("none", "statement", "consultations", "logistics_support", "peacekeeping")


@dataclass(frozen=True)
class Item:
    group: str                 # "Requests", "Council", "Home", "Borders", "Aid", "Forces", "Diplomacy", ...
    text: str                  # as a menu shows it
    action: act.Action


def best_article(world: World, org_id: str, situation: str) -> int | None:
    """The article in force that covers a situation with the strongest measure (by what it covers, not its number)."""
    org = world.org(org_id)
    best, best_level = None, 0
    for art in org.rules.articles:
        if situation in art.covers or "threat_consultation" in art.covers:
            level = LEVEL_OF[art.max_mandate] + (0.5 if situation in art.covers else 0.0)
            if level > best_level:
                best, best_level = art.number, level
    return best


def states_of(world: World) -> list[int]:
    return [i for i, x in enumerate(world.actor_ids) if world.actor(x).kind in STATE_KINDS]


def neighbours_of(world: World, a: int) -> list[int]:
    """States whose regions border actor ``a``'s regions."""
    return sorted({int(world.region_country[m]) for r in world.regions_of(a)
                   for m in np.flatnonzero(world.foreign_adjacency[r])})


def possible_adversaries(world: World, a: int) -> list[int]:
    """States that could be named as the other side: neighbours, and sponsors of armed groups."""
    out = set(neighbours_of(world, a)) | {int(s) for s in world.group_sponsor if s >= 0}
    out.discard(a)
    return sorted(x for x in out if world.is_state[x])


def catalogue(world: World, actor_id: str, player: bool = False) -> list[Item]:
    """Every action ``actor_id`` could take in this scenario (verdicts come later, from the state).

    ``player``: the menu's list, where a plea to a single state may be framed in every way that
    names no other side; the AI's pleas to states stay framed as internal unrest."""
    a = world.a(actor_id)
    actor = world.actor(actor_id)
    name = world.name
    items: list[Item] = []
    states = states_of(world)
    crisis_states = [b for b in states if len(world.regions_of(b))]

    if actor.kind == "armed_group":
        for r in range(len(world.region_ids)):
            items.append(Item("Operations", f"Press into {name(world.region_ids[r])}",
                              act.Attack(actor_id, region=world.region_ids[r])))
        return items

    if actor.kind in STATE_KINDS and len(world.regions_of(a)):
        for body in world.org_ids:
            org = world.org(body)
            if not org.security_role or not world.membership[world.o(body), a]:
                continue
            for framing in FRAMINGS:
                for adversary in [None] + possible_adversaries(world, a):
                    if adversary is None and framing == "aggression":
                        continue
                    if adversary is not None and framing == "internal_unrest":
                        continue
                    article = best_article(world, body, FRAMING_CLAIMS[framing])
                    against = world.actor_ids[adversary] if adversary is not None else None
                    vs = f" against {name(against)}" if against else ""
                    art = f"Art. {article}, " if article else ""
                    items.append(Item("Requests", f"Ask {body} ({art}{framing.replace('_', ' ')}{vs})",
                                      act.RequestAssistance(actor_id, target_body=body, article=article,
                                                            framing=framing, against=against)))
        plea_framings = [f for f in FRAMINGS if f != "aggression"] if player else ["internal_unrest"]
        for b in states:
            if b != a:
                for framing in plea_framings:
                    items.append(Item("Requests", f"Ask {name(world.actor_ids[b])} for help",
                                      act.RequestAssistance(actor_id, target_body=world.actor_ids[b],
                                                            framing=framing)))
        for r in world.regions_of(a):
            rid = world.region_ids[r]
            items.append(Item("Home", f"Security operation in {name(rid)}", act.SecurityOperation(actor_id, region=rid)))
            items.append(Item("Home", f"State of emergency in {name(rid)}", act.DeclareEmergency(actor_id, region=rid)))

    if actor.kind in STATE_KINDS:
        for body in world.org_ids:
            org = world.org(body)
            if not (org.security_role and world.membership[world.o(body), a]):
                continue
            for b in crisis_states:
                if b != a and world.membership[world.o(body), b]:
                    other = world.actor_ids[b]
                    items.append(Item("Requests", f"Call for {body} action about {name(other)}",
                                      act.RequestAssistance(actor_id, target_body=body, framing="internal_unrest",
                                                            about=other, article=best_article(world, body, "internal_unrest"))))
        for r in world.regions_of(a):
            if world.foreign_adjacency[r].any():
                rid = world.region_ids[r]
                items.append(Item("Borders", f"Reinforce the border in {name(rid)}", act.ReinforceBorder(actor_id, region=rid)))
        for b in neighbours_of(world, a):
            other = world.actor_ids[b]
            items.append(Item("Borders", f"Close the border with {name(other)}", act.SetBorder(actor_id, neighbour=other, open=False)))
            items.append(Item("Borders", f"Reopen the border with {name(other)}", act.SetBorder(actor_id, neighbour=other, open=True)))
            if world.is_state[b]:
                items.append(Item("Forces", f"Cease fire on {name(other)}", act.Ceasefire(actor_id, with_state=other)))
                for r in world.regions_of(b):
                    if world.adjacency[r, world.regions_of(a)].any():
                        rid = world.region_ids[r]
                        for mode in ("shell", "attack", "occupy"):
                            items.append(Item("Forces", f"{mode.capitalize()} {name(rid)}",
                                              act.CrossBorderAttack(actor_id, region=rid, mode=mode)))
        for b in crisis_states:
            if b == a:
                continue
            other = world.actor_ids[b]
            for aid in ("humanitarian", "equipment", "helicopters", "fuel"):
                items.append(Item("Aid", f"Send {aid} to {name(other)}", act.SendAid(actor_id, recipient=other, aid=aid)))
        for f in np.flatnonzero(world.force_owner == a):
            fid = world.force_ids[f]
            for r in range(len(world.region_ids)):
                rid = world.region_ids[r]
                items.append(Item("Forces", f"{name(fid)} to {name(rid)}", act.DeployForce(actor_id, force=fid, region=rid)))
            items.append(Item("Forces", f"Withdraw {name(fid)}", act.WithdrawForce(actor_id, force=fid)))

    if actor.kind in STATE_KINDS + ("secretariat",):
        for b in crisis_states:
            other = world.actor_ids[b]
            if b != a:
                items.append(Item("Diplomacy", f"Mediate in {name(other)}", act.Mediate(actor_id, between=other)))
            for stance in STANCES:
                items.append(Item("Diplomacy", f"On {name(other)}: {stance.replace('_', ' ')}",
                                  act.PublicStatement(actor_id, stance=stance, about=other)))
    return items


def moment_items(world: World, state: State, actor_id: str) -> list[Item]:
    """Items that exist only now: council votes and drafts, answers to pleas, an event's choices."""
    a = world.a(actor_id)
    actor = world.actor(actor_id)
    name = world.name
    items: list[Item] = []
    if actor.kind in STATE_KINDS:
        for body in world.org_ids:
            if world.membership[world.o(body), a] and (state.req_stage[0, :, world.b(body)] == SESSION_SCHEDULED).any():
                for level in MANDATE_ORDER:
                    for otherwise in ("abstain", "oppose"):
                        items.append(Item("Council", f"{body}: support up to {level.replace('_', ' ')}, else {otherwise}",
                                          act.Vote(actor_id, body=body, support_up_to=level, otherwise=otherwise)))
                items.append(Item("Council", f"{body}: oppose everything",
                                  act.Vote(actor_id, body=body, support_up_to="none", otherwise="oppose")))
                for level in MANDATE_ORDER:
                    items.append(Item("Council", f"{body}: propose at most {level.replace('_', ' ')}",
                                      act.ProposeMandate(actor_id, body=body, level=level)))
        pending = np.flatnonzero(state.req_stage[0, :, world.b(actor_id)] == SESSION_SCHEDULED)
        for q in pending:
            for answer in ANSWERS:
                label = "Decline" if answer == "none" else answer.replace("_", " ").capitalize()
                items.append(Item("Council", f"Answer {name(world.actor_ids[q])}: {label}",
                                  act.AnswerRequest(actor_id, requester=world.actor_ids[q], answer=answer)))
    for offer in state.pending_choices:
        if offer["actor"] == actor_id:
            for i, choice in enumerate(offer["choices"]):
                items.append(Item("Decisions", choice.label, act.ChooseOption(actor_id, event=offer["event"], choice=i)))
    return items


__all__ = ["Item", "catalogue", "moment_items", "best_article", "FRAMING_CLAIMS", "SITUATIONS"]
