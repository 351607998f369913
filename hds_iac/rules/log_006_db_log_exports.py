"""HDS-LOG-006: databases export the log that records connections and audited statements.

Who connected to the database of patient records, from where, and what they ran is the
trace closest to the data (EXI 05 D.c). Each engine names that log differently (the audit
log of MySQL, MariaDB, Aurora MySQL, Oracle, DocumentDB and Neptune; the postgresql log of
PostgreSQL and Aurora PostgreSQL): the shared AWS mapping (`aws_logging.AUDIT_LOG_TYPES`)
knows which, and exported to CloudWatch Logs it outlives the instance and its operators.
SQL Server has no such export: unknown, said so.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._logged import logged_verdicts
from hds_iac.settings import Settings


@rule("HDS-LOG-006", kinds=("database", "database-cluster"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from logged_verdicts(inventory, "database", "database-cluster")
