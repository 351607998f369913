"""HDS-DRIFT-002: a managed resource still has the HDS facts its state records.

Encryption switched off in the console, a retention shortened by a script, a database made
single-zone during an incident: the gate approved the state's values, and the account now
runs others. Such a change bypassed change management (ISO 27001 8.32) and configuration
management (8.9), within the ISMS scope (HDS EXI 04). Each difference names the fact, the
state's value and the live value; a fact one side cannot give makes the answer unknown.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._drift import drifted
from hds_iac.settings import Settings


def _pairs(changes) -> str:
    return "; ".join(f"{c.fact}: state {c.state}, live {c.live}" for c in changes)


@rule("HDS-DRIFT-002")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in drifted(inventory, "live"):
        drift = res.drift
        if drift.status != "managed" or not (drift.compared or drift.unresolved):
            continue
        state, address = drift.state, drift.address
        if drift.changes:
            yield Verdict(res, "fail", "fail", {"state": state, "address": address,
                                                "changes": _pairs(drift.changes)})
        elif drift.unresolved:
            yield Verdict(res, "unknown", "unknown", {"state": state, "address": address,
                                                      "reason": _pairs(drift.unresolved)})
        else:
            yield Verdict(res, "pass", "pass", {"state": state, "address": address,
                                                "facts": ", ".join(drift.compared)})
