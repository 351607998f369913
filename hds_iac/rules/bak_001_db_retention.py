"""HDS-BAK-001: databases keep automated backups for at least the minimum retention.

Automated backups and point-in-time recovery are what brings patient records back after a
faulty migration, a ransomware or a deleted table; a retention of 0 switches them off, and
a short one may have rotated the last good copy out before anyone noticed (HDS EXI 05 G;
ISO 27001 8.13). The minimum is a setting (`--min-backup-retention-days`, default 7).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._unknown import why
from hds_iac.settings import Settings


@rule("HDS-BAK-001", kinds=("database", "database-cluster"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    minimum = settings.min_backup_retention_days
    for res in inventory.of_kind("database", "database-cluster"):
        days = res.backup.retention_days if res.backup else None
        if days is None:
            continue
        facets = ("backup.retention_days",)
        if isinstance(days, Unknown):
            yield Verdict(res, "unknown", "unknown", {"reason": why(days), "min": minimum},
                          facets)
        elif days <= 0:
            yield Verdict(res, "fail", "fail_disabled", {"days": days, "min": minimum},
                          facets)
        elif days < minimum:
            yield Verdict(res, "fail", "fail_short", {"days": days, "min": minimum},
                          facets)
        else:
            yield Verdict(res, "pass", "pass", {"days": days, "min": minimum}, facets)
