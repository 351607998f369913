"""HDS-BAK-003: databases are protected against deletion.

Deletion protection makes the provider refuse to delete the database until someone turns
it off on purpose: it stops a mistaken `terraform destroy`, a replacement forced by a
changed argument, or a hurried console click from erasing health records (HDS EXI 05 F:
unforeseen use by mistake or malice; ISO 27001 8.13).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdict
from hds_iac.settings import Settings


@rule("HDS-BAK-003", kinds=("database", "database-cluster"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("database", "database-cluster"):
        if res.backup is None:
            continue
        verdict = flag_verdict(res, res.backup.deletion_protection, "backup.deletion_protection")
        if verdict is not None:
            yield verdict
