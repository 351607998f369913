"""HDS-ENC-001: block volumes and machine disks are encrypted at rest.

Health data on a disk is exposed whenever the storage medium leaves the provider's control
or is reallocated to someone else (EXI 05 B.c). The Outscale matrix (§13) leaves disk
encryption to the client: Outscale exposes no volume encryption, so the client encrypts
inside the VM (LUKS) and nothing in the API can show it; only the user's attestation tag
can. On AWS, a disk whose `encrypted` is omitted is encrypted only when EBS encryption by
default is enabled for its account and region.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._disks import ACCOUNT_DEFAULT_FAILS, disk_verdicts
from hds_iac.settings import Settings

KINDS = ("volume", "instance", "launch-template")


@rule("HDS-ENC-001", kinds=KINDS, needs_all={"account-setting": ACCOUNT_DEFAULT_FAILS})
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from disk_verdicts(inventory, settings, KINDS)
