"""HDS-ENC-005: snapshots and machine images are encrypted at rest.

A snapshot or an image is a copy of the disks and databases it was taken from, often kept
for years and copied between regions and accounts: the data it holds is exposed the same
way when its storage leaves the provider's control (EXI 05 B.c), so it is judged the same
way as the disks (HDS-ENC-001): a copy that does not state its encryption follows its
source, an AWS EBS copy of an unencrypted source is encrypted only when EBS encryption by
default is on for its region, and an Outscale snapshot or image passes only on the
client's attestation (its own tag, or for a snapshot the tag of the volume it copies),
Outscale having no encryption to read (matrix §13).
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._disks import ACCOUNT_DEFAULT_FAILS, disk_verdicts
from hds_iac.settings import Settings

KINDS = ("snapshot", "image")


@rule("HDS-ENC-005", kinds=KINDS, needs_all={"account-setting": ACCOUNT_DEFAULT_FAILS})
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from disk_verdicts(inventory, settings, KINDS)
