"""HDS-TLS-005: object storage buckets refuse requests over plain HTTP.

S3 answers plain HTTP requests unless the bucket policy denies them: a client, script or
misconfigured SDK can then upload or download health data in clear text (EXI 05 C). A
policy that denies every S3 action on the bucket and its objects to every principal when
`aws:SecureTransport` is false is the bucket-side guarantee that every access is encrypted
in transit; a Deny of `s3:GetObject` alone, on another bucket or on a prefix leaves the rest
open. The adapters judge the policy (`aws_iam.denies_insecure_transport`, one function for
code, plans, states and live scans); this rule reads the resulting flow.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import encryption_verdicts
from hds_iac.settings import Settings

FLOW = "https-only policy"


@rule("HDS-TLS-005", kinds=("bucket",))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    yield from encryption_verdicts(inventory.of_kind("bucket"), FLOW, param="detail")
