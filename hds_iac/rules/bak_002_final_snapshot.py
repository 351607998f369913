"""HDS-BAK-002: deleting a database leaves a final snapshot.

With `skip_final_snapshot = true`, one `terraform destroy` (or a renamed resource that
Terraform replaces) deletes the database with no copy left, and its automated backups go
with it by default: health data lost by a routine operation (HDS EXI 05 F, unforeseen use
by mistake; EXI 05 G; ISO 27001 8.13).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-BAK-002", kinds=("database", "database-cluster"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from flag_verdicts(inventory, ("database", "database-cluster"), "backup",
                             "final_snapshot")
