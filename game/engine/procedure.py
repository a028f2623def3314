"""The intervention decision process, stage by stage.

request -> the council's reading of the crisis (evidence, the requester's framing and the
members' will weighed together) -> what the treaty allows (the reading's articles, bounded by
the article invoked) -> extraordinary session (the chair convenes) -> the chair's draft and
each member's position -> vote under the decision rule -> mandate -> force generation.

Every stage is computed for all runs at once from each run's own state; the sentences of the
game's own run (run 0) are built from those decisions afterwards. A plea to a single state
runs the same stages with that state as the only decider and no treaty.
"""
from __future__ import annotations

import math

import numpy as np

from game.engine import positions as pos
from game.engine.positions import (AID_LEVEL, DEFENCE_LEVEL, MEDIATION_LEVEL, REASON_CODES, REASON_INDEX,
                                   REASON_LABELS, TROOP_LEVEL, Context, crisis_severity, crisis_view, explain,
                                   member_utility, spillover_threat)
from game.engine.state import AT_HOME, ANSWERED, DEPLOYED, IN_TRANSIT, SESSION_SCHEDULED, DrawsFor, State, few_runs
from game.engine.world import FRAMING_CLAIMS, FRAMINGS, LEVEL_OF, LEVELS, OUTCOMES, SITUATIONS, World

SITUATION_TEXT = {
    "internal_unrest": "a domestic affair (internal unrest)",
    "armed_threat_to_stability": "an armed threat to the member's stability",
    "external_aggression": "external aggression",
    "external_threat": "a threat from outside, but no armed attack yet",
    "border_incident": "a border incident whose responsibility is disputed",
}
LEVEL_TEXT = {
    1: "a statement: concern, solidarity and a call for restraint",
    2: "consultations under the treaty: members coordinate their positions",
    3: "a fact-finding and monitoring mission led by the secretary-general",
    4: "mediation between the parties",
    5: "military-technical aid: equipment, helicopters, vehicles, fuel and help with humanitarian needs, but no troops",
    6: "a collective peacekeeping force to guard strategic sites, not to fight",
    7: "collective defence with the full use of force",
}
SUPPORT, ABSTAIN, OPPOSE = 0, 1, 2


def _outcome(state: State, b: int, mask: np.ndarray, name: str) -> None:
    code = OUTCOMES.index(name)
    state.outcome[mask, b] = code
    first = mask & ~state.outcome_ever[:, b, code]
    state.outcome_turn[first, b, code] = state.turn
    state.outcome_ever[mask, b, code] = True


def due_procedures(world: World, state: State) -> list[tuple[int, int, np.ndarray]]:
    """(requester, body, run mask) of every session due this turn."""
    scheduled = state.req_stage == SESSION_SCHEDULED
    if not scheduled.any():
        return []
    due = scheduled & (state.req_session <= state.turn)
    pairs = np.argwhere(due.any(axis=0))
    return [(int(q), int(b), due[:, q, b]) for q, b in pairs]


def schedule_request(world: World, state: State, q: int, b: int, mask: np.ndarray,
                     article: int, framing: str, against: int, about: int = -1) -> None:
    """Enter a request in the arrays; the session follows after the body's delay.

    An urgent crisis (severity at least ``urgent_severity``) is taken up within a day, as the
    extraordinary sessions of January and September 2022 were.
    """
    body = world.body_ids[b]
    about = q if about < 0 else about
    delay = world.org(body).rules.session_delay_days if body in world.org_ids else 1
    runs = few_runs(mask)
    urgent = crisis_severity(world, state if runs is None else state.part(runs), about) >= world.k.urgent_severity
    days = np.where(urgent, min(delay, 1), delay)
    # A delay in days falls in the nearest turn: a session due tomorrow sits at this turn's councils when a
    # turn lasts three days or more, so a longer turn does not postpone every decision by a whole turn.
    turns = np.floor(days / world.scenario.turn_days + 0.5).astype(np.int64)
    state.req_stage[mask, q, b] = SESSION_SCHEDULED
    state.req_turn[mask, q, b] = state.turn
    state.req_session[mask, q, b] = state.turn + (turns if runs is not None else turns[mask])
    state.req_article[mask, q, b] = article
    state.req_framing[mask, q, b] = FRAMINGS.index(framing)
    state.req_against[mask, q, b] = against
    state.req_about[mask, q, b] = about


def run_procedure(world: World, state: State, rng: np.random.Generator, q: int, b: int,
                  mask: np.ndarray, narrate: bool) -> dict | None:
    """Decide the request of ``q`` to body ``b`` in the runs of ``mask``; run 0's record if narrating."""
    record = None
    abouts = state.req_about[:, q, b]
    for c in np.unique(abouts[mask]):                 # in practice one; never mix runs' data
        sub = mask & (abouts == c)
        runs = few_runs(sub)
        if runs is None:
            rec = Decision(world, state, rng, q, b, int(c), sub).run()
        else:                                         # decided on those runs alone, then written back
            part = state.part(runs)
            rec = Decision(world, part, DrawsFor(rng, state.runs, runs), q, b, int(c),
                           np.ones(len(runs), dtype=bool)).run()
            state.put(runs, part)
        if narrate and sub[0]:
            record = rec.narrate()
    state.req_stage[mask, q, b] = ANSWERED
    state.proposal[mask, b] = len(LEVELS) - 1
    body = world.body_ids[b]
    for key in [k for k in state.human_votes if k[1] == body]:
        del state.human_votes[key]          # a cast vote is spent once its session has decided
    return record


class Decision:
    """One body's decision on one request, for the runs in ``mask``."""

    def __init__(self, world, state, rng, q, b, c, mask):
        self.world, self.state, self.rng = world, state, rng
        self.q, self.b, self.c, self.mask = q, b, c, mask
        self.body = world.body_ids[b]
        self.is_org = self.body in world.org_ids
        self.R = state.runs
        self.article = state.req_article[:, q, b].copy()
        self.framing = state.req_framing[:, q, b].copy()
        against = state.req_against[:, q, b]
        self.crisis = crisis_view(world, state, c)
        self.adversary = np.where(against >= 0, against, self.crisis.adversary)
        if self.is_org:
            o = world.o(self.body)
            self.org = world.org(self.body)
            self.rules = self.org.rules
            self.members = np.flatnonzero(world.membership[o])
            self.contributors = np.zeros(len(world.actor_ids), dtype=bool)
            self.contributors[world.force_owner[world.org_forces[o]]] = True
            self.lead = _lead_contributor(world, o)
            self.chair = world.org_chair[o]
        else:
            self.org, self.rules = None, None
            me = world.a(self.body)
            self.members = np.array([me])
            self.contributors = np.zeros(len(world.actor_ids), dtype=bool)
            self.contributors[me] = bool((world.force_owner == me).any())
            self.lead, self.chair = me, -1
        self.th = self.rules.position_threshold if self.rules else 0.0
        self.sigma = self.rules.position_noise if self.rules else world.k.plea_noise
        # One judgement per member and decision: the random part is the same at every level.
        self.judgement = rng.normal(0.0, self.sigma, (self.R, len(self.members)))
        self.spillover: dict[int, np.ndarray] = {}      # member -> its spillover threat (``utility``)

    # --- the stages ---------------------------------------------------------------------------
    def run(self) -> "Decision":
        w, s = self.world, self.state
        self.read_crisis()
        self.legal_cap()
        self.convene()
        self.vote()
        _outcome(s, self.b, self.mask & ~self.convened, "no_session")
        _outcome(s, self.b, self.convened & (self.decided == 0), "declined")
        for level in range(1, len(LEVELS)):
            _outcome(s, self.b, self.mask & (self.decided == level), LEVELS[level])
        self.record_reasons()
        self.forces = _generate_forces(w, s, self)
        _apply_measures(w, s, self)
        return self

    def context(self, reading: np.ndarray, obliges: np.ndarray) -> Context:
        return Context(requester=self.q, crisis=self.crisis, reading=reading, obliges=obliges,
                       adversary=self.adversary, collective=self.is_org,
                       treaty=self.is_org or self._mutual_defence(), lead=self.lead,
                       contributors=self.contributors)

    def read_crisis(self) -> None:
        """The reading: evidence, the requester's claim and the members' will, weighed together."""
        w, k, cr, R = self.world, self.world.k, self.crisis, self.R
        plaus = np.zeros((R, len(SITUATIONS)))
        plaus[:] = plausibility(w, cr)
        framing = np.maximum(self.framing, 0)
        claimed = np.array([SITUATIONS.index(FRAMING_CLAIMS[f]) for f in FRAMINGS])[framing]
        outside = (framing == FRAMINGS.index("outside_interference")) & ((cr.attack > 0) | (cr.evidence >= 0.5))
        claimed = np.where(outside, pos.AGGRESSION, claimed)
        self.claimed = claimed
        # Who defers to the claim: the secretary-general (or the state asked), by its tie to the requester.
        judge = w.a(self.org.secretariat) if self.is_org and self.org.secretariat else (
            -1 if self.is_org else self.members[0])
        deference = 0.0 if judge < 0 else w.interests[judge, pos.K["regime_security"]] * (
            0.5 + 0.5 * max(w.ties[judge, self.q], 0.0))
        # The members' will: their mean utility for troops were the claim accepted, leaving out the
        # duty that accepting it would create (that duty is what an unwilling council reads its way out of).
        self.obliging = np.array([self._covered_level(s_i) >= TROOP_LEVEL for s_i in range(len(SITUATIONS))])
        others = [m for m in self.members if m not in (self.q, self.c)]
        if others:
            ctx = self.context(claimed, np.zeros(R, dtype=bool))
            wills = []
            for m in others:
                vote = self.state.human_votes.get((w.actor_ids[m], self.body))
                if vote is not None:           # a player's declared vote is its will
                    wills.append(np.full(R, k.player_will if vote[0] >= TROOP_LEVEL else -k.player_will))
                else:
                    wills.append(sum(self.utility(m, TROOP_LEVEL, ctx).values()))
            will = np.mean(wills, axis=0)
        else:
            will = np.zeros(R)
        self.will = will
        score = plaus.copy()
        score[np.arange(R), claimed] += k.claim_weight * deference
        score += k.will_weight * np.tanh(will / k.will_scale)[:, None] * self.obliging[None, :]
        score += self.rng.normal(0.0, k.reading_noise, score.shape)
        self.plausibility, self.deference = plaus, deference
        self.reading = np.argmax(score, axis=1)

    def utility(self, member: int, level: int, ctx: Context) -> dict[str, np.ndarray]:
        """``member_utility``, with the member's spillover threat found once per decision (the state
        does not change while the members weigh the measures)."""
        if member not in self.spillover:
            self.spillover[member] = spillover_threat(self.world, self.state, member, ctx.crisis)
        return member_utility(self.world, self.state, member, level, ctx, self.spillover[member])

    def _covered_level(self, situation: int) -> int:
        """The strongest measure that articles in force allow for a reading (0 for a state asked)."""
        if not self.is_org:
            return DEFENCE_LEVEL if self._mutual_defence() else TROOP_LEVEL
        name = SITUATIONS[situation]
        best = 0
        for art in self.rules.articles:
            if name in art.covers or "threat_consultation" in art.covers:
                best = max(best, LEVEL_OF[art.max_mandate])
        return best

    def _mutual_defence(self) -> bool:
        ids = {self.world.actor_ids[self.q], self.body}
        return any(ag.kind == "mutual_defence" and ids <= set(ag.parties) for ag in self.world.scenario.agreements)

    def legal_cap(self) -> None:
        """What the rules allow: the reading's articles, the article invoked, consent, member conflict."""
        w, R = self.world, self.R
        by_reading = np.array([self._covered_level(s_i) for s_i in range(len(SITUATIONS))])
        cap = by_reading[self.reading]
        self.cap_reason = np.full(R, REASON_INDEX["legal_basis"])
        if self.is_org:
            member = w.membership[w.o(self.body), self.q]
            if not member:
                cap[:] = 0
            arts = {a.number: LEVEL_OF[a.max_mandate] for a in self.rules.articles}
            invoked = np.array([arts.get(int(n), len(LEVELS) - 1) for n in self.article])
            cap = np.minimum(cap, invoked)
            self.cap_reason = np.where(self.reading != self.claimed, REASON_INDEX["reading"], self.cap_reason)
        if self.c != self.q:
            # A call about another member's domestic affair: without its own request, words and
            # consultations at most. (Against a threat from outside, its own vote is its consent.)
            consent = LEVEL_OF["consultations"]
            limit = (self.reading == pos.INTERNAL) & (cap > consent)
            self.cap_reason = np.where(limit, REASON_INDEX["host_consent"], self.cap_reason)
            cap = np.where(limit, consent, cap)
        adversary_member = np.zeros(R, dtype=bool)
        if self.is_org:
            adv = np.maximum(self.adversary, 0)
            adversary_member = (self.adversary >= 0) & w.membership[w.o(self.body), adv]
            if self.rules.member_conflict == "mediation_only":
                capped = adversary_member & (cap > MEDIATION_LEVEL)
                self.cap_reason = np.where(adversary_member, REASON_INDEX["member_conflict"], self.cap_reason)
                cap = np.where(capped, MEDIATION_LEVEL, cap)
        # Mediation is for conflicts between states the body can stand between: among members,
        # or, for a single state, between two others.
        self.mediation_open = adversary_member if self.is_org else (self.adversary >= 0) & (self.adversary != self.lead)
        self.member_conflict = adversary_member
        self.cap = np.where(self.mask, cap, 0)
        self.obliges = self.obliging[self.reading] & (self.cap >= TROOP_LEVEL)
        self.ctx = self.context(self.reading, self.obliges)

    def convene(self) -> None:
        """An extraordinary session meets if enough members want one, or the chair convenes it."""
        k = self.world.k
        consult = LEVEL_OF["consultations"]
        utilities = {int(m): sum(self.utility(m, consult, self.ctx).values()) for m in self.members}
        want = sum(((u > 0) | (m == self.q)).astype(int) for m, u in utilities.items())
        self.want_count = want
        self.need = self.rules.convene_min_members if self.rules else 1
        chair_ok = np.ones(self.R, dtype=bool) if self.chair < 0 or self.chair not in utilities \
            else utilities[self.chair] > -self.th
        self.chair_ok = chair_ok
        urgent = (self.crisis.severity >= k.convene_severity) & chair_ok
        if self.is_org:
            self.convened = self.mask & (self.cap > 0) & ((want >= self.need) | urgent)
        else:
            self.convened = self.mask & (self.cap > 0)

    def vote(self) -> None:
        """Each measure the rules allow is drafted and put to the members; of those that pass, the
        council adopts the one the members other than the requester value most (the chair drafts
        what can pass and what its colleagues prefer, not simply the strongest thing allowed)."""
        k, s, R = self.world.k, self.state, self.R
        self.decided = np.zeros(R, dtype=int)
        best_value = np.full(R, -np.inf)
        self.rounds: dict[int, dict] = {}
        proposal = s.proposal[:, self.b]
        others = np.array([m not in (self.q, self.c) for m in self.members])
        for level in range(len(LEVELS) - 1, 0, -1):
            if level == MEDIATION_LEVEL and not self.mediation_open.any():
                continue
            at = self.convened & (self.cap >= level) & (proposal >= level)
            if level == MEDIATION_LEVEL:
                at &= self.mediation_open
            if not at.any():
                continue
            positions, terms, util, source = self._positions(level)
            judges = [int(m) for m in self.members[others] if source[int(m)] == "AI"] if others.any() else []
            if others.any():
                share = (positions[:, others] == SUPPORT).mean(axis=1)
                draftable = share >= k.draft_support_share
            else:
                draftable = np.ones(R, dtype=bool)
            if not self.is_org:
                me = int(self.members[0])
                value = util[me] if source[me] == "AI" else np.full(R, float(level))
            elif judges:
                value = np.mean([util[m] for m in judges], axis=0)
            else:               # players only: their votes say what can pass; the strongest is drafted
                value = np.full(R, float(level))
            if self.chair >= 0 and self.chair in self.members:
                i = list(self.members).index(self.chair)
                draftable &= positions[:, i] != OPPOSE
            passed = at & draftable & self._passes(positions)
            better = passed & (value > best_value)
            self.decided[better] = level
            best_value = np.where(better, value, best_value)
            self.rounds[level] = {"at": at, "positions": positions, "terms": terms, "utility": util,
                                  "source": source, "draftable": draftable, "passed": passed, "value": value}
        for level, rnd in self.rounds.items():
            rnd["adopted"] = rnd["passed"] & (self.decided == level)

    def _positions(self, level: int):
        """(R, M) positions, each member's terms and utility, and who decided (AI or player)."""
        w, s, R = self.world, self.state, self.R
        out = np.zeros((R, len(self.members)), dtype=int)
        terms_of, util_of, source = {}, {}, {}
        order = list(range(len(self.members)))
        lead_u = None
        if self.is_org and self.lead in self.members and self.lead not in (self.q, self.c):
            i_lead = list(self.members).index(self.lead)
            order = [i_lead] + [i for i in order if i != i_lead]
        for i in order:
            m = self.members[i]
            terms = self.utility(m, level, self.ctx)
            if lead_u is not None and m not in (self.q, self.c):
                terms["alignment"] = pos.alignment(w, m, self.lead, lead_u)
            u = sum(terms.values()) + self.judgement[:, i] * (m != self.q)
            # Consensus practice: a member that sees any gain goes along; one that sees a loss
            # stands aside (abstains) unless the loss is clear, when it objects.
            p = np.where(u > 0.0, SUPPORT, np.where(u < -self.th, OPPOSE, ABSTAIN))
            if not self.is_org:
                p = np.where(u > 0, SUPPORT, OPPOSE)
            human = s.human_votes.get((w.actor_ids[m], self.body))
            source[int(m)] = "AI"
            if human is not None:
                up_to, otherwise = human
                p[:] = SUPPORT if level <= up_to else (ABSTAIN if otherwise == "abstain" else OPPOSE)
                source[int(m)] = "player"
            out[:, i] = p
            terms_of[int(m)], util_of[int(m)] = terms, u
            if m == self.lead and self.is_org and m not in (self.q, self.c):
                lead_u = u if human is None else np.where(p == SUPPORT, 0.3, np.where(p == OPPOSE, -0.3, 0.0))
        return out, terms_of, util_of, source

    def _passes(self, positions: np.ndarray) -> np.ndarray:
        support = (positions == SUPPORT).sum(axis=1)
        abstain = (positions == ABSTAIN).sum(axis=1)
        oppose = (positions == OPPOSE).sum(axis=1)
        rules = self.rules
        if rules is None:
            return support > 0
        if rules.decision == "majority":
            return support > oppose
        blocked = (oppose > 0) | ((abstain > 0) & rules.abstention_blocks)
        return ~blocked & (support > 0)

    def record_reasons(self) -> None:
        """The two decisive reasons of each run, as codes (for the debrief and `calibrate`).

        The first is why the adopted measure was chosen: the heaviest term in favour among the
        members who backed it. The second is why the council went no further: the rule that set the
        cap when it stopped there, otherwise the heaviest term against the nearest stronger measure
        among those who kept it from being adopted. A declined request gives the two heaviest terms
        against the mildest measure; no session gives the reason there was none.
        """
        R, s = self.R, self.state
        codes = np.full((R, 2), -1, dtype=np.int64)
        index = {name: i for i, name in enumerate(REASON_CODES)}
        against = np.zeros((R, len(REASON_CODES)))
        favour = np.zeros((R, len(REASON_CODES)))
        lowest_against = np.zeros((R, len(REASON_CODES)))
        nearest_above = np.full(R, -1)
        lowest = min(self.rounds) if self.rounds else None
        for level in sorted(self.rounds):          # weakest first, so the nearest stronger level wins
            rnd = self.rounds[level]
            above = rnd["at"] & (level > self.decided) & (nearest_above < 0)
            for i, m in enumerate(self.members):
                asker = m in (self.q, self.c)
                kept_out = (rnd["positions"][:, i] != SUPPORT) | (rnd["passed"] & (not asker))
                # the crisis state's own wish is no reason; another member's initiative is one
                backing = (rnd["positions"][:, i] == SUPPORT) & (m != self.c)
                held_back, backed = above & kept_out, rnd["adopted"] & backing
                refuses = level == lowest and m != self.q     # a host that refuses is a reason
                if not (refuses or held_back.any() or backed.any()):
                    continue                                  # it would add only zeros
                terms = rnd["terms"][m]                       # each term has its own column
                cols = [index[name] for name in terms]
                values = np.stack(list(terms.values()), axis=1)
                against[:, cols] += np.where(held_back[:, None], np.minimum(values, 0.0), 0.0)
                favour[:, cols] += np.where(backed[:, None], np.maximum(values, 0.0), 0.0)
                if refuses:
                    lowest_against[:, cols] += np.minimum(values, 0.0)
            nearest_above = np.where(above, level, nearest_above)
        rows = np.arange(R)

        def top(matrix, sign):
            order = np.argsort(sign * matrix, axis=1, kind="stable")[:, :2]
            real = sign * matrix[rows[:, None], order] < 0
            return np.where(real, order, -1)

        why_this = top(favour, -1)[:, 0]
        why_not_more = np.where(nearest_above >= 0, top(against, 1)[:, 0], self.cap_reason)
        codes[:, 0] = why_this
        codes[:, 1] = why_not_more
        declined = self.convened & (self.decided == 0)
        codes[declined] = top(lowest_against, 1)[declined]
        none = ~self.convened
        codes[none, 0] = np.where(self.cap[none] == 0, REASON_INDEX["legal_basis"], REASON_INDEX["no_session"])
        codes[none, 1] = -1
        s.decisive[self.mask, self.b] = codes[self.mask]
        self.codes = codes

    # --- narration (run 0, built from the decision) -------------------------------------------
    def narrate(self) -> dict:
        w, s = self.world, self.state
        body, q = self.body, self.q
        framing = FRAMINGS[int(self.framing[0])]
        article = int(self.article[0])
        against = int(s.req_against[0, q, self.b])
        adversary = int(self.adversary[0])
        asker = w.name(w.actor_ids[q])
        stages = [{"stage": "request", "result": "received", "reasons": [
            f"{asker} asked {w.phrase(body)}" + (f" under Article {article}" if article > 0 else "")
            + (f" about {w.name(w.actor_ids[self.c])}" if self.c != q else "")
            + f", framing the crisis as {framing.replace('_', ' ')}"
            + (f" against {w.name(w.actor_ids[against])}" if against >= 0 else "") + "."]}]
        reading = SITUATIONS[int(self.reading[0])]
        cap = int(self.cap[0])
        plaus = ", ".join(f"{SITUATIONS[i].replace('_', ' ')} {self.plausibility[0, i]:.2f}"
                          for i in np.argsort(-self.plausibility[0])[:3])
        reasons = [f"The evidence: {plaus} (how well each reading fits what is happening).",
                   f"{asker} claims {SITUATION_TEXT[SITUATIONS[int(self.claimed[0])]]}"
                   + (f"; the {'secretary-general' if self.is_org else 'government asked'} gives the claim "
                      f"{w.k.claim_weight * self.deference:+.2f}." if self.deference else ".")]
        if self.is_org and self.obliging.any():
            reasons.append(f"The members' will to act were the claim accepted: {self.will[0]:+.2f} "
                           f"(it pushes toward readings that oblige them to act, or away from them).")
        if adversary >= 0:
            reasons.append(f"The other side: {w.name(w.actor_ids[adversary])}"
                           + (" (a member)" if bool(self.member_conflict[0]) else "") + ".")
        reasons.append(f"{'The secretary-general calls' if self.is_org else w.name(body) + ' calls'} it "
                       f"{SITUATION_TEXT[reading]}.")
        if self.is_org and not w.membership[w.o(body), q]:
            reasons.append(f"{asker} is not a member: the treaty gives it no claim.")
        elif cap == 0:
            reasons.append("No article in force covers this situation.")
        else:
            reasons.append(f"The strongest measure allowed: {LEVELS[cap].replace('_', ' ')} "
                           f"({REASON_LABELS[REASON_CODES[int(self.cap_reason[0])]]}).")
        if self.is_org and article > 0 and article not in {a.number for a in self.rules.articles}:
            reasons.append(f"Article {article} is not among the articles in force.")
        elif self.is_org and article > 0:
            art = next(a for a in self.rules.articles if a.number == article)
            if reading not in art.covers and "threat_consultation" not in art.covers:
                reasons.append(f"Article {article} ({art.name}) does not cover {SITUATION_TEXT[reading]}.")
            if LEVEL_OF[art.max_mandate] < len(LEVELS) - 1:
                reasons.append(f"Article {article} bounds the request: at most {art.max_mandate.replace('_', ' ')}.")
        if self.is_org and s.proposal[0, self.b] < len(LEVELS) - 1:
            reasons.append(f"On the table: at most {LEVELS[int(s.proposal[0, self.b])].replace('_', ' ')}, "
                           "as a member proposed.")
        stages.append({"stage": "assessment", "result": reading, "legal_cap": LEVELS[cap],
                       "evidence": round(float(self.crisis.evidence[0]), 2), "reasons": reasons})

        convened = bool(self.convened[0])
        if self.is_org:
            chair = (f" The chair, {w.name(w.actor_ids[self.chair])}, "
                     + ("convened it." if bool(self.chair_ok[0]) else "did not want one.")) if self.chair >= 0 else ""
            why = (f"{int(self.want_count[0])} of {len(self.members)} members wanted consultations "
                   f"(the rule asks for {self.need}); crisis severity {self.crisis.severity[0]:.2f}.{chair}")
            if convened:
                text = "An extraordinary session was convened: " + why
            else:
                text = "No session: " + ("the treaty in force offers no basis for any collective measure."
                                         if cap == 0 else why)
        else:
            text = f"{w.name(body)} weighs the plea." if convened else "No answer: nothing it could offer."
        stages.append({"stage": "session", "result": "convened" if convened else "not convened", "reasons": [text]})

        final_votes: dict[str, str] = {}
        if convened:
            for level in sorted(self.rounds, reverse=True):
                rnd = self.rounds[level]
                if not rnd["at"][0]:
                    continue
                detail, votes = {}, {}
                for i, m in enumerate(self.members):
                    p = ("support", "abstain", "oppose")[int(rnd["positions"][0, i])]
                    terms = rnd["terms"][m]
                    by = rnd["source"][m]
                    detail[w.actor_ids[m]] = {
                        "position": p, "utility": round(float(rnd["utility"][m][0]), 3),
                        "terms": {name: round(float(v[0]), 3) for name, v in terms.items()},
                        "why": explain(terms) if by == "AI" else "as the player decided", "by": by}
                    votes[w.actor_ids[m]] = p
                passed = bool(rnd["adopted"][0])
                could = bool(rnd["passed"][0])
                blocked_by = [a for a, d in detail.items() if d["position"] == "oppose" or (
                    d["position"] == "abstain" and self.rules is not None and self.rules.decision == "consensus"
                    and self.rules.abstention_blocks)]
                tally = [d["position"] for d in detail.values()]
                name = LEVELS[level]
                stages.append({"stage": "positions", "level": name, "members": detail,
                               "result": ", ".join(f"{tally.count(p)} {p}" for p in ("support", "abstain", "oppose")),
                               "reasons": [f"{w.name(a)}: {d['position']} ({d['why']})" for a, d in detail.items()]})
                result = "passed" if passed else ("not chosen" if could else "blocked")
                sentence = self._vote_sentence(level, detail, passed, blocked_by, bool(rnd["draftable"][0]))
                if could and not passed:
                    sentence = (f"{name.replace('_', ' ').capitalize()}: it could pass, but the members valued "
                                f"{LEVELS[int(self.decided[0])].replace('_', ' ')} more "
                                f"({float(rnd['value'][0]):+.2f} against "
                                f"{float(self.rounds[int(self.decided[0])]['value'][0]):+.2f}).")
                stages.append({"stage": "vote", "level": name, "result": result,
                               "votes": votes, "reasons": [sentence]})
                final_votes = votes
                if passed:
                    break
        outcome = OUTCOMES[int(s.outcome[0, self.b])]
        level = int(self.decided[0])
        if convened:
            stages.append({"stage": "mandate", "result": outcome, "reasons": [self._mandate_sentence(level)]})
            if level >= TROOP_LEVEL or self.forces:
                stages.append({"stage": "force_generation", "result": f"{len(self.forces)} contingent(s)",
                               "forces": self.forces, "reasons": [_forces_sentence(self.forces)]})
        decisive = [REASON_CODES[int(x)] for x in self.codes[0] if x >= 0]
        for st in stages:
            st["label"] = _stage_label(st, self.is_org, w.name(body))
        summary = (f"{body}: {outcome.replace('_', ' ')} on the request of {asker}." if self.is_org else
                   f"{w.name(body)} answers {asker}'s plea: {outcome.replace('_', ' ')}.")
        return {
            "turn": s.turn, "date": w.date_of_turn(s.turn).isoformat(), "body": body,
            "body_kind": "organisation" if self.is_org else "state", "summary": summary,
            "requested_by": w.actor_ids[q], "about": w.actor_ids[self.c],
            "article": article if article > 0 else None, "framing": framing,
            "against": w.actor_ids[against] if against >= 0 else None,
            "adversary": w.actor_ids[adversary] if adversary >= 0 else None,
            "reading": reading, "legal_cap": LEVELS[cap],
            "stages": stages, "votes": final_votes, "outcome": outcome,
            "decisive_reasons": decisive,
            "decisive_text": [REASON_LABELS[c] for c in decisive],
        }

    def _vote_sentence(self, level, detail, passed, blocked_by, draftable) -> str:
        w, rules = self.world, self.rules
        name = LEVELS[level].replace("_", " ")
        counts = {p: sum(d["position"] == p for d in detail.values()) for p in ("support", "abstain", "oppose")}
        tally = f"{counts['support']} for, {counts['abstain']} abstaining, {counts['oppose']} against"
        if passed:
            return f"{name.capitalize()}: adopted ({tally})."
        if not draftable and not blocked_by:
            return (f"{name.capitalize()}: not put to the vote: too few members backed it for a draft "
                    f"({tally}).")
        who = ", ".join(w.name(a) for a in blocked_by) or "nobody in favour"
        rule = ""
        if rules and rules.decision == "consensus":
            rule = " under consensus, where an abstention also blocks" if rules.abstention_blocks else \
                " under consensus (abstentions do not block)"
        return f"{name.capitalize()}: blocked by {who}{rule} ({tally})."

    def _mandate_sentence(self, level) -> str:
        w = self.world
        if level == 0:
            return f"{w.phrase(self.body, capital=True)} agreed on nothing: the request is declined."
        return f"{w.phrase(self.body, capital=True)} decided on {LEVEL_TEXT[level]}."


def plausibility(world: World, cr) -> np.ndarray:
    """(R, S) how well each reading fits the evidence, 0..1 (the AI's requests weigh the same).

    Unrest with no sign of outside direction or organised arms reads as domestic (and a request
    with nothing visible at all leans that way); organised armed groups against the state's own
    forces, or severe violence in a state losing its grip, read as an armed threat; an attacking army or armed groups directed from abroad read
    as aggression; groups massed across the border, or strong outside direction before any
    violence, as a threat without an attack; a state's fire across a border also fits a border
    incident whose responsibility is disputed.
    """
    k = world.k
    armed = np.minimum(cr.armed * k.armed_scale, 1.0)
    calm = 1.0 - cr.attack
    unrest = np.maximum(np.minimum(cr.violence * 4.0, 1.0), 0.2)
    out = np.zeros((len(cr.violence), len(SITUATIONS)))
    out[:, pos.INTERNAL] = (1.0 - cr.evidence) * (1.0 - armed) * unrest * calm
    # Severe violence against a state that is losing its grip is itself an armed threat to its
    # stability (the case the December 2010 protocol was written for), armed groups or not.
    out[:, pos.ARMED] = np.maximum(armed, cr.violence * cr.instability) * calm
    out[:, pos.AGGRESSION] = np.maximum(cr.attack, cr.evidence * armed)
    quiet = 1.0 - np.minimum(cr.violence * 4.0, 1.0)
    out[:, pos.THREAT] = np.maximum(cr.pressure, cr.evidence * quiet) * calm * (1.0 - armed)
    out[:, pos.INCIDENT] = cr.attack
    return out


def _stage_label(stage: dict, is_org: bool, body_name: str) -> str:
    """A heading for a stage, worded for an organisation or for a single state."""
    level = stage.get("level", "").replace("_", " ")
    if is_org:
        return {"request": "Request", "assessment": "The council's reading of the crisis",
                "session": "Extraordinary session", "positions": f"Members' positions on {level}",
                "vote": f"Vote on {level}", "mandate": "Mandate",
                "force_generation": "Force generation"}[stage["stage"]]
    return {"request": "Request", "assessment": "How it reads the crisis", "session": f"{body_name} considers it",
            "positions": f"{body_name}'s view of {level}", "vote": f"Decision on {level}",
            "mandate": "Answer", "force_generation": "Forces sent"}[stage["stage"]]


def _lead_contributor(world: World, o: int) -> int:
    """The member with the most troops earmarked for the organisation (-1 if none)."""
    earmarked = world.org_forces[o]
    if not earmarked.any():
        return -1
    totals = np.zeros(len(world.actor_ids))
    np.add.at(totals, world.force_owner[earmarked], world.force_strength[earmarked])
    return int(np.argmax(totals))


def _forces_sentence(forces) -> str:
    if not forces:
        return "No contingent was ready or offered: nothing is sent."
    parts = [f"{f['name']} ({f['strength']:,} troops, arriving {f['arrives']})" for f in forces]
    return "Sent: " + "; ".join(parts) + "."


def transit_days(world: World, f: int, destination_country: int) -> float:
    """Days to bring force ``f`` to a consenting host: airlift for airborne kinds, else road or rail."""
    k = world.k
    if world.force_airlifted[f]:
        return k.airlift_days
    home = world.force_home_region[f]
    if home >= 0 and world.region_country[home] == destination_country:
        return 1.0
    return k.road_days


def _generate_forces(world: World, state: State, d: Decision) -> list[dict]:
    """Dispatch the contingents of members who backed a troop mandate; run 0's list for the record."""
    troops = d.mask & (d.decided >= TROOP_LEVEL)
    if not troops.any() or len(d.crisis.regions) == 0:
        return []
    if d.is_org:
        candidates = np.flatnonzero(world.org_forces[world.o(d.body)])
    else:
        own = np.flatnonzero(world.force_owner == d.lead)
        candidates = own[np.argsort(world.force_readiness[own], kind="stable")][:3]
    regs = d.crisis.regions
    hot = regs[np.argmax(state.violence[:, regs] + 0.001 * state.group_strength.sum(axis=1)[:, regs]
                         + state.hostile[:, :, regs].sum(axis=1), axis=1)]
    member_index = {int(m): i for i, m in enumerate(d.members)}
    backed = np.zeros((state.runs, len(world.actor_ids)), dtype=bool)
    for level, rnd in d.rounds.items():
        at = d.decided == level
        for m, i in member_index.items():
            backed[at, m] = rnd["positions"][at, i] == SUPPORT
    out = []
    for f in candidates:
        owner = int(world.force_owner[f])
        if d.is_org and owner not in member_index:
            continue
        home = world.force_home_region[f]
        ready = (state.force_status[:, f] == AT_HOME) | (
            (state.force_status[:, f] == DEPLOYED) & (state.force_location[:, f] == home) & (home >= 0))
        go = troops & backed[:, owner] & ready & (hot != home)
        if not go.any():
            continue
        days = world.force_readiness[f] + transit_days(world, f, d.c)
        turns = max(1, math.ceil(days / world.scenario.turn_days))
        available = 1.0 - world.commitment_load[owner]
        state.force_status[go, f] = IN_TRANSIT
        state.force_destination[go, f] = hot[go]
        state.force_arrival[go, f] = state.turn + turns
        state.force_body[go, f] = d.b
        state.force_strength[go, f] = np.round(state.force_strength[go, f] * available)
        if go[0]:
            fid = world.force_ids[f]
            out.append({"force": fid, "name": world.name(fid), "owner": world.actor_ids[owner],
                        "strength": int(state.force_strength[0, f]),
                        "readiness_days": int(world.force_readiness[f]),
                        "to": world.region_ids[int(hot[0])],
                        "arrives": world.date_of_turn(state.turn + turns).isoformat()})
    return out


def _apply_measures(world: World, state: State, d: Decision) -> None:
    """What words, missions, mediation and aid do at once (troops act through the dynamics)."""
    k, regs = world.k, d.crisis.regions
    if len(regs) == 0:
        return
    lvl = d.decided
    calm = np.where(lvl >= LEVEL_OF["consultations"], k.calm_consultations,
                    np.where(lvl >= LEVEL_OF["statement"], k.calm_statement, 1.0))
    state.tension[:, regs] *= np.where(d.mask, calm, 1.0)[:, None]
    # A mission sees for itself: the perceived evidence moves to what is really there, and an
    # attacker watched by the alliance's observers eases off; mediation brings the parties to talk.
    watched = d.mask & ((lvl == LEVEL_OF["fact_finding_mission"]) | (lvl == MEDIATION_LEVEL))
    if watched.any():
        ease = np.where(watched, np.where(lvl == MEDIATION_LEVEL, k.mediation_restraint, k.mission_restraint), 1.0)
        state.hostile[:, :, regs] *= ease[:, None, None]
        adv = d.adversary
        both = watched & (lvl == MEDIATION_LEVEL) & (adv >= 0)
        if both.any():
            for a in np.unique(adv[both]):
                runs = both & (adv == a)
                state.hostile[np.ix_(runs, [d.c], world.regions_of(int(a)))] *= k.mediation_restraint
    aid = d.mask & (lvl >= AID_LEVEL)
    state.equipment[aid, d.c] = np.minimum(state.equipment[aid, d.c] + k.aid_equipment, 1.0)
    state.aid[np.ix_(aid, regs)] += k.aid_relief
