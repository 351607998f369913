"""HDS-BAK-006: snapshots and images are not shared publicly or with other accounts.

A snapshot or machine image is a full copy of the disks it was taken from, health data
included. Shared publicly, anyone can copy it; shared with another account, the copy leaves
the client's control, and the provider cannot erase what a third party keeps using, even
at the end of the contract (responsibility matrix §6; HDS EXI 05 B: loss of control of
storage, EXI 27: destruction of every copy; ISO 27001 8.3).

Sharing granted by a separate permission resource (`aws_snapshot_create_volume_permission`,
`outscale_snapshot_attributes`...) is reported on that resource.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


PUBLIC, ACCOUNTS = "sharing.public", "sharing.accounts"  # the facet values judged


@rule("HDS-BAK-006", kinds=("snapshot", "image"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("snapshot", "image"):
        sharing = res.sharing
        if sharing is None:
            continue
        if sharing.public is True:
            yield Verdict(res, "fail", "fail_public", {}, facets=(PUBLIC,))
            continue
        accounts = sharing.accounts
        if isinstance(accounts, tuple) and accounts:
            yield Verdict(res, "fail", "fail_accounts",
                          {"accounts": ", ".join(accounts), "count": len(accounts)},
                          facets=(ACCOUNTS,))
            continue
        unknown, facet = (sharing.public, PUBLIC) if isinstance(sharing.public, Unknown) else \
            (accounts, ACCOUNTS) if isinstance(accounts, Unknown) else (None, "")
        if unknown is not None:
            yield Verdict(res, "unknown", "unknown", {"reason": why(unknown)}, facets=(facet,))
            continue
        yield Verdict(res, "pass", "pass", {}, facets=(PUBLIC, ACCOUNTS))
