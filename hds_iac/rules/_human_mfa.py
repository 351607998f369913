"""The MFA question asked of every identity a person can use (console users, assumed roles).

Identities no person can use (`console_access` None or False) are outside the question; an
unresolved access or MFA fact is unknown with its reason; else MFA enforced passes.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict
from hds_iac.rules._unknown import why


def human_mfa_verdicts(inventory: Inventory, kind: str, no_information: str) -> Iterator[Verdict]:
    """Verdicts for every resource of `kind`; `no_information` explains a missing MFA fact."""
    for res in inventory.of_kind(kind):
        ident = res.identity
        if ident is None or ident.console_access is None or ident.console_access is False:
            continue
        if isinstance(ident.console_access, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(ident.console_access)},
                          facets=("identity.console_access",))
            continue
        mfa = ident.mfa_enforced if ident.mfa_enforced is not None else Unknown(no_information)
        # What enforces MFA (or fails to be read), then what grants the console: a user
        # whose MFA is decided by absence points at its login profile.
        facets = ("identity.mfa_enforced", "identity.console_access")
        if isinstance(mfa, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(mfa)}, facets=facets)
        else:
            status = "pass" if mfa is True else "fail"
            yield Verdict(res, status, status, {"detail": ident.detail}, facets=facets)
