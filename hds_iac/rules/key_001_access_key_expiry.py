"""HDS-KEY-001: access keys expire, or are rotated within the allowed age.

An access key is a long-lived password for the API: a key that never expires keeps working
after it leaked in a repository, a CI log or a laptop backup. The responsibility matrix
(§12) makes the client regenerate its access keys regularly; Outscale lets the account cap
their lifetime (`max_access_key_expiration_seconds`), AWS IAM keys never expire by
themselves and must be rotated (HDS EXI 05 D.b; ISO 27001 5.17, 8.5).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Resource, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


# The facet each verdict judged (findings point at the attribute it came from).
_AGE = ("identity.key_age_days",)
_LIFETIME = ("identity.key_max_age_days",)


def _judge(res: Resource, settings: Settings) -> Verdict | None:
    ident = res.identity
    if ident is None:
        return None
    limit = settings.max_access_key_age_days
    detail = ident.detail
    age, lifetime = ident.key_age_days, ident.key_max_age_days
    if age is None and lifetime is None:
        return None
    # Live scans: the key's real age is what rotation is about.
    if age is not None:
        if isinstance(age, Unknown):
            return Verdict(res, "unknown", "unknown", {"reason": why(age)},
                           facets=_AGE)
        if age > limit:
            return Verdict(res, "fail", "fail_old", {"age": age, "max": limit, "detail": detail},
                           facets=_AGE)
        if lifetime is None or isinstance(lifetime, Unknown) or lifetime == 0 or lifetime <= limit:
            return Verdict(res, "pass", "pass_age", {"age": age, "max": limit, "detail": detail},
                           facets=_AGE)
    if isinstance(lifetime, Unknown):
        return Verdict(res, "unknown", "unknown", {"reason": why(lifetime)},
                       facets=_LIFETIME)
    params = {"days": lifetime, "max": limit, "detail": detail}
    if res.kind == "account-policy":
        if lifetime == 0:
            return Verdict(res, "fail", "fail_policy_never", params,
                           facets=_LIFETIME)
        if lifetime > limit:
            return Verdict(res, "fail", "fail_policy_long", params,
                           facets=_LIFETIME)
        return Verdict(res, "pass", "pass_policy", params, facets=_LIFETIME)
    if lifetime == 0:
        # Where keys cannot be given an expiry at all (AWS IAM), the message says to rotate.
        key = "fail_key_never" if ident.keys_can_expire else "fail_aws_never"
        return Verdict(res, "fail", key, params, facets=_LIFETIME)
    if lifetime > limit:
        return Verdict(res, "fail", "fail_key_long", params, facets=_LIFETIME)
    return Verdict(res, "pass", "pass_key", params, facets=_LIFETIME)


@rule("HDS-KEY-001", kinds=("account-policy", "access-key"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("account-policy", "access-key"):
        verdict = _judge(res, settings)
        if verdict is not None:
            yield verdict
