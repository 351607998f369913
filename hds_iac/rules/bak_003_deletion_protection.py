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
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-BAK-003", kinds=("database", "database-cluster"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from flag_verdicts(inventory, ("database", "database-cluster"), "backup",
                             "deletion_protection")
