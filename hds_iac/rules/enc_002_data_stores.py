"""HDS-ENC-002: managed data stores (databases, caches, file systems, tables, buckets,
backup vaults) are encrypted at rest.

These services hold health data in bulk, on media the client never sees: encryption at
rest is what keeps the data unreadable when storage is reallocated or a medium leaves the
provider's control (EXI 05 B.c); server-side encryption is the customer's side of AWS's
shared responsibility model. Services that always encrypt (S3 since January 2023, DynamoDB, AWS Backup vaults)
pass even when the configuration says nothing.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._at_rest import judge_parts
from hds_iac.rules._outcome import facets, labels, reasons, whys
from hds_iac.settings import Settings

KINDS = ("database", "database-cluster", "cache", "file-system", "table", "backup-vault", "bucket")


@rule("HDS-ENC-002", kinds=KINDS)
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind(*KINDS):
        if not res.at_rest:
            continue
        status, deciding = judge_parts(res, inventory)
        decided_by = facets(deciding)
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          decided_by)
        elif status == "fail":
            yield Verdict(res, "fail", "fail", {"parts": labels(deciding)}, decided_by)
        elif whys(deciding) == {"service-default"}:
            yield Verdict(res, "pass", "pass-default", {"parts": labels(deciding)},
                          decided_by)
        else:
            yield Verdict(res, "pass", "pass", {"parts": labels(deciding)}, decided_by)
