"""HDS-MFA-005: the AWS account password policy asks for long passwords and blocks reuse.

Console passwords of IAM users are the first factor of every sign-in; HDS-MFA-001 checks the
second. The policy is judged on what ANSSI's guide on multi-factor authentication and
passwords (ANSSI-PG-078, 2021) asks of a password policy: a minimum length chosen for the
security level (R20, R21; `Settings.min_password_length`) and a check that refuses old
passwords (R27). Expiry and character classes are shown, not judged: R24 advises against
forced expiry by default and R25's one-to-three-year expiry of privileged accounts is
within IAM's own cap (1095 days), and R23 leaves the classes to the policy. Only accounts
and configurations that show the policy are judged (a Terraform root without
`aws_iam_account_password_policy` says nothing about the account).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


# The policy values judged (`hds_iac.model.facet_key`).
LENGTH = "identity.password_policy.min_length"
REUSE = "identity.password_policy.reuse_prevention"


@rule("HDS-MFA-005", kinds=("account-policy",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("account-policy"):
        policy = res.identity.password_policy if res.identity is not None else None
        if policy is None:
            continue  # an account policy without passwords (Outscale's API access policy)
        if isinstance(policy, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(policy)})
            continue
        minimum = settings.min_password_length
        params = {"min": minimum, "detail": res.identity.detail}
        if not policy.exists:
            yield Verdict(res, "fail", "fail_none", params)
            continue
        length, reuse = policy.min_length, policy.reuse_prevention
        unresolved = next((v for v in (length, reuse) if isinstance(v, Unknown)), None)
        short = not isinstance(length, Unknown) and length < minimum
        reused = not isinstance(reuse, Unknown) and reuse < 1
        if short or reused:
            key = "fail_short_reuse" if short and reused else "fail_short" if short else "fail_reuse"
            yield Verdict(res, "fail", key, params, facets=tuple(
                f for f, bad in ((LENGTH, short), (REUSE, reused)) if bad))
        elif unresolved is not None:
            yield Verdict(res, "unknown", "unknown", {"reason": why(unresolved)}, facets=tuple(
                f for f, v in ((LENGTH, length), (REUSE, reuse)) if isinstance(v, Unknown)))
        else:
            yield Verdict(res, "pass", "pass", params, facets=(LENGTH, REUSE))
