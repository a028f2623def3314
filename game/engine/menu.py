"""The actions open to an actor right now, grouped for a menu, each with its verdict.

The UI lists these (greying out refused ones with their reason); it never builds
actions the engine does not know.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine import actions as act
from game.engine.state import SESSION_SCHEDULED, State
from game.engine.world import FRAMINGS, MANDATE_ORDER, World


@dataclass
class MenuItem:
    group: str                 # e.g. "Diplomacy", "Forces", "Borders", "Council", "Home", "Aid"
    text: str                  # button text
    action: act.Action
    verdict: act.Verdict

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed

    @property
    def tooltip(self) -> str:
        cost = self.action.cost(None)
        base = f"{self.action.help} Cost: {cost:g} action point{'s' if cost != 1 else ''}."
        return base if self.allowed else f"{base}\nNot possible: {self.verdict.reason}"


def menu_for(world: World, state: State, actor_id: str) -> list[MenuItem]:
    """Every sensible parameterisation of every action for ``actor_id``, with verdicts."""
    a = world.a(actor_id)
    actor = world.actor(actor_id)
    items: list[tuple[str, str, act.Action]] = []
    name = world.name
    states = [i for i, x in enumerate(world.actor_ids) if world.actor(x).kind in ("government", "state")]
    crisis_states = [b for b in states if len(world.regions_of(b))]

    if actor.kind == "armed_group":
        g = world.group_ids.index(actor_id)
        present = state.group_strength[0, g] > 1.0
        for r in np.flatnonzero((world.adjacency[present].sum(axis=0) > 0) & ~present):
            items.append(("Operations", f"Press into {name(world.region_ids[r])}", act.Attack(actor_id, region=world.region_ids[r])))
    if actor.kind == "government":
        for body in world.org_ids:
            org = world.org(body)
            if not org.security_role:
                continue
            for art in org.rules.articles:
                for framing in FRAMINGS:
                    items.append(("Requests", f"Ask {body} (Art. {art.number}, {framing.replace('_', ' ')})",
                                  act.RequestAssistance(actor_id, target_body=body, article=art.number, framing=framing)))
        for b in states:
            if b != a:
                items.append(("Requests", f"Ask {name(world.actor_ids[b])} for help",
                              act.RequestAssistance(actor_id, target_body=world.actor_ids[b], framing="internal_unrest")))
        for r in world.regions_of(a):
            rid = world.region_ids[r]
            items.append(("Home", f"Security operation in {name(rid)}", act.SecurityOperation(actor_id, region=rid)))
            items.append(("Home", f"State of emergency in {name(rid)}", act.DeclareEmergency(actor_id, region=rid)))
    if actor.kind in ("government", "state"):
        for body in world.org_ids:
            if world.membership[world.o(body), a] and (state.req_stage[0, :, world.b(body)] == SESSION_SCHEDULED).any():
                for level in MANDATE_ORDER:
                    for otherwise in ("abstain", "oppose"):
                        items.append(("Council", f"{body}: support up to {level.replace('_', ' ')}, else {otherwise}",
                                      act.Vote(actor_id, body=body, support_up_to=level, otherwise=otherwise)))
                items.append(("Council", f"{body}: oppose everything",
                              act.Vote(actor_id, body=body, support_up_to="none", otherwise="oppose")))
                for level in MANDATE_ORDER:
                    items.append(("Council", f"{body}: propose at most {level.replace('_', ' ')}",
                                  act.ProposeMandate(actor_id, body=body, level=level)))
        pending = np.flatnonzero(state.req_stage[0, :, world.b(actor_id)] == SESSION_SCHEDULED)
        for q in pending:
            for answer in ("none",) + MANDATE_ORDER[:3]:
                label = "Decline" if answer == "none" else answer.replace("_", " ").capitalize()
                items.append(("Council", f"Answer {name(world.actor_ids[q])}: {label}",
                              act.AnswerRequest(actor_id, requester=world.actor_ids[q], answer=answer)))
        for r in world.regions_of(a):
            if world.foreign_adjacency[r].any():
                rid = world.region_ids[r]
                items.append(("Borders", f"Reinforce the border in {name(rid)}", act.ReinforceBorder(actor_id, region=rid)))
        neighbours = sorted({int(world.region_country[m]) for r in world.regions_of(a)
                             for m in np.flatnonzero(world.foreign_adjacency[r])})
        for b in neighbours:
            other = world.actor_ids[b]
            is_open = bool(state.border_open[0, a, b])
            items.append(("Borders", f"{'Close' if is_open else 'Reopen'} the border with {name(other)}",
                          act.SetBorder(actor_id, neighbour=other, open=not is_open)))
        for b in crisis_states:
            if b == a:
                continue
            other = world.actor_ids[b]
            for aid in ("humanitarian", "equipment", "helicopters", "fuel"):
                items.append(("Aid", f"Send {aid} to {name(other)}", act.SendAid(actor_id, recipient=other, aid=aid)))
        for f in np.flatnonzero(world.force_owner == a):
            fid = world.force_ids[f]
            for r in range(len(world.region_ids)):
                rid = world.region_ids[r]
                items.append(("Forces", f"{name(fid)} → {name(rid)}", act.DeployForce(actor_id, force=fid, region=rid)))
            items.append(("Forces", f"Withdraw {name(fid)}", act.WithdrawForce(actor_id, force=fid)))
    if actor.kind in ("government", "state", "secretariat"):
        for b in crisis_states:
            other = world.actor_ids[b]
            if b != a:
                items.append(("Diplomacy", f"Mediate in {name(other)}", act.Mediate(actor_id, between=other)))
            for stance in ("support_government", "call_for_restraint", "condemn_violence", "blame_outside_forces"):
                items.append(("Diplomacy", f"On {name(other)}: {stance.replace('_', ' ')}",
                              act.PublicStatement(actor_id, stance=stance, about=other)))
    for offer in state.pending_choices:
        if offer["actor"] == actor_id:
            for i, choice in enumerate(offer["choices"]):
                items.append(("Decisions", choice.label, act.ChooseOption(actor_id, event=offer["event"], choice=i)))
    return [MenuItem(group, text, action, action.validate(world, state)) for group, text, action in items]
