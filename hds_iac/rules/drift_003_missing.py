"""HDS-DRIFT-003: what a state manages still exists in the account.

A database deleted and recreated by a script, a volume removed by hand: the state, the
team's inventory of record, no longer describes the account (ISO 27001 5.9 inventory; 8.32
change management; HDS EXI 04). The next `terraform apply` will recreate or fail, and a
recreated store may come back without its data. A resource of a region that was not
scanned, or of a kind whose listing failed there, is unknown, never missing.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._drift import drifted
from hds_iac.settings import Settings


@rule("HDS-DRIFT-003")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in drifted(inventory, "state"):
        drift = res.drift
        if drift.status == "found":
            yield Verdict(res, "pass", "pass", {"live": drift.address})
        elif drift.status == "missing":
            yield Verdict(res, "fail", "fail", {"state": drift.state, "id": drift.address})
        else:
            yield Verdict(res, "unknown", "unknown", {"reason": drift.reason})
