"""HDS-DRIFT-002: a managed resource still has the HDS facts its state records.

Encryption switched off in the console, a retention shortened by a script, a database made
single-zone during an incident: the gate approved the state's values, and the account now
runs others. Such a change bypassed change management (ISO 27001 8.32) and configuration
management (8.9), within the ISMS scope (HDS EXI 04). Each difference names the fact, the
state's value and the live value. A fact the account cannot give (a read that failed) makes
the answer unknown; a fact the state does not tell (who manages a KMS key it does not hold)
is not compared, and the message says so.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._drift import drifted
from hds_iac.settings import Settings


def _pairs(changes) -> str:
    return "; ".join(f"{c.fact}: state {c.state}, live {c.live}" for c in changes)


def _reasons(facts) -> str:
    return "; ".join(f"{c.fact} ({c.state})" for c in facts)


@rule("HDS-DRIFT-002")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in drifted(inventory, "live"):
        drift = res.drift
        if drift.status != "managed" or not (drift.compared or drift.unresolved
                                             or drift.not_in_state):
            continue
        state, address = drift.state, drift.address
        if drift.changes:
            yield Verdict(res, "fail", "fail", {"state": state, "address": address,
                                                "changes": _pairs(drift.changes)})
        elif drift.unresolved or not drift.compared:
            yield Verdict(res, "unknown", "unknown", {
                "state": state, "address": address,
                "reason": _pairs(drift.unresolved or drift.not_in_state)})
        elif drift.not_in_state:
            yield Verdict(res, "pass", "pass_partial", {
                "state": state, "address": address, "facts": ", ".join(drift.compared),
                "missing": _reasons(drift.not_in_state)})
        else:
            yield Verdict(res, "pass", "pass", {"state": state, "address": address,
                                                "facts": ", ".join(drift.compared)})
