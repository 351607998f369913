"""HDS-BAK-007: every volume has a recent snapshot (live scans).

Code can declare a backup plan; only the account shows whether backups actually happen.
Outscale takes no automatic backup of client data (matrix §20), and a backup policy that
silently stopped leaves health data unrecoverable after a media failure (HDS EXI 05 A, G).
The age of each volume's newest completed snapshot is the evidence an auditor asks for.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


# The newest snapshot's age (live: the snapshot listing's `StartTime`).
FACETS = ("backup.newest_snapshot_age_days",)


@rule("HDS-BAK-007", kinds=("volume",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    limit = settings.max_snapshot_age_days
    for res in inventory.of_kind("volume"):
        backup = res.backup
        if backup is None or backup.snapshot_count is None:
            continue  # code, plans and states: no snapshot history to judge
        count, age = backup.snapshot_count, backup.newest_snapshot_age_days
        for value in (count, age):
            if isinstance(value, Unknown):
                yield Verdict(res, "unknown", "unknown", {"reason": why(value)}, facets=FACETS)
                break
        else:
            if count == 0 or age is None:
                yield Verdict(res, "fail", "fail_none", {"limit": limit}, facets=FACETS)
            elif age > limit:
                yield Verdict(res, "fail", "fail", {"age": age, "limit": limit, "count": count},
                              facets=FACETS)
            else:
                yield Verdict(res, "pass", "pass", {"age": age, "limit": limit, "count": count},
                              facets=FACETS)
