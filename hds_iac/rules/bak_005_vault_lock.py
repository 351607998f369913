"""HDS-BAK-005: backup vaults are locked.

Backups are the last line against ransomware and malicious insiders, which is why attackers
delete them first. A vault lock (AWS Backup Vault Lock) makes recovery points immutable for
their retention, even for the account's administrators (HDS EXI 05 F: malicious use;
EXI 05 G; ISO 27001 8.13).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flag import flag_verdicts
from hds_iac.settings import Settings


@rule("HDS-BAK-005", kinds=("backup-vault",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from flag_verdicts(inventory, ("backup-vault",), "backup", "vault_locked")
