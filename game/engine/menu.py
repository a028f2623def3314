"""The actions open to an actor right now, grouped for a menu, each with its verdict.

The UI lists these (greying out refused ones with their reason); it never builds actions the
engine does not know. The items come from the one catalogue the AI also uses
(game/engine/catalogue.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from game.engine import actions as act
from game.engine.catalogue import catalogue, moment_items
from game.engine.state import State
from game.engine.world import World


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
    cache = world.__dict__.setdefault("_catalogue_cache", {})
    if actor_id not in cache:
        cache[actor_id] = catalogue(world, actor_id, player=True)
    items = cache[actor_id] + moment_items(world, state, actor_id)
    order = ("Decisions", "Council", "Requests", "Home", "Borders", "Forces", "Aid", "Diplomacy", "Operations")
    items = sorted(items, key=lambda i: order.index(i.group) if i.group in order else len(order))
    return [MenuItem(i.group, i.text, i.action, i.action.validate(world, state)) for i in items]
