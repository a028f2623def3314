"""Every coefficient of the decision model in one place, named, with its source or "judgement".

Rules read coefficients through ``Coefficients`` (``world.k``), never as inline numbers; a
scenario may override any of them under `coefficients:` (for what-if play and research).
docs/model.md prints this table and a test checks that every name here is explained there.

Where a number rests on a source, ``source`` names it; where it is the modeller's judgement,
``source`` says "judgement" and docs/model.md gives the sensitivity of the historical cases
to it. Arrays over the toolbox (one value per mandate level) are written as tuples in the
order of ``game.scenario.schema.MANDATE_ORDER`` with "none" first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Coefficient:
    name: str
    value: float | tuple
    group: str
    meaning: str
    source: str


_C = Coefficient
#: Toolbox levels, index 0..7 (0 = nothing). Kept here so the coefficient tuples line up.
LEVEL_NAMES = ("none", "statement", "consultations", "fact_finding_mission", "mediation",
               "logistics_support", "peacekeeping", "collective_defence")

_TABLE: tuple[Coefficient, ...] = (
    # --- what each measure does and costs --------------------------------------------------------
    _C("level_effect", (0.0, 0.02, 0.05, 0.08, 0.10, 0.30, 0.70, 0.85), "toolbox",
       "How much each measure can do against the crisis, 0 (nothing) to 1.",
       "judgement; ordering from csto-facts.md 'The CSTO's toolbox' (words < missions < aid < troops)"),
    _C("level_cost", (0.0, 0.0, 0.0, 0.03, 0.03, 0.10, 0.45, 0.90), "toolbox",
       "Cost and risk of each measure to a member that contributes to it, before the crisis' own risk.",
       "judgement; a static guard mission costs less than combat (accounts of 2010 vs 2022, csto-facts.md)"),
    _C("level_side", (0.0, 0.10, 0.15, 0.10, 0.0, 0.50, 0.70, 1.00), "toolbox",
       "How far each measure takes the requester's side against its adversary (mediation takes none).",
       "judgement; veto players in csto-facts.md ('members' ties to the adversary')"),
    _C("level_intrusion", (0.0, 0.0, 0.05, 0.10, 0.05, 0.20, 0.70, 1.00), "toolbox",
       "How far each measure interferes in a state's internal affairs when the crisis is domestic.",
       "judgement; 'a conflict called domestic gets no troops' (Kyrgyzstan 2010: Russia and the CSTO, csto-facts.md)"),
    _C("level_duty", (0.0, 0.05, 0.10, 0.10, 0.10, 0.10, 0.04, 0.04), "toolbox",
       "The pull of treaty duty toward each measure for a member (scaled by its wish for credibility).",
       "Article 2: members 'consult at once ... and take measures to remove the threat' (treaty text): the same "
       "pull toward consultations and non-military measures, a little for words alone, none extra for force "
       "(that is `treaty_duty_force`)"),
    _C("guard_against_army", 0.7, "toolbox",
       "Share of a peacekeeping force's effect lost when a state's army is attacking (guards do not fight).",
       "csto-facts.md: the collective peacekeeping forces have 'a stabilisation/guard role with the host's consent'; "
       "the CRRF is 'the combat formation for collective defence' (judgement for the size)"),
    _C("treaty_duty_force", 0.3, "toolbox",
       "Extra pull toward troops once the council has read the crisis as one that Article 4 covers.",
       "Article 4: 'necessary assistance, including military' (treaty text). Alliances mostly escape such duties "
       "by reading the case otherwise (base rates: about 22% honoured after 1945, Berkemeier & Fuhrmann 2018); "
       "here that escape is the will-driven reading, so a duty the council has itself invoked binds (judgement for "
       "the size)"),
    # --- members' utility terms -----------------------------------------------------------------
    _C("humanitarian_weight", 0.6, "member",
       "Weight of humanitarian concern (times violence or four times the displaced share).", "judgement"),
    _C("credibility_weight", 0.4, "member", "Weight of the wish that the alliance be seen to work.",
       "judgement; Armenia's and Kazakhstan's statements on CSTO credibility"),
    _C("influence_weight", 0.3, "member", "Weight of regional influence (for troops only when it contributes).",
       "judgement; Russia's 'near abroad' policy in comparative accounts. Lowered from 0.5 in the first model, "
       "where it outweighed costs and ties to the adversary (issue 7)"),
    _C("kin_weight", 0.5, "member", "Weight of protecting co-ethnics (times their share and the violence).",
       "judgement; Uzbekistan and the Uzbeks of Osh, 2010"),
    _C("precedent_weight", 1.0, "member",
       "Weight of the precedent against interfering in a state's internal affairs (domestic readings).",
       "csto-facts.md: the reason Russia gave in June 2010 was that it was 'an internal conflict'; "
       "Uzbekistan's opposition to intervention"),
    _C("collective_flag_discount", 0.5, "member",
       "Share of the precedent cost that a collective mandate takes away from the lead member (legitimacy of the flag).",
       "judgement; Russia 2010: action 'only under the UN Charter and after CSTO consultations' (csto-facts.md)"),
    _C("rivalry_weight", 0.5, "member",
       "Weight of a neighbour's wariness of the lead member's troops near its borders.",
       "Uzbekistan in 2010 (csto-facts.md); judgement for the size"),
    _C("bilateral_weight", 0.4, "member",
       "Weight of the lead member's preference for acting on its own rather than under a collective flag.",
       "judgement"),
    _C("adversary_weight", 0.9, "member",
       "Weight of a member's ties to the adversary (times how far the measure takes sides).",
       "veto players, csto-facts.md 'What drives a CSTO decision' item 6"),
    _C("commitment_weight", 0.6, "member",
       "Weight of forces and attention tied down elsewhere against sending troops (a fifth of it against aid).",
       "judgement; Russia's war in Ukraine and the CSTO's answer to Armenia, September 2022"),
    _C("host_refusal_weight", 1.0, "member",
       "How strongly a member whose crisis it is, but who did not ask, opposes collective measures about it.",
       "the UN Charter's consent principle; Tajikistan and Khorog 2012 (csto-facts.md)"),
    _C("alignment_weight", 0.15, "member",
       "Pull of a member toward the position of the member that leads (most earmarked troops), times its tie to it.",
       "csto-facts.md and scenarios/common/csto.yaml: Belarus 'follows Russia's lead in the council'; "
       "bandwagoning with a patron in consensus bodies (judgement for the size)"),
    _C("requester_base", 0.6, "member", "The requester's support for what it asked (plus `requester_regime` x regime security).",
       "judgement"),
    _C("requester_regime", 0.4, "member", "How much more a requester that fears for its regime supports what it asked.",
       "judgement"),
    _C("stake_severity", 3.0, "member", "Multiplier from the crisis' severity to what is at stake at all (capped at 1).",
       "judgement"),
    _C("stake_instability", 0.2, "member", "Weight of instability in what is at stake.", "judgement"),
    _C("refugee_spillover", 0.5, "member",
       "Weight of refugees arriving (over the member's `refugee_capacity`) in its threat of spill-over.",
       "Uzbekistan, June 2010: about 100,000 refugees (UNHCR); judgement for the size"),
    _C("aid_cost_share", 0.5, "member", "Share of aid's cost a member bears (aid is shared among donors; troops are not).",
       "judgement"),
    _C("commitment_aid_share", 0.2, "member", "Share of `commitment_weight` that weighs against aid rather than troops.",
       "judgement"),
    _C("alignment_scale", 0.1, "member", "Lead member's utility at which followers align about three quarters of the way (tanh scale).",
       "judgement"),
    _C("plea_noise", 0.08, "member",
       "Spread of the random part of a single state's judgement when it answers a plea (organisations set "
       "`rules.position_noise`).", "judgement"),
    _C("player_will", 0.3, "reading", "The will a player's vote expresses (support of troops: +, otherwise −).",
       "judgement"),
    # --- cost and risk of troops ----------------------------------------------------------------
    _C("quagmire_base", 0.3, "risk", "Risk of a troop mission even in an easy case.", "judgement"),
    _C("weak_host_risk", 1.0, "risk",
       "Extra risk when the host's own forces are weak against the challenge: guests would have to do the fighting.",
       "csto-facts.md: 'an ethnic war with no clear exit vs a short static guard mission'; "
       "in 2022 the guards released about 1,600 Kazakh personnel for other tasks"),
    _C("communal_risk", 1.0, "risk",
       "Extra risk when violence runs between communities (tension times violence): no front, no exit.",
       "csto-facts.md 'What drives a CSTO decision' item 4"),
    _C("combat_risk", 0.6, "risk", "Extra risk of collective defence when a state's army is attacking.",
       "judgement"),
    # --- the council's reading of the crisis ----------------------------------------------------
    _C("claim_weight", 0.5, "reading",
       "How much the requester's own framing counts toward the reading it claims (times the secretariat's deference).",
       "csto-facts.md item 1; Kazakhstan 2022: 'terrorist gangs trained abroad' accepted"),
    _C("will_weight", 0.7, "reading",
       "How much the members' will to act (or not) pushes the reading toward one that obliges them (or not).",
       "the council accepted an allied incumbent's framing when members wanted to act (2022) and avoided "
       "naming an aggressor when they did not (Armenia 2022)"),
    _C("will_scale", 0.15, "reading",
       "Members' mean utility for troops at which their will counts about three quarters of `will_weight` (tanh scale).",
       "judgement"),
    _C("reading_noise", 0.08, "reading", "Spread of the random part of the reading (per run).", "judgement"),
    _C("armed_scale", 5.0, "reading",
       "Multiplier from the armed challenge (fighters over fighters plus the state's own forces there) to plausibility of an armed threat.",
       "judgement"),
    # --- the session ----------------------------------------------------------------------------
    _C("draft_support_share", 0.5, "session",
       "Share of the members other than the requester who must support a measure before the chair puts it to the vote.",
       "judgement; consensus practice: a draft goes to the vote when it can pass (MGIMO experts, csto-facts.md)"),
    _C("urgent_severity", 0.3, "session",
       "Crisis severity from which an extraordinary session meets within a day.",
       "Kazakhstan, 5-6 January 2022 and Armenia, 13 September 2022: sessions within a day of the request"),
    _C("convene_severity", 0.3, "session",
       "Crisis severity from which the chair convenes a session even when few members want one.",
       "judgement"),
    # --- forces ---------------------------------------------------------------------------------
    _C("airlift_days", 1.0, "forces",
       "Days to fly a ready airborne, air-assault, special-forces or aviation unit to a consenting host.",
       "Kazakhstan 2022: decision 6 January, first Russian airborne troops flown in from 6 January (csto-facts.md)"),
    _C("road_days", 3.0, "forces", "Days to move other units by road or rail to a neighbouring country.", "judgement"),
    # --- interstate hostilities -----------------------------------------------------------------
    _C("mode_intensity_shell", 0.3, "hostilities", "Intensity of shelling across a border.", "judgement"),
    _C("mode_intensity_attack", 0.6, "hostilities", "Intensity of an assault on positions.", "judgement"),
    _C("mode_intensity_occupy", 0.85, "hostilities", "Intensity of taking and holding ground.", "judgement"),
    _C("military_lethality", 0.006, "hostilities",
       "Soldiers killed per day per soldier of the other side in contact, at full intensity.",
       "set from the Armenia-Azerbaijan clashes of 13-14 September 2022 (about 290 soldiers killed, 207 Armenian "
       "and 80 Azerbaijani, with the forces in contact as scenarios/armenia_2022.yaml gives them); the Kyrgyz-Tajik "
       "clashes of September 2022 (about 100 dead) are the check"),
    _C("hostile_violence", 0.25, "hostilities",
       "Violence added per day in an attacked region at full intensity (shells and raids on villages).",
       "judgement"),
    _C("occupation_rate", 0.05, "hostilities",
       "Loss of the defender's control per day at full intensity when the attacker occupies ground.",
       "judgement"),
    _C("ceasefire_losses", 150.0, "hostilities",
       "Soldiers lost by a side at which its AI is as ready for a ceasefire as it is to go on.",
       "judgement; both 2022 clashes ended within two to four days"),
    # --- what measures do at once ----------------------------------------------------------------
    _C("calm_statement", 0.98, "measures", "Tension kept per crisis region after a statement.", "judgement"),
    _C("calm_consultations", 0.95, "measures", "Tension kept after consultations or any stronger measure.",
       "judgement"),
    _C("mission_restraint", 0.8, "measures",
       "Share of an attacker's operations that go on once the alliance's observers are on the ground.",
       "judgement; the fighting of September 2022 stopped within two days of the CSTO mission's decision"),
    _C("mediation_restraint", 0.6, "measures",
       "Share of both parties' operations that go on once the body mediates between them.",
       "judgement; ceasefires in the Kyrgyz-Tajik clashes followed telephone mediation (csto-facts.md)"),
    _C("aid_equipment", 0.3, "measures", "Equipment military-technical aid adds to the state's own forces (0..1).",
       "judgement; June 2010's 'equipment, helicopters, vehicles, fuel' (csto-facts.md)"),
    _C("aid_relief", 0.2, "measures", "Humanitarian aid military-technical aid adds in the crisis regions.", "judgement"),
    # --- crisis dynamics (the scenario's `parameters` hold the rest) -------------------------
    _C("government_effectiveness", 0.5, "dynamics",
       "Effectiveness of a government's own security forces per soldier, before equipment.", "judgement"),
    _C("recruitment", 0.003, "dynamics", "Armed groups' growth per day in unstable, uncontrolled regions.", "judgement"),
    _C("armed_violence", 0.05, "dynamics", "Violence added per day at full organised armed presence.", "judgement"),
    _C("border_relaxation", 0.01, "dynamics", "Daily return of a reinforced border toward its peacetime security.",
       "judgement"),
    _C("severe_violence", 0.25, "dynamics", "Violence from which a state's crisis counts as severe (days coping alone).",
       "judgement"),
    _C("hostile_memory", 0.85, "dynamics", "Share of the memory of an attack kept per day after the firing stops.",
       "judgement"),
    # --- the AI's requests ----------------------------------------------------------------------
    _C("ai_noise", 0.05, "ai",
       "Spread of the random part of the AI's score for each possible action (per run and turn): runs differ.",
       "judgement"),
    _C("request_threshold", 0.6, "ai", "How badly a government must need help before its AI asks for it.",
       "judgement"),
    _C("request_hope_weight", 0.4, "ai",
       "Weight of what a framing can get (its fit plus the members' goodwill, times what its article allows).",
       "judgement"),
    _C("request_goodwill", 0.5, "ai",
       "How much the members' mean tie to the requester adds to the hope that its framing is accepted.",
       "Kazakhstan 2022: allied incumbents accepted an ally's framing (csto-facts.md); judgement for the size"),
    _C("request_sovereignty", 0.3, "ai",
       "Reluctance, times the government's sovereignty interest, to invite foreign troops when no state attacks it.",
       "judgement; Tajikistan in 2012 and 2015 asked nobody (csto-facts.md)"),
    _C("patron_sovereignty", 0.4, "ai",
       "Reluctance, times sovereignty, to ask one patron rather than the alliance (one state's troops weigh more).",
       "judgement"),
    _C("last_resort_floor", 0.4, "ai",
       "Share of the internal need a government feels before committing its own reserves (foreign troops are a last resort).",
       "judgement"),
    _C("severe_days_to_ask", 2.0, "ai",
       "Days of severe violence before the internal need counts fully: a government first tries its own forces.",
       "Osh 2010 (plea on 12 June, violence from the night of 10 June) and Kazakhstan 2022 (plea on the night of "
       "5 January, unrest from 2 January, violence from 4 January) (csto-facts.md)"),
)

COEFFICIENTS: dict[str, Coefficient] = {c.name: c for c in _TABLE}


class Coefficients:
    """The coefficients in force for one scenario: defaults with the scenario's overrides."""

    def __init__(self, overrides: dict | None = None):
        for c in _TABLE:
            value = (overrides or {}).get(c.name, c.value)
            if isinstance(c.value, tuple):
                value = np.array(value if isinstance(value, (tuple, list)) else c.value, dtype=float)
            setattr(self, c.name, value if isinstance(value, np.ndarray) else float(value))

    def mode_intensity(self, mode: str) -> float:
        return getattr(self, f"mode_intensity_{mode}")
