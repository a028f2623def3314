"""The intervention decision process, stage by stage.

request -> secretary-general's assessment -> extraordinary session convened or not
-> each member's position -> vote under the decision rule -> mandate -> force
generation. Every stage computes numbers for all runs at once and, for the game's
own run (run 0), a record with a sentence of reasons. A request to a single state
(a bilateral plea) runs the same stages with that state as the only decider.
"""
from __future__ import annotations

import math

import numpy as np

from game.engine.positions import TROOP_LEVEL, crisis_view, explain, member_utility
from game.engine.state import AT_HOME, ANSWERED, DEPLOYED, IN_TRANSIT, SESSION_SCHEDULED, State
from game.engine.world import FRAMINGS, LEVEL_OF, LEVELS, OUTCOMES, SITUATIONS, World

OUTCOME_OF_LEVEL = {0: "declined", 1: "consultations", 2: "logistics_support", 3: "peacekeeping",
                    4: "collective_defence"}
SITUATION_TEXT = {
    "internal_unrest": "a domestic affair (internal unrest)",
    "armed_threat_to_stability": "an armed threat to the member's stability",
    "external_aggression": "external aggression",
    "external_threat": "a threat from outside, but no armed attack yet",
}
#: Below this severity (violence or organised armed presence) there is no attack, only a threat.
ATTACK_THRESHOLD = 0.1


def _outcome(state: State, b: int, mask: np.ndarray, name: str) -> None:
    code = OUTCOMES.index(name)
    state.outcome[mask, b] = code
    state.outcome_ever[mask, b, code] = True


def due_procedures(world: World, state: State) -> list[tuple[int, int, np.ndarray]]:
    """(requester, body, run mask) of every session due this turn."""
    due = (state.req_stage == SESSION_SCHEDULED) & (state.req_session <= state.turn)
    pairs = np.argwhere(due.any(axis=0))
    return [(int(q), int(b), due[:, q, b]) for q, b in pairs]


def schedule_request(world: World, state: State, q: int, b: int, mask: np.ndarray,
                     article: int, framing: str, against: int) -> None:
    """Enter a request in the arrays; the session follows after the body's delay."""
    body = world.body_ids[b]
    delay = world.org(body).rules.session_delay_days if body in world.org_ids else 1
    turns = max(1, math.ceil(delay / world.scenario.turn_days)) if delay else 0
    state.req_stage[mask, q, b] = SESSION_SCHEDULED
    state.req_turn[mask, q, b] = state.turn
    state.req_session[mask, q, b] = state.turn + turns
    state.req_article[mask, q, b] = article
    state.req_framing[mask, q, b] = FRAMINGS.index(framing)
    state.req_against[mask, q, b] = against


def run_procedure(world: World, state: State, rng: np.random.Generator, q: int, b: int,
                  mask: np.ndarray, narrate: bool) -> dict | None:
    """Decide one request for the runs in ``mask``; return run 0's record if narrating."""
    body = world.body_ids[b]
    is_org = body in world.org_ids
    stages: list[dict] = []
    framing = FRAMINGS[int(state.req_framing[0, q, b])] if narrate else None
    article = int(state.req_article[0, q, b]) if narrate else -1
    against = int(state.req_against[0, q, b])
    crisis = crisis_view(world, state, q)
    state.req_stage[mask, q, b] = ANSWERED

    if narrate:
        stages.append({"stage": "request", "result": "received", "reasons": [
            f"{world.name(world.actor_ids[q])} asked {world.phrase(body)}"
            + (f" under Article {article}" if article > 0 else "")
            + f", framing the crisis as {framing.replace('_', ' ')}"
            + (f" against {world.name(world.actor_ids[against])}" if against >= 0 else "") + "."]})

    if is_org:
        org = world.org(body)
        members = np.flatnonzero(world.membership[world.o(body)])
        rules = org.rules
        lead = _lead_contributor(world, b)
        situation, cap, assess_reasons = _assess(world, state, rng, q, b, crisis, against)
    else:
        members = np.array([world.a(body)])
        rules = None
        lead = world.a(body)
        situation = np.where(crisis.evidence >= 0.5, np.where(
            np.maximum(crisis.violence, crisis.organised) >= ATTACK_THRESHOLD, 2, 3), 0)
        cap = np.full(state.runs, 3)
        assess_reasons = [f"A bilateral request: {world.name(body)} decides alone, "
                          "with no treaty procedure."]
    if narrate:
        stages.append({"stage": "assessment", "result": SITUATIONS[int(situation[0])],
                       "legal_cap": LEVELS[int(cap[0])], "evidence": round(float(crisis.evidence[0]), 2),
                       "reasons": assess_reasons})

    if narrate and is_org and state.proposal[0, b] < 4:
        assess_reasons = assess_reasons + [
            f"On the table: at most {LEVELS[int(state.proposal[0, b])].replace('_', ' ')}, as a member proposed."]
    # Convening: who wants at least consultations?
    domestic = (situation == 0).astype(float)
    want_count = np.zeros(state.runs)
    for m in members:
        u = sum(member_utility(world, state, m, q, 1, crisis, lead=lead,
                               contributes=_contributes(world, b, m), domestic=domestic,
                               against=against, member_of_body=is_org).values())
        want_count += (u > 0) | (m == q)
    need = rules.convene_min_members if rules else 1
    severity = np.maximum(crisis.violence, crisis.organised)
    convened = mask & (cap > 0) & ((want_count >= need) | (severity > 0.3) | (not is_org))
    no_session = mask & ~convened
    _outcome(state, b, no_session, "no_session")
    if narrate:
        if convened[0]:
            why = (f"{int(want_count[0])} of {len(members)} members wanted consultations "
                   f"(the rule asks for {need}); crisis severity {severity[0]:.2f}.") if is_org else \
                  f"{world.name(body)} weighs the plea."
        else:
            why = ("the treaty in force offers no basis for any collective measure." if cap[0] == 0 else
                   f"only {int(want_count[0])} member(s) wanted a session (the rule asks for {need}) "
                   f"and the crisis is not severe ({severity[0]:.2f}).")
        opening = ("An extraordinary session was convened: " if is_org else "") if convened[0] else "No session: "
        stages.append({"stage": "session", "result": "convened" if convened[0] else "not convened",
                       "reasons": [opening + why]})

    decided = np.zeros(state.runs, dtype=int)
    open_runs = convened.copy()
    final_votes: dict[str, str] = {}
    rounds = []
    pos_by_level: dict[int, np.ndarray] = {}
    conflict = against >= 0 and is_org and world.membership[world.o(body), against] \
        and rules.member_conflict == "mediation_only"
    for level in range(4, 0, -1):
        if not open_runs.any():
            break
        if conflict and level > 1:
            continue
        at_level = open_runs & (cap >= level) & (state.proposal[:, b] >= level)
        if not at_level.any():
            continue
        positions, detail = _positions(world, state, rng, q, b, members, level, crisis, lead,
                                       domestic, against, rules)
        pos_by_level[level] = positions
        passed = at_level & _passes(positions, rules)
        decided[passed] = level
        open_runs &= ~passed
        if narrate and at_level[0]:
            blocked_by = [world.actor_ids[m] for i, m in enumerate(members)
                          if positions[0, i] == 2 or (positions[0, i] == 1 and rules and
                                                      rules.decision == "consensus" and rules.abstention_blocks)]
            votes = {world.actor_ids[m]: ("support", "abstain", "oppose")[positions[0, i]]
                     for i, m in enumerate(members)}
            rounds.append({"level": LEVELS[level], "passed": bool(passed[0]), "votes": votes,
                           "members": detail, "blocked_by": [] if passed[0] else blocked_by})
            final_votes = votes
    declined = convened & (decided == 0)
    _outcome(state, b, declined, "declined")
    for level in range(1, 5):
        _outcome(state, b, mask & (decided == level), OUTCOME_OF_LEVEL[level])

    if narrate and convened[0]:
        for rnd in rounds:
            tally = [d["position"] for d in rnd["members"].values()]
            stages.append({"stage": "positions", "level": rnd["level"], "members": rnd["members"],
                           "result": ", ".join(f"{tally.count(p)} {p}" for p in ("support", "abstain", "oppose")),
                           "reasons": [f"{world.name(a)}: {d['position']} ({d['why']})"
                                       for a, d in rnd["members"].items()]})
            stages.append({"stage": "vote", "level": rnd["level"], "result": "passed" if rnd["passed"] else "blocked",
                           "votes": rnd["votes"], "reasons": [_vote_sentence(world, rnd, rules)]})
        if conflict:
            stages.append({"stage": "mandate", "result": "consultations", "reasons": [
                "A conflict between two members: the rules allow mediation only."]})

    forces = _generate_forces(world, state, q, b, decided, mask, members, crisis, narrate, pos_by_level)
    state.proposal[mask, b] = 4
    for key in [k for k in state.human_votes if k[1] == body]:
        del state.human_votes[key]          # a cast vote is spent once its session has decided
    _apply_measures(world, state, q, b, decided, crisis, conflict)
    if not narrate:
        return None
    outcome = OUTCOMES[int(state.outcome[0, b])]
    if convened[0]:
        level = int(decided[0])
        stages.append({"stage": "mandate", "result": outcome, "reasons": [_mandate_sentence(world, body, level)]})
        if level >= TROOP_LEVEL or forces:
            stages.append({"stage": "force_generation", "result": f"{len(forces)} contingent(s)",
                           "forces": forces, "reasons": [_forces_sentence(world, forces)]})
    for st in stages:
        st["label"] = _stage_label(st, is_org, world.name(body))
    requester = world.name(world.actor_ids[q])
    summary = (f"{body}: {outcome.replace('_', ' ')} on the request of {requester}." if is_org else
               f"{world.name(body)} answers {requester}'s plea: {outcome.replace('_', ' ')}.")
    return {
        "turn": state.turn, "date": world.date_of_turn(state.turn).isoformat(), "body": body,
        "body_kind": "organisation" if is_org else "state", "summary": summary,
        "requested_by": world.actor_ids[q], "article": article if article > 0 else None,
        "framing": framing, "against": world.actor_ids[against] if against >= 0 else None,
        "stages": stages, "votes": final_votes, "outcome": outcome,
    }


def _stage_label(stage: dict, is_org: bool, body_name: str) -> str:
    """A heading for a stage, worded for an organisation or for a single state."""
    level = stage.get("level", "").replace("_", " ")
    if is_org:
        return {"request": "Request", "assessment": "The secretary-general's assessment",
                "session": "Extraordinary session", "positions": f"Members' positions on {level}",
                "vote": f"Vote on {level}", "mandate": "Mandate",
                "force_generation": "Force generation"}[stage["stage"]]
    return {"request": "Request", "assessment": "Legal basis", "session": f"{body_name} considers it",
            "positions": f"{body_name}'s view of {level}", "vote": f"Decision on {level}",
            "mandate": "Answer", "force_generation": "Forces sent"}[stage["stage"]]


def _lead_contributor(world: World, b: int) -> int:
    """The member with the most troops earmarked for the organisation."""
    o = b
    earmarked = world.org_forces[o]
    if not earmarked.any():
        return -1
    totals = np.zeros(len(world.actor_ids))
    np.add.at(totals, world.force_owner[earmarked], world.force_strength[earmarked])
    return int(np.argmax(totals))


def _contributes(world: World, b: int, m: int) -> bool:
    body = world.body_ids[b]
    if body in world.org_ids:
        return bool((world.org_forces[world.o(body)] & (world.force_owner == m)).any())
    return bool((world.force_owner == m).any())


def _assess(world, state, rng, q, b, crisis, against):
    """The secretary-general's assessment: what the situation is and what the treaty allows."""
    org = world.org(world.body_ids[b])
    R = state.runs
    framing = state.req_framing[:, q, b]
    sec = world.a(org.secretariat) if org.secretariat else -1
    deference = world.interests[sec, 0] if sec >= 0 else 0.0
    claims_outside = (framing == FRAMINGS.index("outside_interference")) | (framing == FRAMINGS.index("terrorism"))
    perceived = crisis.evidence + 0.15 * deference * claims_outside + rng.normal(0, 0.06, R)
    external = perceived >= 0.5
    armed = crisis.organised >= 0.5
    attacked = np.maximum(crisis.violence, crisis.organised) >= ATTACK_THRESHOLD
    situation = np.where(external, np.where(attacked, 2, 3), np.where(armed, 1, 0))
    member = world.membership[world.o(org.id), q]
    cap = np.zeros(R, dtype=int)
    covering: list[list[int]] = [[] for _ in SITUATIONS]
    for s_i, s in enumerate(SITUATIONS):
        levels = [LEVEL_OF[a.max_mandate] for a in org.rules.articles if s in a.covers and s != "external_threat"]
        consult = [LEVEL_OF[a.max_mandate] for a in org.rules.articles if "threat_consultation" in a.covers]
        best = max(levels + consult + [0])
        covering[s_i] = [a.number for a in org.rules.articles if s in a.covers or "threat_consultation" in a.covers]
        cap[situation == s_i] = best
    if not member:
        cap[:] = 0
    s0 = int(situation[0])
    reasons = [f"Evidence of outside direction {crisis.evidence[0]:.2f}, weighed at {perceived[0]:.2f} "
               f"(0.5 or more means external); organised armed threat {crisis.organised[0]:.2f}.",
               f"The secretary-general calls it {SITUATION_TEXT[SITUATIONS[s0]]}."]
    if not member:
        reasons.append(f"{world.name(world.actor_ids[q])} is not a member: the treaty gives it no claim.")
    elif covering[s0]:
        arts = ", ".join(str(n) for n in sorted(set(covering[s0])))
        reasons.append(f"Articles that apply: {arts}; the strongest measure they allow: "
                       f"{LEVELS[int(cap[0])].replace('_', ' ')}.")
    else:
        reasons.append("No article in force covers this situation.")
    requested = int(state.req_article[0, q, b])
    if requested > 0 and member:
        art = next((a for a in org.rules.articles if a.number == requested), None)
        if art is None:
            reasons.append(f"Article {requested} is not among the articles in force.")
        elif SITUATIONS[s0] not in art.covers and "threat_consultation" not in art.covers:
            reasons.append(f"Article {requested} ({art.name}) does not cover {SITUATION_TEXT[SITUATIONS[s0]]}.")
    return situation, cap, reasons


def _positions(world, state, rng, q, b, members, level, crisis, lead, domestic, against, rules):
    """(R, M) positions 0 support / 1 abstain / 2 oppose, and run 0's detail."""
    R = state.runs
    th = rules.position_threshold if rules else 0.12
    sigma = rules.position_noise if rules else 0.08
    out = np.zeros((R, len(members)), dtype=int)
    detail = {}
    body = world.body_ids[b]
    for i, m in enumerate(members):
        terms = member_utility(world, state, m, q, level, crisis, lead=lead,
                               contributes=_contributes(world, b, m), domestic=domestic, against=against,
                               member_of_body=rules is not None)
        u = sum(terms.values()) + rng.normal(0.0, sigma, R) * (m != q)
        pos = np.where(u > th, 0, np.where(u < -th, 2, 1))
        human = state.human_votes.get((world.actor_ids[m], body))
        source = "AI"
        if human is not None:
            up_to, otherwise = human
            pos[:] = 0 if level <= up_to else (1 if otherwise == "abstain" else 2)
            source = "player"
        out[:, i] = pos
        detail[world.actor_ids[m]] = {
            "position": ("support", "abstain", "oppose")[pos[0]], "utility": round(float(u[0]), 3),
            "terms": {k: round(float(v[0]), 3) for k, v in terms.items()},
            "why": explain(terms) if source == "AI" else "decided by the player", "by": source}
    return out, detail


def _passes(positions: np.ndarray, rules) -> np.ndarray:
    support = (positions == 0).sum(axis=1)
    abstain = (positions == 1).sum(axis=1)
    oppose = (positions == 2).sum(axis=1)
    if rules is None:
        return support > 0
    if rules.decision == "majority":
        return support > oppose
    blocked = (oppose > 0) | ((abstain > 0) & rules.abstention_blocks)
    return ~blocked & (support > 0)


def _vote_sentence(world, rnd, rules) -> str:
    level = rnd["level"].replace("_", " ")
    counts = {p: sum(v == p for v in rnd["votes"].values()) for p in ("support", "abstain", "oppose")}
    tally = f"{counts['support']} for, {counts['abstain']} abstaining, {counts['oppose']} against"
    if rnd["passed"]:
        return f"{level.capitalize()}: adopted ({tally})."
    who = ", ".join(world.name(a) for a in rnd["blocked_by"]) or "nobody in favour"
    rule = ""
    if rules and rules.decision == "consensus":
        rule = " under consensus, where an abstention also blocks" if rules.abstention_blocks else \
            " under consensus (abstentions do not block)"
    return f"{level.capitalize()}: blocked by {who}{rule} ({tally})."


def _mandate_sentence(world, body, level) -> str:
    if level == 0:
        return f"{world.phrase(body, capital=True)} agreed on nothing: the request is declined."
    text = {1: "consultations only: statements and diplomatic support",
            2: "first-level measures: equipment, helicopters, vehicles, fuel and help with humanitarian needs, but no troops",
            3: "a peacekeeping and guard mission with troops",
            4: "collective defence with the full use of force"}[level]
    return f"{world.phrase(body, capital=True)} decided on {text}."


def _forces_sentence(world, forces) -> str:
    if not forces:
        return "No contingent was ready or offered: nothing is sent."
    parts = [f"{f['name']} ({f['strength']:,} troops, arriving {f['arrives']})" for f in forces]
    return "Sent: " + "; ".join(parts) + "."


def _generate_forces(world, state, q, b, decided, mask, members, crisis, narrate, pos_by_level):
    """Dispatch contingents for troop mandates; return run 0's list of dispatched forces."""
    body = world.body_ids[b]
    if body in world.org_ids:
        candidates = np.flatnonzero(world.org_forces[world.o(body)])
    else:
        candidates = np.flatnonzero(world.force_owner == world.a(body))
        candidates = candidates[np.argsort(world.force_readiness[candidates], kind="stable")][:3]
    if len(crisis.regions) == 0:
        return []
    hot = crisis.regions[np.argmax(state.violence[:, crisis.regions]
                                   + 0.001 * state.group_strength.sum(axis=1)[:, crisis.regions], axis=1)]
    member_index = {int(m): i for i, m in enumerate(members)}
    supported = np.zeros((state.runs, len(world.actor_ids)), dtype=bool)
    for level, positions in pos_by_level.items():
        at = decided == level
        for m, i in member_index.items():
            supported[at, m] = positions[at, i] == 0
    out = []
    for f in candidates:
        owner = world.force_owner[f]
        if body in world.org_ids and owner not in member_index:
            continue
        willing = supported[:, owner] if body in world.org_ids else True
        home = world.force_home_region[f]
        ready = (state.force_status[:, f] == AT_HOME) | (
            (state.force_status[:, f] == DEPLOYED) & (state.force_location[:, f] == home) & (home >= 0))
        go = mask & willing & (decided >= TROOP_LEVEL) & ready & (hot != home)
        if not go.any():
            continue
        transit = 1.0 if world.force_home_region[f] >= 0 else 2.0
        days = world.force_readiness[f] + transit
        turns = max(1, math.ceil(days / world.scenario.turn_days))
        state.force_status[go, f] = IN_TRANSIT
        state.force_destination[go, f] = hot[go]
        state.force_arrival[go, f] = state.turn + turns
        state.force_body[go, f] = b
        if narrate and go[0]:
            fid = world.force_ids[f]
            out.append({"force": fid, "name": world.name(fid), "owner": world.actor_ids[owner],
                        "strength": int(state.force_strength[0, f]),
                        "readiness_days": int(world.force_readiness[f]),
                        "to": world.region_ids[int(hot[0])],
                        "arrives": world.date_of_turn(state.turn + turns).isoformat()})
    return out


def _apply_measures(world, state, q, b, decided, crisis, conflict) -> None:
    """Non-troop measures take effect at once: talks calm tension, logistics equip the state."""
    regs = crisis.regions
    if len(regs) == 0:
        return
    consult = decided >= 1
    calm = 0.95 if not conflict else 0.85
    state.tension[np.ix_(consult, regs)] *= calm
    logistics = decided >= 2
    state.equipment[logistics, q] = np.minimum(state.equipment[logistics, q] + 0.3, 1.0)
    state.aid[np.ix_(logistics, regs)] += 0.2
