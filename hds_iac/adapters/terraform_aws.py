"""Maps AWS Terraform records (HCL, plans, states; provider 5.x and 6.x) onto the model.

One small function per resource type, registered by type (`@handles`) in the family
modules (`terraform_aws_storage`, `terraform_aws_backup`, `terraform_aws_network`,
`terraform_aws_identity`, `terraform_aws_logging`); importing them here fills the one table `adapt` dispatches on.
Records read only through other resources (subnets, parameter groups, policy
attachments...) map to nothing. Shared helpers live in
`terraform_aws_common`, IAM policy analysis in `aws_iam`, TLS policy tables in `aws_tls`.
"""
from __future__ import annotations

from hds_iac.adapters import (  # noqa: F401 - importing them registers their types
    terraform_aws_backup, terraform_aws_identity, terraform_aws_logging, terraform_aws_network,
    terraform_aws_storage,
)
from hds_iac.adapters.terraform_aws_common import HANDLERS

adapt = HANDLERS.adapt
supported_types = HANDLERS.types
