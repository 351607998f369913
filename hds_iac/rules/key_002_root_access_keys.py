"""HDS-KEY-002: the AWS root user has no access keys (live scans).

The root user can do everything in the account, and no IAM policy, permission boundary
or service control policy limits it: an access key of the root user is the one
credential whose leak cannot be contained. It is also invisible in Terraform (no resource
creates it), so only the account shows it (HDS EXI 05 D.b; ISO 27001 8.2 privileged access
rights, 5.17, 8.5).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-KEY-002", kinds=("user",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("user"):
        ident = res.identity
        if ident is None or not ident.account_root or ident.active_access_keys is None:
            continue
        keys = ident.active_access_keys
        facets = ("identity.active_access_keys",)  # live: the account summary's field
        if isinstance(keys, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(keys)}, facets=facets)
        elif keys > 0:
            yield Verdict(res, "fail", "fail", {"count": keys}, facets=facets)
        else:
            yield Verdict(res, "pass", "pass", {}, facets=facets)
