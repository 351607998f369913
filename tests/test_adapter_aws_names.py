"""How AWS names things (`hds_iac.adapters.aws_names`): ARNs, S3 bucket names, AWS-managed
KMS keys and API tags, read alike by the Terraform and live adapters. A key read as
AWS-managed changes HDS-KEY verdicts; a bucket or account read wrong links a resource to
the wrong one; the mutation run (scripts/mutation.py) showed these had no test."""
from __future__ import annotations

import pytest

from hds_iac.adapters import aws_names


def test_arn_of_a_resource_the_api_gives_none():
    assert aws_names.arn("aws", "ec2", "eu-west-3", "111122223333", "volume/vol-1") == \
        "arn:aws:ec2:eu-west-3:111122223333:volume/vol-1"
    assert aws_names.arn("aws", "iam", None, "111122223333", "user/a") == \
        "arn:aws:iam::111122223333:user/a"


@pytest.mark.parametrize("value, expected", [
    ("arn:aws:iam::111122223333:root", "111122223333"),   # five colons, no region
    ("arn:aws:iam::111122223333", None),                  # four colons: not an ARN of a resource
    ("xarn:aws:kms:eu-west-3:111122223333:key/k", None),
    (111122223333, None),
])
def test_account_from_arn(value, expected):
    assert aws_names.account_from_arn(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("arn:aws:s3:::hds-data", "hds-data"),
    ("arn:aws:s3:::hds-data/key:with:::colons", "hds-data/key:with:::colons"),
    ("hds-data", "hds-data"),
    ("bucket:s3:::x", "bucket:s3:::x"),                   # not an ARN
    ("arn:aws:kms:eu-west-3:1:key/k", "arn:aws:kms:eu-west-3:1:key/k"),
    (None, None),
])
def test_bucket_from_arn(value, expected):
    assert aws_names.bucket_from_arn(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("alias/aws/ebs", True), ("arn:aws:kms:eu-west-3:1:alias/aws/rds", True),
    ("alias/app", False), ("arn:aws:kms:eu-west-3:1:alias/app", False),
    ("arn:aws:kms:eu-west-3:1:key/k", False), ("my/alias/aws/x", False), (None, False),
])
def test_aws_managed_key(value, expected):
    assert aws_names.aws_managed_key(value) is expected


def test_api_tags():
    assert aws_names.api_tags([{"Key": "hds", "Value": "true"}, {"Key": "n"}, "junk"]) == {
        "hds": "true", "n": ""}
    assert aws_names.api_tags({"hds": True}) == {"hds": "True"}
    assert aws_names.api_tags(None) == {}
