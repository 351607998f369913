"""HDS-MFA-001: every IAM user who can sign in to the console must be forced to use MFA.

A console password alone is one phished or reused secret away from every health record
the user can reach (HDS EXI 05 D: failure of access control; ISO 27001 8.5). On AWS the
usual way to force MFA is a policy, attached to the user or to one of its groups, that
denies everything while `aws:MultiFactorAuthPresent` is false; the adapter resolves group
memberships, which is why this rule needs the whole inventory.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-MFA-001")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("user"):
        ident = res.identity
        # Users without a console password (API-only) or whose provider has no console
        # notion (console_access None) are outside this rule; access keys are HDS-KEY-001.
        if ident is None or ident.console_access is None or ident.console_access is False:
            continue
        if isinstance(ident.console_access, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(ident.console_access)})
            continue
        mfa = ident.mfa_enforced
        if mfa is None:
            mfa = Unknown("no MFA information for this user")
        if isinstance(mfa, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(mfa)})
        elif mfa is True:
            yield Verdict(res, "pass", "pass", {"detail": ident.detail})
        else:
            yield Verdict(res, "fail", "fail", {"detail": ident.detail})
