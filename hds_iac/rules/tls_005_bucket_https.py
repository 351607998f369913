"""HDS-TLS-005: object storage buckets refuse requests over plain HTTP.

S3 answers plain HTTP requests unless the bucket policy denies them: a client, script or
misconfigured SDK can then upload or download health data in clear text (EXI 05 C). A
policy statement denying `aws:SecureTransport = false` is the bucket-side guarantee that
every access is encrypted in transit.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import encryption_verdicts
from hds_iac.settings import Settings

FLOW = "https-only policy"


@rule("HDS-TLS-005")
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from encryption_verdicts(inventory.of_kind("bucket"), FLOW, param="detail")
