"""HDS-DRIFT-001: every live resource is managed by one of the Terraform states.

A volume created by hand in the console, a bucket made by a script: what no state manages
never went through the pre-commit hook or the CI gate, so nobody reviewed its encryption,
region or backups. The ISMS scope must cover every means of processing health data (HDS
EXI 04), which needs an inventory of them (ISO 27001 5.9) and changes that go through
change management (8.32).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._drift import drifted
from hds_iac.settings import Settings


@rule("HDS-DRIFT-001")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in drifted(inventory, "live"):
        drift = res.drift
        if drift.status == "managed":
            yield Verdict(res, "pass", "pass", {"state": drift.state, "address": drift.address})
        elif drift.status == "unmanaged":
            yield Verdict(res, "fail", "fail", {})
        else:
            yield Verdict(res, "unknown", "unknown", {"reason": drift.reason})
