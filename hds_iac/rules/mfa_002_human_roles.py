"""HDS-MFA-002: a role that people assume must require MFA in its trust policy.

Assuming a role hands out its permissions, often wider than the person's own: without an
`aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge` condition, a stolen access key of
any trusted user becomes those privileges (HDS EXI 05 D; ISO 27001 8.5, 8.2). Roles that
only services or web identities can assume are outside this rule.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._human_mfa import human_mfa_verdicts
from hds_iac.settings import Settings


@rule("HDS-MFA-002", kinds=("role",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    return human_mfa_verdicts(inventory, "role", "the trust policy gives no MFA information")
