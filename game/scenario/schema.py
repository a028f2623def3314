"""The scenario format: pydantic models that are the single source of truth.

The loader validates files against these models, ``python main.py schema`` writes
their JSON Schema, and ``docs/scenario-format.md`` is generated from them. Every
field carries a description (shown in editors and in the reference) and, where it
helps, an example.

Annotations are evaluated as the classes are made (no ``from __future__ import annotations``):
pydantic then reads them as they are instead of compiling each from text, which makes importing
this module (needed by every command) about a third faster.
"""
import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT_VERSION = 1

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64,
                          description="An identifier: a letter, then letters, digits, '_' or '-'.")]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Weight = Annotated[float, Field(ge=-1.0, le=1.0)]

ActorKind = Literal["government", "state", "armed_group", "secretariat"]
Framing = Literal["internal_unrest", "outside_interference", "terrorism", "border_incident", "aggression"]
Position = Literal["support", "abstain", "oppose"]
MandateLevel = Literal["statement", "consultations", "fact_finding_mission", "mediation",
                       "logistics_support", "peacekeeping", "collective_defence"]
Outcome = Literal["no_session", "declined", "statement", "consultations", "fact_finding_mission",
                  "mediation", "logistics_support", "peacekeeping", "collective_defence", "refused"]
Situation = Literal["threat_consultation", "external_aggression", "armed_threat_to_stability",
                    "internal_unrest", "border_incident", "external_threat"]
HostileMode = Literal["shell", "attack", "occupy"]
RegionFigure = Literal["violence", "stability", "tension", "casualties", "displaced", "refugees_out",
                       "refugees_in", "border_security", "control", "population", "aid"]
ForceKind = Literal["airborne", "air_assault", "infantry", "motor_rifle", "special_forces",
                    "border_guard", "police", "marines", "aviation", "logistics"]
AidKind = Literal["humanitarian", "equipment", "helicopters", "fuel"]
Stance = Literal["support_government", "call_for_restraint", "blame_outside_forces",
                 "condemn_violence"]

#: The CSTO's toolbox, from the mildest measure to the strongest (a vote "up to" a level
#: supports every measure below it). `logistics_support` is military-technical aid:
#: equipment, transport, fuel (the "first-level measures" of June 2010).
MANDATE_ORDER: tuple[str, ...] = ("statement", "consultations", "fact_finding_mission", "mediation",
                                  "logistics_support", "peacekeeping", "collective_defence")


def built(model: type[BaseModel]) -> type[BaseModel]:
    """``model``, built: its validator made and the forward references in its fields' types resolved.

    The models are built on first use (``defer_build``), so that a command that validates nothing
    (`run` with a cached scenario) never pays for it. Read a model's field types through this."""
    model.model_rebuild()  # nothing to do once built
    return model


def _exactly_one_key(model, what: str):
    """Validator body for models that take exactly one of their keys (conditions, effects)."""
    if sum(v is not None for v in model.__dict__.values()) != 1:  # the instance dict holds exactly the fields
        names = ", ".join(f.alias or k for k, f in type(model).model_fields.items())
        raise ValueError(f"{what} takes exactly one of: {names}")
    return model


#: Largest magnitude of a figure in a condition, change or objective (more than any population).
FIGURE_MAX = 1e10
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_FIELDS: dict[type, frozenset] = {}


def _date_fields(cls) -> frozenset:
    found = _DATE_FIELDS.get(cls)
    if found is None:
        found = _DATE_FIELDS[cls] = frozenset(
            name for name, f in cls.model_fields.items()
            if f.annotation is dt.date or dt.date in getattr(f.annotation, "__args__", ()))
    return found


class Strict(BaseModel):
    """Base for all scenario models: unknown keys are errors, never ignored.

    Types are strict, as an editor checking the JSON Schema reads them: a number is never
    taken from `true` or from text, a whole number never from 2.5, a boolean only from
    `true`/`false`, a date only from a date (`2010-06-10`, quoted or not; never a date and
    time). Numbers must be finite (no `.inf`, `.nan`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True, allow_inf_nan=False,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _quoted_dates(cls, data):
        """Strict dates, but a date may be quoted ("2010-06-10"), as JSON Schema editors allow."""
        fields = _date_fields(cls)
        if fields and isinstance(data, dict):
            for k in fields.intersection(data):
                v = data[k]
                if type(v) is str and _ISO_DATE.match(v):
                    try:
                        data = {**data, k: dt.date.fromisoformat(v)}
                    except ValueError:
                        pass
        return data


class Source(Strict):
    """A public source that a fact in the scenario rests on."""

    id: Id = Field(description="Short id that facts cite, e.g. `kic2011`.")
    title: str = Field(description="Title or publisher and headline.")
    url: str | None = Field(None, description="Web address, if there is one.")
    year: int | None = Field(None, ge=1900, le=2100, description="Year of publication.")
    note: str | None = Field(None, description="What the source says that the scenario uses.")


class Sourced(Strict):
    """Mixin: a fact with the sources it rests on."""

    sources: list[Id] = Field(default_factory=list,
                              description="Ids of entries in the scenario's `sources` list.")
    uncertain: bool = Field(False, description="True when the figure rests on one weak source.")


class Interests(Strict):
    """What an actor cares about: weights from 0 (indifferent) to 1 (vital).

    The AI scores every action it could take by these weights; members of an
    organisation derive their council positions from them.
    """

    regime_security: Fraction = Field(0.5, description="Survival of its own government and of friendly governments.")
    stability_home: Fraction = Field(0.5, description="Calm in its own regions.")
    humanitarian: Fraction = Field(0.3, description="Concern for casualties and the displaced anywhere.")
    sovereignty: Fraction = Field(0.5, description="Dislike of foreign troops on its own soil.")
    non_interference: Fraction = Field(0.5, description="Weight of the precedent against intervening in a state's internal affairs.")
    alliance_credibility: Fraction = Field(0.3, description="Wish that the alliance be seen to work.")
    regional_influence: Fraction = Field(0.3, description="Wish to project influence in the region.")
    cost_aversion: Fraction = Field(0.5, description="Aversion to the cost and risk to its own troops and budget.")
    border_security: Fraction = Field(0.5, description="Wish to keep spill-over, refugees and infiltration off its borders.")
    kin_protection: Fraction = Field(0.0, description="Concern for its co-ethnics abroad (see `kin_group`).")
    bilateral_preference: Fraction = Field(0.0, description="Preference for acting bilaterally over acting through the alliance.")
    expansion: Fraction = Field(0.0, description="Armed groups: wish to grow and to take ground.")


class Commitment(Sourced):
    """Forces and attention a state has tied down elsewhere (another war, another crisis)."""

    name: str = Field(description="What ties it down, e.g. `The war in Ukraine`.")
    load: Fraction = Field(description="Share of its deployable forces and political attention tied down, 0 to 1.")
    since: dt.date | None = Field(None, description="From this date (omit if before the scenario).", json_schema_extra={"examples": ["2022-02-24"]})
    until: dt.date | None = Field(None, description="Until this date (omit if beyond the scenario).", json_schema_extra={"examples": ["2023-12-31"]})


class Actor(Sourced):
    """A state, a government, a non-state armed group or an organisation's secretariat."""

    id: Id = Field(description="Id used everywhere else, e.g. `KG`, `RU`, `CSTO_SEC`.")
    name: str = Field(description="Full name shown to players.")
    short_name: str | None = Field(None, description="Short label for the map and tables.")
    kind: ActorKind = Field(description="`government` (an interim government is one too), `state`, `armed_group` or `secretariat`.")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code of the country it governs or operates from.")
    playable: bool = Field(True, description="Whether a player may take this role.")
    description: str = Field("", description="Role briefing shown when choosing roles.")
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="Map colour as #rrggbb.")
    interests: Interests = Field(default_factory=Interests, description="Weights that drive its AI and council positions.")
    ties: dict[Id, Weight] = Field(default_factory=dict, description="Relations to other actors from -1 (hostile) to 1 (close ally).")
    kin_group: str | None = Field(None, description="Ethnic group it protects abroad, e.g. `uzbek`.")
    budget: float = Field(6.0, ge=0, le=100, description="Action points it can spend each turn.")
    reserve_troops: int = Field(0, ge=0, le=5_000_000, description="States: troops it can commit to security operations at home.")
    refugee_capacity: int = Field(50000, ge=0, le=100_000_000, description="States: refugees it can take in before closing the border becomes attractive.")
    closed_borders: list[Id] = Field(default_factory=list, description="States: neighbours whose border it keeps closed to people at the start (e.g. `[AF]`).", json_schema_extra={"examples": [["AF"]]})
    strength: float = Field(0.0, ge=0, le=10_000_000, description="Armed groups: fighters in all.")
    bases: list[Id] = Field(default_factory=list, description="Armed groups: regions where it starts.")
    external_support: Fraction = Field(0.0, description="Armed groups: how far it is armed and directed from abroad (evidence the secretary-general weighs).")
    aggressiveness: Fraction = Field(0.3, description="Armed groups: how hard it presses across borders each turn.")
    sponsor: Id | None = Field(None, description="Armed groups: the state that arms or directs it, if one is known (members' ties to it count as ties to the adversary).")
    commitments: list[Commitment] = Field(default_factory=list, description="States: forces and attention tied down elsewhere; they lower both its willingness to send troops and the troops it has.", json_schema_extra={"examples": [[{"name": "The war in Ukraine", "load": 0.7}]]})


class Article(Strict):
    """A treaty article in force and the mandates it can support."""

    number: int = Field(ge=1, le=1000, description="Article number, e.g. 2 or 4.")
    name: str = Field(description="Short name, e.g. `Collective defence`.")
    text: str = Field("", description="The rule, quoted or summarised, shown in the council panel.")
    covers: list[Situation] = Field(
        description="Situations the article applies to: `threat_consultation` (any threat to a member's "
                    "security: consultations), `external_aggression` (an armed attack from outside), "
                    "`armed_threat_to_stability` (armed groups threatening a member's stability, the "
                    "December 2010 protocol), `internal_unrest`, `border_incident` (a clash on a border "
                    "whose responsibility is disputed), `external_threat` (a threat from outside without an attack yet).")
    max_mandate: MandateLevel = Field(description="The strongest mandate the article can ground.")
    sources: list[Id] = Field(default_factory=list, description="Ids of sources for the article's text.")


class DecisionRules(Strict):
    """How an organisation's council decides. Rules are data: authors can change them."""

    decision: Literal["consensus", "majority"] = Field("consensus", description="Consensus (no member opposes) or simple majority of those voting.")
    abstention_blocks: bool = Field(True, description="Under consensus: does an abstention block a decision? (CSTO: yes until the December 2010 amendments.)")
    convene_min_members: int = Field(2, ge=1, le=1000, description="Members needed to call an extraordinary session (the requester counts).")
    session_delay_days: int = Field(2, ge=0, le=60, description="Days from a request to the extraordinary session.")
    member_conflict: Literal["mediation_only", "normal"] = Field("mediation_only", description="What a request against another member gets.")
    articles: list[Article] = Field(default_factory=list, description="Treaty articles in force.")
    position_threshold: float = Field(0.12, ge=0, le=1, description="How clear a loss must be before a member objects: it supports a measure it gains from at all, opposes one whose utility is below minus this, and abstains between.")
    position_noise: float = Field(0.08, ge=0, le=1, description="Spread of the random part of each member's judgement (per run).")
    sources: list[Id] = Field(default_factory=list, description="Ids of sources for the rules.")


class Organisation(Sourced):
    """An alliance or organisation: membership on the scenario's date and its rules."""

    id: Id = Field(description="e.g. `CSTO`, `CIS`, `SCO`, `EAEU`, `UN`.")
    name: str = Field(description="Full name shown to players.")
    members: list[Id] = Field(description="Member actor ids on the scenario's start date.")
    observers: list[Id] = Field(default_factory=list, description="Observers or suspended members: they do not vote.", json_schema_extra={"examples": [["UZ"]]})
    secretariat: Id | None = Field(None, description="The actor that assesses requests (its secretary-general).")
    chair: Id | None = Field(None, description="The member chairing the council: it convenes extraordinary sessions and puts the draft decision on the table.")
    security_role: bool = Field(False, description="Whether it can take requests for assistance and deploy forces.")
    rules: DecisionRules = Field(default_factory=DecisionRules, description="How its council decides.")
    forces: list[Id] = Field(default_factory=list, description="Forces earmarked for it (e.g. the CRRF contingents).")
    description: str = Field("", description="Shown in the organisation panel.")


class Region(Sourced):
    """A first-level administrative region, keyed by its ISO 3166-2 code as on the map."""

    id: str = Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", description="ISO 3166-2 code, e.g. `KG-O` (Osh).")
    name: str = Field(description="Name shown on the map.")
    country: Id = Field(description="Id of the state or government actor that governs it.")
    population: int = Field(ge=0, le=1_000_000_000, description="Inhabitants at the start.")
    ethnic_groups: dict[str, Fraction] = Field(default_factory=dict, description="Shares of the population, e.g. `{kyrgyz: 0.6, uzbek: 0.3}`.")
    neighbours: list[str] = Field(default_factory=list, description="Regions it borders (in this scenario). Refugees and fighters move along these.")
    stability: Fraction = Field(0.7, description="Order and trust in the state, 0 (collapse) to 1.")
    violence: Fraction = Field(0.0, description="Intensity of armed violence, 0 to 1.")
    tension: Fraction = Field(0.2, description="Readiness of violence to spread and flare (e.g. interethnic tension).")
    border_security: Fraction = Field(0.5, description="How well its external borders are guarded, 0 to 1.")
    control: Fraction = Field(1.0, description="Share of the region the government controls.")
    security_forces: int = Field(0, ge=0, le=5_000_000, description="Police and troops the government has there at the start.")


class Force(Sourced):
    """A named military unit or contingent."""

    id: Id
    name: str = Field(description="Name shown to players.")
    owner: Id = Field(description="Actor that commands it.")
    kind: ForceKind = Field(description="Type of unit; it sets what the force is good at.")
    strength: int = Field(gt=0, le=1_000_000, description="Troops it can deploy.")
    readiness_days: int | None = Field(None, ge=0, le=365, description="Days from an order to being ready to move. Omit it to use the usual readiness of its `kind` (docs/model.md: airborne and air-assault units in constant readiness move within a day).")
    home: str = Field(description="Where it is based: a region id or a gazetteer place id (e.g. `ivanovo`).")
    location: str | None = Field(None, description="Region where it starts deployed; empty = at home.")
    effectiveness: Fraction = Field(0.6, description="Quality per soldier in stabilisation and border work.")


class Agreement(Sourced):
    """A bilateral or multilateral agreement that changes what actions are possible."""

    id: Id
    name: str = Field(description="Name shown to players.")
    kind: Literal["basing", "military_aid", "border_cooperation", "mutual_defence"] = Field(description="`basing`, `military_aid`, `border_cooperation` or `mutual_defence`.")
    parties: list[Id] = Field(min_length=2, description="Actor ids of the parties (two or more).")
    since: dt.date | None = Field(None, description="Date it came into force, if known.")
    until: dt.date | None = Field(None, description="Date it lapses, if it does.", json_schema_extra={"examples": ["2015-12-31"]})
    host: Id | None = Field(None, description="Basing: the host whose consent the agreement gives.")
    value: float = Field(0.0, ge=0, le=1_000_000, description="Military aid: equipment value in millions of US dollars (sets its effect).")
    description: str = Field("", description="What it provides, shown in the agreements panel.")


class FigureCondition(Strict):
    """Compare a region's figure (or a sum over a country's regions) with a threshold."""

    region: str | None = Field(None, description="Region id; or give `country` to sum over its regions.")
    country: Id | None = Field(None, description="Actor id whose regions are summed (averaged for 0-1 figures); or give `region`.")
    name: RegionFigure = Field(description="The figure compared.")
    above: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="True when the figure is above this.")
    below: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="True when the figure is below this.")

    @model_validator(mode="after")
    def _one_place_and_bound(self):
        if (self.region is None) == (self.country is None):
            raise ValueError("give exactly one of `region` or `country`")
        if self.above is None and self.below is None:
            raise ValueError("give `above` or `below` (or both)")
        return self


class ActionCondition(Strict):
    """True once an actor has taken an action of a kind (optionally with a given target)."""

    actor: Id
    kind: str = Field(description="Action kind, e.g. `request_assistance`, `close_border`.")
    target: str | None = Field(None, description="Only this target (e.g. the organisation asked, the region, the neighbour); omit for any.")


class OutcomeCondition(Strict):
    """True once a procedure of a body ended in one of the given outcomes."""

    body: Id = Field(description="Organisation or state id that decided.")
    outcome: list[Outcome] = Field(alias="is", min_length=1, description="Outcomes that make the condition true (written `is:` in files).", json_schema_extra={"examples": [["declined", "refused"]]})


class Condition(Strict):
    """One condition. Give exactly one key; combine with `all`, `any` and `not`."""

    all: list["Condition"] | None = Field(None, description="True when every condition in the list holds.")
    any: list["Condition"] | None = Field(None, description="True when at least one condition in the list holds.", json_schema_extra={"examples": [[{"turn_from": 5}, {"figure": {"region": "KG-O", "name": "violence", "above": 0.5}}]]})
    not_: "Condition | None" = Field(None, alias="not", description="True when the condition under it does not hold.")
    date_from: dt.date | None = Field(None, description="True from this date on.")
    date_until: dt.date | None = Field(None, description="True until this date (inclusive).", json_schema_extra={"examples": ["2010-06-20"]})
    turn_from: int | None = Field(None, ge=1, le=100_000, description="True from this turn on (turn 1 is the start date).")
    figure: FigureCondition | None = Field(None, description="Compare a region's or a country's figure with a threshold.")
    action: ActionCondition | None = Field(None, description="True once an actor has taken an action of a kind.")
    outcome: OutcomeCondition | None = Field(None, description="True once a body's procedure ended in one of the given outcomes.", json_schema_extra={"examples": [{"body": "CSTO", "is": ["declined", "refused"]}]})

    @model_validator(mode="after")
    def _exactly_one(self):
        return _exactly_one_key(self, "a condition")


class FigureChange(Strict):
    """Change a figure in a region."""

    region: str = Field(description="Region id.")
    name: RegionFigure = Field(description="The figure to change.")
    add: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="Add this (negative to subtract).")
    set: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="Set the figure to this value.")
    multiply: float | None = Field(None, ge=0, le=1000, description="Multiply the figure by this (0 or more).")

    @model_validator(mode="after")
    def _one_op(self):
        if sum(x is not None for x in (self.add, self.set, self.multiply)) != 1:
            raise ValueError("give exactly one of `add`, `set` or `multiply`")
        return self


class MoveForce(Strict):
    force: Id
    to: str = Field(description="Region id, or `home`.")


class RequestEffect(Strict):
    """Make an actor submit a request for assistance."""

    actor: Id
    target: Id = Field(description="Organisation or state asked.")
    article: int | None = Field(None, ge=1, le=1000, description="Treaty article invoked, if the target is an organisation.")
    framing: Framing = Field("internal_unrest", description="How the requester presents the crisis.")
    against: Id | None = Field(None, description="The actor the request is directed against, if any.")
    about: Id | None = Field(None, description="The member whose crisis it is, when another member calls for action (default: the actor itself).")


class HostilitiesEffect(Strict):
    """A state's forces open fire across a border: shelling, an attack, or occupying positions."""

    actor: Id = Field(description="The state whose forces attack.")
    region: str = Field(description="The region of another state that is attacked (it must border the attacker's territory).")
    mode: HostileMode = Field("attack", description="`shell` (fire across the border), `attack` (assault positions) or `occupy` (take and hold ground).")


class CeasefireEffect(Strict):
    """Two states stop firing at each other (their operations against each other end)."""

    actors: list[Id] = Field(min_length=2, max_length=2, description="The two states.", json_schema_extra={"examples": [["KG", "TJ"]]})


class BorderEffect(Strict):
    actor: Id = Field(description="The state that opens or closes its border.")
    neighbour: Id = Field(description="The neighbouring state on the other side.")
    open: bool = Field(description="`true` opens the border, `false` closes it.")


class NewsEffect(Strict):
    text: str = Field(description="The news item.")
    severity: Literal["info", "warning", "critical"] = Field("info", description="`info`, `warning` or `critical` (sets its colour).")


class Choice(Strict):
    """One option offered to an actor."""

    label: str = Field(description="The option as the player reads it.")
    description: str = Field("", description="A longer explanation of the option.")
    ai_weight: float = Field(1.0, ge=0, le=1000, description="Relative chance that an AI picks it.")
    effects: list["Effect"] = Field(default_factory=list, description="What happens if it is chosen (the same effects as an event's).")


class OptionsEffect(Strict):
    """Offer a choice to an actor. A human who lets the turn pass gets the first option."""

    actor: Id
    prompt: str = Field(description="The question put to the actor.")
    choices: list[Choice] = Field(min_length=1, description="The options; the first is taken if a human lets the turn pass.")


class Effect(Strict):
    """One effect of an event. Give exactly one key."""

    news: NewsEffect | None = Field(None, description="Post an item in the news feed.")
    change: FigureChange | None = Field(None, description="Change a figure in a region.")
    move_force: MoveForce | None = Field(None, description="Move a force to a region or home.", json_schema_extra={"examples": [{"force": "RU_KANT", "to": "KG-C"}]})
    spawn_force: Force | None = Field(None, description="Raise a new force (a full force definition).", json_schema_extra={"examples": [{"id": "KG_VOLUNTEERS", "name": "Volunteer units", "owner": "KG", "kind": "police", "strength": 800, "home": "KG-O"}]})
    request: RequestEffect | None = Field(None, description="Make an actor submit a request for assistance.")
    border: BorderEffect | None = Field(None, description="Open or close a state's border with a neighbour.")
    options: OptionsEffect | None = Field(None, description="Offer a choice to an actor (a human gets a dialog; the AI picks by `ai_weight`).")
    hostilities: HostilitiesEffect | None = Field(None, description="A state's forces attack a region of another state.", json_schema_extra={"examples": [{"actor": "TJ", "region": "KG-B", "mode": "attack"}]})
    ceasefire: CeasefireEffect | None = Field(None, description="Two states agree a ceasefire.", json_schema_extra={"examples": [{"actors": ["AM", "AZ"]}]})

    @model_validator(mode="after")
    def _exactly_one(self):
        return _exactly_one_key(self, "an effect")

    @staticmethod
    def walk(effects):
        """Every effect in a list, including those inside the choices of `options`."""
        for eff in effects:
            yield eff
            if eff.options is not None:
                for choice in eff.options.choices:
                    yield from Effect.walk(choice.effects)


class Event(Sourced):
    """Something that may happen: a trigger, a chance, effects. No code in files."""

    id: Id
    title: str = Field(description="Headline shown in the news feed.")
    trigger: Condition = Field(description="When the event can happen.")
    probability: Fraction | None = Field(None, description="Chance per turn while the trigger holds (default 1).")
    mtth_days: float | None = Field(None, gt=0, le=36_500, description="Mean time to happen in days while the trigger holds (instead of `probability`).")
    once: bool = Field(True, description="Fire at most once.")
    effects: list[Effect] = Field(min_length=1, description="What happens when it fires, in order.")

    @model_validator(mode="after")
    def _chance(self):
        if self.probability is not None and self.mtth_days is not None:
            raise ValueError("give `probability` or `mtth_days`, not both")
        return self


class Objective(Strict):
    """A goal by which an actor is judged at the end (no single right answer)."""

    id: Id
    actor: Id
    description: str = Field(description="The goal as the player reads it.")
    figure: RegionFigure | Literal["troops_deployed", "outcome"] = Field(description="What is measured.")
    region: str | None = Field(None, description="Region, or omit with `country` to sum over a country.")
    country: Id | None = Field(None, description="Actor id: sum over its regions (for `troops_deployed`: whose troops).")
    body: Id | None = Field(None, description="For `outcome`: the deciding body.")
    at_most: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="Met when the measured figure ends at or below this.")
    at_least: float | None = Field(None, ge=-FIGURE_MAX, le=FIGURE_MAX, description="Met when the measured figure ends at or above this.")
    outcome_in: list[Outcome] | None = Field(None, description="For `outcome`: the outcomes that count as success (met once the body has reached one of them).")
    outcome_not_in: list[Outcome] | None = Field(
        None, description="For `outcome`: outcomes to avoid (met while the body has reached none of them), "
                          "e.g. `[peacekeeping, collective_defence]` for 'no troops'.")
    weight: float = Field(1.0, gt=0, le=100, description="Importance relative to the actor's other objectives.")


class HistoricalEvent(Strict):
    date: dt.date = Field(description="When it happened.")
    text: str = Field(description="What happened, in one or two sentences.")
    sources: list[Id] = Field(default_factory=list, description="Ids of sources.")


class Range(Strict):
    low: float = Field(ge=0, le=FIGURE_MAX, description="Lowest credible figure.")
    high: float = Field(ge=0, le=FIGURE_MAX, description="Highest credible figure.")
    sources: list[Id] = Field(default_factory=list, description="Ids of sources.")
    note: str = Field("", description="How the sources differ.")


class HistoricalDecision(Strict):
    """What a body actually decided, for `calibrate`: the outcome, troops or not, when, and why."""

    body: Id = Field(description="The organisation or state that decided, e.g. `CSTO`.")
    outcome: list[Outcome] = Field(min_length=1, description="The outcome, or outcomes the sources cannot tell apart (e.g. `[statement, mediation]`). `no_session` also matches when no request was made.")
    troops: bool = Field(False, description="Whether it sent troops.")
    date: dt.date | None = Field(None, description="When it decided, if it did.")
    tolerance_days: int = Field(2, ge=0, le=60, description="How many days either side of `date` still count as the right timing.")
    factors: list[str] = Field(default_factory=list, description="The factors the sources name as decisive, as council reason codes (e.g. `regime`, `cost`, `adversary`, `commitments`, `legal_basis`); see docs/model.md.")
    sources: list[Id] = Field(default_factory=list, description="Ids of sources.")
    note: str = Field("", description="How the sources describe the decision.")


class History(Strict):
    """What actually happened, for the debrief and the calibration table."""

    summary: str = Field(description="What happened, in a paragraph, for the debrief.")
    timeline: list[HistoricalEvent] = Field(default_factory=list, description="Dated events of the real crisis.")
    outcomes: dict[Id, Outcome] = Field(default_factory=dict, description="What each body decided, e.g. `{CSTO: logistics_support}`.")
    decisions: list[HistoricalDecision] = Field(default_factory=list, description="The decisions `calibrate` checks the model against: outcome, troops, timing and the factors the sources name.")
    fiction: bool = Field(False, description="True for a counterfactual: `calibrate` shows it apart from the historical cases.")
    deaths: Range | None = Field(None, description="Deaths, as a range from the sources.")
    displaced: Range | None = Field(None, description="Peak internally displaced.")
    refugees: Range | None = Field(None, description="Peak refugees across borders.")


class TeachingQuestion(Strict):
    """A discussion question for the class, and the phase of the session it belongs to."""

    phase: Literal["before", "during", "debrief"] = Field(description="When to ask it: `before` play, `during` play (on the game dates from `date_from` to `date_to`) or in the `debrief`.")
    date_from: dt.date | None = Field(None, description="For `during`: the first game date the question fits (required for `during`, not allowed otherwise).")
    date_to: dt.date | None = Field(None, description="For `during`: the last game date the question fits (default: `date_from`).")
    text: str = Field(min_length=1, max_length=1000, description="The question: open, not leading; the class answers it, the game does not.")

    @model_validator(mode="after")
    def _dates(self):
        if self.phase == "during" and self.date_from is None:
            raise ValueError("a `during` question needs `date_from` (and may have `date_to`)")
        if self.phase != "during" and (self.date_from is not None or self.date_to is not None):
            raise ValueError(f"only a `during` question has dates; this one is `{self.phase}`")
        if self.date_from is not None and self.date_to is not None and self.date_to < self.date_from:
            raise ValueError("`date_to` is before `date_from`")
        return self


class SuggestedMinutes(Strict):
    """Suggested minutes for each part of a class session."""

    setup: int = Field(ge=0, le=600, description="Minutes to set up: the briefing and choosing roles.")
    play: int = Field(ge=1, le=600, description="Minutes of play.")
    debrief: int = Field(ge=0, le=600, description="Minutes of debrief: the debrief screen, the report, the questions.")


class ClassroomPace(Strict):
    """A pace that fits a lesson: fewer, longer turns (and perhaps a shorter span), with suggested
    minutes per turn. The roles screen offers it; each event still happens in the turn that holds
    its day, with the same daily chance. The model and the historical check keep the scenario's own
    pace. A teaching choice, not a fact."""

    turn_days: int = Field(ge=1, le=31, description="Days per turn at the classroom pace (at least the scenario's own `turn_days`).")
    end_date: dt.date | None = Field(None, description="A last date before the scenario's own `end_date`, for a shorter game (default: the scenario's).", json_schema_extra={"examples": ["2010-06-25"]})
    minutes_per_turn: int = Field(ge=1, le=60, description="Suggested minutes of play per turn, to plan the lesson.")


class Teaching(Strict):
    """Material for a class (docs/classroom.md): what students should learn, questions, timings.

    The debrief screen and the after-action report show it; it never changes play, except that a
    game started at its `classroom_pace` follows that calendar."""

    learning_objectives: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list, description="What students should be able to explain after the session, one sentence each.")
    questions: list[TeachingQuestion] = Field(default_factory=list, description="Discussion questions, each with its phase: before play, during a range of game dates, or in the debrief.")
    suggested_minutes: SuggestedMinutes | None = Field(None, description="Suggested minutes for set-up, play and debrief.")
    classroom_pace: ClassroomPace | None = Field(None, description="A pace for a lesson that the roles screen offers: fewer, longer turns or a shorter span (it changes the calendar of play, never the model).")


class Parameters(Strict):
    """Coefficients of the crisis dynamics. docs/model.md explains each and its default."""

    escalation: float = Field(2.6, ge=0, le=10, description="Growth of violence per day at full tension and no order.")
    spread: float = Field(0.15, ge=0, le=5, description="Share of a neighbour's violence that leaks in per day, scaled by tension.")
    decay: float = Field(0.25, ge=0, le=5, description="Fading of violence per day without fuel.")
    suppression: float = Field(0.6, ge=0, le=10, description="Violence removed per day per unit of effective security presence.")
    lethality: float = Field(0.00014, ge=0, le=1, description="Deaths per day per inhabitant at violence 1.")
    flight: float = Field(0.2, ge=0, le=5, description="Share of the population that flees per day at violence 1 (it grows with the cube of violence: people flee massacres, not skirmishes).")
    return_rate: float = Field(0.1, ge=0, le=5, description="Share of the displaced that returns per day when calm.")
    cross_border_share: float = Field(0.5, ge=0, le=1, description="Share of those fleeing who cross an open border when one is near.")
    burnout: float = Field(0.5, ge=0, le=5, description="Fall of tension per day at violence 1: communities exhausted, emptied or separated.")
    refugee_return: float = Field(1.5, ge=0, le=10, description="Speed of refugees' return relative to the displaced's (hosts push for it).")
    stability_recovery: float = Field(0.04, ge=0, le=5, description="Recovery of stability per day when violence is low.")
    infiltration: float = Field(0.04, ge=0, le=5, description="Share of an armed group's pressing fighters that slip through a wholly unguarded border per day.")
    attrition: float = Field(0.02, ge=0, le=5, description="Losses of fighters per day per unit of effective security presence.")
    noise: float = Field(0.08, ge=0, le=1, description="Relative spread of daily random shocks.")
    security_scale: float = Field(2000.0, gt=0, le=1_000_000, description="Effective troops per 100,000 inhabitants that amount to one unit of presence.")


class Scenario(Strict):
    """A complete scenario file."""

    format: int = Field(FORMAT_VERSION, ge=1, le=1000, description="Format version of this file.")
    id: Id = Field(description="Short id, used on the command line.")
    title: str = Field(description="Title shown in the scenario browser.")
    subtitle: str = Field("", description="Second line of the title.")
    summary: str = Field(description="One paragraph shown in the scenario browser.")
    briefing: str = Field("", description="The longer situation report shown before play.")
    difficulty: Literal["introductory", "standard", "hard"] = Field("standard", description="`introductory`, `standard` or `hard`.")
    start_date: dt.date = Field(description="Date of the first turn.")
    end_date: dt.date = Field(description="Date of the last turn (not before `start_date`).")
    turn_days: int = Field(1, ge=1, le=31, description="Days per turn: 1 for daily, 7 for weekly turns.")
    extends: list[str] = Field(default_factory=list, description="Files whose lists this file adds to (paths relative to this file).")
    library: bool = Field(False, description="True for a library of shared definitions (e.g. `scenarios/common/csto.yaml`): it is meant to be `extends`-ed, cannot be played, and needs none of the fields a playable scenario requires.")
    sources: list[Source] = Field(default_factory=list, description="The bibliography: every source that a fact in this file cites by id.")
    actors: list[Actor] = Field(min_length=1, description="Everyone who acts: governments, states, armed groups, secretariats.")
    organisations: list[Organisation] = Field(default_factory=list, description="Alliances and organisations.")
    regions: list[Region] = Field(min_length=1, description="The regions in play (at least one).")
    forces: list[Force] = Field(default_factory=list, description="Military units and contingents.")
    agreements: list[Agreement] = Field(default_factory=list, description="Agreements that change what actions are possible.")
    events: list[Event] = Field(default_factory=list, description="Scripted events: trigger, chance, effects.")
    objectives: list[Objective] = Field(default_factory=list, description="How each actor is judged at the end.")
    history: History | None = Field(None, description="What actually happened, for the debrief.")
    teaching: Teaching | None = Field(None, description="Material for a class: learning objectives, discussion questions by phase, suggested timings (docs/classroom.md).")
    parameters: Parameters = Field(default_factory=Parameters, description="Coefficients of the crisis dynamics (defaults suit most scenarios).")
    coefficients: dict[str, Annotated[float, Field(ge=-1e6, le=1e6)]] = Field(default_factory=dict, description="Overrides of the decision model's named coefficients (see the table in docs/model.md), e.g. `{draft_support_share: 0.6}`. For what-if play and research; historical scenarios keep the defaults.", json_schema_extra={"examples": [{"draft_support_share": 0.6, "treaty_duty_force": 0.15}]})

    @field_validator("coefficients")
    @classmethod
    def _known_coefficients(cls, v):
        from game.engine.params import COEFFICIENTS  # the registry lives with the rules
        unknown = sorted(set(v) - set(COEFFICIENTS))
        if unknown:
            raise ValueError(f"unknown coefficient(s) {', '.join(unknown)}; known: {', '.join(sorted(COEFFICIENTS))}")
        return v

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, v, info):
        start = info.data.get("start_date")
        if start is not None and v < start:
            raise ValueError("end_date is before start_date")
        return v
