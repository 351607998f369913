"""HDS-AZ-001: managed databases, caches and file systems run across availability zones.

A single-zone database stops, and may lose its latest writes, when its zone fails: the
hospital's application loses its records for the length of the outage. HDS asks the host
to weigh hardware and software failures that break continuity commitments (EXI 05 G) and
ISO 27001 8.14 asks for redundant processing; the managed services have a switch for it.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-AZ-001", kinds=("database", "database-cluster", "cache", "file-system"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from flag_verdicts(inventory, ("database", "database-cluster", "cache", "file-system"),
                             "placement", "multi_az")
