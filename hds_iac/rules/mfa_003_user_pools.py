"""HDS-MFA-003: user pools that sign people in to a health application require MFA.

A Cognito user pool is the front door of patient portals and professional apps: with MFA
"OPTIONAL" or "OFF", an account whose password leaked opens the health data behind it
(HDS EXI 05 D.b: distribution of electronic identification means; ISO 27001 8.5).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-MFA-003", kinds=("user-pool",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from flag_verdicts(inventory, ("user-pool",), "identity", "mfa_enforced",
                             lambda res: {"detail": res.identity.detail})
