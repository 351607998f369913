"""HDS-MFA-001: every IAM user who can sign in to the console must be forced to use MFA.

A console password alone is one phished or reused secret away from every health record
the user can reach (HDS EXI 05 D: failure of access control; ISO 27001 8.5). On AWS the
usual way to force MFA is a policy, attached to the user or to one of its groups, that
denies everything while `aws:MultiFactorAuthPresent` is false; the adapter resolves group
memberships, which is why this rule needs the whole inventory.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._human_mfa import human_mfa_verdicts
from hds_iac.settings import Settings


@rule("HDS-MFA-001", kinds=("user",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    # Users without a console password (API-only) or whose provider has no console notion
    # are outside this rule; their access keys are HDS-KEY-001's.
    return human_mfa_verdicts(inventory, "user", "no MFA information for this user")
