"""HDS-MFA-002: a role that people assume must require MFA in its trust policy.

Assuming a role hands out its permissions, often wider than the person's own: without an
`aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge` condition, a stolen access key of
any trusted user becomes those privileges (HDS EXI 05 D; ISO 27001 8.5, 8.2). Roles that
only services or web identities can assume are outside this rule.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-MFA-002")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("role"):
        ident = res.identity
        if ident is None or ident.console_access is None or ident.console_access is False:
            continue
        if isinstance(ident.console_access, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(ident.console_access)})
            continue
        mfa = ident.mfa_enforced
        if mfa is None:
            mfa = Unknown("the trust policy gives no MFA information")
        if isinstance(mfa, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(mfa)})
        else:
            status = "pass" if mfa is True else "fail"
            yield Verdict(res, status, status, {"detail": ident.detail})
