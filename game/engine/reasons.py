"""The decision's reason codes and their labels (plain data: the validator reads them without numpy).

Each member's utility term and each rule of the procedure has a code; a decision records its two
decisive codes, and a scenario's `history.decisions[].factors` names the ones its sources give.
"""
from __future__ import annotations

TERM_LABELS = {
    "regime": "support for a friendly government in danger",
    "spillover": "threat of spill-over to its own territory",
    "humanitarian": "humanitarian concern",
    "credibility": "the alliance's credibility",
    "duty": "the treaty duty to consult and assist",
    "influence": "regional influence",
    "cost": "cost and risk to its own troops",
    "commitments": "forces and attention tied down elsewhere",
    "precedent": "precedent of interfering in internal affairs",
    "rivalry": "wariness of foreign troops near its borders",
    "kin": "protection of its co-ethnics",
    "bilateral": "preference for acting on its own terms",
    "adversary": "ties to the other side",
    "host_refusal": "its own crisis, and it did not ask",
    "alignment": "following the leading member's position",
    "requester": "it made the request",
}
#: Reasons of the procedure itself (not a member's utility).
PROCEDURE_LABELS = {
    "legal_basis": "what the treaty in force allows",
    "reading": "how the council read the crisis",
    "member_conflict": "a conflict between two members: mediation only",
    "host_consent": "the member concerned did not ask",
    "no_request": "nobody asked",
    "no_session": "too few members wanted a session",
}
REASON_CODES: tuple[str, ...] = tuple(TERM_LABELS) + tuple(PROCEDURE_LABELS)
REASON_LABELS = {**TERM_LABELS, **PROCEDURE_LABELS}
