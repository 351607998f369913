"""HDS-MFA-004: the Outscale account's API access policy requires the trusted environment.

On Outscale the only switch that forces multi-factor authentication is the account's API
access policy: `require_trusted_env = true` makes Cockpit sign-in require a WebAuthn
second factor and every access key carry an expiry. The responsibility matrix (§12)
recommends two-factor authentication with a separate hardware device to keep the
SecNumCloud level (HDS EXI 05 D.b; ISO 27001 8.5).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-MFA-004", kinds=("account-policy",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    # Only an account policy that carries an MFA switch (Outscale's API access policy) has
    # `mfa_enforced`; others (a password policy) leave it None and are not judged.
    yield from flag_verdicts(inventory, ("account-policy",), "identity", "mfa_enforced",
                             lambda res: {"detail": res.identity.detail})
