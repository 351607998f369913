"""Maps AWS Terraform records (HCL, plans, states; provider 5.x and 6.x) onto the model.

One small function per resource type, registered by type in the family modules
(`terraform_aws_storage`, `terraform_aws_backup`, `terraform_aws_network`,
`terraform_aws_identity`); this module
merges their tables and dispatches. Records read only through other resources (subnets,
parameter groups, policy attachments...) map to nothing. Shared helpers live in
`terraform_aws_common`, IAM policy analysis in `aws_iam`, TLS policy tables in `aws_tls`.
"""
from __future__ import annotations

from hds_iac.adapters import (
    terraform_aws_backup, terraform_aws_identity, terraform_aws_network, terraform_aws_storage,
)
from hds_iac.adapters.terraform import TfIndex
from hds_iac.adapters.terraform_aws_common import Handler
from hds_iac.model import Resource
from hds_iac.terraform.records import TfResource

HANDLERS: dict[str, Handler] = {
    **terraform_aws_storage.HANDLERS,
    **terraform_aws_backup.HANDLERS,
    **terraform_aws_network.HANDLERS,
    **terraform_aws_identity.HANDLERS,
}


def adapt(rec: TfResource, index: TfIndex) -> list[Resource]:
    if rec.provider != "aws" or rec.mode != "managed":
        return []
    handler = HANDLERS.get(rec.type)
    if handler is None:
        return []
    return handler(rec, index)


def supported_types() -> list[str]:
    """Every AWS type the adapter reads (including those read only through others)."""
    return sorted(HANDLERS)
