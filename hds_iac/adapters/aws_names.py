"""How AWS names things: ARNs, regions, availability zones, tags, AWS-managed keys.

One place for every AWS source: the Terraform adapter (HCL, plans, states) and the live
AWS front-end read regions out of ARNs and zones, bucket names and accounts out of ARNs,
and tags out of API answers with these functions, so an ARN means the same thing whichever
way it came in.
"""
from __future__ import annotations

from typing import Any

# One definition for every reader: the plan and state readers (region evidence) and the
# adapters (Terraform and live) read regions out of ARNs and zones alike.
from hds_iac.geography import region_from_arn, region_from_zone

__all__ = ["region_from_arn", "region_from_zone", "arn", "account_from_arn",
           "bucket_from_arn", "aws_managed_key", "api_tags"]

def arn(partition: str, service: str, region: str | None, account: str, path: str) -> str:
    """The ARN AWS gives a resource whose API answer carries none (volumes, groups...)."""
    return f"arn:{partition}:{service}:{region or ''}:{account}:{path}"


def account_from_arn(value: object) -> str | None:
    """The account an ARN names (None for other values and account-less ARNs)."""
    if isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":")[4] or None
    return None


def bucket_from_arn(value: object) -> object:
    """The bucket name of an S3 bucket ARN (`arn:aws:s3:::name`); other values unchanged
    (a bucket is named by its name or its ARN, and S3 ARNs carry no region)."""
    if isinstance(value, str) and value.startswith("arn:") and ":s3:::" in value:
        return value.split(":::", 1)[1]
    return value


def aws_managed_key(value: object) -> bool:
    """An alias of an AWS-managed KMS key (`alias/aws/ebs`, `arn:…:alias/aws/rds`): the
    provider holds it, never the client."""
    return isinstance(value, str) and (":alias/aws/" in value or value.startswith("alias/aws/"))


def api_tags(items: Any) -> dict[str, str]:
    """Tags as the AWS APIs answer them (`[{"Key": k, "Value": v}]`, or a dict for the few
    services that answer one) as a dict."""
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get("Key", "")): str(t.get("Value", "")) for t in items or []
            if isinstance(t, dict)}
